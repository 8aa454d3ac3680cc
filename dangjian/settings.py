"""Settings for dangjian: one file, read from the environment.

SQLite under var/ is the zero-configuration default; set DATABASE_URL for PostgreSQL.
Bad values raise ImproperlyConfigured instead of being guessed at.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("DANGJIAN_VAR_DIR", BASE_DIR / "var"))


def envbool(name: str, default: str = "False") -> bool:
    value = os.environ.get(name, default)
    if value not in ("True", "False", ""):
        raise ImproperlyConfigured(f"{name} must be True or False, got {value!r}")
    return value == "True"


def envint(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    if value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


def envsecret(name: str, path: Path) -> str:
    """A secret from the environment, else from a file under var/ created on first use (development)."""
    value = os.environ.get(name)
    if value:
        return value
    if not DEBUG and not envbool("DANGJIAN_ALLOW_FILE_SECRETS", "True"):
        raise ImproperlyConfigured(f"{name} must be set in production")
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not path.exists():
        import secrets

        # Created 0600 from the start (never briefly readable by others), whatever the umask.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32))
    return path.read_text().strip()


LOCAL_HOSTS = ("", "localhost", "127.0.0.1", "::1")


def production_problems(environ: Mapping[str, str]) -> list[str]:
    """What makes this environment unfit for the production profile (issue 11 finding 6), in Chinese; empty if fit.

    The production profile (DANGJIAN_PROFILE=production, set by the deployment's environment file) turns the
    secure transport settings on by default; this refuses the settings an operator could still turn back off.
    """
    problems = []
    if environ.get("DANGJIAN_DEBUG", "False") not in ("False", ""):
        problems.append("DANGJIAN_DEBUG 在生产环境必须为 False（调试页面会泄露配置和数据）")
    hosts = [h for h in environ.get("DANGJIAN_ALLOWED_HOSTS", "").split(",") if h]
    if not hosts:
        problems.append("DANGJIAN_ALLOWED_HOSTS 必须写明本系统的域名（逗号分隔）")
    elif any("*" in h for h in hosts):
        problems.append("DANGJIAN_ALLOWED_HOSTS 不得含通配符 *")
    if environ.get("DANGJIAN_SECURE_COOKIES", "True") != "True":
        problems.append("DANGJIAN_SECURE_COOKIES 在生产环境必须为 True（仅 HTTPS、HSTS、__Host- Cookie）")
    url = environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://", "pgsql://")):
        db = dj_database_url.parse(url)
        remote = db.get("HOST", "") not in LOCAL_HOSTS and not str(db.get("HOST", "")).startswith("/")
        if remote and db.get("OPTIONS", {}).get("sslmode") != "verify-full":
            problems.append("远程 PostgreSQL 的 DATABASE_URL 必须带 ?sslmode=verify-full（SEC-06，校验服务器证书）")
    return problems


PROFILE = os.environ.get("DANGJIAN_PROFILE", "local")
if PROFILE not in ("local", "production"):
    raise ImproperlyConfigured(f"DANGJIAN_PROFILE must be local or production, got {PROFILE!r}")
PRODUCTION = PROFILE == "production"
if PRODUCTION and (_problems := production_problems(os.environ)):
    raise ImproperlyConfigured("生产环境配置不安全：" + "；".join(_problems))

DEBUG = envbool("DANGJIAN_DEBUG", "False")
SECRET_KEY = envsecret("DANGJIAN_SECRET_KEY", VAR_DIR / "keys" / "secret_key")
# Key rotation (docs/operations.md): the previous keys, comma-separated, still check old sessions and tokens.
SECRET_KEY_FALLBACKS = [k for k in os.environ.get("DANGJIAN_SECRET_KEY_FALLBACKS", "").split(",") if k]
ALLOWED_HOSTS = [
    h for h in os.environ.get("DANGJIAN_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost").split(",") if h
]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("DANGJIAN_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "treebeard",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "dangjian.core",
    "dangjian.accounts",
    "dangjian.orgs",
    "dangjian.members",
    "dangjian.leadership",
    "dangjian.orglife",
    "dangjian.reminders",
    "dangjian.recruitment",
    "dangjian.transfers",
    "dangjian.dues",
    "dangjian.learning",
    "dangjian.appraisal",
    "dangjian.reports",
    "dangjian.demo",
    "dangjian.api",
]

MIDDLEWARE = [
    # /healthz and /readyz are answered first: no session, login, CSRF or HTTPS redirect for probes (SEC-33).
    "dangjian.core.health.HealthMiddleware",
    "dangjian.core.middleware.ServedMethodsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "dangjian.core.middleware.RequestContextMiddleware",
    "dangjian.api.middleware.JsonApiErrorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "dangjian.accounts.middleware.SessionPolicyMiddleware",
    "dangjian.core.dbrouter.ReplicaPinMiddleware",
    "dangjian.accounts.export_guard.ExportSecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dangjian.urls"
WSGI_APPLICATION = "dangjian.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "dangjian.core.context_processors.navigation",
            ],
            "builtins": ["dangjian.core.templatetags.dj"],
        },
    }
]

# --- Database ---------------------------------------------------------------
_sqlite_path = VAR_DIR / "dangjian.sqlite3"
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{_sqlite_path}")
_db = dj_database_url.parse(DATABASE_URL, conn_max_age=envint("DANGJIAN_CONN_MAX_AGE", 0))
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["ENGINE"] = "dangjian.core.sqlite"
    Path(_db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    # Tests use an in-memory database per process (pytest-xdist workers are processes).
    _db["TEST"] = {"NAME": ":memory:"}
DATABASES = {"default": _db}
# A read-only PostgreSQL streaming replica (scripts/replica starts one locally) for dashboards, statistics and
# exports; core/dbrouter.py decides per query, the primary keeps writes and reads right after a write.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    _replica = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=envint("DANGJIAN_CONN_MAX_AGE", 0))
    if _replica["ENGINE"] != "django.db.backends.postgresql" or _db["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URL needs PostgreSQL, with DATABASE_URL on PostgreSQL too")
    # Tests: the replica serves the test database the primary created (streamed like any other), never its own.
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES["replica"] = _replica
DATABASE_ROUTERS = ["dangjian.core.dbrouter.PrimaryReplicaRouter"]
# How long a browser's reads stay on the primary after it wrote: longer than the replica is expected to lag.
DANGJIAN_REPLICA_PIN_SECONDS = envint("DANGJIAN_REPLICA_PIN_SECONDS", 10)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["DANGJIAN_REDIS_URL"]}
        if os.environ.get("DANGJIAN_REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- Locale -------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "Y年n月j日"
DATETIME_FORMAT = "Y年n月j日 H:i"
# ISO first among the input formats, so <input type=date> gets a value browsers accept (core/formats).
FORMAT_MODULE_PATH = ["dangjian.core.formats"]

# --- Static files (served by the app; front-end packages come from npm) --------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/tabler/css", BASE_DIR / "node_modules" / "@tabler" / "core" / "dist" / "css"),
    ("vendor/tabler/js", BASE_DIR / "node_modules" / "@tabler" / "core" / "dist" / "js"),
    ("vendor/tabler/img", BASE_DIR / "node_modules" / "@tabler" / "core" / "dist" / "img"),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": VAR_DIR / "media"}},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- Authentication and session policy (SEC-01..05) ---------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "dangjian.accounts.validators.MaximumLengthValidator"},
    {"NAME": "dangjian.accounts.validators.ComplexityValidator"},
    {"NAME": "dangjian.accounts.validators.ContextWordsValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "dangjian.accounts.validators.PasswordHistoryValidator"},
]
DANGJIAN_PASSWORD_MAX_AGE_DAYS = envint("DANGJIAN_PASSWORD_MAX_AGE_DAYS", 90)
DANGJIAN_SESSION_IDLE_MINUTES = min(envint("DANGJIAN_SESSION_IDLE_MINUTES", 15), 30)
# An API token stops working this many days after it was created (SEC-04); 1–365.
DANGJIAN_TOKEN_MAX_AGE_DAYS = max(1, min(envint("DANGJIAN_TOKEN_MAX_AGE_DAYS", 30), 365))
DANGJIAN_SESSION_ABSOLUTE_HOURS = envint("DANGJIAN_SESSION_ABSOLUTE_HOURS", 8)
SESSION_COOKIE_AGE = DANGJIAN_SESSION_ABSOLUTE_HOURS * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# On by default in the production profile, off for the local demo served over plain HTTP (scripts/start).
SECURE_COOKIES = envbool("DANGJIAN_SECURE_COOKIES", "True" if PRODUCTION else "False")
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
if SECURE_COOKIES:
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_HSTS_SECONDS = 31536000
    # Subdomains and the browsers' preload list are a choice for the whole domain, not for this app.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("DANGJIAN_HSTS_SUBDOMAINS", "False")
    SECURE_HSTS_PRELOAD = envbool("DANGJIAN_HSTS_PRELOAD", "False")
    SECURE_SSL_REDIRECT = envbool("DANGJIAN_SSL_REDIRECT", "True")
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_RESET_ON_SUCCESS = True
# Lock the account after its own failures only: keying on the address as well would let one address lock every
# account behind the same proxy (issue 11 finding 1). Addresses have their own, higher limit (accounts.throttle).
AXES_LOCKOUT_PARAMETERS = ["username"]
DANGJIAN_LOGIN_IP_LIMIT = max(AXES_FAILURE_LIMIT, envint("DANGJIAN_LOGIN_IP_LIMIT", 50))
# axes warns when the address is not a lockout parameter; it is limited on its own (accounts.throttle).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_LOCKOUT_CALLABLE = "dangjian.accounts.views.lockout_response"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False
# Trust X-Forwarded-For only behind the configured number of reverse proxies (nginx: 1); otherwise a client
# could forge its address, dodge the per-address limit and write false addresses into the audit log. One
# reader for the audit log and the sign-in limits (django-ipware is not installed, so axes would read only
# REMOTE_ADDR: the proxy's address for everyone).
# The production layout has nginx in front (docs/operations.md), so that profile trusts one proxy by default.
DANGJIAN_PROXY_COUNT = max(0, envint("DANGJIAN_PROXY_COUNT", 1 if PRODUCTION else 0))
AXES_CLIENT_IP_CALLABLE = "dangjian.core.middleware.client_ip"

OTP_TOTP_ISSUER = "机关党建"

# Content-Security-Policy without inline script (django-csp 4).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# --- REST API ------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that programs without credentials get 401 with WWW-Authenticate.
        "dangjian.api.auth.PolicyTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "dangjian.core.api.Pagination",
    "DEFAULT_SCHEMA_CLASS": "dangjian.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "dangjian.core.api.exception_handler",
    "DATETIME_FORMAT": "iso-8601",
    "DATE_FORMAT": "iso-8601",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "机关党建工作管理系统 API",
    "DESCRIPTION": "党组织、党员等数据的接口。所有数据按调用者的管理范围过滤。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "dangjian.api.schema.add_error_responses",
        "dangjian.api.schema.empty_means_not_given",
    ],
    "ENUM_NAME_OVERRIDES": {
        "OrgStatusEnum": "dangjian.orgs.models.OrgStatus",
        "MeetingStatusEnum": "dangjian.orglife.choices.MeetingStatus",
        "AttendanceStatusEnum": "dangjian.orglife.choices.AttendanceStatus",
        "PartyStatusEnum": "dangjian.members.choices.PartyStatus",
    },
}

# --- Personal data protection (SEC-17, SEC-24) ---------------------------------
DANGJIAN_FIELD_KEY = envsecret("DANGJIAN_FIELD_KEY", VAR_DIR / "keys" / "field_key")
DANGJIAN_INDEX_KEY = envsecret("DANGJIAN_INDEX_KEY", VAR_DIR / "keys" / "index_key")
# The audit chain key (SEC-12): HMAC-SM3 over each event and the one before it. Keep it off the database host
# where the roles allow (docs/security.md); without it `dangjian audit verify` cannot check the log.
DANGJIAN_AUDIT_KEY = envsecret("DANGJIAN_AUDIT_KEY", VAR_DIR / "keys" / "audit_key")
# Forward every audit event as one JSON line to syslog: "host:port" (UDP), "tcp:host:port" or a socket path
# such as /dev/log. Empty: not forwarded.
DANGJIAN_AUDIT_SYSLOG = os.environ.get("DANGJIAN_AUDIT_SYSLOG", "")
# Revealing a full 身份证号 or phone needs a session verified with a second factor (SEC-05).
DANGJIAN_REVEAL_REQUIRES_OTP = envbool("DANGJIAN_REVEAL_REQUIRES_OTP", "True")

# --- Backups (SEC-19..21) and health endpoints (SEC-33) ---------------------------
# The backup key encrypts the backup files; keep a copy offline, apart from the backups (docs/operations.md).
DANGJIAN_BACKUP_KEY = envsecret("DANGJIAN_BACKUP_KEY", VAR_DIR / "keys" / "backup_key")
DANGJIAN_BACKUP_DIR = Path(os.environ.get("DANGJIAN_BACKUP_DIR", VAR_DIR / "backups"))
DANGJIAN_BACKUP_KEEP = envint("DANGJIAN_BACKUP_KEEP", 7)
# /healthz and /readyz answer only these networks (not exposed publicly) and need this much free disk.
DANGJIAN_HEALTH_NETWORKS = [
    n for n in os.environ.get("DANGJIAN_HEALTH_NETWORKS", "127.0.0.0/8,::1/128").split(",") if n
]
DANGJIAN_HEALTH_MIN_FREE_MB = envint("DANGJIAN_HEALTH_MIN_FREE_MB", 1024)

# --- Uploads ---------------------------------------------------------------------
DANGJIAN_IMPORT_MAX_BYTES = envint("DANGJIAN_IMPORT_MAX_BYTES", 10 * 1024 * 1024)
DANGJIAN_IMPORT_MAX_ROWS = envint("DANGJIAN_IMPORT_MAX_ROWS", 20000)
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# Optional SMTP relay for reminder digests (`dangjian reminders --email`); off unless configured.
EMAIL_HOST = os.environ.get("DANGJIAN_EMAIL_HOST", "")
EMAIL_PORT = envint("DANGJIAN_EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = os.environ.get("DANGJIAN_EMAIL_FROM", "dangjian@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DANGJIAN_LOG_LEVEL", "WARNING")},
}
