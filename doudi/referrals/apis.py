"""REST endpoints of the referrals app: parse, call one selector or service, render."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["转介与协同办理"])
