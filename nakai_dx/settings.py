"""Settings for the Nakai DX plan dashboard.

Everything that differs between a laptop, CI and the town's server comes from
environment variables; there is no second settings file.
"""

import hashlib
import os
from ipaddress import ip_network
from pathlib import Path
from urllib.parse import unquote, urlparse

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

# python-docx (the year's report) brings lxml, and openpyxl would then parse uploaded
# workbooks with lxml instead of defusedxml. The import keeps defusedxml's parser; this
# must be set before openpyxl is first imported, which the settings always are.
os.environ.setdefault("OPENPYXL_LXML", "False")


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


def database_from_url(url):
    """Turn a DATABASE_URL into a DATABASES entry.

    sqlite:///db.sqlite3 is relative to the project, sqlite:////var/lib/x.sqlite3
    absolute; postgres://user:password@host:port/name for PostgreSQL.
    """
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = unquote(parsed.path)[1:]
        if not path or path == ":memory:":
            return {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
        name = Path(path) if path.startswith("/") else BASE_DIR / path
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": name,
            "OPTIONS": {"timeout": 20},
            # Kept open between requests: a new SQLite connection re-reads the schema
            # on its first query, which costs more than serving a cached page.
            "CONN_MAX_AGE": int(os.environ.get("CONN_MAX_AGE", "600")),
        }
    if parsed.scheme in {"postgres", "postgresql"}:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": int(os.environ.get("CONN_MAX_AGE", "60")),
        }
    raise ImproperlyConfigured(
        f"DATABASE_URL の形式（{parsed.scheme}）には対応していません。sqlite:/// か postgres:// を指定してください。"
    )


DEBUG = env_bool("DEBUG")

# With DEBUG off the key must come from the environment. Commands that only
# touch the schema or the data (migrate, makemigrations --check, loaddata)
# run without one; serving refuses to start (nakai_dx/wsgi.py), and Django
# refuses anything that signs (sessions, CSRF) while the key is empty.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
MISSING_SECRET_KEY_MESSAGE = "DEBUG が無効のときは環境変数 SECRET_KEY が必要です。"
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "development-only-not-secret"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "nakai_dx.apps.AdminConfig",  # django.contrib.admin on plans.towns.TownAdminSite
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "import_export",
    "nakai_dx.apps.AxesConfig",  # django-axes, named in Japanese
    "health_check",
    "csp",
    "django_guid",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # the API's documentation page and Swagger UI's static files (reports/api)
    "corsheaders",
    "plans",
    "actions",
    "reports",
    "dbbackup",
    "nakai_dx.apps.NakaiDxConfig",
]

MIDDLEWARE = [
    "nakai_dx.proxy.TrustedProxyMiddleware",
    "django_guid.middleware.guid_middleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "nakai_dx.languages.LanguageFromPathMiddleware",  # before the page cache resolves the path
    "reports.cache.PublicPageCacheMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "nakai_dx.uploads.RefuseAnonymousUploadsMiddleware",  # before anything reads the body
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "plans.towns.TownMiddleware",
    "nakai_dx.cache_control.SignedInNoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "nakai_dx.middleware.RefuseNulBytesMiddleware",
    "nakai_dx.middleware.MethodNotAllowedPageMiddleware",
    "actions.accounts.first_login.FirstPasswordMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "nakai_dx.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Each feature of actions/ keeps its templates beside its views (actions/<feature>/templates/).
        "DIRS": [BASE_DIR / "templates", *sorted(BASE_DIR.glob("actions/*/templates"))],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "plans.towns.town_context",
                "nakai_dx.languages.languages",
            ],
        },
    },
]

WSGI_APPLICATION = "nakai_dx.wsgi.application"

DATABASES = {
    "default": database_from_url(os.environ.get("DATABASE_URL", "sqlite:///db.sqlite3")),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers wait (up to 20 s) instead of failing with "database is
    # locked"; IMMEDIATE takes the write lock at BEGIN so that two transactions
    # never deadlock upgrading from a read to a write.
    # WAL: pages keep reading (an import's progress, say) while the worker's
    # import transaction writes.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cached figures and public pages (reports/cache.py): each process's memory, or
# Redis shared by all of them when REDIS_URL is set. Keys carry the data's
# versions, so the cache needs no clearing; the prefix keeps two databases
# sharing one Redis apart.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": {
        "BACKEND": (
            "django.core.cache.backends.redis.RedisCache"
            if REDIS_URL
            else "django.core.cache.backends.locmem.LocMemCache"
        ),
        "LOCATION": REDIS_URL or "nakai-dx",
        "KEY_PREFIX": "nakai-"
        + hashlib.sha256(
            f"{DATABASES['default']['ENGINE']}|{DATABASES['default'].get('HOST', '')}|"
            f"{DATABASES['default']['NAME']}".encode()
        ).hexdigest()[:12],
        "TIMEOUT": 24 * 60 * 60,
        **({} if REDIS_URL else {"OPTIONS": {"MAX_ENTRIES": 2000}}),
    }
}

# Downloads of the public tables (?_export=csv|xlsx) an anonymous client may ask
# for in a minute (reports.cache.export_refused); past it a 429 page. 0: no limit.
EXPORT_RATE_LIMIT = int(os.environ.get("EXPORT_RATE_LIMIT", "20"))

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, with user names in any case (Tanaka = tanaka).
    "actions.accounts.signin.CaseInsensitiveModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "actions:landing"
LOGOUT_REDIRECT_URL = None  # show registration/logged_out.html

# Login throttling: a lock applies to one user name from one address, and wears
# off after the cool-off, so a whole office behind one NAT is never locked out.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The client's address as nakai_dx.proxy resolved it from a trusted proxy's
# X-Forwarded-For, never from headers a client sent straight to the server.
AXES_CLIENT_IP_CALLABLE = "nakai_dx.proxy.client_ip"
# Its log lines name a client by a keyed digest, not by user name and address.
AXES_CLIENT_STR_CALLABLE = "nakai_dx.logs.client_label"
# Failures count under the user name in lower case (sign-in ignores case), at most 150 characters.
AXES_USERNAME_CALLABLE = "actions.accounts.signin.axes_username"

LANGUAGE_CODE = "ja"
# The public pages in three languages (nakai_dx.languages: the URL's prefix decides);
# the staff pages and the admin in Japanese. The interface's words are written in
# Japanese and translated in locale/en and locale/ja_Easy (make messages; compiled by
# make setup and make test), the plan's own words in its translated fields.
LANGUAGES = [("ja", "日本語"), ("ja-easy", "やさしい にほんご"), ("en", "English")]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
# locale/ja: Japanese for django-axes' names in the admin (it ships no Japanese).
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# Uploaded files kept by the site (backed up with the database: manage.py backup).
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# plotly.js's basic bundle is in static/vendor/plotly (see its README): whitenoise
# serves it hashed, Brotli- and gzip-compressed; no CDN.
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "nakai_dx.storage.StaticFilesStorage"
        ),
    },
}

SESSION_ENGINE = "nakai_dx.sessions"  # Django's database sessions, read with plain SQL
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
# The reverse proxies (nginx) whose X-Forwarded-For / X-Forwarded-Proto are
# believed; from any other peer these headers are dropped (nakai_dx/proxy.py).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
for _entry in TRUSTED_PROXIES:
    try:
        ip_network(_entry, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXIES の「{_entry}」は IP アドレスでもネットワークでもありません。"
        ) from None
if TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): scripts and styles only from this site's
# static files; no inline script, style element, style attribute or event handler.
# The one exception is an *empty* <style> element (its hash below): plotly.js
# creates one and fills it through the CSSOM, which the policy does not govern.
# maplibre's stylesheet, bundled in plotly.js's full build, is kept out by a
# placeholder element (reports/templatetags/plotly_csp.py).
EMPTY_INLINE_STYLE = "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, EMPTY_INLINE_STYLE],
        # plotly's 「グラフを画像（PNG）で保存」 draws the chart through blob: and data: images.
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Permissions-Policy (django-permissions-policy): no page uses a device feature.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "usb",
        "xr-spatial-tracking",
    )
}

# /health/ for the reverse proxy and monitoring (django-health-check): 200 when
# every check passes, 500 naming the failed check otherwise. More checks (a task
# worker, say) are added to this list.
HEALTH_CHECKS = [
    "health_check.checks.Database",
    "nakai_dx.health.MigrationsApplied",
    "nakai_dx.health.TaskWorkerAlive",
]
# Monitoring may ask gunicorn directly over plain HTTP on the loopback address.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]

DJANGO_TABLES2_TEMPLATE = "django_tables2/table.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "data-table"}

IMPORT_EXPORT_SKIP_ADMIN_LOG = False

# The achievement rule (達成度). The plan's own footnote defines
# 達成度 = (達成 + 一部達成) / 取組数, with 判定不可 counted in 取組数.
ACHIEVEMENT_RULE = {
    # Keep 判定不可 in the denominator (the plan's published rule).
    "UNDETERMINABLE_IN_DENOMINATOR": env_bool("ACHIEVEMENT_UNDETERMINABLE_IN_DENOMINATOR", True),
    # Weight of 一部達成 in the numerator: 1 counts it as fully achieved.
    "PARTIAL_WEIGHT": os.environ.get("ACHIEVEMENT_PARTIAL_WEIGHT", "1"),
    # The overall total counts listings, re-listed (再掲) items included,
    # as the plan's 「27個（再掲分含む）」 does; False counts distinct items.
    "COUNT_LISTINGS": env_bool("ACHIEVEMENT_COUNT_LISTINGS", True),
}

# The open-data API (reports/api): requests per client address per period (429 with
# Retry-After beyond), and readable from any origin with GET, without credentials.
API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "120/min")
CORS_URLS_REGEX = r"^/api/"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ("GET", "OPTIONS")
CORS_ALLOW_HEADERS = ("accept", "if-none-match", "if-modified-since")
CORS_EXPOSE_HEADERS = ("ETag", "Retry-After", "Link")
CORS_PREFLIGHT_MAX_AGE = 86400

# Backups (manage.py backup / restore, on django-dbbackup): database and MEDIA_ROOT.
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", BASE_DIR / "backups"))
STORAGES["dbbackup"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": BACKUP_DIR},
}
DBBACKUP_SEND_EMAIL = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A restore into another server's database, owned by another role.
    DBBACKUP_CONNECTORS = {"default": {"PG_OPTIONS": ["--no-owner", "--no-privileges"]}}

# Background tasks (django-tasks): imports run in a worker process started with
# `manage.py run_worker`, queued in the database (no extra server). TASKS_BACKEND
# =django_tasks.backends.immediate.ImmediateBackend runs them inside the request.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# Private working files (job progress, worker heartbeats): created 0700, refused
# if another user owns it.
WORK_DIR = Path(os.environ.get("WORK_DIR", BASE_DIR / "var"))

# The data versions' freshness check (reports/freshness.py): a file every process
# of the app on this machine rewrites when the versions change. "" when the web
# servers run on several machines: then every request reads the versions' table.
VERSION_STAMP = os.environ.get("VERSION_STAMP", str(WORK_DIR / "data-version"))
VERSION_STAMP_MAX_AGE = float(os.environ.get("VERSION_STAMP_MAX_AGE", "1"))

# Spreadsheet import limits.
IMPORT_MAX_UPLOAD_BYTES = int(os.environ.get("IMPORT_MAX_UPLOAD_BYTES", str(10 * 1024 * 1024)))
IMPORT_MAX_UNCOMPRESSED_BYTES = int(
    os.environ.get("IMPORT_MAX_UNCOMPRESSED_BYTES", str(100 * 1024 * 1024))
)
IMPORT_MAX_ROWS_PER_SHEET = int(os.environ.get("IMPORT_MAX_ROWS_PER_SHEET", "50000"))
# New accounts' initial passwords are kept encrypted (key from SECRET_KEY) and readable
# on the import's result page for this many seconds, then dropped, viewed or not.
INITIAL_PASSWORDS_TTL = int(os.environ.get("INITIAL_PASSWORDS_TTL", "900"))
DATA_UPLOAD_MAX_MEMORY_SIZE = IMPORT_MAX_UPLOAD_BYTES + 1024 * 1024
# An upload too large for memory is spooled to WORK_DIR/uploads (created 0700), never to
# the shared /tmp; an anonymous upload is refused before its body is read (nakai_dx.uploads).
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "nakai_dx.uploads.PrivateTemporaryFileUploadHandler",
]

# Mail: the round's reminders (manage.py send_reminders). SMTP from the environment;
# in development (DEBUG) the mails are printed to the console unless EMAIL_BACKEND says otherwise.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "webmaster@localhost")
# The address the mails link to (https://dx.example.lg.jp); without it they give paths only.
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")
# Four-eyes (四つの目): a 課長 may not approve an item they submitted themselves. On for
# every town here; each town may also turn it on for itself (Town.four_eyes).
# actions.permissions.four_eyes() is the one place that reads both.
APPROVAL_FOUR_EYES = env_bool("APPROVAL_FOUR_EYES")
# Reminders go out from this many days before a round's deadline, and after it, once a day.
REMINDER_DAYS_BEFORE = int(os.environ.get("REMINDER_DAYS_BEFORE", "3"))

# Logs: stderr, one JSON object a line (LOG_FORMAT=json, the default with DEBUG
# off; LOG_FORMAT=text for people), each with the request id (django-guid; nginx
# passes its $request_id as X-Request-ID). No request bodies, query strings, user
# names or addresses (nakai_dx/logs.py).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured("LOG_FORMAT は json か text を指定してください。")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {
            "()": "django_guid.log_filters.CorrelationId",
            "correlation_id_field": "request_id",
        },
        "request_details": {"()": "nakai_dx.logs.RequestDetails"},
    },
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",  # ISO 8601, UTC
        },
        "text": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "filters": ["request_id", "request_details"],
            "formatter": LOG_FORMAT,
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    "VALIDATE_GUID": True,  # anything but a UUID from outside is replaced by a new id
    "RETURN_HEADER": True,
    "EXPOSE_HEADER": False,
}

FIXTURE_DIRS = [BASE_DIR / "fixtures"]
