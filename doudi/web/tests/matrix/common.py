"""What every row of the persona matrix is made of: the personas, a row, and the usual
expectations. Areas add their rows in sibling modules (`ROWS`, and `state()` for what a denied
write must leave unchanged), so the matrix grows without one file every change touches."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

PERSONAS = [
    "caseworker",
    "approver",
    "outsider",
    "auditor",
    "analyst",
    "admin",
    "village_worker",  # 村（居）协理员 of 兴华社区, the test household's village
    "partner",  # 长乐区医疗保障局: sees only referrals made to it
    "applicant",  # a resident with a self-service account and no staff profile
    "anonymous",
]


@dataclass(frozen=True)
class Row:
    route: str  # the URL pattern, as Django's resolver spells it
    method: str
    url: Callable[[dict[str, Any]], str]
    expected: dict[str, int]
    body: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    writes: bool = False


SIMULATE = {
    **dict.fromkeys(["caseworker", "outsider", "auditor", "admin"], 403),
    "analyst": 200,
    "approver": 200,  # 县级民政干部
    "village_worker": 403,
    "partner": 403,
    "applicant": 403,
    "anonymous": 302,
}

READ = {
    "caseworker": 200,
    "approver": 200,
    "outsider": 404,
    "auditor": 200,
    "analyst": 403,
    "admin": 200,
    "village_worker": 200,
    "partner": 403,
    "applicant": 403,
}
WRITE = {
    "caseworker": 201,
    "approver": 201,
    "outsider": 404,
    "auditor": 403,
    "analyst": 403,
    "admin": 403,
    "village_worker": 403,
    "partner": 403,
    "applicant": 403,
}
REVEAL = {
    "caseworker": 200,
    "approver": 200,
    "outsider": 404,
    "auditor": 403,
    "analyst": 403,
    "admin": 403,
    "village_worker": 403,
    "partner": 403,
    "applicant": 403,
}
ANY_STAFF = {p: 200 for p in PERSONAS if p not in {"anonymous", "applicant"}} | {"applicant": 403}


def application_of(ctx: dict[str, Any]) -> Any:
    """A submitted application of the test household, written without an audit event so that
    it does not count as a change made by the request under test."""
    from doudi.testing.factories import ApplicationFactory

    if "application" not in ctx:
        ctx["application"] = ApplicationFactory(household=ctx["household"])
    return ctx["application"]
