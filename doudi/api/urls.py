from ninja import NinjaAPI

from doudi.api.auth import session_auth, token_auth
from doudi.api.errors import install_error_handlers
from doudi.core.apis import router as core_router
from doudi.exchange.apis import router as exchange_router
from doudi.intake.apis import router as intake_router
from doudi.portal.apis import router as portal_router
from doudi.referrals.apis import router as referrals_router
from doudi.registry.apis import router as registry_router
from doudi.relief.apis import router as relief_router
from doudi.reviews.apis import router as reviews_router
from doudi.standards.apis import router as standards_router
from doudi.standards.policy_apis import router as policy_router
from doudi.verification.apis import router as verification_router
from doudi.verification.batch_apis import router as verification_batch_router

api = NinjaAPI(
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
