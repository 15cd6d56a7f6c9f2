"""The situation: an immutable description of one household in one month.

The JSON form is documented in docs/policy.md ("Situation format") and read strictly by
`doudi.policy.parser.parse_situation`. Amounts are `Decimal` yuan with two decimals.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from doudi.policy import codes


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem: the field path (`members[0].incomes[1].type`) and a Chinese message."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}：{self.message}"


class SituationError(ValueError):
    """The situation cannot be evaluated; `problems` lists every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(problem) for problem in problems))


@dataclass(frozen=True, slots=True)
class Income:
    type: str
    monthly: Decimal
    stable: bool = True


@dataclass(frozen=True, slots=True)
class Disability:
    type: str
    grade: int


@dataclass(frozen=True, slots=True)
class TekunOptions:
    supporters_unable: bool = False
    centralised: bool = False
    recognised: bool = False


@dataclass(frozen=True, slots=True)
class OrphanOptions:
    kind: str
    institution: bool = False
    chooses_orphan_scheme: bool = False


@dataclass(frozen=True, slots=True)
class Member:
    id: str
    relation: str
    birth_date: datetime.date
    counted: bool
    labour_capacity: bool = False
    in_school: str = "none"
    disability: Disability | None = None
    serious_illness: bool = False
    self_care_failed_items: int = 0
    incomes: tuple[Income, ...] = ()
    tekun: TekunOptions = field(default_factory=TekunOptions)
    orphan: OrphanOptions | None = None
    # How reasons name the member: the name where the situation carries one, else the id.
    name: str = ""

    @property
    def label(self) -> str:
        return self.name or self.id


@dataclass(frozen=True, slots=True)
class Assets:
    financial: Decimal = Decimal("0.00")
    vehicles: int = 0
    real_estate: int = 0
    business_registrations: int = 0


@dataclass(frozen=True, slots=True)
class Expenses:
    medical_12m: Decimal = Decimal("0.00")
    education_12m: Decimal = Decimal("0.00")
    rehabilitation_12m: Decimal = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class PhaseOut:
    months_since_exit: int
    previous_amount: Decimal
    still_in_difficulty: bool = False


@dataclass(frozen=True, slots=True)
class Temporary:
    kind: str
    requested: Decimal
    reason: str
    repeat_within_year: bool = False
    repeat_justification: str | None = None


@dataclass(frozen=True, slots=True)
class Situation:
    """One household in one assessment month (`month` is 'YYYY-MM', `region` a county code)."""

    month: str
    region: str
    members: tuple[Member, ...]
    assets: Assets = field(default_factory=Assets)
    expenses: Expenses = field(default_factory=Expenses)
    overrides: Mapping[str, str] = field(default_factory=dict)
    programmes: tuple[str, ...] = tuple(codes.PROGRAMMES)
    phase_out: PhaseOut | None = None
    temporary: Temporary | None = None
    # "urban" or "rural" picks a local standard set for that area where one exists; "" = unified.
    area_type: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The JSON form, accepted back by `parse_situation` (amounts as yuan strings)."""
        return _to_json(self)


def _to_json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_to_json(item) for item in value]
    if isinstance(value, Mapping):
        return {key: _to_json(item) for key, item in value.items()}
    if hasattr(value, "__dataclass_fields__"):
        return {
            name: _to_json(getattr(value, name))
            for name in value.__dataclass_fields__
            # A member's name is optional: left out when there is none, as it was given.
            if not (name == "name" and getattr(value, name) == "")
        }
    return value
