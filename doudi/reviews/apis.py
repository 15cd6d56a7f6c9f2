"""REST endpoints of the reviews app: parse, call one selector or service, render."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["动态管理"])
