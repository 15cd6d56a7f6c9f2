"""The review case's forms: the situation found at the review (declared incomes and assets per
member, 特困 support facts) and how each action's fields become the call of its reviews service
(``HANDLERS``)."""

from __future__ import annotations

from typing import Any

from doudi.core.exceptions import ApplicationError
from doudi.intake.services import Declaration, IncomeSpec
from doudi.registry.selectors import counted_members
from doudi.reviews import services
from doudi.reviews.models import ReviewCase

INCOME_TYPES = [
    ("wage", "工资性收入"),
    ("business", "经营净收入"),
    ("property", "财产净收入"),
    ("pension", "离退休金、养老金"),
    ("support", "赡养费、抚养费、扶养费"),
    ("unemployment", "失业保险金"),
    ("other", "其他应计入的收入"),
]
ASSET_FIELDS = [
    ("financial", "金融资产（元）"),
    ("vehicles", "机动车辆（辆）"),
    ("real_estate", "房产（套）"),
    ("business_registrations", "工商登记（户）"),
]


def review_declaration(review: ReviewCase, post: Any) -> Declaration:
    incomes = []
    for membership in counted_members(review.household):
        key = str(membership.person.public_id)
        monthly = post.get(f"income_{key}", "").strip()
        if monthly:
            incomes.append(
                IncomeSpec(
                    person=membership.person,
                    type=post.get(f"income_type_{key}", "wage"),
                    monthly=monthly,
                    stable=post.get(f"unstable_{key}") != "on",
                )
            )
    assets: dict[str, Any] = {}
    for field, label in ASSET_FIELDS:
        value = post.get(f"asset_{field}", "").strip()
        if not value:
            continue
        if field == "financial":
            assets[field] = value
        elif value.isdigit():
            assets[field] = int(value)
        else:
            raise ApplicationError(f"{label}须为不小于 0 的整数", field=f"asset_{field}")
    return Declaration(incomes=incomes, assets=assets)


def supporters_unable(review: ReviewCase, post: Any) -> dict[str, bool]:
    found = {}
    for membership in counted_members(review.household):
        key = str(membership.person.public_id)
        value = post.get(f"supporters_unable_{key}", "")
        if value in ("yes", "no"):
            found[key] = value == "yes"
    return found


HANDLERS = {
    "record_situation": lambda common, review, post: services.review_record_situation(
        **common,
        declaration=review_declaration(review, post),
        still_in_difficulty=post.get("still_in_difficulty") == "on",
        supporters_unable=supporters_unable(review, post),
        findings=post.get("findings", ""),
    ),
    "propose": lambda common, review, post: services.review_propose(
        **common, reason=post.get("reason", ""), suspend=post.get("suspend") == "on"
    ),
    "record_objection": lambda common, review, post: services.review_record_objection(
        **common, objection=post.get("objection", "")
    ),
    "decide": lambda common, review, post: services.review_decide(
        **common, reason=post.get("reason", "")
    ),
    "return": lambda common, review, post: services.review_return(
        **common, reason=post.get("reason", "")
    ),
}
