"""Synthetic persons and households for tests. ID numbers are generated with valid check
characters; they belong to nobody."""

from __future__ import annotations

import itertools
from datetime import date

from doudi.core import idcard
from doudi.registry import services
from doudi.registry.services import MemberSpec, PersonFacts

_sequence = itertools.count()
# Sequence codes 201-999: the numbers tests write out by hand use 000-123, so a generated number
# never equals one of them, also after the counter has gone round (it used to wrap to 000).
_FIRST, _CODES = 201, 799


def make_id_number(birth: date, *, sex: str = "M", address: str = "350112") -> str:
    """A valid 18-digit number; the sequence code's parity gives the sex (odd = male)."""
    while True:
        seq = _FIRST + next(_sequence) % _CODES
        if (seq % 2 == 1) == (sex == "M"):
            break
    first17 = f"{address}{birth:%Y%m%d}{seq:03d}"
    return first17 + idcard.check_character(first17)


def person_facts(
    name: str, birth: date, *, sex: str = "M", village: str = "350112001001", **overrides: object
) -> PersonFacts:
    values: dict[str, object] = {
        "name": name,
        "id_number": make_id_number(birth, sex=sex),
        "hukou_region_code": village,
        "hukou_type": "urban",
        "residence_region_code": village,
    }
    values.update(overrides)
    return PersonFacts(**values)  # type: ignore[arg-type]


def register_household(
    actor, *, village: str = "350112001001", address: str = "吴航街道兴华社区1号", members=None
):  # type: ignore[no-untyped-def]
    """A three-person household: head, spouse and a minor child."""
    members = members or [
        MemberSpec(
            relation="head", facts=person_facts("林建国", date(1980, 5, 17), village=village)
        ),
        MemberSpec(
            relation="spouse",
            facts=person_facts("陈秀英", date(1982, 3, 8), sex="F", village=village),
        ),
        MemberSpec(
            relation="child",
            facts=person_facts("林小雨", date(2015, 9, 1), sex="F", village=village),
        ),
    ]
    return services.household_register(
        actor=actor,
        village_code=village,
        address=address,
        area_type="urban",
        members=members,
        reason="首次登记",
    )
