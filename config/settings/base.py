"""Settings shared by every environment. Values that vary come from config.env, nowhere else."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF

from config.env import BASE_DIR, ImproperlyConfiguredEnv, cache_redis_url, env, same_redis_database
from config.media import media_storage

VAR_DIR = BASE_DIR / "var"

SECRET_KEY = env.str("SECRET_KEY", "insecure-development-key-never-used-in-production")
# Rotating SECRET_KEY: the previous key(s), comma-separated, still accepted for sessions and
# password-reset links until they expire (docs/operations.md, "Rotating secrets").
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", [])
DEBUG = False
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "daphne",
    # Ours first so our templates (sign-in, error pages) win.
    "agencies",
    "agencies.dropins",
    "agencies.victims",
    "scrutiny",
    "scrutiny.governance",
    "content",
    # Wagtail
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # Django and the ecosystem
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "guardian",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "channels",
    "django_tasks",
    "django_tasks_db",
    # Request IDs, metrics and error reports (config.observability; docs/operations.md).
    "config.observability",
]

MIDDLEWARE = [
    # First of all: the request's ID, in every log line of the request and its X-Request-ID header.
    "config.observability.request_id.RequestIdMiddleware",
    # Request count and latency by resolved route name, for /metrics (config.metrics).
    "config.metrics.MetricsMiddleware",
    # Outermost: reads what is left of a refused request's body, so the kept-alive upstream
    # connection stays usable for the next client (config/request_body.py).
    "config.request_body.DrainRequestBodyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # A NUL byte in the query string is a 400 before anything reads it.
    "config.middleware.HostileRequestMiddleware",
    # Health probes answered here, before the session and the page cache (config/health.py).
    "config.health.HealthCheckMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Signed-out GETs of public Wagtail pages from their shared copy, before everything below it
    # (content.page_cache: needs the session; the headers above are added on a hit as on a miss).
    "content.page_cache.AnonymousPageCacheMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Deny by default: every view needs a signed-in user unless marked login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Two-factor authentication on every request for MFA roles; idle timeout for case roles.
    "agencies.middleware.AccountSecurityMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A Wagtail admin `next` that Django's redirect() cannot follow is a 400, not a 500 after the action.
    "content.middleware.AdminNextParameterMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes requires: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "config" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "config.navigation.navigation",
                "agencies.context_processors.session_timeout",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
# SQLite in var/ by default (WAL, immediate transactions so writers queue instead of failing with
# "database is locked"); DATABASE_URL switches to PostgreSQL.
DATABASE_URL = env.optional("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "scrutiny-hub.sqlite3",
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
# PostgreSQL with two roles (docs/SECURITY.md §9): DATABASE_URL is the runtime role, which owns
# nothing and may only SELECT and INSERT access events; MIGRATION_DATABASE_URL is the owner, used
# only by `migrate --database owner`, `grant_runtime_role --database owner` and prune_audit.
MIGRATION_DATABASE_URL = env.optional("MIGRATION_DATABASE_URL")
if MIGRATION_DATABASE_URL:
    DATABASES["owner"] = dj_database_url.parse(MIGRATION_DATABASE_URL, conn_max_age=0)
    DATABASES["owner"]["TEST"] = {"MIRROR": "default"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and channel layer ----------------------------------------------------------------------
REDIS_URL = env.optional("REDIS_URL")
if REDIS_URL:
    # The cache has its own Redis database (default: REDIS_URL's server, the next database number),
    # so clearing it never touches the channel layer's groups and queued events.
    CACHE_REDIS_URL = env.optional("CACHE_REDIS_URL") or cache_redis_url(REDIS_URL)
    if same_redis_database(CACHE_REDIS_URL, REDIS_URL):
        raise ImproperlyConfiguredEnv(
            "CACHE_REDIS_URL must name another Redis database than REDIS_URL (the channel layer's)."
        )
    CACHES = {
        "default": {
            # django-redis (config/cache.py): a miss, not a 500, while Redis is unreachable.
            "BACKEND": "config.cache.MeteredRedisCache",
            "LOCATION": CACHE_REDIS_URL,
            "KEY_PREFIX": "scrutiny-hub-cache",
            "OPTIONS": {
                # After one failure, calls fail at once for 2 s (a frozen Redis costs one timeout).
                "CLIENT_CLASS": "config.cache.BreakerClient",
                # Bounded waits: a frozen Redis degrades a page by about 1 s, not 7-9 s.
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 1,
            },
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            # channels-redis' layer, counting published realtime events (config.metrics).
            "BACKEND": "config.metrics.MeteredRedisChannelLayer",
            # Bounded connect time: during a Redis outage publishing fails fast (agencies.realtime.events).
            # The read timeout must outlast channels-redis' 5 s BZPOPMIN, or redis-py's default
            # (5 s since redis-py 6) kills every idle consumer with a TimeoutError (close 1011).
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "socket_connect_timeout": 1, "socket_timeout": 15}],
                "prefix": "scrutiny-hub",
                # Each worker process reads every event of its sockets through one channel
                # (agencies.realtime.fanout), so a burst must fit in it: 1,000 events, not the default 100.
                "capacity": 1000,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "config.cache.MeteredLocMemCache"}}
    # One process: every socket's events go through the hub's one channel (agencies.realtime.fanout).
    CHANNEL_LAYERS = {
        "default": {"BACKEND": "config.metrics.MeteredInMemoryChannelLayer", "CONFIG": {"capacity": 1000}}
    }

# django-redis' exception-ignoring mode: an unreachable Redis is a cache miss (reads give the default,
# writes are dropped), each failure logged by "config.cache" (config/cache.py).
DJANGO_REDIS_IGNORE_EXCEPTIONS = True
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
DJANGO_REDIS_LOGGER = "config.cache"

# --- Background tasks -----------------------------------------------------------------------------
# The embedded default runs tasks in the request (immediate). Scale-out (DATABASE_URL set) queues them
# in the database for `manage.py db_worker` (django-tasks-db); TASKS_BACKEND=immediate|database
# chooses explicitly.
TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
TASKS_BACKEND = env.optional("TASKS_BACKEND") or ("database" if DATABASE_URL else "immediate")
if TASKS_BACKEND not in TASK_BACKENDS:
    raise ImproperlyConfiguredEnv(
        f"TASKS_BACKEND must be one of {', '.join(TASK_BACKENDS)}, not {TASKS_BACKEND!r}."
    )
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASKS_BACKEND]}}

# --- Identity -------------------------------------------------------------------------------------
AUTH_USER_MODEL = "agencies.User"
AUTHENTICATION_BACKENDS = [
    # First, as django-axes requires: refuses locked-out accounts and addresses before any check.
    "axes.backends.AxesStandaloneBackend",
    # Django's model backend with each person's permission sets in the cache, keyed by their
    # access_version and the permissions generation (agencies.auth_backends; ADR 0008).
    "agencies.auth_backends.CachedPermissionsBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# Accounts are people with an agency; guardian's anonymous stand-in user would have neither.
ANONYMOUS_USER_NAME = None
GUARDIAN_RENDER_403 = True
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "agencies:sign-in"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 2
# Database sessions read through the (shared) cache, each cached copy at most 5 minutes old;
# every path that ends a session deletes both (agencies.sessions; ADR 0008).
SESSION_ENGINE = "agencies.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 8
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# --- Access and security (agencies: MFA, lockout, idle timeout, headers) ------------------------
# TOTP via django-otp; who must use it comes from agencies.roles (RoleSpec.needs_mfa).
OTP_TOTP_ISSUER = "Scrutiny Hub"
OTP_TOTP_THROTTLE_FACTOR = 1
# Case roles are signed out after this long without a request, warned this long before.
SESSION_IDLE_TIMEOUT_SECONDS = env.int("SESSION_IDLE_TIMEOUT_SECONDS", 30 * 60)
SESSION_IDLE_WARNING_SECONDS = env.int("SESSION_IDLE_WARNING_SECONDS", 2 * 60)
# Invitations expire after this many hours.
INVITATION_VALID_HOURS = env.int("INVITATION_VALID_HOURS", 72)
# --- Sign-in lockout and request rate limits: every limit is here (docs/operations.md) ----------
# Failed sign-ins within the cool-off, counted three ways (agencies.lockout): per account from any
# address (NCSC suggests allowing about ten), per account from one address, and per address across
# all accounts. The last is much higher, so ten wrong passwords for one account do not lock out
# everyone else behind the same NAT address; it still stops one address spraying many accounts.
# Administrators can unlock an account early; every lock lifts itself after the cool-off.
# Requests that send email, per target account (the normalised address typed) and per client
# address, within a fixed window: over a limit nothing is sent (agencies.ratelimits).
SECURITY_LIMITS = {
    "sign_in": {
        "account": env.int("SIGN_IN_FAILURE_LIMIT", 10),
        "account_address": env.int("SIGN_IN_ACCOUNT_ADDRESS_FAILURE_LIMIT", 10),
        "address": env.int("SIGN_IN_ADDRESS_FAILURE_LIMIT", 100),
    },
    "password_reset": {
        "account": env.int("PASSWORD_RESET_ACCOUNT_LIMIT", 3),
        "address": env.int("PASSWORD_RESET_ADDRESS_LIMIT", 20),
        "window_seconds": 60 * env.int("PASSWORD_RESET_LIMIT_WINDOW_MINUTES", 60),
    },
    "invitation_resend": {
        "account": env.int("INVITATION_RESEND_ACCOUNT_LIMIT", 3),
        "address": env.int("INVITATION_RESEND_ADDRESS_LIMIT", 50),
        "window_seconds": 60 * env.int("INVITATION_RESEND_LIMIT_WINDOW_MINUTES", 60),
    },
}
for _scope, _limits in SECURITY_LIMITS.items():
    for _name, _value in _limits.items():
        if _value < 1:
            raise ImproperlyConfiguredEnv(f"The {_scope} {_name} limit must be 1 or more.")
# django-axes keeps the sign-in counts; these route it to the three limits above.
AXES_HANDLER = "agencies.lockout.TieredLockoutHandler"
AXES_FAILURE_LIMIT = "agencies.lockout.account_failure_limit"
AXES_LOCKOUT_PARAMETERS = ["username", ["username", "ip_address"], "ip_address"]
AXES_COOLOFF_TIME = timedelta(minutes=env.int("SIGN_IN_LOCKOUT_MINUTES", 15))
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "agencies.security.axes_username"
AXES_LOCKOUT_CALLABLE = "agencies.views.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
# Reverse proxies in front of the application that append the client's address to X-Forwarded-For
# (nginx in platform/launch.py: 1). 0 trusts no header: lockouts key on the socket's address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfiguredEnv("TRUSTED_PROXY_COUNT must be 0 or more.")
AXES_CLIENT_IP_CALLABLE = "agencies.security.client_ip_address"
# A strict Content-Security-Policy: no inline script or style anywhere (see docs/adr for /cms/).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-src": [NONE],
        "frame-ancestors": [NONE],
        "object-src": [NONE],
        "base-uri": [NONE],
    }
}
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "camera": [],
    "display-capture": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "payment": [],
    "usb": [],
}

# --- Internationalisation -------------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------------
STATIC_URL = "/static/"
# Where collectstatic writes (the web server serves it); an operator may put it elsewhere.
STATIC_ROOT = Path(env.str("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "frontend" / "dist"]
# Nothing serves MEDIA_URL: documents and images reach people only through the views that check
# them (WAGTAILDOCS_SERVE_METHOD below, content.views.image).
MEDIA_URL = "/media/"
MEDIA_ROOT = env.str("MEDIA_ROOT", str(VAR_DIR / "media"))
# Uploads on the local disk (MEDIA_ROOT) unless MEDIA_STORAGE=s3 or AWS_STORAGE_BUCKET_NAME puts
# them in a private S3-compatible bucket (config.media; docs/operations.md, "Media storage").
STORAGES = {
    "default": media_storage(env),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024


# --- Where the site is served -----------------------------------------------------------------------
# BASE_URL (as WAGTAILADMIN_BASE_URL) is the address in emails, calendar invitations and the CMS.
# Unset, it is where `make run` serves: HOST and PORT (the Makefile's, passed through),
# 127.0.0.1:8000 by default.
def served_base_url(host: str, port: int) -> str:
    """The http:// address a browser on this machine uses for a daphne bound to host:port."""
    host = host.strip()
    if host in {"", "0.0.0.0", "::", "[::]"}:  # noqa: S104 - bound to every interface: link to loopback
        host = "127.0.0.1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}" if port == 80 else f"http://{host}:{port}"


_SERVED = served_base_url(env.str("HOST", "127.0.0.1"), env.int("PORT", 8000))
WAGTAILADMIN_BASE_URL = env.str("BASE_URL", _SERVED).rstrip("/")

# --- Email ----------------------------------------------------------------------------------------
# Django sends through config.observability.email, which logs each batch with the request ID and
# hands it to the backend the EMAIL_BACKEND variable names.
EMAIL_BACKEND = "config.observability.email.ObservedEmailBackend"
EMAIL_DELIVERY_BACKEND = env.str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# The file backend's folder (config.settings.dev writes every email there, one file per message).
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))


def mail_domain(base_url: str) -> str:
    """The site's host name, for its no-reply address; an IP address is no mail domain: localhost."""
    host = urlsplit(base_url).hostname or ""
    return host if any(c.isalpha() for c in host) and ":" not in host else "localhost"


DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", f"Scrutiny Hub <no-reply@{mail_domain(WAGTAILADMIN_BASE_URL)}>"
)
# The first values of the contact addresses in the CMS's Site settings (content.site_settings),
# which the pages show; empty shows no contact link.
FEEDBACK_EMAIL = env.str("FEEDBACK_EMAIL", "")
ACCESSIBILITY_EMAIL = env.str("ACCESSIBILITY_EMAIL", "")
EMAIL_HOST = env.str("EMAIL_HOST", "localhost")
EMAIL_PORT = env.int("EMAIL_PORT", 25)
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)

# --- Wagtail --------------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Scrutiny Hub"
# Publishing happens only when a workflow finishes, through content.workflow_finish.publish_approved
# (which re-runs the identifier check on the revision it publishes); an edit made while a page is
# in review sends it back through every step (the 2i content check sees the final text).
WAGTAIL_FINISH_WORKFLOW_ACTION = "content.workflow_finish.publish_approved"
WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = True
WAGTAILADMIN_LOGIN_URL = "agencies:sign-in"
WAGTAIL_FRONTEND_LOGIN_URL = "/account/sign-in/"
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = True
# Page privacy is by sign-in and partner groups only; shared page passwords are off.
WAGTAIL_ALLOW_SHARED_PASSWORD_PAGE = False
WAGTAIL_I18N_ENABLED = False
# Wagtail's database search backend picks PostgreSQL full-text search when the database is PostgreSQL.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    WAGTAILSEARCH_BACKENDS["default"]["SEARCH_CONFIG"] = "english"
# Documents are streamed by Wagtail's serve view after its checks, never a redirect to the file's
# storage URL (on S3 that would be the bucket): required, whatever the storage (config.media).
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "odt", "xlsx", "ods", "csv", "txt"]
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
# Uploads (issue 8): size limits, a content check on documents (content/uploads.py: the bytes must
# be what the extension says, no markup), fixed content types, and only PDFs shown inline. Wagtail's
# serve view adds `Content-Security-Policy: default-src 'none'` and `nosniff` to every document.
WAGTAILDOCS_DOCUMENT_FORM_BASE = "content.uploads.DocumentForm"
WAGTAILIMAGES_IMAGE_FORM_BASE = "content.uploads.ImageForm"
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
WAGTAILDOCS_BLOCK_EMBEDDED_CONTENT = True
WAGTAILDOCS_INLINE_CONTENT_TYPES = ["application/pdf"]
WAGTAILDOCS_CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "csv": "text/csv",
    "txt": "text/plain",
}
# No Gravatar: it would send a hash of each admin's email to a third party, and the CSP blocks it.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# --- Logging --------------------------------------------------------------------------------------
# One JSON object per line (config.observability.logging) unless LOG_FORMAT=plain, which `make run`
# (DEBUG) uses. Either way every record gets its request ID, and records logged from scrutiny code
# lose their arguments (scrutiny.reporting.CaseContentLogFilter) before they are formatted.
LOG_FORMAT = env.str("LOG_FORMAT", "json")
if LOG_FORMAT not in ("json", "plain"):
    raise ImproperlyConfiguredEnv(f"LOG_FORMAT must be json or plain, not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "case_content": {"()": "scrutiny.reporting.CaseContentLogFilter"},
        "request_id": {"()": "config.observability.logging.RequestIdFilter"},
        "cache_skips": {"()": "config.cache.SkippedCallsFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "config.observability.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["case_content", "request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "daphne": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        # django-axes logs every successful sign-in at INFO; failures and lockouts stay visible.
        "axes": {"level": "WARNING"},
        # One line per failed cache call; calls the breaker refused are not repeated (config/cache.py).
        "config.cache": {"filters": ["cache_skips"]},
    },
}

# --- Retention (docs/SECURITY.md §11) ----------------------------------------------------------
# Days each record type is kept after its anchor date (the table in the doc says which date, and
# what a legal hold blocks). One variable per type: RETENTION_DAYS_CASE=2190 and so on.
RETENTION_DAYS = {
    "case": env.int("RETENTION_DAYS_CASE", 6 * 365),
    "case_child": env.int("RETENTION_DAYS_CASE_CHILD", 20 * 365),
    "meeting": env.int("RETENTION_DAYS_MEETING", 7 * 365),
    "finding": env.int("RETENTION_DAYS_FINDING", 7 * 365),
    "action": env.int("RETENTION_DAYS_ACTION", 7 * 365),
    "export": env.int("RETENTION_DAYS_EXPORT", 30),
    "notification": env.int("RETENTION_DAYS_NOTIFICATION", 365),
    "booking": env.int("RETENTION_DAYS_BOOKING", 365),
    "invitation": env.int("RETENTION_DAYS_INVITATION", 90),
    "session": env.int("RETENTION_DAYS_SESSION", 1),
    # A pre-trial meeting request's URN, from when its outcome was recorded (agencies/victims/meetings).
    "pretrial_urn": env.int("RETENTION_DAYS_PRETRIAL_URN", 30),
    # The access audit's own (scrutiny.audit.prune_audit): longer than any record it describes
    # (cases 6 years, meetings 7) plus a year for complaints. At least 365.
    "audit_log": env.int("RETENTION_DAYS_AUDIT_LOG", 8 * 365),
}

CSRF_FAILURE_VIEW = "config.views.csrf_failure"

# --- Metrics and error reports (docs/operations.md, "Logs, metrics and error reports") ----------
# /metrics answers only `Authorization: Bearer <METRICS_TOKEN>`; unset, it is off (404 for all).
METRICS_TOKEN = env.str("METRICS_TOKEN", "")
# Error reports to Sentry, scrubbed (config.observability.sentry); off unless SENTRY_DSN is set.
SENTRY_DSN = env.optional("SENTRY_DSN")
if SENTRY_DSN:
    from config.observability.sentry import init_sentry

    init_sentry(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", "production"),
        release=env.optional("SENTRY_RELEASE"),
    )
