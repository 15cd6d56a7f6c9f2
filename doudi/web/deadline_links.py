"""The dashboard's open deadlines, as the user can act on them: what the deadline belongs to (in
Chinese), the step it limits, and a link to the page where it is handled.

`core.Deadline` rows only know an object type and id. Each object type is listed here with the
permission needed to see such objects, so a partner department or an analyst is never shown
another area's case numbers, and with the model whose public id makes the link."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from doudi.accounts.permissions import Permission
from doudi.accounts.scoping import Actor
from doudi.core.models import Deadline
from doudi.core.selectors import public_ids as object_public_ids
from doudi.intake.workflow import DEADLINE_RULES as INTAKE_RULES
from doudi.relief.dates import DEADLINE_RULES as RELIEF_RULES
from doudi.reviews.dates import DEADLINE_RULES as REVIEW_RULES


@dataclass(frozen=True)
class DeadlineOwner:
    label: str
    permission: Permission
    model: str  # app_label.ModelName
    url_name: str


OWNERS: dict[str, DeadlineOwner] = {
    "intake.application": DeadlineOwner(
        "救助申请", Permission.INTAKE_VIEW, "intake.Application", "web:application_detail"
    ),
    "referrals.referral": DeadlineOwner(
        "转介单", Permission.REFERRAL_VIEW, "referrals.Referral", "web:referral_detail"
    ),
    "relief.advance": DeadlineOwner(
        "先行救助",
        Permission.RESERVE_FUND_VIEW,
        "relief.AdvancePayment",
        "web:relief_advance_detail",
    ),
    "reviews.reviewcase": DeadlineOwner(
        "复核案件", Permission.INTAKE_VIEW, "reviews.ReviewCase", "web:review_detail"
    ),
    "verification.verificationreport": DeadlineOwner(
        "核对报告",
        Permission.VERIFICATION_SIGN,
        "verification.VerificationReport",
        "web:verification_report",
    ),
}

KIND_LABELS = {
    code: rule.label
    for rules in (INTAKE_RULES, REVIEW_RULES, RELIEF_RULES)
    for code, rule in rules.items()
} | {
    "referral_answer": "协同部门答复转介",
    "verification_sign": "核对中心签发核对报告",
}


@dataclass(frozen=True)
class DeadlineRow:
    deadline: Deadline
    owner_label: str
    kind_label: str
    url: str | None


def visible_object_types(actor: Actor) -> list[str]:
    """The object types whose deadlines the actor may see."""
    return [name for name, owner in OWNERS.items() if actor.can(owner.permission)]


def deadline_rows(actor: Actor, deadlines: list[Deadline]) -> list[DeadlineRow]:
    """The deadlines the actor may see, labelled and linked; others are left out."""
    allowed = set(visible_object_types(actor))
    visible = [d for d in deadlines if d.object_type in allowed]
    public_ids: dict[tuple[str, str], str] = {}
    for object_type in {d.object_type for d in visible}:
        owner = OWNERS[object_type]
        ids = [int(d.object_id) for d in visible if d.object_type == object_type]
        for pk, public_id in object_public_ids(owner.model, ids).items():
            public_ids[(object_type, str(pk))] = public_id
    rows = []
    for deadline in visible:
        owner = OWNERS[deadline.object_type]
        public_id = public_ids.get((deadline.object_type, deadline.object_id))
        rows.append(
            DeadlineRow(
                deadline=deadline,
                owner_label=owner.label,
                kind_label=KIND_LABELS.get(deadline.kind, deadline.kind),
                url=reverse(owner.url_name, args=[public_id]) if public_id else None,
            )
        )
    return rows
