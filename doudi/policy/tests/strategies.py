"""Hypothesis strategies for situations in their JSON form (synthetic households, never real)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from doudi.core import divisions
from doudi.policy import codes

MONTHS = (
    "2021-11",
    "2021-12",
    "2022-03",
    "2022-04",
    "2023-03",
    "2023-07",
    "2024-07",
    "2025-06",
    "2025-07",
)
COUNTIES = tuple(divisions.fujian_counties())


def yuan(max_yuan: int) -> st.SearchStrategy[str]:
    return st.integers(min_value=0, max_value=max_yuan * 100).map(
        lambda fen: f"{fen // 100}.{fen % 100:02d}"
    )


def incomes() -> st.SearchStrategy[list[dict[str, Any]]]:
    income = st.builds(
        lambda kind, monthly, stable: {
            "type": kind,
            "monthly": monthly,
            **({"stable": stable} if kind == "wage" else {}),
        },
        st.sampled_from(sorted(codes.INCOME_TYPES)),
        st.one_of(yuan(1500), yuan(6000)),
        st.booleans(),
    )
    return st.lists(income, max_size=3)


@st.composite
def members(
    draw: st.DrawFn, *, month: str, vulnerable: bool = True, tekun: bool = True
) -> list[dict[str, Any]]:
    """1–5 members; `vulnerable=False` leaves out severe disability and serious illness (the
    individual-coverage cliff), `tekun=False` leaves out the tekun supporter flag."""
    count = draw(st.integers(min_value=1, max_value=5))
    year = int(month[:4])
    found = []
    for index in range(count):
        birth_year = draw(st.integers(min_value=1930, max_value=year - 1))
        grade = draw(st.sampled_from([0, 0, 0, 1, 2, 3, 4]))
        kind = draw(st.sampled_from(sorted(codes.DISABILITY_LABELS)))
        if not vulnerable and (
            grade in (1, 2) or (grade == 3 and kind in ("intellectual", "mental"))
        ):
            grade = 4
        member: dict[str, Any] = {
            "id": f"m{index + 1}",
            "relation": "head" if index == 0 else draw(st.sampled_from(codes.RELATIONS[1:])),
            "birth_date": f"{birth_year}-{draw(st.integers(1, 12)):02d}-{draw(st.integers(1, 28)):02d}",
            "counted": draw(st.sampled_from([True, True, True, False])),
            "in_school": draw(st.sampled_from(sorted(codes.SCHOOLING))),
            "disability": {"type": kind, "grade": grade} if grade else None,
            "serious_illness": vulnerable and draw(st.booleans()),
            "self_care_failed_items": draw(st.integers(0, 6)),
            "incomes": draw(incomes()),
            "tekun": {
                "supporters_unable": tekun and draw(st.booleans()),
                "centralised": draw(st.booleans()),
                "recognised": draw(st.booleans()),
            },
        }
        if year - birth_year < 19 and draw(st.integers(0, 4)) == 0:
            member["orphan"] = {
                "kind": draw(st.sampled_from(sorted(codes.ORPHAN_LABELS))),
                "institution": draw(st.booleans()),
                "chooses_orphan_scheme": draw(st.booleans()),
            }
        found.append(member)
    return found


@st.composite
def situations(
    draw: st.DrawFn,
    *,
    months: tuple[str, ...] = MONTHS,
    vulnerable: bool = True,
    tekun: bool = True,
    extras: bool = True,
) -> dict[str, Any]:
    month = draw(st.sampled_from(months))
    situation: dict[str, Any] = {
        "month": month,
        "region": draw(st.sampled_from(COUNTIES)),
        "members": draw(members(month=month, vulnerable=vulnerable, tekun=tekun)),
        "assets": {
            "financial": draw(st.sampled_from(["0.00", "0.00", "5000.00", "20000.00", "80000.00"])),
            "vehicles": draw(st.sampled_from([0] * 7 + [1])),
            "real_estate": draw(st.sampled_from([0, 1, 1, 1, 1, 1, 1, 2])),
            "business_registrations": draw(st.sampled_from([0] * 7 + [1])),
        },
        "expenses": {
            "medical_12m": draw(st.one_of(yuan(40000), st.sampled_from(["30000.00", "60000.00"]))),
            "education_12m": draw(st.one_of(yuan(20000), st.sampled_from(["15000.00"]))),
            "rehabilitation_12m": draw(yuan(10000)),
        },
    }
    if draw(st.booleans()):  # a main earner spreads households across all income bands
        wage = draw(st.sampled_from(["1500.00", "2600.00", "3900.00", "5200.00", "9000.00"]))
        situation["members"][0]["incomes"].append({"type": "wage", "monthly": wage})
    if month < "2023-07":  # no orphan standard recorded before 2023-07
        for member in situation["members"]:
            member.pop("orphan", None)
    if extras and draw(st.booleans()):
        situation["phase_out"] = {
            "months_since_exit": draw(st.integers(1, 12)),
            "previous_amount": draw(yuan(3000)),
            "still_in_difficulty": draw(st.booleans()),
        }
    if extras and draw(st.booleans()):
        situation["temporary"] = {
            "kind": draw(st.sampled_from(["emergency", "expenditure"])),
            "requested": draw(yuan(20000)),
            "reason": "演示事由",
            "repeat_within_year": draw(st.booleans()),
            "repeat_justification": draw(st.sampled_from([None, "再次受灾"])),
        }
    return situation
