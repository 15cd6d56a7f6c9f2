"""The one application form's fields (一件事一次办), read from a POST into intake's typed
declaration and consents. The staff form (``doudi.web.intake``) and the applicants' online form
(``doudi.portal``) both read it here, so the two cannot drift apart."""

from __future__ import annotations

from typing import Any

from doudi.core.exceptions import ApplicationError
from doudi.intake import services
from doudi.intake.models import SignedBy
from doudi.policy.codes import INCOME_TYPES, TEMPORARY_LABELS
from doudi.programmes import CHOICES as PROGRAMME_CHOICES
from doudi.programmes import Programme
from doudi.referrals.models import Need
from doudi.registry.models import Membership

INCOME_ROWS = 2  # declared incomes per member on the form
ASSETS = [
    ("financial", "金融资产（元）", "decimal"),
    ("vehicles", "需申报的机动车（辆）", "count"),
    ("real_estate", "房产（套）", "count"),
    ("business_registrations", "工商登记（户）", "count"),
]


def form_rows(members: list[Membership], post: Any) -> list[dict[str, Any]]:
    """One row per counted member, with what was posted (empty on GET)."""
    rows = []
    for membership in members:
        key = str(membership.person.public_id)
        rows.append(
            {
                "membership": membership,
                "key": key,
                "consent": post.get(f"consent_{key}") == "on",
                "signed_by": post.get(f"signed_by_{key}", SignedBy.SELF),
                "proxy_reason": post.get(f"proxy_reason_{key}", ""),
                "incomes": [
                    {
                        "n": n,
                        "type": post.get(f"income_type_{key}_{n}", ""),
                        "amount": post.get(f"income_amount_{key}_{n}", ""),
                    }
                    for n in range(INCOME_ROWS)
                ],
                "supporters_unable": post.get(f"supporters_unable_{key}") == "on",
                "centralised": post.get(f"centralised_{key}") == "on",
                "self_care_failed_items": post.get(f"self_care_failed_items_{key}", "0"),
                "orphan_kind": post.get(f"orphan_kind_{key}", ""),
                "orphan_institution": post.get(f"orphan_institution_{key}") == "on",
            }
        )
    return rows


def form_member_facts(rows: list[dict[str, Any]]) -> list[services.MemberFacts]:
    """特困 / orphan facts of the members for whom anything was ticked or chosen."""
    facts = []
    for row in rows:
        items = str(row["self_care_failed_items"]).strip() or "0"
        if not items.isdigit():
            raise ApplicationError(
                "生活不能自理项数应为 0 至 6 的整数",
                field=f"self_care_failed_items_{row['key']}",
            )
        if not (
            row["supporters_unable"]
            or row["centralised"]
            or int(items)
            or row["orphan_kind"]
            or row["orphan_institution"]
        ):
            continue
        facts.append(
            services.MemberFacts(
                person=row["membership"].person,
                supporters_unable=row["supporters_unable"],
                centralised=row["centralised"],
                self_care_failed_items=int(items),
                orphan_kind=row["orphan_kind"],
                orphan_institution=row["orphan_institution"],
            )
        )
    return facts


def form_assets(post: Any) -> dict[str, Any]:
    assets: dict[str, Any] = {}
    for key, label, kind in ASSETS:
        value = post.get(f"asset_{key}", "").strip()
        if not value:
            continue
        if kind == "count":
            if not value.isdigit():
                raise ApplicationError(f"{label}须为不小于 0 的整数", field=f"assets.{key}")
            assets[key] = int(value)
        else:
            assets[key] = value
    return assets


def form_consents(rows: list[dict[str, Any]]) -> list[services.ConsentSpec]:
    return [
        services.ConsentSpec(
            person=row["membership"].person,
            signed_by=row["signed_by"],
            proxy_reason=row["proxy_reason"].strip(),
        )
        for row in rows
        if row["consent"]
    ]


def form_declaration(rows: list[dict[str, Any]], post: Any) -> services.Declaration:
    incomes = [
        services.IncomeSpec(
            person=row["membership"].person, type=income["type"], monthly=income["amount"].strip()
        )
        for row in rows
        for income in row["incomes"]
        if income["type"] or income["amount"].strip()
    ]
    return services.Declaration(
        incomes=incomes,
        assets=form_assets(post),
        temporary=form_temporary(post),
        member_facts=form_member_facts(rows),
    )


def form_temporary(post: Any) -> services.TemporarySpec | None:
    """The 临时救助 fields, read only when temporary assistance is ticked (the form always shows
    them; left over values of an unticked programme are ignored, not stored). Blank required
    fields are refused by the service with the field named."""
    if Programme.TEMPORARY_ASSISTANCE.value not in post.getlist("programmes"):
        return None
    repeat = post.get("temporary_repeat_within_year") == "on"
    return services.TemporarySpec(
        kind=post.get("temporary_kind", "").strip(),
        requested=post.get("temporary_requested", "").strip(),
        reason=post.get("temporary_reason", "").strip(),
        repeat_within_year=repeat,
        repeat_justification=post.get("temporary_repeat_justification", "").strip()
        if repeat
        else "",
    )


def form_context(post: Any, *, programmes: list[str]) -> dict[str, Any]:
    """What every version of the form shows besides the members: programmes, needs, assets."""
    chosen = post.getlist("programmes") if post else []
    needs = post.getlist("needs") if post else []
    return {
        "programmes": [
            (value, label, value in chosen)
            for value, label in PROGRAMME_CHOICES
            if value in programmes
        ],
        "needs": [(value, label, value in needs) for value, label in Need.choices],
        "signed_by_choices": SignedBy.choices,
        "income_types": list(INCOME_TYPES.items()),
        "orphan_kinds": list(services.ORPHAN_KINDS.items()),
        "assets": [(key, label, post.get(f"asset_{key}", "")) for key, label, _ in ASSETS],
        "temporary_offered": Programme.TEMPORARY_ASSISTANCE.value in programmes,
        "temporary_kinds": list(TEMPORARY_LABELS.items()),
        "temporary": {
            "kind": post.get("temporary_kind", ""),
            "requested": post.get("temporary_requested", ""),
            "reason": post.get("temporary_reason", ""),
            "repeat_within_year": post.get("temporary_repeat_within_year") == "on",
            "repeat_justification": post.get("temporary_repeat_justification", ""),
        },
    }
