"""Settings for Kundregister, read from the environment (see .env.example).

One ``environ.Env()`` reads every variable. A wrong value stops start-up with a
message that names the variable, so a broken deployment never half-starts.
"""

import re
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


_TRUE = {"1", "true", "yes", "on", "y", "t"}
_FALSE = {"0", "false", "no", "off", "n", "f", ""}


def _read(name: str, cast, default):
    """Read one variable, naming it in the error when its value is malformed."""
    if cast is bool and name in env:
        value = env.str(name).strip().lower()
        if value not in _TRUE | _FALSE:
            raise ImproperlyConfigured(f"{name} has an invalid value: {value!r} (use True or False)")
        return value in _TRUE
    try:
        return env.get_value(name, cast=cast, default=default)
    except (ValueError, TypeError, environ.ImproperlyConfigured) as exc:
        raise ImproperlyConfigured(f"{name} has an invalid value: {exc}") from exc


DEBUG = _read("DEBUG", bool, False)

SECRET_KEY = _read("SECRET_KEY", str, "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY to a long random value "
            "(or DEBUG=True for local development)."
        )
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105 (DEBUG only)

ALLOWED_HOSTS = _read("ALLOWED_HOSTS", list, ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = _read("CSRF_TRUSTED_ORIGINS", list, [])
# Absolute base URL used in emails (verification and download links), e.g. https://shop.example
SITE_URL = _read("SITE_URL", str, "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # The admin site that asks staff for their second factor (staff.sites.StaffAdminSite).
    "staff.apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "register",
    "staff",
    "customers",
    "requests",
    "breaches",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "register.security.PermissionsPolicyMiddleware",
    "register.security.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "staff.signin_reads.StaffOTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so that it turns a lockout found during login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# django-axes checks every login against the lockout first; then the usual password check.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "staff.signin_reads.StaffModelBackend",
]
# Django's database sessions, read with SQL compiled once (staff/signin_reads.py).
SESSION_ENGINE = "staff.signin_reads"

ROOT_URLCONF = "register.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                # CSP_NONCE: the nonce of this response, for the few inline <script> and <style> blocks.
                "csp.context_processors.nonce",
                # shop_name: who customers deal with, named on every public page.
                "register.context_processors.shop",
            ],
        },
    },
]

WSGI_APPLICATION = "register.wsgi.application"
ASGI_APPLICATION = "register.asgi.application"

try:
    DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
except (ValueError, KeyError, environ.ImproperlyConfigured) as exc:
    raise ImproperlyConfigured(f"DATABASE_URL has an invalid value: {exc}") from exc
if DATABASES["default"].get("ENGINE") not in {
    "django.db.backends.sqlite3",
    "django.db.backends.postgresql",
}:
    raise ImproperlyConfigured(
        "DATABASE_URL must start with sqlite:/// or postgres://, "
        f"not {str(env.str('DATABASE_URL', default='')).split(':', 1)[0]!r}"
    )
# Persistent connections in production (a new connection per request costs more than many pages);
# development's runserver opens a thread per request, so it keeps 0. CONN_HEALTH_CHECKS drops a
# connection the database closed. docs/operations.md.
DATABASES["default"].setdefault("CONN_MAX_AGE", _read("CONN_MAX_AGE", int, 0 if DEBUG else 60))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DATABASES["default"]["ATOMIC_REQUESTS"] = False

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

try:
    CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://kundregister")}
except (ValueError, KeyError, environ.ImproperlyConfigured) as exc:
    raise ImproperlyConfigured(f"CACHE_URL has an invalid value: {exc}") from exc

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: every public page and email exists in these four languages.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("sv", _("Swedish")),
    ("fi", _("Finnish")),
    ("nb", _("Norwegian Bokmål")),
    ("en", _("English")),
]
LANGUAGE_CODES = [code for code, _name in LANGUAGES]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = _read("TIME_ZONE", str, "Europe/Helsinki")
try:
    import zoneinfo

    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
    raise ImproperlyConfigured(f"TIME_ZONE has an invalid value: {TIME_ZONE!r}") from exc
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = _read("STATIC_ROOT", str, str(BASE_DIR / "staticfiles"))
# Generated access reports: never under a public media path, only served
# through the signed, logged download view.
PRIVATE_STORAGE_ROOT = Path(_read("PRIVATE_STORAGE_ROOT", str, str(BASE_DIR / "var" / "private")))

# Email: console backend in development, anything Django supports via EMAIL_URL.
EMAIL_CONFIG = None
try:
    if env.str("EMAIL_URL", default=""):
        EMAIL_CONFIG = env.email("EMAIL_URL")
        vars().update(EMAIL_CONFIG)
    else:
        EMAIL_BACKEND = (
            "django.core.mail.backends.console.EmailBackend"
            if DEBUG
            else "django.core.mail.backends.smtp.EmailBackend"
        )
except (ValueError, KeyError, environ.ImproperlyConfigured) as exc:
    raise ImproperlyConfigured(f"EMAIL_URL has an invalid value: {exc}") from exc
DEFAULT_FROM_EMAIL = _read("DEFAULT_FROM_EMAIL", str, "kundregister@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background work (mail, webhooks, large reports) runs on one durable task queue. "database" (the
# default) stores tasks in DATABASE_URL and needs no other server: run `manage.py db_worker`.
# "redis" runs them on Redis-backed RQ workers (`manage.py rqworker`), for a shop with several hosts.
TASK_QUEUE = _read("TASK_QUEUE", str, "database").lower()
if TASK_QUEUE == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
elif TASK_QUEUE == "redis":
    INSTALLED_APPS.append("django_rq")
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": _read("REDIS_URL", str, "redis://127.0.0.1:6379/0")}}
else:
    raise ImproperlyConfigured(f"TASK_QUEUE must be database or redis, not {TASK_QUEUE!r}")

# Seconds a webhook receiver has to answer an event before the attempt counts as failed (retried later).
WEBHOOK_TIMEOUT = _read("WEBHOOK_TIMEOUT", int, 10)
# An access report or portability export for a customer with more orders than this is built on the
# task queue instead of during the click; the admin shows "being generated" meanwhile.
REPORT_BACKGROUND_ORDERS = _read("REPORT_BACKGROUND_ORDERS", int, 2000)

# Past versions in the admin's history are shown, never written back (register.admin_base.HistoryAdmin).
SIMPLE_HISTORY_REVERT_DISABLED = True

# The shop's API (/api/v1/, docs/operations.md "The shop's API and webhooks"): JSON only, API keys only,
# rate-limited per key in the default cache.
API_RATE_LIMIT = _read("API_RATE_LIMIT", str, "1200/minute")
if not re.fullmatch(r"[1-9]\d*/(second|minute|hour|day)", API_RATE_LIMIT):
    raise ImproperlyConfigured(
        f"API_RATE_LIMIT must be like 1200/minute (per second, minute, hour or day), not {API_RATE_LIMIT!r}"
    )
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.auth.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.auth.HasScope"],
    "DEFAULT_THROTTLE_CLASSES": ["api.auth.ApiKeyThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Kundregister API",
    "DESCRIPTION": "Customers, orders, consents and data-subject requests from the web shop.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "PREPROCESSING_HOOKS": ["api.schema.only_api_paths"],
}

# Keyed hash for the marketing suppression list (GDPR Art. 21(3)): the list
# survives erasure, so it must not hold addresses in clear.
SUPPRESSION_HASH_KEY = _read("SUPPRESSION_HASH_KEY", str, "") or SECRET_KEY

# Verification links for public requests expire after this many hours.
REQUEST_VERIFICATION_HOURS = _read("REQUEST_VERIFICATION_HOURS", int, 24)
# Rate limit on the public request form, per client address and per email.
REQUEST_RATE_LIMIT = _read("REQUEST_RATE_LIMIT", int, 5)
REQUEST_RATE_WINDOW_SECONDS = _read("REQUEST_RATE_WINDOW_SECONDS", int, 3600)
# Access report download links expire after this many days.
REPORT_LINK_DAYS = _read("REPORT_LINK_DAYS", int, 7)
# The country a new register description starts with (FI, SE, NO or EE). Once a register exists, its own
# country decides the supervisory authority and the bookkeeping periods (register.models.shop_country).
SHOP_COUNTRY = _read("SHOP_COUNTRY", str, "FI").upper()
if SHOP_COUNTRY not in {"FI", "SE", "NO", "EE"}:
    raise ImproperlyConfigured(f"SHOP_COUNTRY must be one of FI, SE, NO, EE, not {SHOP_COUNTRY!r}")

# Deployment security: on unless DEBUG, each can be turned off by the environment
# (e.g. behind a proxy that terminates TLS and redirects by itself).
SECURE_SSL_REDIRECT = _read("SECURE_SSL_REDIRECT", bool, not DEBUG)
SECURE_HSTS_SECONDS = _read("SECURE_HSTS_SECONDS", int, 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _read("SECURE_HSTS_INCLUDE_SUBDOMAINS", bool, not DEBUG)
SECURE_HSTS_PRELOAD = _read("SECURE_HSTS_PRELOAD", bool, not DEBUG)
SESSION_COOKIE_SECURE = _read("SESSION_COOKIE_SECURE", bool, not DEBUG)
CSRF_COOKIE_SECURE = _read("CSRF_COOKIE_SECURE", bool, not DEBUG)
# Behind one reverse proxy that appends the client's address to X-Forwarded-For, the
# rate limits of the public forms count by that address instead of the proxy's.
USE_X_FORWARDED_FOR = _read("USE_X_FORWARDED_FOR", bool, False)
if _read("USE_X_FORWARDED_PROTO", bool, False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# --- Staff sign-in (docs/operations.md, "Security model") ---------------------------------------
# Lockout (django-axes): LOGIN_FAILURE_LIMIT failed logins for one username from one address, or
# LOGIN_FAILURE_LIMIT_PER_ADDRESS from one address whatever the usernames, lock that address out
# (for that username, or for every one) until LOGIN_LOCKOUT_MINUTES have passed since the last
# failure. Failures count until that long passes without one. A username alone is never locked,
# so nobody can lock a colleague out from elsewhere; the second factor stops guessing from many addresses.
LOGIN_FAILURE_LIMIT = _read("LOGIN_FAILURE_LIMIT", int, 5)
LOGIN_FAILURE_LIMIT_PER_ADDRESS = _read("LOGIN_FAILURE_LIMIT_PER_ADDRESS", int, 20)
LOGIN_LOCKOUT_MINUTES = _read("LOGIN_LOCKOUT_MINUTES", int, 30)
for _name in ("LOGIN_FAILURE_LIMIT", "LOGIN_FAILURE_LIMIT_PER_ADDRESS", "LOGIN_LOCKOUT_MINUTES"):
    if vars()[_name] < 1:
        raise ImproperlyConfigured(f"{_name} must be at least 1, not {vars()[_name]}")
AXES_HANDLER = "staff.lockout.LockoutHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_CLIENT_IP_CALLABLE = "register.security.client_address"
AXES_LOCKOUT_CALLABLE = "staff.views.locked_out"
# A success does not wipe the count: a login to one account must not reset the address's failures
# against another.
AXES_RESET_ON_SUCCESS = False
# A failure during a lockout does not extend it: the lockout ends LOGIN_LOCKOUT_MINUTES after it began.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Log lines name no username or address (they may be personal data, or a password typed in the
# wrong field); the DPO sees both under Staff sign-in in the admin.
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "csrfmiddlewaretoken", "next"]
# Failed attempts are kept (as lockout counters) in AccessAttempt; a separate failure log is not kept.
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_ENABLE_ADMIN = False  # staff/admin.py shows the records, translated and for the DPO only

# Two-factor authentication (django-otp, TOTP with backup codes): see staff/twofactor.py for who must.
OTP_TOTP_ISSUER = _read("OTP_TOTP_ISSUER", str, "Kundregister")
# After each wrong code the next try waits twice as long (1 s, 2 s, 4 s, …) for that device.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

# Sessions end after STAFF_IDLE_MINUTES without a request (requests renew the stored session, at most
# once a minute: register.security.SessionMiddleware), and when the browser closes.
STAFF_IDLE_MINUTES = _read("STAFF_IDLE_MINUTES", int, 8 * 60 if DEBUG else 30)
if STAFF_IDLE_MINUTES < 1:
    raise ImproperlyConfigured(f"STAFF_IDLE_MINUTES must be at least 1, not {STAFF_IDLE_MINUTES}")
SESSION_COOKIE_AGE = STAFF_IDLE_MINUTES * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Content-Security-Policy (django-csp) on every response: only this site's own files; the few inline
# <script> and <style> blocks carry the response's nonce (templates use {{ CSP_NONCE }}); no inline
# style attributes but one of django-simple-history's history page ("border-top: 0", allowed by its
# hash alone); no plugins, no framing, forms post only here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "style-src-attr": ["'unsafe-hashes'", "'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='"],
        "img-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Browser features the site never uses are switched off for it and anything it could embed.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"


# Loggers that write request paths. A path may hold a link token (verification, report download,
# unsubscribe), so each of them, the root logger and the console handler mask tokens
# (register.log_filters): no log line at any level carries one.
PATH_LOGGERS = ("django.request", "django.security.csrf", "django.server")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_tokens": {"()": "register.log_filters.MaskTokens"}},
    "formatters": {
        # One line per record: time, level, logger and message (messages carry ids, never personal data).
        "line": {"format": "{asctime} {levelname} {name} {message}", "style": "{"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "line", "filters": ["mask_tokens"]},
    },
    "root": {"handlers": ["console"], "level": _read("LOG_LEVEL", str, "INFO"), "filters": ["mask_tokens"]},
    "loggers": {
        **{name: {"filters": ["mask_tokens"]} for name in PATH_LOGGERS},
        # Request lines of runserver; gunicorn's access log is configured by gunicorn.
        "django.server": {"level": "INFO", "filters": ["mask_tokens"]},
    },
}
