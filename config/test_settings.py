"""Test settings: only what makes the suite faster. Nothing here changes behaviour."""

import os

os.environ.setdefault("DOUDI_DATA_DIR", "/tmp/doudi-test")

from config.settings import *  # noqa: E402,F403

DOUDI_ALLOW_DEMO_SECRETS = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if DB_ENGINE == "sqlite":  # noqa: F405
    DATABASES["default"]["NAME"] = ":memory:"  # noqa: F405
    DATABASES["default"]["OPTIONS"] = {}  # noqa: F405

STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
