"""An application driven through the real intake services to a stage of its workflow, on fixed
dates: filed, accepted and put to verification on ``start`` (a Monday by default, 2026-11-02),
visited three days later, proposed and published the day after, the notice closed on day 14 and
confirmed on day 18 (2026-11-16 and 2026-11-20 by default)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from doudi.intake import services
from doudi.intake.models import Application
from doudi.intake.services import ConsentSpec, Declaration, IncomeSpec
from doudi.testing.clock import on

STAGES = ("submitted", "verifying", "visited", "proposed", "published", "awaiting", "confirmed")


def relatives(household):  # type: ignore[no-untyped-def]
    """relation → person of the household's members."""
    return {m.relation: m.person for m in household.memberships.select_related("person")}


def family_consents(household) -> list[ConsentSpec]:  # type: ignore[no-untyped-def]
    """Every counted member's consent, a child's signed by the guardian (未成年)."""
    return [
        ConsentSpec(person=m.person, signed_by="guardian", proxy_reason="未成年")
        if m.relation == "child"
        else ConsentSpec(person=m.person)
        for m in household.memberships.filter(is_counted=True).select_related("person")
    ]


def head_wage(household, monthly: str = "1200.00", **declared) -> Declaration:  # type: ignore[no-untyped-def]
    """The head's monthly wage and whatever else is ``declared`` (assets, expenses …)."""
    income = IncomeSpec(person=relatives(household)["head"], type="wage", monthly=monthly)
    return Declaration(incomes=[income], **declared)


def application_at(  # type: ignore[no-untyped-def]
    stage: str,
    *,
    caseworker,
    household,
    approver=None,
    programmes: Sequence[str] = ("dibao",),
    declaration: Declaration | None = None,
    consents: Sequence[ConsentSpec] | None = None,
    start: str = "2026-11-02",
    photos: int = 3,
    findings: str = "家中仅户主务工",
    opinion: str = "同意纳入低保",
) -> Application:
    """The application of ``household`` at ``stage`` (one of `STAGES`; ``confirmed`` needs the
    ``approver``). Defaults: 低保 at the window, the head earning 1,200 yuan a month, every counted
    member's consent."""
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}; one of {', '.join(STAGES)}")
    reached = STAGES.index(stage)
    day = dt.date.fromisoformat(start)

    def on_day(offset: int):  # type: ignore[no-untyped-def]
        return on((day + dt.timedelta(days=offset)).isoformat())

    with on_day(0):
        application = services.application_submit(
            actor=caseworker,
            household=household,
            programmes=list(programmes),
            channel="window",
            consents=list(consents) if consents is not None else family_consents(household),
            declaration=declaration if declaration is not None else head_wage(household),
        )
        if reached == 0:
            return application
        application = services.application_accept(actor=caseworker, application=application)
        application = services.application_start_verification(
            actor=caseworker, application=application
        )
        if reached == 1:
            return application
    with on_day(3):
        application = services.application_record_home_visit(
            actor=caseworker,
            application=application,
            investigators=["吴航经办", "兴华社区主任"],
            record_signed=True,
            photos=photos,
            findings=findings,
        )
        if reached == 2:
            return application
    with on_day(4):
        application = services.application_give_initial_opinion(
            actor=caseworker, application=application, favourable=True, opinion=opinion
        )
        if reached == 3:
            return application
        application = services.application_publish_notice(actor=caseworker, application=application)
        if reached == 4:
            return application
    with on_day(14):
        application = services.application_close_notice(actor=caseworker, application=application)
        if reached == 5:
            return application
    with on_day(18):
        return services.application_confirm(actor=approver, application=application)
