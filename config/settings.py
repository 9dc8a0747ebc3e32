"""Settings for the On Probation forum, read from the environment.

DATABASE_URL  sqlite:///path or postgres://user:pass@host:port/name (default: db.sqlite3 here)
SECRET_KEY    required unless DEBUG is on
DEBUG         1/true/yes/on to enable development mode (default off)
ALLOWED_HOSTS comma-separated host names (default with DEBUG: localhost only)
CACHE_URL     db (default) or redis://host:port/n: where rate limits live; see the README
PAGE_CACHE_ENTRIES rendered threads and pages each process keeps in memory (default 64)
TRUSTED_PROXIES comma-separated addresses or networks (CIDR) of the reverse proxies in front,
              whose X-Forwarded-For names the client (default: none, the header is ignored)
WEB_CONCURRENCY gunicorn's worker processes (gunicorn.conf.py); the checks read it too
EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT  where moderators' digests go (default without DEBUG: SMTP
              on localhost:25; `check --deploy` refuses a backend that keeps them elsewhere)
SITE_URL      https://… address of the site, on which the digest's links are built
DATABASE_TIMEOUT  seconds to wait for the database before a 503 (default 5; SQLite locks 10)
"""

import ipaddress
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.processes import web_workers

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name: str, default: bool = False) -> bool:
    """Read a yes/no environment variable."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    """Read a comma-separated environment variable."""
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_networks(name: str) -> list[str]:
    """Read a comma-separated list of addresses or CIDR networks, refusing any that is not."""
    networks = []
    for item in env_list(name, []):
        try:
            networks.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError:
            raise ImproperlyConfigured(f"{name}: {item!r} is not an address or network") from None
    return networks


DEBUG = env_flag("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY in the environment (or DEBUG=1 to develop).")
    SECRET_KEY = "development-only-key-never-used-in-production-0123456789abcdefghij"

# Behind a reverse proxy every request comes from the proxy: list it here, or every reader
# shares one rate limit, one commenter hash and one admin lockout (forum.identity).
TRUSTED_PROXIES = env_networks("TRUSTED_PROXIES")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "mptt",
    "axes",
    "blogarchive",
    "forum",
    "moderation",
    "config.apps.DeployChecksConfig",
]

MIDDLEWARE = [
    # What every response carries, kept post pages included: headers and the CSRF cookie.
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # A kept post page is served here; the rest is for every other request.
    "forum.middleware.KeptPageMiddleware",
    "csp.middleware.CSPMiddleware",
    "forum.middleware.DatabaseUnavailableMiddleware",
    "forum.middleware.MethodNotAllowedMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "axes.middleware.AxesMiddleware",
]

if not DEBUG:
    # Production serves its own static files (compressed, cached forever by hashed name).
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# A database that stops answering (down, hung, locked) becomes a 503 page within seconds instead
# of a worker stuck until gunicorn kills it (gunicorn.conf.py: 30 s); 0 waits for ever, as a long
# migration may need to.
DATABASE_TIMEOUT = float(os.environ.get("DATABASE_TIMEOUT", "5"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers queue for the lock up front (IMMEDIATE) instead of failing mid-transaction with
    # "database is locked", and WAL lets readers carry on while one process writes. The busy
    # timeout bounds that queue: twice the deadline, as every process's writers share one lock
    # and a busy machine makes the queue long before anything is wrong.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 2 * DATABASE_TIMEOUT or 3600,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    # config.postgresql gives up on a server that does not answer within the deadline (a stopped
    # or hung server); the server ends its own statements a second sooner, so that a merely slow
    # one fails cleanly and keeps its connection; keepalives notice a peer that went away.
    DATABASES["default"]["ENGINE"] = "config.postgresql"
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options.update(connect_timeout=3, keepalives=1, keepalives_idle=10, keepalives_interval=2)
    options.update(keepalives_count=3, deadline=DATABASE_TIMEOUT)
    if DATABASE_TIMEOUT:
        statement_ms = int(max(DATABASE_TIMEOUT - 1, DATABASE_TIMEOUT / 2) * 1000)
        options["options"] = f"-c statement_timeout={statement_ms}"
        options["tcp_user_timeout"] = int(DATABASE_TIMEOUT * 1000)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def counters_from_url(url: str) -> str:
    """Turn CACHE_URL into where forum.counters keeps its numbers: a Redis URL, or "" for the
    database. Never a cache that evicts: rate limits and page generations must stay exact."""
    if url == "db":
        return ""
    if url.startswith(("redis://", "rediss://", "unix://")):
        return url
    raise ImproperlyConfigured(f"CACHE_URL must be db or redis://…, not {url!r}")


FORUM_COUNTERS_URL = counters_from_url(os.environ.get("CACHE_URL", "db"))
# Only re-creatable HTML goes in Django's cache (rendered threads, kept pages): each process
# keeps its own, bounded, so neither the database nor Redis grows with it, and an outage of
# either leaves it readable. A thread is about 0.6 MB at 200 conversations a page.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "forum-pages",
        "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("PAGE_CACHE_ENTRIES", "64"))},
    }
}
# How many processes serve the site, and gunicorn's settings file: for the deploy checks
# (config.checks), which refuse an access log that keeps link secrets.
WEB_CONCURRENCY = web_workers()
GUNICORN_CONFIG = Path(os.environ.get("GUNICORN_CONFIG", BASE_DIR / "gunicorn.conf.py"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    # Axes goes first so that a locked-out address is refused before its password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1  # hour
# The address that kept failing is locked out, whatever names it tries next. Not the name
# itself: then anyone could lock a moderator out of the admin by guessing at their name.
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_VERBOSE = False
# Axes keeps the address of every attempt; give it a keyed hash of the client's address instead
# (shaped like an IPv6 address, which its column needs), and keep no log of successful sign-ins.
AXES_CLIENT_IP_CALLABLE = "forum.identity.hashed_address"
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

LOGIN_URL = "admin:login"

# The digest's one-click links act as a moderator: in development they go to the console, in
# production only to a mail server (config.checks refuses a backend that keeps them elsewhere).
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "forum@localhost")
# A mail server that hangs must not hold up the request that queued a moderators' digest.
EMAIL_TIMEOUT = 10
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
# How long the one-click Approve / Reject links in moderators' e-mails stay valid.
MODERATION_LINK_MAX_AGE = 60 * 60 * 24 * 7

# Security headers. The policy forbids inline script: every script is a file under /static/.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not DEBUG and env_flag("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_flag("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_flag("SECURE_HSTS_PRELOAD", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# The forum's own knobs, each overridable from the environment.
FORUM_COMMENTS_PER_PAGE = int(os.environ.get("FORUM_COMMENTS_PER_PAGE", "200"))
FORUM_POSTS_PER_PAGE = 10
FORUM_MAX_COMMENT_LENGTH = 10_000
