"""What a request that failed unexpectedly answers, in the language of whoever sent it.

Every request carries an id (`RequestIdMiddleware`), sent back in the ``X-Request-ID`` header and
written on every log line the request causes, so the id staff read off an error page or an API
body finds the server log's traceback. Failures fall into three kinds:

- the database was busy: a save waited longer than the busy timeout (SQLite) or the lock timeout
  (PostgreSQL) for another save, or PostgreSQL chose it as a deadlock's victim. Nothing was saved;
  trying again works. 503 with ``Retry-After``.
- a uniqueness race: two saves of the same thing at once, the second refused by a constraint.
  Nothing of the second was saved. 409.
- a request body that cannot be read (a broken multipart upload): 400.
- anything else: 500, logged with its traceback.

A failed request changes nothing: every service writes inside one transaction, which the error
rolled back before it reached here."""

from __future__ import annotations

import contextvars
import logging
import re
import uuid
from dataclasses import dataclass

from django.db import IntegrityError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string

logger = logging.getLogger("doudi.request")

REQUEST_ID: contextvars.ContextVar[str] = contextvars.ContextVar("doudi_request_id", default="-")
# An id a proxy in front of the platform already gave the request is kept, if it looks like one.
_INBOUND_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
# PostgreSQL's codes for a lock wait given up, a statement cancelled by its timeout, a deadlock's
# victim and a serialization failure: each rolled back, each worth trying again.
_RETRYABLE_SQLSTATES = frozenset({"55P03", "57014", "40P01", "40001"})
RETRY_AFTER_SECONDS = 5


@dataclass(frozen=True)
class Failure:
    status: int
    title: str
    message: str


BUSY = Failure(
    503,
    "系统繁忙",
    "系统繁忙：等待其他人的保存超时，本次操作没有保存任何内容，请稍后重试。",
)
CONFLICT = Failure(
    409,
    "保存冲突",
    "与他人同时保存的内容冲突，本次操作没有保存，请刷新页面查看最新内容后再试。",
)
NOT_FOUND = Failure(
    404,
    "页面不存在",
    "您要找的页面不存在，或不在您的管辖范围内。",
)
MALFORMED = Failure(
    400,
    "请求格式不正确",
    "请求体格式不正确（如上传文件的 multipart 格式损坏），本次操作没有保存任何内容。",
)
SERVER_ERROR = Failure(
    500,
    "系统出错",
    "系统内部出错，本次操作没有完成。请把下面的请求编号告诉系统管理员。",
)


def request_id_for(request: HttpRequest) -> str:
    """The id of this request: the proxy's, if it sent a well-formed one, or a new one."""
    inbound = request.headers.get("X-Request-ID", "")
    return inbound if _INBOUND_ID.match(inbound) else uuid.uuid4().hex[:16]


def current_request_id(request: HttpRequest | None = None) -> str:
    return getattr(request, "request_id", None) or REQUEST_ID.get()


class RequestIdFilter(logging.Filter):
    """Puts ``request_id`` on every log record: the request's own (Django's request logger passes
    it), or the one the current thread is serving, or ``-`` outside a request."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id(getattr(record, "request", None))
        return True


def is_busy(error: BaseException) -> bool:
    """The database gave up waiting for a lock (or broke a deadlock): nothing was written."""
    if not isinstance(error, OperationalError):
        return False
    if getattr(error.__cause__, "sqlstate", None) in _RETRYABLE_SQLSTATES:
        return True
    # SQLite: "database is locked", "database table is locked".
    return "is locked" in str(error)


def classify(error: BaseException) -> Failure:
    if isinstance(error, (MultiPartParserError, UnreadablePostError)):
        return MALFORMED
    if is_busy(error):
        return BUSY
    if isinstance(error, IntegrityError):
        return CONFLICT
    return SERVER_ERROR


def wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def failure_log(request: HttpRequest, error: BaseException, failure: Failure) -> None:
    # The path only: a query string may hold what staff searched for.
    where = f"{request.method} {request.path}"
    request_id = current_request_id(request)
    if failure.status == 500:
        logger.error("请求 %s（%s）出错，答复 500", request_id, where, exc_info=error)
    else:
        logger.warning(
            "请求 %s（%s）答复 %s：%s: %s",
            request_id,
            where,
            failure.status,
            type(error).__name__,
            error,
        )


def failure_response(request: HttpRequest, error: BaseException) -> HttpResponse:
    """Log the failure with the request's id and answer it: JSON under /api/, a page elsewhere."""
    failure = classify(error)
    failure_log(request, error, failure)
    response = failure_answer(request, failure)
    # Logged above with the id and the traceback; Django need not log it again without them.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


def failure_answer(request: HttpRequest, failure: Failure) -> HttpResponse:
    request_id = current_request_id(request)
    response: HttpResponse
    if wants_json(request):
        response = JsonResponse(
            {"message": failure.message, "field": None, "request_id": request_id},
            status=failure.status,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        response = HttpResponse(
            render_to_string(
                "core/error.html",
                {"failure": failure, "request_id": request_id},
            ),
            status=failure.status,
        )
    if failure is BUSY:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["X-Request-ID"] = request_id
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's last resort (``handler500``), for an error outside any view: the same page."""
    return failure_answer(request, SERVER_ERROR)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Django's ``handler404``: the same page (or JSON body under /api/), in Chinese."""
    return failure_answer(request, NOT_FOUND)
