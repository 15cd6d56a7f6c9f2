"""The case-action forms: how the fields an action's form posts become the call of its intake
service (``HANDLERS``, one per action the case page offers)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from doudi.core.exceptions import ApplicationError
from doudi.intake import services
from doudi.intake.models import Application
from doudi.intake.workflow import Action


def investigators(post: Any) -> list[str]:
    return [name.strip() for name in post.get("investigators", "").split("、") if name.strip()]


def photo_count(post: Any, key: str) -> int:
    value = post.get(key, "").strip() or "0"
    if not value.isdigit():
        raise ApplicationError("照片数量须为不小于 0 的整数", field=key)
    return int(value)


def lines(post: Any, key: str) -> list[str]:
    """Items typed one per line, or ticked as checkboxes of the same name."""
    values = post.getlist(key) if hasattr(post, "getlist") else [post.get(key, "")]
    return [line for value in values for line in str(value).splitlines()]


def date_field(post: Any, key: str) -> dt.date | None:
    value = post.get(key, "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise ApplicationError("日期格式应为 YYYY-MM-DD", field=key) from error


def favourable(post: Any) -> bool | None:
    return {"yes": True, "no": False}.get(post.get("favourable", ""))


Handler = Callable[[dict[str, Any], Any], Application]
HANDLERS: dict[Action, Handler] = {
    Action.REQUEST_MORE: lambda common, post: services.application_request_more(
        **common, items=lines(post, "items")
    ),
    Action.RECORD_SUPPLIED: lambda common, post: services.application_record_supplied(
        **common, items=lines(post, "items")
    ),
    Action.ACCEPT: lambda common, post: services.application_accept(**common),
    Action.START_VERIFICATION: lambda common, post: services.application_start_verification(
        **common
    ),
    Action.RECORD_HOME_VISIT: lambda common, post: services.application_record_home_visit(
        **common,
        investigators=investigators(post),
        record_signed=post.get("record_signed") == "on",
        photos=photo_count(post, "photos"),
        is_full=post.get("is_full") == "on",
        findings=post.get("findings", ""),
        photo_ids=post.getlist("photo_ids"),
    ),
    Action.START_COMMUNITY_REVIEW: lambda common, post: services.application_start_community_review(
        **common
    ),
    Action.RECORD_COMMUNITY_REVIEW: lambda common, post: (
        services.application_record_community_review(**common, result=post.get("result", ""))
    ),
    Action.GIVE_INITIAL_OPINION: lambda common, post: services.application_give_initial_opinion(
        **common, favourable=favourable(post), opinion=post.get("opinion", "")
    ),
    Action.PUBLISH_NOTICE: lambda common, post: services.application_publish_notice(**common),
    Action.RECORD_OBJECTION: lambda common, post: services.application_record_objection(
        **common, objection=post.get("objection", "")
    ),
    Action.REINVESTIGATE: lambda common, post: services.application_reinvestigate(**common),
    Action.CLOSE_NOTICE_WITHOUT_OBJECTION: lambda common, post: services.application_close_notice(
        **common
    ),
    Action.COUNTY_REVIEW: lambda common, post: services.application_county_review(
        **common, opinion=post.get("opinion", "")
    ),
    Action.CONFIRM: lambda common, post: services.application_confirm(**common),
    Action.SEND_REFUSAL_NOTICE: lambda common, post: services.application_send_refusal_notice(
        **common, sent_on=date_field(post, "sent_on")
    ),
    Action.REFUSE: lambda common, post: services.application_refuse(
        **common, reason=post.get("reason", "")
    ),
    Action.EXTEND: lambda common, post: services.application_extend(
        **common, reason=post.get("reason", "")
    ),
    Action.WITHDRAW: lambda common, post: services.application_withdraw(
        **common, reason=post.get("reason", "")
    ),
}
