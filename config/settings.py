"""Doudi settings. Everything comes from the environment; see `.env.example`."""

from __future__ import annotations

from pathlib import Path

from config.env import directory_ensure, env_bool, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("DOUDI_DATA_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DOUDI_DEBUG", False)
# The demo secrets are for the embedded single-machine default only; production sets its own.
SECRET_KEY = env_str("DOUDI_SECRET_KEY", "doudi-demo-secret-key-change-me-in-production-0123456789")
ALLOWED_HOSTS = env_list("DOUDI_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])

# Field encryption of ID numbers: a comma-separated list of Fernet keys, newest first (key rotation),
# and a separate key for the keyed hash used for exact lookup.
DOUDI_ID_ENCRYPTION_KEYS = env_list(
    "DOUDI_ID_ENCRYPTION_KEYS", ["ZG91ZGktZGVtby1maWVsZC1rZXktMzItYnl0ZXMhISE="]
)
DOUDI_ID_HASH_KEY = env_str("DOUDI_ID_HASH_KEY", "doudi-demo-hash-key")
# Tests and benchmarks on a throwaway PostgreSQL database may run on the demo secrets.
DOUDI_ALLOW_DEMO_SECRETS = env_bool("DOUDI_ALLOW_DEMO_SECRETS", False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "simple_history",
    "ninja",  # serves Swagger UI from its own static files (otherwise it links a CDN)
    "doudi.core",
    "doudi.accounts",
    "doudi.registry",
    "doudi.standards",
    "doudi.benefits",
    "doudi.intake",
    "doudi.referrals",
    "doudi.relief",
    "doudi.reviews",
    "doudi.portal",
    "doudi.documents",
    "doudi.exchange",
    "doudi.verification",
    "doudi.synth",
    "doudi.web",
    "doudi.demo",
]

MIDDLEWARE = [
    # First, so every answer (errors included) carries the request id the server log names.
    "doudi.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "doudi.web.context_processors.staff_context",
            ],
        },
    },
]

DB_ENGINE = env_str("DOUDI_DB", "sqlite")
if DB_ENGINE == "sqlite":
    SQLITE_TRANSACTION_MODE = env_str("DOUDI_SQLITE_TRANSACTION_MODE", "IMMEDIATE")
    SQLITE_SYNCHRONOUS = env_str("DOUDI_SQLITE_SYNCHRONOUS", "FULL")
    if SQLITE_TRANSACTION_MODE not in ("DEFERRED", "IMMEDIATE", "EXCLUSIVE"):
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "DOUDI_SQLITE_TRANSACTION_MODE 只能是 DEFERRED、IMMEDIATE 或 EXCLUSIVE，"
            f"而不是 {SQLITE_TRANSACTION_MODE!r}"
        )
    if SQLITE_SYNCHRONOUS not in ("NORMAL", "FULL", "EXTRA"):
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            f"DOUDI_SQLITE_SYNCHRONOUS 只能是 NORMAL、FULL 或 EXTRA，而不是 {SQLITE_SYNCHRONOUS!r}"
        )
    SQLITE_PATH = Path(env_str("DOUDI_SQLITE_PATH", str(DATA_DIR / "doudi.sqlite3")))
    # A fresh checkout has no var/: any command (`doudi migrate` before `make demo`) creates it.
    directory_ensure(
        SQLITE_PATH.parent,
        variable="DOUDI_SQLITE_PATH" if env_str("DOUDI_SQLITE_PATH", "") else "DOUDI_DATA_DIR",
    )
    DATABASES = {
        "default": {
            # Django's SQLite backend, with the writers of one process served in turn.
            "ENGINE": "doudi.core.sqlite",
            "NAME": str(SQLITE_PATH),
            "OPTIONS": {
                # A transaction takes the write lock when it begins, so concurrent writers queue
                # for up to the busy timeout instead of failing when a read turns into a write.
                "transaction_mode": SQLITE_TRANSACTION_MODE,
                "timeout": env_float("DOUDI_SQLITE_BUSY_TIMEOUT", 20.0, minimum=0.1, maximum=600),
                # FULL: a save that was answered survives a power cut (NORMAL may lose the last
                # commits in WAL mode).
                "init_command": f"PRAGMA journal_mode=WAL; PRAGMA synchronous={SQLITE_SYNCHRONOUS};",
            },
        }
    }
elif DB_ENGINE == "postgres":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": env_str("DOUDI_DB_NAME", "doudi"),
            "USER": env_str("DOUDI_DB_USER", "postgres"),
            "PASSWORD": env_str("DOUDI_DB_PASSWORD", ""),
            "HOST": env_str("DOUDI_DB_HOST", "127.0.0.1"),
            "PORT": env_int("DOUDI_DB_PORT", 5432),
            "CONN_MAX_AGE": env_int("DOUDI_DB_CONN_MAX_AGE", 60),
            # Server-side binding lets psycopg prepare statements that a connection repeats, so
            # PostgreSQL plans a search once instead of on every request.
            "OPTIONS": {
                "server_side_binding": env_bool("DOUDI_DB_SERVER_SIDE_BINDING", True),
                # A save that waits longer than this for a row or table another save holds gives
                # up (answered 503, nothing saved) instead of hanging the request.
                "options": "-c lock_timeout={:d}ms".format(
                    round(1000 * env_float("DOUDI_DB_LOCK_TIMEOUT", 20.0, minimum=0.1, maximum=600))
                ),
            },
        }
    }
else:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"DOUDI_DB 只能是 sqlite 或 postgres，而不是 {DB_ENGINE!r}")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Uploaded materials (材料) live in the default storage under MEDIA_ROOT; they are served only
# through the region-scoped, audited download view, never as static files.
MEDIA_ROOT = Path(env_str("DOUDI_MEDIA_ROOT", str(DATA_DIR / "media")))
# The largest material a staff member may upload, in bytes (default 20 MB).
MATERIAL_MAX_BYTES = env_int("DOUDI_MATERIAL_MAX_BYTES", 20 * 1024 * 1024)
# Uploads larger than this go to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("DOUDI_FILE_UPLOAD_MAX_MEMORY_BYTES", 5 * 1024 * 1024)

# Identity resolution of department records (docs/exchange.md): a Splink match probability at or
# above the upper threshold links a record, one between the two goes to the review queue.
DOUDI_IDENTITY_UPPER_THRESHOLD = env_float("DOUDI_IDENTITY_UPPER_THRESHOLD", 0.99)
DOUDI_IDENTITY_LOWER_THRESHOLD = env_float("DOUDI_IDENTITY_LOWER_THRESHOLD", 0.80)

LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "web:login"
SESSION_COOKIE_AGE = env_int("DOUDI_SESSION_SECONDS", 8 * 3600)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "doudi.core.failures.RequestIdFilter"}},
    "formatters": {
        "doudi": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "doudi",
        }
    },
    "root": {"handlers": ["console"], "level": env_str("DOUDI_LOG_LEVEL", "WARNING")},
}

# --- Login security (issue 16; docs/login.md): lock-out, password rules, two-factor login,
# Content-Security-Policy, idle timeout. Kept in one block; it inserts its middleware by name so
# that the order of the lines above stays as it is.
from datetime import timedelta  # noqa: E402

INSTALLED_APPS += [
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
]
# The Content-Security-Policy header on every answer (right after SecurityMiddleware); the
# second factor on request.user (after authentication), then (once messages work) what holds an
# incomplete login back and ends idle sessions; axes last, as its documentation asks, to answer lock-outs.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "csp.middleware.CSPMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "django_otp.middleware.OTPMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1,
    "doudi.web.login_security.LoginSecurityMiddleware",
)
MIDDLEWARE.append("axes.middleware.AxesMiddleware")

# Axes' backend first: it refuses a locked-out account or address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failed logins: an account is locked after this many failures within the cool-off, an address
# (all accounts tried from it) after DOUDI_LOGIN_ADDRESS_FAILURE_LIMIT; a lock lasts the cool-off
# after the last failure, or until an admin unlocks it.
AXES_FAILURE_LIMIT = env_int("DOUDI_LOGIN_FAILURE_LIMIT", 5)
DOUDI_LOGIN_ADDRESS_FAILURE_LIMIT = env_int("DOUDI_LOGIN_ADDRESS_FAILURE_LIMIT", 30)
DOUDI_LOGIN_COOLOFF_MINUTES = env_int("DOUDI_LOGIN_COOLOFF_MINUTES", 30)
if AXES_FAILURE_LIMIT < 1 or DOUDI_LOGIN_ADDRESS_FAILURE_LIMIT < 1:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "DOUDI_LOGIN_FAILURE_LIMIT 和 DOUDI_LOGIN_ADDRESS_FAILURE_LIMIT 至少为 1"
    )
if DOUDI_LOGIN_COOLOFF_MINUTES < 1:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("DOUDI_LOGIN_COOLOFF_MINUTES 至少为 1（分钟）")
AXES_COOLOFF_TIME = timedelta(minutes=DOUDI_LOGIN_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "doudi.accounts.lockout.AccountAndAddressHandler"
AXES_LOCKOUT_CALLABLE = "doudi.accounts.lockout.lockout_response"
AXES_ENABLE_ADMIN = False  # doudi/accounts/admin.py registers them with an audited unlock
# Masked in what axes stores of a failed request: an applicant logs in with their ID number.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "password", "id_number", "otp_token"]
# The client's address: the socket's, which a client cannot forge; behind a reverse proxy, name
# the header it sets (e.g. HTTP_X_FORWARDED_FOR: the right-most address, the one it appended).
DOUDI_LOGIN_PROXY_HEADER = env_str("DOUDI_LOGIN_PROXY_HEADER", "")
AXES_CLIENT_IP_CALLABLE = "doudi.accounts.lockout.client_address"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "doudi.accounts.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("DOUDI_PASSWORD_MIN_LENGTH", 10)},
    },
    {"NAME": "doudi.accounts.validators.CharacterClassesValidator", "OPTIONS": {"minimum": 3}},
    {"NAME": "doudi.accounts.validators.NotUsernameValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "doudi.accounts.validators.PasswordExpiryValidator"},
]
# A staff password older than this many days must be changed at the next login (0: never).
DOUDI_PASSWORD_MAX_AGE_DAYS = env_int("DOUDI_PASSWORD_MAX_AGE_DAYS", 90)

# TOTP (django-otp): the name authenticators show, and the wait after wrong codes (seconds,
# doubled after each failure).
OTP_TOTP_ISSUER = "兜底"
OTP_TOTP_THROTTLE_FACTOR = 1

# A session with no request for this long is logged out (DOUDI_SESSION_SECONDS above is the
# longest a session lasts at all).
DOUDI_SESSION_IDLE_SECONDS = env_int("DOUDI_SESSION_IDLE_SECONDS", 30 * 60)
if DOUDI_SESSION_IDLE_SECONDS < 60:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("DOUDI_SESSION_IDLE_SECONDS 至少为 60（秒）")
SESSION_COOKIE_HTTPONLY = True

# Content-Security-Policy (django-csp 4): scripts only from the platform's own static files (no
# inline script, no eval), nothing from other sites, no framing. Styles allow inline style
# attributes, which a few templates and htmx's indicator still use.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
