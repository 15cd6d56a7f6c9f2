"""Start-up checks: a production-like database must not run on the public demo secrets."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register

DEMO_SECRET_KEY = "doudi-demo-secret-key-change-me-in-production-0123456789"
DEMO_ID_KEYS = ["ZG91ZGktZGVtby1maWVsZC1rZXktMzItYnl0ZXMhISE="]
DEMO_HASH_KEY = "doudi-demo-hash-key"


@register()
def demo_secrets_check(app_configs, **kwargs):  # type: ignore[no-untyped-def]
    if (
        settings.DB_ENGINE != "postgres"
        or settings.DEBUG
        or getattr(settings, "DOUDI_ALLOW_DEMO_SECRETS", False)
    ):
        return []
    errors = []
    if settings.SECRET_KEY == DEMO_SECRET_KEY:
        errors.append(Error("DOUDI_SECRET_KEY 仍是演示值，请在生产环境设置", id="doudi.E001"))
    if settings.DOUDI_ID_ENCRYPTION_KEYS == DEMO_ID_KEYS:
        errors.append(
            Error("DOUDI_ID_ENCRYPTION_KEYS 仍是演示密钥，身份证号码将无法保密", id="doudi.E002")
        )
    if settings.DOUDI_ID_HASH_KEY == DEMO_HASH_KEY:
        errors.append(Error("DOUDI_ID_HASH_KEY 仍是演示值", id="doudi.E003"))
    return errors
