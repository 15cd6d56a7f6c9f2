"""REST endpoints of the exchange app: parse, call one selector or service, render."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["部门数据交换"])
