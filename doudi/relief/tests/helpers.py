"""Shared helpers of the relief tests: frozen Beijing time, a fund, a confirmed
expenditure-type temporary-assistance application, and a snapshot of every relief table."""

from __future__ import annotations

from doudi.core.models import AuditEvent, Deadline
from doudi.intake import services as intake_services
from doudi.intake.services import Declaration, TemporarySpec
from doudi.registry.models import Household
from doudi.relief.models import (
    AdvancePayment,
    Instalment,
    InstalmentPayment,
    InstalmentPlan,
    LedgerEntry,
    Reconciliation,
    ReserveFund,
)
from doudi.testing.cases import application_at, family_consents, head_wage
from doudi.testing.state import row_counts

WUHANG = "350112001"


def relief_state() -> tuple[int, ...]:
    """Row counts of every relief table, the audit trail and open deadlines."""
    return row_counts(
        ReserveFund,
        LedgerEntry,
        Reconciliation,
        AdvancePayment,
        AdvancePayment.objects.filter(application__isnull=False),
        AdvancePayment.objects.filter(reversed_at__isnull=False),
        InstalmentPlan,
        Instalment,
        InstalmentPayment,
        AuditEvent,
        Deadline.objects.filter(closed_at__isnull=True),
    )


def people(household: Household) -> dict[str, object]:
    return {m.relation: m.person for m in household.memberships.select_related("person")}


def temporary_application(
    caseworker, household, *, kind: str = "expenditure", requested: str = "3000.00"
):  # type: ignore[no-untyped-def]
    """A submitted application for dibao and temporary assistance, with the temporary-assistance
    request declared on the one form (kind, amount asked, reason)."""
    return intake_services.application_submit(
        actor=caseworker,
        household=household,
        programmes=["dibao", "temporary_assistance"],
        channel="window",
        consents=family_consents(household),
        declaration=_temporary_declaration(household, kind=kind, requested=requested),
    )


def _temporary_declaration(household, *, kind: str, requested: str) -> Declaration:  # type: ignore[no-untyped-def]
    return head_wage(
        household, temporary=TemporarySpec(kind=kind, requested=requested, reason="子女住院手术")
    )


def confirmed_temporary_application(  # type: ignore[no-untyped-def]
    caseworker, approver, household, *, kind: str = "expenditure", requested: str = "3000.00"
):
    """Through the whole workflow from Monday 2026-11-02 to confirmation on 2026-11-20."""
    return application_at(
        "confirmed",
        caseworker=caseworker,
        household=household,
        approver=approver,
        programmes=["dibao", "temporary_assistance"],
        declaration=_temporary_declaration(household, kind=kind, requested=requested),
        findings="子女住院，医疗支出骤增",
        opinion="同意救助",
    )
