from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Body, Router

from doudi.accounts.permissions import Permission
from doudi.standards.engine import evaluation_run

router = Router(tags=["规则测算"])


@router.post("/policy/evaluate", summary="按规则测算一户一月的各项救助（含理由）")
def policy_evaluate(request: HttpRequest, situation: dict[str, Any] = Body(...)):  # type: ignore[no-untyped-def]  # noqa: B008
    """The body is a situation (see docs/policy.md); the answer lists every programme with its
    eligibility, amount and reasons, the rule version and the parameter values used. Each
    evaluation is recorded."""
    request.auth.require(Permission.POLICY_EVALUATE)
    record = evaluation_run(actor=request.user, situation=situation, channel="api")
    return {**record.result, "evaluation_id": record.pk}
