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


class DoudiAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation):  # type: ignore[no-untyped-def]
        """The endpoint's own name (``application_submit``): clients generate method names from
        it, so it must not change when the code moves between modules."""
        return operation.view_func.__name__


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
