"""The programmes, in the order every output lists them (POLICY.md; docs/policy.md)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType


class Programme(StrEnum):
    DIBAO = "dibao"
    TEKUN = "tekun"
    MARGINAL_HOUSEHOLD = "marginal_household"
    RIGID_EXPENDITURE_HOUSEHOLD = "rigid_expenditure_household"
    TEMPORARY_ASSISTANCE = "temporary_assistance"
    DISABILITY_LIVING_SUBSIDY = "disability_living_subsidy"
    DISABILITY_CARE_SUBSIDY = "disability_care_subsidy"
    ORPHAN = "orphan"

    @property
    def label(self) -> str:
        return CATALOGUE[self].label

    @property
    def spec(self) -> ProgrammeSpec:
        return CATALOGUE[self]


class Payment(StrEnum):
    MONTHLY = "monthly"  # a confirmation opens an entitlement paid from the next month
    ONE_OFF = "one_off"  # a confirmation grants one amount (临时救助)
    STATUS = "status"  # a recognition with no amount of its own (低保边缘、刚性支出困难)


class Filing(StrEnum):
    """Where an application for the programme may be handed in."""

    HOME = "home"  # the township (or village) of the household's registration
    ANY_WINDOW = "any_window"  # 跨省通办: any window of the province, routed to the county
    EMERGENCY_PLACE = "emergency_place"  # 急难发生地: where the emergency happened


class Exclusion(StrEnum):
    PERSON = "person"  # a person cannot be covered by both
    HOUSEHOLD = "household"  # a household cannot be recognised for both


@dataclass(frozen=True, slots=True)
class ProgrammeSpec:
    """What a programme is, for every context that handles it.

    ``means_tested``: the decision rests on the household's income and assets, so the
    verification report must exist before the initial opinion (逢进必核, POLICY.md §2.7).
    ``published_in_notice``: its recipients appear in the public notice (公示; "谁救助谁公示",
    POLICY.md §4.2: 低保边缘 and 刚性支出 recognitions are not published [V3]; 临时救助 is
    published by the township that gives it, 暂行办法 Art. 48 [V]).
    ``excludes``: the programmes it cannot be combined with, and at which level; the rules
    (``doudi.policy.variables``) implement them, supervision sweeps for overlaps."""

    key: Programme
    label: str
    payment: Payment
    means_tested: bool
    published_in_notice: bool
    filing: Filing = Filing.HOME
    excludes: Mapping[Programme, Exclusion] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def is_one_off(self) -> bool:
        return self.payment == Payment.ONE_OFF


P = Programme
PERSON, HOUSEHOLD = Exclusion.PERSON, Exclusion.HOUSEHOLD


def _excludes(**levels: Exclusion) -> Mapping[Programme, Exclusion]:
    return MappingProxyType({Programme(key): level for key, level in levels.items()})


CATALOGUE: Mapping[Programme, ProgrammeSpec] = MappingProxyType(
    {
        spec.key: spec
        for spec in (
            ProgrammeSpec(
                P.DIBAO,
                "最低生活保障（低保）",
                Payment.MONTHLY,
                means_tested=True,
                published_in_notice=True,
                # 民发〔2021〕43号: a 特困 person leaves the dibao unit; so does a child paid the
                # orphan allowance (docs/policy.md "Exclusivity").
                excludes=_excludes(
                    tekun=PERSON,
                    orphan=PERSON,
                    marginal_household=HOUSEHOLD,
                    rigid_expenditure_household=HOUSEHOLD,
                ),
            ),
            ProgrammeSpec(
                P.TEKUN,
                "特困人员救助供养",
                Payment.MONTHLY,
                means_tested=True,
                published_in_notice=True,
                # A minor qualifying for both is 特困 unless the orphan scheme is chosen; 特困
                # persons get no living subsidy ([R] 国发〔2015〕52号 targets dibao families).
                excludes=_excludes(
                    dibao=PERSON,
                    orphan=PERSON,
                    disability_living_subsidy=PERSON,
                    marginal_household=HOUSEHOLD,
                    rigid_expenditure_household=HOUSEHOLD,
                ),
            ),
            ProgrammeSpec(
                P.MARGINAL_HOUSEHOLD,
                "低保边缘家庭",
                Payment.STATUS,
                means_tested=True,
                published_in_notice=False,
                excludes=_excludes(
                    dibao=HOUSEHOLD, tekun=HOUSEHOLD, rigid_expenditure_household=HOUSEHOLD
                ),
            ),
            ProgrammeSpec(
                P.RIGID_EXPENDITURE_HOUSEHOLD,
                "刚性支出困难家庭",
                Payment.STATUS,
                means_tested=True,
                published_in_notice=False,
                excludes=_excludes(dibao=HOUSEHOLD, tekun=HOUSEHOLD, marginal_household=HOUSEHOLD),
            ),
            ProgrammeSpec(
                P.TEMPORARY_ASSISTANCE,
                "临时救助",
                Payment.ONE_OFF,
                # Decided on the emergency or the expenditure, 先行救助 first (POLICY.md §5).
                means_tested=False,
                published_in_notice=True,
                filing=Filing.EMERGENCY_PLACE,
            ),
            ProgrammeSpec(
                P.DISABILITY_LIVING_SUBSIDY,
                "困难残疾人生活补贴",
                Payment.MONTHLY,
                means_tested=False,
                published_in_notice=False,
                filing=Filing.ANY_WINDOW,
                excludes=_excludes(tekun=PERSON),
            ),
            ProgrammeSpec(
                P.DISABILITY_CARE_SUBSIDY,
                "重度残疾人护理补贴",
                Payment.MONTHLY,
                means_tested=False,
                published_in_notice=False,
                filing=Filing.ANY_WINDOW,
            ),
            ProgrammeSpec(
                P.ORPHAN,
                "孤儿、事实无人抚养儿童基本生活保障",
                Payment.MONTHLY,
                means_tested=False,
                published_in_notice=False,
                excludes=_excludes(tekun=PERSON, dibao=PERSON),
            ),
        )
    }
)

KEYS: tuple[str, ...] = tuple(str(key) for key in CATALOGUE)
# For a model field's ``choices``.
CHOICES: list[tuple[str, str]] = [(str(s.key), s.label) for s in CATALOGUE.values()]


def spec(key: str) -> ProgrammeSpec:
    """The programme ``key``; ``KeyError`` naming it when there is no such programme."""
    try:
        return CATALOGUE[Programme(key)]
    except ValueError:
        raise KeyError(key) from None


def label(key: str) -> str:
    """The Chinese label of ``key``, or ``key`` itself for a value no programme has."""
    try:
        return spec(key).label
    except KeyError:
        return key


def _keys(predicate) -> frozenset[str]:  # type: ignore[no-untyped-def]
    return frozenset(str(s.key) for s in CATALOGUE.values() if predicate(s))


MEANS_TESTED = _keys(lambda s: s.means_tested)
ONE_OFF = _keys(lambda s: s.payment == Payment.ONE_OFF)
# Confirmed into a monthly entitlement row (the status programmes too: their row says the
# household is recognised, with amount 0).
MONTHLY = frozenset(KEYS) - ONE_OFF
PUBLISHED_IN_NOTICE = _keys(lambda s: s.published_in_notice)
CROSS_REGION = _keys(lambda s: s.filing == Filing.ANY_WINDOW)
AT_EMERGENCY_PLACE = _keys(lambda s: s.filing == Filing.EMERGENCY_PLACE)
