"""Every API error has the same body: {"message": Chinese text, "field": the input at fault, ...}."""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from doudi.core.exceptions import ApplicationError, Conflict, NotFound, PermissionDenied
from doudi.core.failures import failure_response

PYDANTIC_MESSAGES = {
    "missing": "必填",
    "string_type": "须为文本",
    "int_type": "须为整数",
    "int_parsing": "须为整数",
    "bool_type": "须为 true 或 false",
    "bool_parsing": "须为 true 或 false",
    "date_type": "须为日期（YYYY-MM-DD）",
    "date_parsing": "须为日期（YYYY-MM-DD）",
    "date_from_datetime_parsing": "须为日期（YYYY-MM-DD）",
    "uuid_parsing": "须为有效编号（UUID）",
    "uuid_type": "须为有效编号（UUID）",
    "list_type": "须为列表",
    "dict_type": "须为对象",
    "model_attributes_type": "须为对象",
    "json_invalid": "不是有效的 JSON",
    "string_too_short": "不能为空",
    "string_too_long": "过长",
    "greater_than_equal": "过小",
    "less_than_equal": "过大",
    "literal_error": "取值无效",
    "enum": "取值无效",
    "extra_forbidden": "不允许的字段",
}


def _field_path(location: tuple[Any, ...]) -> str:
    parts = [str(part) for part in location if part not in ("body", "query", "path", "payload")]
    path = ""
    for part in parts:
        path += f"[{part}]" if part.isdigit() else (f".{part}" if path else part)
    return path


def _validation_body(errors: list[dict[str, Any]]) -> dict[str, Any]:
    items = []
    for error in errors:
        field = _field_path(tuple(error.get("loc", ())))
        reason = PYDANTIC_MESSAGES.get(error.get("type", ""), "格式不正确")
        items.append({"field": field, "message": f"{field or '请求'}：{reason}"})
    first = items[0] if items else {"field": None, "message": "请求格式不正确"}
    return {
        "message": "；".join(item["message"] for item in items) or "请求格式不正确",
        "field": first["field"],
        "errors": items,
    }


def _malformed_path_id(errors: list[dict[str, Any]]) -> str | None:
    """The path parameter, when the only problem is an id in the path that is not a UUID."""
    if errors and all(
        tuple(error.get("loc", ()))[:1] == ("path",)
        and error.get("type") in ("uuid_parsing", "uuid_type")
        for error in errors
    ):
        return str(errors[0]["loc"][-1])
    return None


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ValidationError)
    def on_validation(request, exc: ValidationError):  # type: ignore[no-untyped-def]
        malformed = _malformed_path_id(exc.errors)
        if malformed is not None:
            # A malformed id in the path names nothing, as an unknown one does: 404.
            return api.create_response(
                request,
                {"message": "编号不存在或不在您的管辖范围内", "field": malformed},
                status=404,
            )
        return api.create_response(request, _validation_body(exc.errors), status=422)

    @api.exception_handler(NotFound)
    def on_not_found(request, exc: NotFound):  # type: ignore[no-untyped-def]
        return api.create_response(request, exc.as_dict(), status=404)

    @api.exception_handler(PermissionDenied)
    def on_denied(request, exc: PermissionDenied):  # type: ignore[no-untyped-def]
        return api.create_response(request, exc.as_dict(), status=403)

    @api.exception_handler(Conflict)
    def on_conflict(request, exc: Conflict):  # type: ignore[no-untyped-def]
        return api.create_response(request, exc.as_dict(), status=409)

    @api.exception_handler(Exception)
    def on_unexpected(request, exc: Exception):  # type: ignore[no-untyped-def]
        # A busy database (503), a uniqueness race (409) or a bug (500): JSON with the request id.
        return failure_response(request, exc)

    @api.exception_handler(ApplicationError)
    def on_application_error(request, exc: ApplicationError):  # type: ignore[no-untyped-def]
        return api.create_response(request, exc.as_dict(), status=400)

    @api.exception_handler(AuthenticationError)
    def on_auth(request, exc: AuthenticationError):  # type: ignore[no-untyped-def]
        return api.create_response(
            request, {"message": "未登录或令牌无效", "field": None}, status=401
        )

    @api.exception_handler(HttpError)
    def on_http_error(request, exc: HttpError):  # type: ignore[no-untyped-def]
        messages = {400: "请求格式不正确", 404: "不存在", 405: "不支持该请求方法"}
        if exc.status_code == 400 and "parse" in str(exc).lower():
            return api.create_response(
                request, {"message": "请求体不是有效的 JSON", "field": None}, status=400
            )
        return api.create_response(
            request,
            {"message": messages.get(exc.status_code, str(exc)), "field": None},
            status=exc.status_code,
        )
