"""Tunecase settings, read from the environment.

With no environment at all this is the embedded setup a newcomer tries: DEBUG on, SQLite
in the project folder, Celery tasks run inline. `DATABASE_URL` switches to PostgreSQL and
`REDIS_URL` to Celery on Redis. Bad values fail loudly at start-up, never silently.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    if raw.strip().lower() in TRUE_WORDS:
        return True
    if raw.strip().lower() in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r}: use one of true/false, yes/no, on/off, 1/0")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r}: must be a whole number") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r}: must be >= {minimum}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def database_from_url(url: str) -> dict:
    """postgres://user:password@host:port/name -> a Django DATABASES entry."""
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ImproperlyConfigured(
            f"DATABASE_URL scheme {parts.scheme!r} is not supported: use postgres://"
        )
    name = unquote(parts.path.lstrip("/"))
    if not name:
        raise ImproperlyConfigured("DATABASE_URL must name a database: postgres://host/NAME")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "CONN_MAX_AGE": env_int("DATABASE_CONN_MAX_AGE", 60),
        "CONN_HEALTH_CHECKS": True,
        # A dead database answers fast instead of hanging a request.
        "OPTIONS": {"connect_timeout": 3},
        "TEST": {"NAME": f"test_{name}"},
    }


DEBUG = env_bool("DEBUG", True)

DEV_SECRET_KEY = "django-insecure-tunecase-embedded-only"
SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off")
if not DEBUG and SECRET_KEY == DEV_SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set to a real secret when DEBUG is off")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# The demo account (demo / tunecase-demo) exists only in the embedded setup.
DEMO_MODE = env_bool("DEMO_MODE", DEBUG)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "accounts",
    "pricing",
    "decisions",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside WhiteNoise, so static files carry the policy too.
    "config.security.content_security_policy",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Outside CSRF, so its 403s are logged as refused authorisations.
    "config.security.AuthorisationLog",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.security.absolute_session_lifetime",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accounts.middleware.current_organisation",
]

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
                "accounts.context_processors.organisations",
            ],
        },
    },
]

DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": database_from_url(DATABASE_URL)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "tunecase.sqlite3")),
            "OPTIONS": {"timeout": 20},
            # A file, not memory, so worker processes started by tests see the test data;
            # one per test run, so parallel runs do not share it.
            "TEST": {
                "NAME": os.path.join(tempfile.gettempdir(), f"tunecase-test-{os.getpid()}.db")
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# The first backend only refuses throttled logins (accounts.ratelimit); it never signs
# anyone in, so the admin's login form is throttled as well as ours.
AUTHENTICATION_BACKENDS = [
    "accounts.ratelimit.LoginRateLimitBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "decisions:project_list"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Vendored assets (plotly.js, htmx) carry versions in their paths: cache them a year.
WHITENOISE_MAX_AGE = 31536000 if not DEBUG else 0
# In the embedded setup files are served straight from the apps and packages (no
# collectstatic step); production serves the collected, hashed copies.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# Security. Behind a TLS-terminating proxy set SECURE_PROXY_SSL_HEADER_ENABLED=true;
# SECURE_SSL_REDIRECT=false lets the proxy do the redirect instead.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
if env_bool("SECURE_PROXY_SSL_HEADER_ENABLED", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
if not DEBUG:
    # __Host- cookies are only accepted over HTTPS, for this host, path /.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
# The idle timeout: the session cookie and row are renewed on every request, so a
# session ends SESSION_COOKIE_AGE seconds after its last use.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 2 * 3600, minimum=60)
SESSION_SAVE_EVERY_REQUEST = True
# The absolute lifetime: however active, a session ends this long after its login
# (config.security.absolute_session_lifetime).
SESSION_ABSOLUTE_AGE = env_int("SESSION_ABSOLUTE_AGE", 12 * 3600, minimum=60)
# Pages put the CSRF token in the HTML (hx-headers, forms); no script reads the cookie.
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy on every response (config.security). No inline script and no
# eval: charts are JSON data blocks drawn by static/js/charts.js. Styles need
# 'unsafe-inline' because plotly.js writes style attributes and a <style> element at
# run time; style injection cannot run script, so the script policy stays strict.
CSP_DIRECTIVES = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}
# Report-only sends the same policy without enforcing it (to trial a change).
CSP_REPORT_ONLY = env_bool("CSP_REPORT_ONLY", False)

# Login throttling (accounts.ratelimit): failures allowed per window of
# LOGIN_FAILURE_WINDOW seconds, per username+address and per address.
LOGIN_FAILURES_PER_USER_IP = env_int("LOGIN_FAILURES_PER_USER_IP", 5, minimum=1)
LOGIN_FAILURES_PER_IP = env_int("LOGIN_FAILURES_PER_IP", 20, minimum=1)
LOGIN_FAILURE_WINDOW = env_int("LOGIN_FAILURE_WINDOW", 15 * 60, minimum=60)

# Celery: no REDIS_URL means tasks run inline, so nothing else is needed to try the product.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured("REDIS_URL must start with redis://, rediss:// or unix://")
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
# Results of tasks live in the database (Job, Result); the backend only serves
# `worker_check`'s round trip.
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_RESULT_EXPIRES = 3600
# No task but that one returns through the backend, so sending never waits on it (a
# result store that is down would otherwise retry for seconds inside the request).
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300, minimum=1)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - min(30, CELERY_TASK_TIME_LIMIT // 5)
# A running job belongs to its worker this long; after that (the worker died) another
# delivery may take it over. Longer than the hard time limit.
JOB_LEASE_SECONDS = env_int("JOB_LEASE_SECONDS", CELERY_TASK_TIME_LIMIT + 60, minimum=1)
JOB_SWEEP_SECONDS = env_int("JOB_SWEEP_SECONDS", 30, minimum=1)
CELERY_BEAT_SCHEDULE = {
    "sweep-jobs": {"task": "decisions.tasks.sweep_jobs", "schedule": JOB_SWEEP_SECONDS},
}
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Longer than the longest task, so an unacknowledged task is not redelivered early.
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 600, minimum=1),
    "socket_timeout": 2,
    "socket_connect_timeout": 2,
    "max_retries": 0,  # a broker that is down fails the send at once
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Failed logins and refused authorisations; route it to the SIEM in production.
    "loggers": {"tunecase.security": {"level": os.environ.get("SECURITY_LOG_LEVEL", "INFO")}},
}

# Price rows older than this many days are flagged as stale.
PRICE_STALE_DAYS = env_int("PRICE_STALE_DAYS", 90, minimum=1)

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "config.staticfiles.PlotlyFinder",
]

# Share-link lookups allowed per client address per minute (brute-force guard).
SHARE_LOOKUPS_PER_MINUTE = env_int("SHARE_LOOKUPS_PER_MINUTE", 60, minimum=1)
# Headless Chromium prints report PDFs; without it the PDF button explains why.
CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "chromium")

# Price imports: limits on what an uploaded file may hold.
PRICE_IMPORT_MAX_BYTES = env_int("PRICE_IMPORT_MAX_BYTES", 25 * 1024 * 1024, minimum=1024)
PRICE_IMPORT_MAX_ROWS = env_int("PRICE_IMPORT_MAX_ROWS", 50_000, minimum=1)
PRICE_IMPORT_MAX_DEPTH = env_int("PRICE_IMPORT_MAX_DEPTH", 20, minimum=2)
