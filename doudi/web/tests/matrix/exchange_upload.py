"""The department's page for sending its data (报送部门数据): only staff who send a feed may
open it (the partner persona, 医保, sends medical_costs); a denied upload keeps nothing. Starting
identity resolution from the board is the verification centre's (no persona here)."""

from __future__ import annotations

from typing import Any

from doudi.testing.state import row_counts
from doudi.web.tests.matrix.common import PERSONAS, Row

REFUSED = dict.fromkeys(PERSONAS, 403)
PAGE = {**REFUSED, "partner": 200, "anonymous": 302}
# the partner may send medical_costs: without a file it gets the form back with 400
UPLOAD = {**REFUSED, "partner": 400, "anonymous": 302}


def _medical_submission(ctx: dict[str, Any]) -> Any:
    """A rejected medical_costs file: its department (the partner) may read it."""
    from doudi.exchange.services import feed_file_ingest

    if "medical_submission" not in ctx:
        ctx["medical_submission"] = feed_file_ingest(
            actor=None, source="medical_costs", data=b"", filename="empty.csv"
        ).submission
    return ctx["medical_submission"]


ROWS = [
    Row("exchange/upload/", "GET", lambda c: "/exchange/upload/", PAGE),
    Row(
        "exchange/upload/",
        "POST",
        lambda c: "/exchange/upload/",
        UPLOAD,
        body=lambda c: {"source": "medical_costs"},
        writes=True,
    ),
    Row(
        "exchange/submissions/<str:public_id>/",
        "GET",
        lambda c: f"/exchange/submissions/{_medical_submission(c).public_id}/",
        {**REFUSED, "auditor": 200, "partner": 200, "anonymous": 302},
    ),
    Row(
        "exchange/identity/runs/<str:source>/",
        "POST",
        lambda c: "/exchange/identity/runs/tax/",
        {**REFUSED, "anonymous": 302},
        writes=True,
    ),
]


def state() -> tuple[int, ...]:
    from doudi.exchange.models import FeedSnapshot, FeedSubmission, IdentityResolutionRun

    return row_counts(FeedSubmission, FeedSnapshot, IdentityResolutionRun)
