"""The `BatchResult` rows of a run: one per selected household, screened or not, with the
reason in Chinese."""

from __future__ import annotations

from typing import Any

from doudi.verification import sources as S
from doudi.verification.batch_services.selection import _Selection
from doudi.verification.findings import Limits
from doudi.verification.models import BatchOutcome

NO_CONSENT_RULE = "no_valid_consent"
NO_MEMBERS_RULE = "no_counted_members"
NO_CONSENT_REASON = "无有效核对授权"
NO_MEMBERS_REASON = "没有共同生活家庭成员，未核对"
RESULT_FIELDS = (
    "household",
    "conclusion",
    "rule",
    "reason",
    "counted_members",
    "monthly_income",
    "financial",
    "financial_limit",
    "vehicles",
    "dwellings",
    "businesses",
    "sources_not_checked",
    "members_without_consent",
)


def _asset_reason(row: dict[str, Any], limits: Limits) -> str:
    """Each asset found above its limit, financial assets first."""
    messages = []
    if row["financial"] > row["financial_limit"]:
        messages.append(
            f"家庭{S.ASSET_LABELS[S.FINANCIAL]}：查到 {row['financial']} 元，超过限额 "
            f"{row['financial_limit']} 元（{limits.financial_months} 个月 × 低保标准 "
            f"{limits.standard} 元 × {row['counted']} 人）"
        )
    for category, found, limit in (
        (S.VEHICLES, row["vehicles"], limits.vehicles_max),
        (S.REAL_ESTATE, row["dwellings"], limits.real_estate_max),
        (S.BUSINESS_REGISTRATIONS, row["businesses"], limits.business_registrations_max),
    ):
        if found > limit:
            messages.append(f"家庭{S.ASSET_LABELS[category]}：查到 {found} 项，超过限额 {limit} 项")
    return "；".join(messages)


def _reason(row: dict[str, Any], limits: Limits, not_checked: list[str]) -> str:
    """The Chinese reason, worded as a report's decisive flags (findings.assemble)."""
    if row["rule"] == "asset_limit_breach":
        return _asset_reason(row, limits)
    if row["rule"] == "source_not_checked":
        return "；".join(
            f"“{S.SOURCE_BY_NAME[source].label}”尚未报送数据，该项未核对（不作为零值）"
            for source in not_checked
        )
    return "各数据源查到的财产未超过限额（无申报，未作收入比对）"


def _screened_results(
    rows: list[dict[str, Any]],
    selection: _Selection,
    limits: dict[str, Limits],
    not_checked: list[str],
) -> list[tuple[Any, ...]]:
    """One result per screened household: the screen's figures and the reason."""
    by_household = {h.pk: h for h in selection.screened}
    return [
        (
            row["household_id"],
            row["conclusion"],
            row["rule"],
            _reason(row, limits[by_household[row["household_id"]].limits_key], not_checked),
            row["counted"],
            row["monthly_income"],
            row["financial"],
            row["financial_limit"],
            row["vehicles"],
            row["dwellings"],
            row["businesses"],
            not_checked,
            [],
        )
        for row in rows
    ]


def _skipped_results(selection: _Selection) -> list[tuple[Any, ...]]:
    """One result per household skipped for lack of consent, naming the members concerned and
    the status of their consent."""
    results: list[tuple[Any, ...]] = []
    for household_id, lacking in selection.missing.items():
        named = [
            {
                "person_id": person_id,
                "name": name,
                "consent_status": selection.labels[(household_id, person_id)],
            }
            for person_id, name in lacking
        ]
        reason = f"{NO_CONSENT_REASON}：" + "、".join(
            f"{m['name']}（{m['consent_status']}）" for m in named
        )
        size = len(selection.households[household_id].members)
        results.append(
            (household_id, BatchOutcome.SKIPPED.value, NO_CONSENT_RULE, reason, size)
            + (None,) * 6
            + ([], named)
        )
    return results


def _results(
    rows: list[dict[str, Any]],
    selection: _Selection,
    limits: dict[str, Limits],
    not_checked: list[str],
) -> list[tuple[Any, ...]]:
    """One `BatchResult` row (`RESULT_FIELDS`) per selected household, in household order:
    screened, skipped for lack of consent, or without counted members."""
    results = _screened_results(rows, selection, limits, not_checked)
    results.extend(_skipped_results(selection))
    results.extend(
        (household.pk, BatchOutcome.SKIPPED.value, NO_MEMBERS_RULE, NO_MEMBERS_REASON, 0)
        + (None,) * 6
        + ([], [])
        for household in selection.without_members
    )
    results.sort(key=lambda result: result[0])
    return results
