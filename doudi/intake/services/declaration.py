"""What a household declares on the one form besides the registry (incomes, assets, expenses,
the temporary-assistance request, the 特困 and orphan facts of its members), and the situation the
rules read from it: its JSON form as stored and printed (`declaration_json`) and the typed
`Situation` read once from that form (`declared_situation`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from doudi.core.exceptions import ApplicationError
from doudi.core.money import amount_parse
from doudi.intake.models import SignedBy
from doudi.policy import Situation
from doudi.policy.codes import TEMPORARY_LABELS
from doudi.programmes import Programme
from doudi.registry.models import Household, Membership, Person
from doudi.standards.engine import situation_from_json

# -- inputs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConsentSpec:
    """A signed 授权核对书 for one member."""

    person: Person
    signed_by: str = SignedBy.SELF
    proxy_reason: str = ""


@dataclass(frozen=True)
class IncomeSpec:
    """A declared monthly income of one member (types as in docs/policy.md)."""

    person: Person
    type: str
    monthly: str
    stable: bool = True


ORPHAN_KINDS = {"orphan": "孤儿", "unsupported_child": "事实无人抚养儿童"}


@dataclass(frozen=True)
class MemberFacts:
    """What the window records of one counted member besides the registry, for 特困 and orphan
    support (docs/policy.md ``members[].tekun``, ``.self_care_failed_items``, ``.orphan``): no
    legal supporter or supporters unable (judged by the caseworker, verified at the home visit),
    集中供养, how many of the six daily activities are not achieved, and the child's orphan status."""

    person: Person
    supporters_unable: bool = False
    centralised: bool = False
    self_care_failed_items: int = 0
    orphan_kind: str = ""  # "" / orphan / unsupported_child
    orphan_institution: bool = False
    chooses_orphan_scheme: bool = True


@dataclass(frozen=True)
class Declaration:
    """What the household declares besides the registry: incomes, assets and expenses."""

    incomes: Sequence[IncomeSpec] = ()
    assets: dict[str, Any] = dataclasses.field(default_factory=dict)
    expenses: dict[str, Any] = dataclasses.field(default_factory=dict)
    # 临时救助 request (docs/policy.md ``temporary``); required exactly when temporary assistance
    # is among the programmes (:func:`clean_temporary`).
    temporary: TemporarySpec | None = None
    # 特困 / orphan facts per counted member (:class:`MemberFacts`); members without are plain.
    member_facts: Sequence[MemberFacts] = ()


@dataclass(frozen=True)
class TemporarySpec:
    """The temporary-assistance request: kind (``emergency`` 急难型 / ``expenditure`` 支出型),
    the amount asked (yuan), the reason, and whether help was given for the same reason within
    a year (then with a justification)."""

    kind: str = ""
    requested: Any = ""
    reason: str = ""
    repeat_within_year: bool = False
    repeat_justification: str = ""


# -- the situation ----------------------------------------------------------------------------------


def _member_situation(membership: Membership, incomes: list[dict[str, Any]]) -> dict[str, Any]:
    person = membership.person
    schooling = person.schooling if person.schooling != "preschool" else "none"
    member: dict[str, Any] = {
        "id": str(person.public_id),
        "name": person.name,  # reasons name members by name, not by id
        "relation": membership.relation,
        "birth_date": person.birth_date.isoformat(),
        "counted": True,
        "labour_capacity": person.labour_capacity,
        "in_school": schooling or "none",
        "serious_illness": person.serious_illness,
        "incomes": incomes,
    }
    if person.disability_type and person.disability_grade:
        member["disability"] = {"type": person.disability_type, "grade": person.disability_grade}
    return member


def declared_situation(
    *, household: Household, declaration: Declaration, month: str, region: str = ""
) -> Situation:
    """The typed policy situation of the household's counted members with what was declared,
    read once through the policy parser (``ApplicationError`` listing every problem). Incomes of
    persons who are not counted members are refused. ``region`` is the county whose standards
    apply (default: the household's)."""
    return situation_from_json(
        declaration_json(household=household, declaration=declaration, month=month, region=region),
        field="situation",
    )


def declaration_json(
    *, household: Household, declaration: Declaration, month: str, region: str = ""
) -> dict[str, Any]:
    """The JSON form of the situation (docs/policy.md) as declared: what the case stores and the
    printed application form shows (only what was declared, in the declared units)."""
    counted = list(
        household.memberships.filter(is_active=True, is_counted=True)
        .select_related("person")
        .order_by("id")
    )
    by_person: dict[int, list[dict[str, Any]]] = {m.person_id: [] for m in counted}
    for index, income in enumerate(declaration.incomes):
        if income.person.pk not in by_person:
            raise ApplicationError(
                f"{income.person.name}不是本家庭的共同生活家庭成员，不能申报其收入",
                field=f"incomes[{index}].person",
            )
        by_person[income.person.pk].append(
            {"type": income.type, "monthly": str(income.monthly), "stable": income.stable}
        )
    facts = _member_facts(declaration.member_facts, set(by_person))
    situation: dict[str, Any] = {
        "month": month,
        "region": region or household.county_code,
        "area_type": household.area_type,
        "members": [
            {**_member_situation(m, by_person[m.person_id]), **facts.get(m.person_id, {})}
            for m in counted
        ],
    }
    if declaration.assets:
        situation["assets"] = dict(declaration.assets)
    if declaration.expenses:
        situation["expenses"] = dict(declaration.expenses)
    if declaration.temporary is not None:
        situation["temporary"] = temporary_situation(declaration.temporary)
    return situation


def _member_facts(facts: Sequence[MemberFacts], counted: set[int]) -> dict[int, dict[str, Any]]:
    """person id → the situation keys of their facts; refused for a person who is not a counted
    member, a person given twice, a count outside 0–6 or an unknown orphan status."""
    result: dict[int, dict[str, Any]] = {}
    for index, fact in enumerate(facts):
        field = f"member_facts[{index}]"
        if fact.person.pk not in counted:
            raise ApplicationError(
                f"{fact.person.name}不是本家庭的共同生活家庭成员", field=f"{field}.person"
            )
        if fact.person.pk in result:
            raise ApplicationError(f"{fact.person.name}的情况重复填写", field=f"{field}.person")
        items = fact.self_care_failed_items
        if isinstance(items, bool) or not isinstance(items, int) or not 0 <= items <= 6:
            raise ApplicationError(
                "生活不能自理项数应为 0 至 6 的整数", field=f"{field}.self_care_failed_items"
            )
        if fact.orphan_kind and fact.orphan_kind not in ORPHAN_KINDS:
            raise ApplicationError(
                f"孤儿身份取值无效：{fact.orphan_kind!r}，可选：孤儿、事实无人抚养儿童",
                field=f"{field}.orphan_kind",
            )
        entry: dict[str, Any] = {
            "tekun": {
                "supporters_unable": fact.supporters_unable,
                "centralised": fact.centralised,
                "recognised": False,
            },
            "self_care_failed_items": items,
        }
        if fact.orphan_kind:
            entry["orphan"] = {
                "kind": fact.orphan_kind,
                "institution": fact.orphan_institution,
                "chooses_orphan_scheme": fact.chooses_orphan_scheme,
            }
        result[fact.person.pk] = entry
    return result


# -- the temporary-assistance request ----------------------------------------------------------

TEMPORARY_REASON_MAX = 200
TEMPORARY_REQUESTED_MAX = Decimal("10000000")


def _requested(value: Any) -> Decimal:
    """The amount asked, in yuan: positive, at most two decimals."""
    return amount_parse(
        value,
        field="temporary.requested",
        label="临时救助申请金额",
        maximum=TEMPORARY_REQUESTED_MAX,
    )


def clean_temporary(programmes: Sequence[str], temporary: TemporarySpec | None) -> None:
    """Required, and complete, exactly when temporary assistance is requested; refused otherwise
    (a declared emergency on an application that does not ask for 临时救助 would be lost)."""
    requested = Programme.TEMPORARY_ASSISTANCE.value in programmes
    if temporary is None:
        if requested:
            raise ApplicationError(
                "申请临时救助须填写临时救助类型、申请金额和事由", field="temporary"
            )
        return
    if not requested:
        raise ApplicationError(
            "未勾选临时救助项目，不能填写临时救助申请情况；请勾选临时救助或清空这些内容",
            field="temporary",
        )
    if temporary.kind not in TEMPORARY_LABELS:
        allowed = "、".join(f"{v}（{label}）" for v, label in TEMPORARY_LABELS.items())
        message = (
            "请选择临时救助类型"
            if not str(temporary.kind or "").strip()
            else f"临时救助类型取值无效：{temporary.kind!r}"
        )
        raise ApplicationError(f"{message}，可选：{allowed}", field="temporary.kind")
    _requested(temporary.requested)
    reason = (temporary.reason or "").strip() if isinstance(temporary.reason, str) else ""
    if not reason:
        raise ApplicationError("请填写临时救助事由", field="temporary.reason")
    if len(reason) > TEMPORARY_REASON_MAX:
        raise ApplicationError(
            f"临时救助事由不能超过{TEMPORARY_REASON_MAX}个字", field="temporary.reason"
        )
    justification = (temporary.repeat_justification or "").strip()
    if justification and not temporary.repeat_within_year:
        raise ApplicationError(
            "未申报一年内因同一事由获得过临时救助，不需要填写再次救助的理由",
            field="temporary.repeat_justification",
        )
    if len(justification) > TEMPORARY_REASON_MAX:
        raise ApplicationError(
            f"再次救助的理由不能超过{TEMPORARY_REASON_MAX}个字",
            field="temporary.repeat_justification",
        )


def temporary_situation(temporary: TemporarySpec) -> dict[str, Any]:
    """The ``temporary`` block of the policy situation (call :func:`clean_temporary` first)."""
    block: dict[str, Any] = {
        "kind": temporary.kind,
        "requested": str(_requested(temporary.requested)),
        "reason": temporary.reason.strip(),
        "repeat_within_year": bool(temporary.repeat_within_year),
    }
    justification = (temporary.repeat_justification or "").strip()
    if justification:
        block["repeat_justification"] = justification
    return block
