"""Settings shared by every environment.

Safe by default: no secret, no debug. Everything a deployment changes is read from the
environment (see the configuration table in README.md).
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    value = value.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(
        f"{name} must be a boolean (1/0, true/false), not {value!r}"
    )


def env_list(name: str, default: str = "") -> list[str]:
    return [
        item.strip()
        for item in os.environ.get(name, default).split(",")
        if item.strip()
    ]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from exc


def parse_origin(value: str, name: str = "PUBLIC_URL") -> str:
    """``value`` as ``scheme://host[:port]`` without a trailing slash, or ImproperlyConfigured.

    Only an origin is accepted: a path would be glued in front of every page's path, and a
    query, fragment or user name has no place in a link."""
    value = (value or "").strip()
    example = "for example https://campaign.example.org"
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"{name} is not a valid URL ({example}): {exc}"
        ) from exc
    if parts.scheme not in {"http", "https"}:
        raise ImproperlyConfigured(
            f"{name} must start with http:// or https:// ({example}), not {value!r}"
        )
    if not parts.hostname:
        raise ImproperlyConfigured(
            f"{name} must name a host ({example}), not {value!r}"
        )
    if parts.username is not None or parts.password is not None:
        raise ImproperlyConfigured(f"{name} must not contain a user name or password")
    if parts.path not in {"", "/"} or parts.query or parts.fragment:
        raise ImproperlyConfigured(
            f"{name} must be an origin without a path, query or fragment ({example}), "
            f"not {value!r}"
        )
    host = parts.hostname
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    default_port = 443 if parts.scheme == "https" else 80
    netloc = host if port in (None, default_port) else f"{host}:{port}"
    return f"{parts.scheme}://{netloc}"


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "campaign_pages",
    "pledge_forms",
    "pledge_forms.showcase",
    "media",
    "cms",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.table_block",
    "wagtail.contrib.typed_table_block",
    "wagtail.contrib.search_promotions",
    "wagtail.contrib.frontend_cache",
    "wagtail_modeladmin",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.api.v2",
    "wagtail",
    "rest_framework",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "storages",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before whitenoise and the page cache: static files and cached pages get the headers too.
    "cms.headers.ContentSecurityPolicyMiddleware",
    "cms.headers.PermissionsPolicyMiddleware",
    # whitenoise, with a year's lifetime for hashed names (cms/static_files.py).
    "cms.static_files.StaticFilesMiddleware",
    # Outside the page cache, so cached pages are compressed too (cms/compression.py).
    "cms.compression.CompressionMiddleware",
    "cms.page_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cms.languages.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Wagtail's site and route of an address, remembered per process (cms/serve.py).
    "cms.serve.RouteMemoMiddleware",
]

# --- Malformed requests -------------------------------------------------------------
# Answered 400 with a message before anything reads them (cms/malformed_requests.py):
# right after the security middleware, so neither the page cache nor a view sees them.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "cms.malformed_requests.MalformedRequestMiddleware",
)

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL says otherwise (PostgreSQL in production).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a lock instead of failing at once when two requests write together.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    # Several gunicorn workers on one file: readers do not block the writer (WAL), and a
    # transaction takes the write lock when it begins, so two of them never deadlock on the
    # upgrade from reading to writing ("database is locked" at once, whatever the timeout).
    DATABASES["default"]["OPTIONS"].update(
        transaction_mode="IMMEDIATE",
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background work (django-tasks): the plugin's e-mail deliveries and Wagtail's own search-index
# and reference-index updates, image focal points, file deletions and CDN purges. Stored as rows
# in the database and run by `manage.py db_worker` processes (django-tasks-db); `make run`
# starts one. TASKS_BACKEND=django_tasks.backends.immediate.ImmediateBackend runs every task
# at once inside the request instead (no worker; e-mail then waits for SMTP and is not retried
# by itself).
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Cache: Redis when REDIS_URL is set (shared by every app server), else local memory.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Fails open: with Redis down the site serves uncached (cms/cache.py).
            "BACKEND": "cms.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "tbc"),
            "TIMEOUT": 300,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    CACHES["page_cache"] = {
        **CACHES["default"],
        "KEY_PREFIX": CACHES["default"]["KEY_PREFIX"] + ":pages",
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "tbc-default",
        },
        # On disk rather than in memory, so that every gunicorn worker of this host sees the
        # same pages and the same invalidation counter.
        "page_cache": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache" / "pages"),
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        },
    }

# Page cache (cms/page_cache.py): whole public pages for anonymous visitors, invalidated on
# publish. PAGE_CACHE_SECONDS=0 turns it off.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300)
# Copies of one path with different query strings (of parameters the page reads) kept at most.
PAGE_CACHE_MAX_VARIANTS = env_int("PAGE_CACHE_MAX_VARIANTS", 100)
# Pages are stored per release: the deployed commit when given, else a digest of the code,
# templates and built static files (cms/page_cache.py release()).
PAGE_CACHE_RELEASE = os.environ.get("PAGE_CACHE_RELEASE", "")
PAGE_CACHE_ALIAS = "page_cache"

# Behind proxies, and the pledge rate limit (docs/proxy.md). PROXY_COUNT says how many trusted
# proxies (nginx, a load balancer, a CDN) each append the address they received a request from
# to X-Forwarded-For before it reaches gunicorn; the client is the PROXY_COUNT-th entry from the
# right. 0 (default): the header is never read, the client is REMOTE_ADDR. The rate limit counts
# each client in Redis when REDIS_URL is set (an atomic increment), else in a database row: in
# both cases shared by every worker and app server, never a per-process memory.
PROXY_COUNT = env_int("PROXY_COUNT", 0)
PLEDGE_FORMS_RATE_LIMIT = env_int("PLEDGE_FORMS_RATE_LIMIT", 10)
PLEDGE_FORMS_RATE_WINDOW_SECONDS = env_int("PLEDGE_FORMS_RATE_WINDOW_SECONDS", 3600)
PLEDGE_FORMS_RATE_CACHE = "default" if REDIS_URL else None
if PROXY_COUNT < 0 or PLEDGE_FORMS_RATE_LIMIT < 0:
    raise ImproperlyConfigured("PROXY_COUNT and PLEDGE_FORMS_RATE_LIMIT must be >= 0")
if PLEDGE_FORMS_RATE_WINDOW_SECONDS < 1:
    raise ImproperlyConfigured("PLEDGE_FORMS_RATE_WINDOW_SECONDS must be at least 1")

# `/bench/ceiling/`, the benchmark's reference view: only when BENCH_CEILING=1 (bench/README.md).
BENCH_CEILING = env_bool("BENCH_CEILING", False)

# --- Staff accounts: sign-in throttling, two-factor authentication, sessions, passwords ---
# (docs/staff.md). Only staff sign in on this site; every knob below is an environment variable.
INSTALLED_APPS += [
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
]
# After authentication: django-otp marks the user verified (or not) from the session, then the
# staff middleware ends idle sessions and sends staff to the second factor before any admin
# view. django-axes comes last, as its documentation asks, to answer a locked-out sign-in.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "django_otp.middleware.OTPMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django_otp.middleware.OTPMiddleware") + 1,
    "cms.staff_auth.middleware.StaffSessionMiddleware",
)
MIDDLEWARE.append("axes.middleware.AxesMiddleware")
# django-axes checks every sign-in (Wagtail's `wagtailadmin_login` form, the password of
# `manage.py` commands going through authenticate()) before the password is tried.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
# Hours a username+address pair stays locked after the limit; failures older than that are
# forgotten too.
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_HOURS", 1)
AXES_USE_ATTEMPT_EXPIRATION = True
# One guesser cannot lock a colleague out from another address: the pair is what is locked.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "cms.staff_auth.views.locked_out"


# The client address by the same rule as the pledge form's rate limit (PROXY_COUNT, above):
# one rule, in one function, for every count of attempts by address.
AXES_CLIENT_IP_CALLABLE = "pledge_forms.views.client_address"

# Two-factor authentication (django-otp, TOTP apps and static backup codes). Required of
# everyone with admin access unless STAFF_2FA_REQUIRED=0 (dev settings turn it off); a user
# who has enrolled a device is always asked for a code.
STAFF_2FA_REQUIRED = env_bool("STAFF_2FA_REQUIRED", True)
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Trust Building Campaign")
STAFF_2FA_BACKUP_CODES = 10

# Sessions: staff sessions last STAFF_SESSION_HOURS at most and end after
# STAFF_SESSION_IDLE_MINUTES without a request (0: no idle limit).
SESSION_COOKIE_AGE = env_int("STAFF_SESSION_HOURS", 8) * 3600
STAFF_SESSION_IDLE_SECONDS = env_int("STAFF_SESSION_IDLE_MINUTES", 60) * 60

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("PASSWORD_MIN_LENGTH", 12)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The site's languages (docs/i18n.md): English at unprefixed URLs, every other one under
# /<code>/, each with its own page tree. Adding one is an entry here plus its translations
# (message catalogues and pages); names are in their own language, as the switcher shows
# them.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español"), ("fr", "Français")]
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# Static files: collected under var/static and served by whitenoise (docs/serving.md):
# `collectstatic` hashes and precompresses them (gzip, and brotli with the Brotli package);
# a file left out of the manifest is linked unhashed, never a 500 (cms/static_files.py).
# Dev and test settings serve the source files as they are, without collecting.
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
# The site's own files, and what `make assets` builds from the design system (docs/design.md).
STATICFILES_DIRS = [PROJECT_DIR / "static", BASE_DIR / "build" / "static"]

# The badge and certificate are set in the design system's typeface (Public Sans, copied into
# build/fonts by `make assets`); without a build the plugin falls back to the fonts it ships.
_PUBLIC_SANS = BASE_DIR / "build" / "fonts"
if (_PUBLIC_SANS / "PublicSans-Bold.ttf").is_file():
    PLEDGE_FORMS_FONT_FILES = {
        "regular": str(_PUBLIC_SANS / "PublicSans-Regular.ttf"),
        "bold": str(_PUBLIC_SANS / "PublicSans-Bold.ttf"),
    }

# Media: local disk under var/media unless an S3 bucket is configured.
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")

# Private files (large admin exports): outside MEDIA_ROOT, never served by a URL; the admin
# streams them to the user who asked for them.
PRIVATE_ROOT = Path(os.environ.get("PRIVATE_ROOT", VAR_DIR / "private"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_ROOT)},
    },
    "staticfiles": {"BACKEND": "cms.static_files.StaticFilesStorage"},
}
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}
    AWS_S3_ENDPOINT_URL = os.environ.get("AWS_S3_ENDPOINT_URL") or None
    AWS_S3_REGION_NAME = os.environ.get("AWS_S3_REGION_NAME") or None
    AWS_S3_CUSTOM_DOMAIN = os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None
    AWS_S3_ADDRESSING_STYLE = os.environ.get("AWS_S3_ADDRESSING_STYLE") or None
    AWS_S3_SIGNATURE_VERSION = os.environ.get("AWS_S3_SIGNATURE_VERSION", "s3v4")
    AWS_S3_URL_PROTOCOL = os.environ.get("AWS_S3_URL_PROTOCOL", "https:")
    AWS_QUERYSTRING_AUTH = env_bool("AWS_QUERYSTRING_AUTH", True)
    AWS_S3_FILE_OVERWRITE = False
    AWS_DEFAULT_ACL = None
    AWS_LOCATION = os.environ.get("AWS_LOCATION", "")
    # Same bucket, under a private prefix: signed URLs only, never the public custom domain.
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "location": os.environ.get(
                "AWS_PRIVATE_LOCATION", f"{AWS_LOCATION}/private".lstrip("/")
            ),
            "querystring_auth": True,
            "custom_domain": None,
            "default_acl": "private",
        },
    }
    # Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (read by boto3).

# E-mail: SMTP settings from the environment (dev overrides with the console backend).
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "campaign@localhost")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# --- Security headers (cms/headers.py, docs/headers.md) -------------------------------------
# Content-Security-Policy through django-csp: a strict policy for the public site (no inline
# script or style, no nonce unless a page asks for one, so a cached page is the same for
# everyone) and a relaxed one for Wagtail's admin. Framing is denied except for Wagtail's
# preview (same origin only). Each knob is in README's configuration table.


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def _media_origins() -> list[str]:
    """Where uploaded images and files are served from, when not from our own origin."""
    configured = env_list("CSP_MEDIA_SRC")
    if configured or not AWS_STORAGE_BUCKET_NAME:
        return configured + ([_origin(MEDIA_URL)] if _origin(MEDIA_URL) else [])
    if AWS_S3_CUSTOM_DOMAIN:
        return [f"{AWS_S3_URL_PROTOCOL}//{AWS_S3_CUSTOM_DOMAIN}"]
    if AWS_S3_ENDPOINT_URL:
        origin = _origin(AWS_S3_ENDPOINT_URL)
        scheme, host = origin.split("://", 1)
        return [origin, f"{scheme}://{AWS_STORAGE_BUCKET_NAME}.{host}"]
    # AWS itself: the bucket's own host name, or the regional endpoint for path-style URLs.
    if AWS_S3_ADDRESSING_STYLE == "path":
        region = f".{AWS_S3_REGION_NAME}" if AWS_S3_REGION_NAME else ""
        return [f"https://s3{region}.amazonaws.com"]
    hosts = [f"https://{AWS_STORAGE_BUCKET_NAME}.s3.amazonaws.com"]
    if AWS_S3_REGION_NAME:
        hosts.append(
            f"https://{AWS_STORAGE_BUCKET_NAME}.s3.{AWS_S3_REGION_NAME}.amazonaws.com"
        )
    return hosts


# Named HEADERS_* rather than CSP_*: django-csp's system check refuses its old CSP_* settings.
HEADERS_MEDIA_ORIGINS = _media_origins()
# Video providers whose players pages may embed (campaign_pages' video block, rich-text embeds).
HEADERS_EMBED_ORIGINS = env_list(
    "CSP_FRAME_SRC",
    "https://www.youtube.com,https://www.youtube-nocookie.com,https://player.vimeo.com",
)
# Where the admin may show an embed's thumbnail from (the rich-text editor's embed preview).
HEADERS_ADMIN_IMAGE_ORIGINS = env_list(
    "CSP_ADMIN_IMG_SRC", "https://i.ytimg.com,https://i.vimeocdn.com"
)
HEADERS_CSP_REPORT_URI = os.environ.get("CSP_REPORT_URI", "")

_CSP_COMMON = {
    "default-src": [SELF],
    "script-src": [SELF],
    "style-src": [SELF],
    "img-src": [SELF, *HEADERS_MEDIA_ORIGINS],
    "media-src": [SELF, *HEADERS_MEDIA_ORIGINS],
    "font-src": [SELF],
    "connect-src": [SELF],
    "frame-src": [SELF, *HEADERS_EMBED_ORIGINS],
    "object-src": [NONE],
    "base-uri": [SELF],
    "form-action": [SELF],
    "frame-ancestors": [NONE],
    "report-uri": [HEADERS_CSP_REPORT_URI] if HEADERS_CSP_REPORT_URI else None,
}
# NONCE: a template that needs an inline script writes {{ request.csp_nonce }}; the header
# then names that nonce, and the page cache does not keep the page (cms/page_cache.py). No
# public template does. Not in the admin policy: with a nonce, browsers ignore
# 'unsafe-inline', which Wagtail's admin needs.
CONTENT_SECURITY_POLICY = {"DIRECTIVES": {**_CSP_COMMON, "script-src": [SELF, NONCE]}}
# Wagtail 8's admin needs (each reason in docs/headers.md): inline initialisation scripts of
# its chooser, date and inline-panel widgets; inline style attributes all over its templates
# and in Draftail; data: images in its stylesheet; blob: images for upload previews; embed
# thumbnails.
CONTENT_SECURITY_POLICY_ADMIN = {
    "URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        **_CSP_COMMON,
        "script-src": [SELF, UNSAFE_INLINE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [
            SELF,
            "data:",
            "blob:",
            *HEADERS_MEDIA_ORIGINS,
            *HEADERS_ADMIN_IMAGE_ORIGINS,
        ],
    },
}
# Django's SecurityMiddleware and XFrameOptionsMiddleware, in every environment.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = os.environ.get(
    "SECURE_REFERRER_POLICY", "strict-origin-when-cross-origin"
)
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Browser features no page of the site uses are denied to it and to every frame; embedded
# players keep full screen and picture-in-picture.
PERMISSIONS_POLICY = {
    **{
        feature: []
        for feature in (
            "accelerometer",
            "autoplay",
            "browsing-topics",
            "camera",
            "display-capture",
            "geolocation",
            "gyroscope",
            "hid",
            "idle-detection",
            "interest-cohort",
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
    },
    "fullscreen": ["self", *HEADERS_EMBED_ORIGINS],
    "picture-in-picture": ["self", *HEADERS_EMBED_ORIGINS],
    "encrypted-media": ["self", *HEADERS_EMBED_ORIGINS],
}

# Timeouts of outside services: no request and no worker waits on one for longer than
# these (docs/outages.md). SMTP: EMAIL_TIMEOUT above (the worker sends mail, never a
# request). Redis: the cache's 1-second socket timeouts above. PostgreSQL: a connection
# attempt and every statement are bounded (DATABASE_STATEMENT_TIMEOUT=0 lifts the latter,
# e.g. for a long migration). S3: botocore's connect and read timeouts and its number of
# attempts per call (the first included).
DATABASE_CONNECT_TIMEOUT = env_int("DATABASE_CONNECT_TIMEOUT", 5)
DATABASE_STATEMENT_TIMEOUT = env_int("DATABASE_STATEMENT_TIMEOUT", 30)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _pg_options = DATABASES["default"].setdefault("OPTIONS", {})
    _pg_options.setdefault("connect_timeout", DATABASE_CONNECT_TIMEOUT)
    if DATABASE_STATEMENT_TIMEOUT > 0:
        _pg_options["options"] = (
            _pg_options.get("options", "")
            + f" -c statement_timeout={DATABASE_STATEMENT_TIMEOUT * 1000}"
        ).strip()
# The admin's password-reset e-mail is sent by the task worker too (cms/password_reset.py);
# Wagtail's moderation e-mails are moved there by cms/moderation_mail.py.
WAGTAILADMIN_USER_PASSWORD_RESET_FORM = "cms.password_reset.QueuedPasswordResetForm"  # noqa: S105
# /healthz/ answers within HEALTHZ_TIMEOUT_MS whatever hangs (cms/health.py); a task due
# for longer than HEALTHZ_QUEUE_OVERDUE_SECONDS is reported as overdue.
HEALTHZ_TIMEOUT_MS = env_int("HEALTHZ_TIMEOUT_MS", 2500)
HEALTHZ_QUEUE_OVERDUE_SECONDS = env_int("HEALTHZ_QUEUE_OVERDUE_SECONDS", 300)
AWS_S3_CONNECT_TIMEOUT = env_int("AWS_S3_CONNECT_TIMEOUT", 3)
AWS_S3_READ_TIMEOUT = env_int("AWS_S3_READ_TIMEOUT", 5)
AWS_S3_MAX_ATTEMPTS = env_int("AWS_S3_MAX_ATTEMPTS", 2)
if AWS_STORAGE_BUCKET_NAME:
    from botocore.config import Config as _BotoConfig

    # Given a client config, django-storages no longer applies the addressing style and
    # signature version settings itself: they go into it here.
    AWS_S3_CLIENT_CONFIG = _BotoConfig(
        s3={"addressing_style": AWS_S3_ADDRESSING_STYLE},
        signature_version=AWS_S3_SIGNATURE_VERSION,
        connect_timeout=AWS_S3_CONNECT_TIMEOUT,
        read_timeout=AWS_S3_READ_TIMEOUT,
        retries={"mode": "standard", "total_max_attempts": AWS_S3_MAX_ATTEMPTS},
    )

# Public address (cms/public_address.py, docs/address.md): the origin of every absolute URL
# (canonical links, sitemap, feeds, APIs, e-mails, badges, certificates), never the request's
# Host header. The default Wagtail Site record follows it on `migrate`. WAGTAILADMIN_BASE_URL
# (links in admin e-mails) defaults to it; either one alone sets both.
PUBLIC_URL = parse_origin(
    os.environ.get("PUBLIC_URL")
    or os.environ.get("WAGTAILADMIN_BASE_URL")
    or "http://127.0.0.1:8000",
    "PUBLIC_URL" if os.environ.get("PUBLIC_URL") else "WAGTAILADMIN_BASE_URL",
)
WAGTAILADMIN_BASE_URL = (
    os.environ.get("WAGTAILADMIN_BASE_URL", "").strip().rstrip("/") or PUBLIC_URL
)
# Wagtail's API builds detail_url and download_url on this instead of the request's host.
WAGTAILAPI_BASE_URL = PUBLIC_URL

# Wagtail
WAGTAIL_SITE_NAME = os.environ.get("WAGTAIL_SITE_NAME", "Trust Building Campaign")
WAGTAILIMAGES_IMAGE_MODEL = "media.CampaignImage"
WAGTAILDOCS_DOCUMENT_MODEL = "media.CampaignDocument"
WAGTAILIMAGES_MAX_UPLOAD_SIZE = env_int(
    "WAGTAILIMAGES_MAX_UPLOAD_SIZE", 10 * 1024 * 1024
)
WAGTAILIMAGES_MAX_IMAGE_PIXELS = env_int("WAGTAILIMAGES_MAX_IMAGE_PIXELS", 40_000_000)
WAGTAILIMAGES_EXTENSIONS = ["avif", "gif", "jpg", "jpeg", "png", "webp"]
WAGTAILDOCS_EXTENSIONS = [
    "csv",
    "docx",
    "odt",
    "pdf",
    # Artwork in the press toolkit (logo, pledge badge). Documents are served through
    # Wagtail's view: anything but PDF and text as an attachment, under
    # "Content-Security-Policy: default-src 'none'", so an SVG never runs in a page.
    "png",
    "pptx",
    "rtf",
    "svg",
    "txt",
    "xlsx",
    "zip",
]
WAGTAILDOCS_MAX_UPLOAD_SIZE = env_int("WAGTAILDOCS_MAX_UPLOAD_SIZE", 20 * 1024 * 1024)
WAGTAILDOCS_SERVE_METHOD = "serve_view" if not AWS_STORAGE_BUCKET_NAME else "redirect"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No avatars from gravatar.com: the admin sends no staff e-mail hash to an outside service.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILEMBEDS_RESPONSIVE_HTML = True
WAGTAIL_I18N_ENABLED = True
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# CDN purge on publish (wagtail.contrib.frontend_cache), configured from the environment.
WAGTAILFRONTENDCACHE = {}
if os.environ.get("FRONTEND_CACHE_CLOUDFRONT_DISTRIBUTION_ID"):
    WAGTAILFRONTENDCACHE["cloudfront"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudfrontBackend",
        "DISTRIBUTION_ID": os.environ["FRONTEND_CACHE_CLOUDFRONT_DISTRIBUTION_ID"],
    }
if os.environ.get("FRONTEND_CACHE_PURGE_URL"):
    WAGTAILFRONTENDCACHE["http"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
        "LOCATION": os.environ["FRONTEND_CACHE_PURGE_URL"],
    }
if os.environ.get("FRONTEND_CACHE_CLOUDFLARE_ZONE_ID"):
    WAGTAILFRONTENDCACHE["cloudflare"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
        "ZONEID": os.environ["FRONTEND_CACHE_CLOUDFLARE_ZONE_ID"],
        "BEARER_TOKEN": os.environ.get("FRONTEND_CACHE_CLOUDFLARE_TOKEN", ""),
    }
# Wagtail purges a page from the CDN when it is published; changes that are not pages (pledges,
# the checklist, settings) are not purged, so the CDN may keep a page for at most this long.
# 0 (default): pages carry no shared-cache header and the CDN does not keep them.
PAGE_CACHE_CDN_SECONDS = env_int("PAGE_CACHE_CDN_SECONDS", 0)
# Beyond that, the CDN may serve its copy while it fetches a fresh one (stale-while-revalidate)
# and while the site answers with errors or not at all (stale-if-error).
PAGE_CACHE_CDN_STALE_SECONDS = env_int("PAGE_CACHE_CDN_STALE_SECONDS", 60)
PAGE_CACHE_CDN_STALE_IF_ERROR_SECONDS = env_int(
    "PAGE_CACHE_CDN_STALE_IF_ERROR_SECONDS", 86400
)

# --- Abuse of the public pledge form ---
# E-mails with a private link (update or confirmation link) that visitors of the form can
# make the site send, per pledge in 24 hours; beyond it nothing is sent. 0: no limit.
PLEDGE_FORMS_LINK_MAILS_PER_DAY = env_int("PLEDGE_LINK_MAILS_PER_DAY", 3)


# --- E-mail layout ---
# The campaign's postal address, shown in the footer of every e-mail the pledge plugin sends
# (why the recipient got it and who sent it); "\n" in the variable starts a new line.
PLEDGE_FORMS_MAIL_POSTAL_ADDRESS = os.environ.get(
    "PLEDGE_MAIL_POSTAL_ADDRESS", ""
).replace("\\n", "\n")


# --- Privacy ---
# How long the personal data of a pledge is kept before it is erased (names, e-mails,
# phones, statement, logo, notes; see docs/privacy.md), counted from the decline, from the
# pledge for one never confirmed, from the deadline for one not completed by then; and how often
# the housekeeping task that erases it runs (manage.py schedule_housekeeping starts it).
def env_days(name: str, default: int) -> int:
    value = env_int(name, default)
    if value < 1:
        raise ImproperlyConfigured(f"{name} must be 1 or more, not {value}")
    return value


PLEDGE_FORMS_RETENTION_DECLINED_DAYS = env_days(
    "PLEDGE_FORMS_RETENTION_DECLINED_DAYS", 180
)
PLEDGE_FORMS_RETENTION_UNVERIFIED_DAYS = env_days(
    "PLEDGE_FORMS_RETENTION_UNVERIFIED_DAYS", 30
)
PLEDGE_FORMS_RETENTION_LAPSED_DAYS = env_days("PLEDGE_FORMS_RETENTION_LAPSED_DAYS", 180)
PLEDGE_FORMS_HOUSEKEEPING_INTERVAL_HOURS = env_days(
    "PLEDGE_FORMS_HOUSEKEEPING_INTERVAL_HOURS", 24
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {"django.request": {"level": "ERROR"}},
}

# --- Reviewers' dashboard queue (docs/review.md) ------------------------------------
# A pledge confirmed longer ago than this many days is marked "Overdue" in the queue;
# the queue lists this many pledges, the longest waiting first.
PLEDGE_FORMS_REVIEW_OVERDUE_DAYS = env_int("PLEDGE_FORMS_REVIEW_OVERDUE_DAYS", 7)
PLEDGE_FORMS_REVIEW_QUEUE_ROWS = env_int("PLEDGE_FORMS_REVIEW_QUEUE_ROWS", 10)
if PLEDGE_FORMS_REVIEW_OVERDUE_DAYS < 0 or PLEDGE_FORMS_REVIEW_QUEUE_ROWS < 1:
    raise ImproperlyConfigured(
        "PLEDGE_FORMS_REVIEW_OVERDUE_DAYS must be >= 0 and "
        "PLEDGE_FORMS_REVIEW_QUEUE_ROWS at least 1"
    )


# --- The 36 months: reminders and the lapsed stage (docs/lapse.md) ---------------------
# Months after the pledge date at which a member not completed gets a reminder with its update
# link (comma-separated), and what the showcase does with a member whose deadline passed
# without completion: "listed" (shown as lapsed) or "hidden" (out of the showcase and open data).
def env_months(name: str, default: str) -> tuple[int, ...]:
    try:
        months = tuple(int(item) for item in env_list(name, default))
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"{name} must be whole months separated by commas, e.g. 12,24,33"
        ) from exc
    if any(month < 1 for month in months):
        raise ImproperlyConfigured(f"{name} must list months of 1 or more")
    return months


PLEDGE_FORMS_REMINDER_MONTHS = env_months("PLEDGE_FORMS_REMINDER_MONTHS", "12,24,33")
PLEDGE_FORMS_LAPSED_POLICY = (
    os.environ.get("PLEDGE_FORMS_LAPSED_POLICY", "").strip() or "listed"
)
if PLEDGE_FORMS_LAPSED_POLICY not in {"listed", "hidden"}:
    raise ImproperlyConfigured(
        'PLEDGE_FORMS_LAPSED_POLICY must be "listed" or "hidden"'
    )
# Pledges saved to be finished later (docs/steps.md).
PLEDGE_FORMS_DRAFT_MAX_AGE_DAYS = env_int("PLEDGE_FORMS_DRAFT_MAX_AGE_DAYS", 30)
PLEDGE_FORMS_DRAFT_UNSAVED_HOURS = env_int("PLEDGE_FORMS_DRAFT_UNSAVED_HOURS", 48)
PLEDGE_FORMS_DRAFT_RATE_LIMIT = env_int("PLEDGE_FORMS_DRAFT_RATE_LIMIT", 50)
