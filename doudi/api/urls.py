from ninja import NinjaAPI

from doudi.api.auth import session_auth, token_auth
from doudi.api.core import router as core_router
from doudi.api.errors import install_error_handlers
from doudi.api.exchange import router as exchange_router
from doudi.api.intake import router as intake_router
from doudi.api.policy import router as policy_router
from doudi.api.portal import router as portal_router
from doudi.api.referrals import router as referrals_router
from doudi.api.registry import router as registry_router
from doudi.api.relief import router as relief_router
from doudi.api.reviews import router as reviews_router
from doudi.api.standards import router as standards_router
from doudi.api.verification import router as verification_router
from doudi.api.verification_batches import router as verification_batch_router

# What every operation may answer besides its own results (doudi.api.errors, doudi.core.failures):
# a refusal with a Chinese message naming the input at fault, and the failures of any request.
ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "properties": {
        "message": {"type": "string", "description": "给用户看的中文说明"},
        "field": {"type": ["string", "null"], "description": "出错的输入项"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
            "description": "每一项输入错误（422）",
        },
        "extra": {"type": "object", "description": "补充信息，如已存在的申请编号（409）"},
        "request_id": {"type": "string", "description": "请求编号，与服务器日志中的相同"},
    },
    "required": ["message", "field"],
}
ERRORS = {
    400: "请求被拒绝（中文说明与出错的输入项）",
    401: "未登录或令牌无效",
    403: "无权限",
    404: "不存在或不在您的管辖范围内",
    409: "与已保存的内容冲突：重复提交，或他人已办理（未保存）",
    422: "输入格式不正确（逐项说明）",
    500: "系统内部出错（未完成）",
    503: "系统繁忙，等待其他保存超时（未保存，稍后重试）",
}
WRITES = frozenset({"post", "put", "patch", "delete"})


def _answers(method: str, operation: dict) -> list[int]:
    """The error statuses an operation may answer."""
    statuses = [400, 500, 503]
    if operation.get("security"):
        statuses += [401, 403]
    parameters = operation.get("parameters", [])
    if parameters or "requestBody" in operation:
        # An id in the path, the query or the body may name nothing the caller can see.
        statuses += [404, 422]
    if method in WRITES:
        statuses.append(409)
    return sorted(statuses)


class DoudiAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation):  # type: ignore[no-untyped-def]
        """The endpoint's own name (``application_submit``): clients generate method names from
        it, so it must not change when the code moves between modules."""
        return operation.view_func.__name__

    def get_openapi_schema(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        schema = super().get_openapi_schema(*args, **kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        reference = {"$ref": "#/components/schemas/Error"}
        for item in schema["paths"].values():
            for method, operation in item.items():
                responses = operation.setdefault("responses", {})
                for status in _answers(method, operation):
                    if status in responses or str(status) in responses:
                        continue
                    responses[status] = {
                        "description": ERRORS[status],
                        "content": {"application/json": {"schema": reference}},
                    }
        return schema


api = DoudiAPI(
    title="兜底 Doudi API",
    version="1",
    description="福建省社会救助平台接口。认证：`Authorization: Bearer <令牌>`（令牌由 `doudi token create` 签发），"
    "或登录后的会话。所有数据按调用人的管辖区域过滤。",
    auth=[token_auth, session_auth],
    docs_url="/docs",
    urls_namespace="api",
)
install_error_handlers(api)
api.add_router("/", core_router)
api.add_router("/", registry_router)
api.add_router("/", standards_router)
api.add_router("/", policy_router)
api.add_router("/", intake_router)
api.add_router("/", referrals_router)
api.add_router("/", relief_router)
api.add_router("/", reviews_router)
api.add_router("/", portal_router)
api.add_router("/", exchange_router)
api.add_router("/", verification_router)
api.add_router("/", verification_batch_router)
