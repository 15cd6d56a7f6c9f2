"""REST endpoints of the relief app: parse, call one selector or service, render."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["临时救助"])
