"""REST endpoints of the portal app: parse, call one selector or service, render."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["网上申请"])
