"""Shared helpers of the relief tests: frozen Beijing time, a fund, a confirmed
expenditure-type temporary-assistance application, and a snapshot of every relief table."""

from __future__ import annotations

from doudi.core.models import AuditEvent, Deadline
from doudi.intake import services as intake_services
from doudi.intake.services import ConsentSpec, Declaration, IncomeSpec, TemporarySpec
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
from doudi.testing.clock import on

WUHANG = "350112001"


def relief_state() -> tuple[int, ...]:
    """Row counts of every relief table, the audit trail and open deadlines."""
    return (
        ReserveFund.objects.count(),
        LedgerEntry.objects.count(),
        Reconciliation.objects.count(),
        AdvancePayment.objects.count(),
        AdvancePayment.objects.filter(application__isnull=False).count(),
        AdvancePayment.objects.filter(reversed_at__isnull=False).count(),
        InstalmentPlan.objects.count(),
        Instalment.objects.count(),
        InstalmentPayment.objects.count(),
        AuditEvent.objects.count(),
        Deadline.objects.filter(closed_at__isnull=True).count(),
    )


def people(household: Household) -> dict[str, object]:
    return {m.relation: m.person for m in household.memberships.select_related("person")}


def temporary_application(
    caseworker, household, *, kind: str = "expenditure", requested: str = "3000.00"
):  # type: ignore[no-untyped-def]
    """A submitted application for dibao and temporary assistance, with the temporary-assistance
    request declared on the one form (kind, amount asked, reason)."""
    members = people(household)
    return intake_services.application_submit(
        actor=caseworker,
        household=household,
        programmes=["dibao", "temporary_assistance"],
        channel="window",
        consents=[
            ConsentSpec(person=members["head"]),
            ConsentSpec(person=members["spouse"]),
            ConsentSpec(person=members["child"], signed_by="guardian", proxy_reason="未成年"),
        ],
        declaration=Declaration(
            incomes=[IncomeSpec(person=members["head"], type="wage", monthly="1200.00")],
            temporary=TemporarySpec(kind=kind, requested=requested, reason="子女住院手术"),
        ),
    )


def confirmed_temporary_application(caseworker, approver, household, **kwargs):  # type: ignore[no-untyped-def]
    """Through the whole workflow from Monday 2026-11-02 to confirmation on 2026-11-20."""
    with on("2026-11-02"):
        application = temporary_application(caseworker, household, **kwargs)
        application = intake_services.application_accept(actor=caseworker, application=application)
        application = intake_services.application_start_verification(
            actor=caseworker, application=application
        )
    with on("2026-11-05"):
        application = intake_services.application_record_home_visit(
            actor=caseworker,
            application=application,
            investigators=["吴航经办", "兴华社区主任"],
            record_signed=True,
            photos=3,
            findings="子女住院，医疗支出骤增",
        )
    with on("2026-11-06"):
        application = intake_services.application_give_initial_opinion(
            actor=caseworker, application=application, favourable=True, opinion="同意救助"
        )
        application = intake_services.application_publish_notice(
            actor=caseworker, application=application
        )
    with on("2026-11-16"):
        application = intake_services.application_close_notice(
            actor=caseworker, application=application
        )
    with on("2026-11-20"):
        return intake_services.application_confirm(actor=approver, application=application)
