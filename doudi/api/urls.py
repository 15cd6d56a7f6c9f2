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

# Every operation may meet these, whatever it declares (doudi.core.failures): a write may collide
# with another (409), any request may find the database busy (503) or fail (500).
FAILURE_SCHEMA = {
    "title": "Failure",
    "type": "object",
    "properties": {
        "message": {"type": "string", "description": "给用户看的中文说明"},
        "field": {"type": "null"},
        "request_id": {"type": "string", "description": "请求编号，与服务器日志中的相同"},
    },
    "required": ["message", "field", "request_id"],
}
FAILURES = {
    409: "与他人同时保存的内容冲突，或重复提交（未保存）",
    500: "系统内部出错（未完成）",
    503: "系统繁忙，等待其他保存超时（未保存，稍后重试）",
}
WRITES = frozenset({"post", "put", "patch", "delete"})


class DoudiAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation):  # type: ignore[no-untyped-def]
        """The endpoint's own name (``application_submit``): clients generate method names from
        it, so it must not change when the code moves between modules."""
        return operation.view_func.__name__

    def get_openapi_schema(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        schema = super().get_openapi_schema(*args, **kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["Failure"] = FAILURE_SCHEMA
        reference = {"$ref": "#/components/schemas/Failure"}
        for item in schema["paths"].values():
            for method, operation in item.items():
                responses = operation.setdefault("responses", {})
                for status, description in FAILURES.items():
                    if status == 409 and method not in WRITES:
                        continue
                    if status in responses or str(status) in responses:
                        continue
                    responses[status] = {
                        "description": description,
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
