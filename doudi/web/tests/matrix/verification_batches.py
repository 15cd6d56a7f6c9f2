"""Batch screening (批量核对): the list with its start form, a run's results, and the API.

Lists are region-scoped (the outsider sees an empty one); a run of 吴航街道 is a 404 for the
outsider. Starting a run needs `verification.request` (caseworkers; verification officers of a
centre, not a persona here) and covers the starter's own region: the outsider may run one over
航城街道 (web: redirect to it) but not over 吴航街道 (API: 404)."""

from __future__ import annotations

from typing import Any

from doudi.testing.state import row_counts
from doudi.web.tests.matrix.common import PERSONAS, Row

DENIED = dict.fromkeys(PERSONAS, 403)
READ_LIST_WEB = {
    **DENIED,
    "caseworker": 200,
    "approver": 200,
    "auditor": 200,
    "outsider": 200,
    "anonymous": 302,
}
READ_WEB = {**READ_LIST_WEB, "outsider": 404}
READ_LIST_API = {**READ_LIST_WEB, "applicant": 401, "anonymous": 401}
READ_API = {**READ_LIST_API, "outsider": 404}
# the test household's consents are not signed: the run lists it as skipped
START_WEB = {**DENIED, "caseworker": 302, "outsider": 302, "anonymous": 302}
START_API = {**DENIED, "caseworker": 201, "outsider": 404, "applicant": 401, "anonymous": 401}


def _run(ctx: dict[str, Any]) -> Any:
    """A run over 吴航街道 by its caseworker (no snapshots: every source "not checked")."""
    from doudi.accounts.scoping import actor_for_user
    from doudi.verification.batch_services import batch_run

    if "verification_batch" not in ctx:
        actor = actor_for_user(ctx["users"]["caseworker"])
        ctx["verification_batch"] = batch_run(actor=actor, region_code="350112001")
    return ctx["verification_batch"]


ROWS = [
    Row("verification/batches/", "GET", lambda c: "/verification/batches/", READ_LIST_WEB),
    Row(
        "verification/batches/",
        "GET",
        lambda c: "/verification/batches/?format=xlsx",
        READ_LIST_WEB,
    ),
    Row(
        "verification/batches/",
        "POST",
        lambda c: "/verification/batches/",
        START_WEB,
        body=lambda c: {"programme": "dibao", "month": "2026-11"},
        writes=True,
    ),
    Row(
        "verification/batches/<str:public_id>/",
        "GET",
        lambda c: f"/verification/batches/{_run(c).public_id}/",
        READ_WEB,
    ),
    Row(
        "verification/batches/<str:public_id>/",
        "GET",
        lambda c: f"/verification/batches/{_run(c).public_id}/?conclusion=skipped&format=xlsx",
        READ_WEB,
    ),
    Row(
        "api/verification/batches",
        "POST",
        lambda c: "/api/verification/batches",
        START_API,
        body=lambda c: {"region": "350112001", "programme": "", "month": "2026-11"},
        writes=True,
    ),
    Row("api/verification/batches", "GET", lambda c: "/api/verification/batches", READ_LIST_API),
    Row(
        "api/verification/batches/<public_id>",
        "GET",
        lambda c: f"/api/verification/batches/{_run(c).public_id}?page=1",
        READ_API,
    ),
]


def state() -> tuple[int, ...]:
    from doudi.verification.models import BatchPersonAccess, BatchResult, BatchRun

    return row_counts(BatchRun, BatchResult, BatchPersonAccess)
