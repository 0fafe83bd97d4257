"""Settings shared by every environment. Values come from the environment (see .env.example)."""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "core",
    "home",
    "news",
    "briefings",
    "members",
    "search",
    "demo",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.search_promotions",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.typed_table_block",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "wagtail_modeladmin",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
    "core.throttling.ThrottleMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "core.middleware.SiteMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
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
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "home.context_processors.site_name",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several gunicorn workers share the file: readers never wait for a writer (WAL), a commit
    # waits for the disk once, not twice (synchronous=NORMAL, safe with WAL), and a writer
    # queues behind another instead of failing with "database is locked" (IMMEDIATE).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

CSRF_FAILURE_VIEW = "home.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"  # Wagtail relaxes this to SAMEORIGIN on its own preview views only.
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = False

# No avatars fetched from gravatar.com: the admin makes no third-party requests either.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

WAGTAIL_SITE_NAME = env("SITE_NAME", default="Peru Support Group")
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "ods", "pdf", "pptx", "rtf", "txt", "xlsx"]
# Serve documents through Django so privacy settings on collections are enforced.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# Search: Wagtail's database backend (SQLite FTS5; PostgreSQL full-text search with English
# stemming) unless SEARCH_BACKEND names Elasticsearch or OpenSearch (see README).
SEARCH_BACKEND = env("SEARCH_BACKEND", default="database")
_SEARCH_ENGINES = (
    "elasticsearch7",
    "elasticsearch8",
    "elasticsearch9",
    "opensearch2",
    "opensearch3",
)
if SEARCH_BACKEND == "database":
    WAGTAILSEARCH_BACKENDS = {
        # Wagtail's, with SQLite results ranked in one pass (search/backends.py).
        "default": {"BACKEND": "search.backends", "SEARCH_CONFIG": "english"}
    }
elif SEARCH_BACKEND in _SEARCH_ENGINES:
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": f"wagtail.search.backends.{SEARCH_BACKEND}",
            "URLS": env.list("SEARCH_URL", default=["http://localhost:9200"]),
            "INDEX_PREFIX": env("SEARCH_INDEX_PREFIX", default="psg_"),
            "TIMEOUT": env.int("SEARCH_TIMEOUT", default=5),
        }
    }
else:
    raise ImproperlyConfigured(
        f"SEARCH_BACKEND must be 'database' or one of {', '.join(_SEARCH_ENGINES)}."
    )
WAGTAILIMAGES_IMAGE_MODEL = "wagtailimages.Image"

# Sign-in lockout: failures allowed per username and per address before a pause.
WAGTAILADMIN_USER_LOGIN_FORM = "core.signin.LockoutLoginForm"
LOGIN_LOCKOUT_PER_USER = env.int("LOGIN_LOCKOUT_PER_USER", default=5)
LOGIN_LOCKOUT_PER_IP = env.int("LOGIN_LOCKOUT_PER_IP", default=20)
LOGIN_LOCKOUT_SECONDS = env.int("LOGIN_LOCKOUT_SECONDS", default=600)
# Behind nginx, the client's address comes from X-Forwarded-For (the proxy's last entry).
LOGIN_LOCKOUT_TRUST_X_FORWARDED_FOR = env.bool("TRUST_X_FORWARDED_FOR", default=False)
# How many proxies in front append to X-Forwarded-For (nginx alone: 1). 0 trusts none: the
# client's address is the connection's. Throttles count by it (core/throttling.py).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Local memory by default (per process); Redis, shared by every app server, with REDIS_URL.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.caching.store.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "psg",
            # A dead Redis must cost milliseconds, not a hung request.
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 2000},
        }
    }
# How long a rendered page is kept. Publishing clears it at once where the cache is shared
# (Redis); a per-process cache cannot be told by other processes, so it keeps pages briefly.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=600 if REDIS_URL else 10)
# How long a fragment (navigation, footer, listing counts, the site record) is kept. Keys carry
# the content version, so with Redis a publish replaces them at once and old ones just age out;
# a per-process cache cannot be told by other processes, so there they live only seconds.
FRAGMENT_CACHE_SECONDS = env.int("FRAGMENT_CACHE_SECONDS", default=86400 if REDIS_URL else 10)
# How long a page of search results is kept for readers searching the same words (0 = off).
# Keyed by the content version like fragments, so a publish shows in the next search.
SEARCH_RESULTS_SECONDS = env.int("SEARCH_RESULTS_SECONDS", default=60)
# How long a CDN or nginx in front may keep a public page (Cache-Control s-maxage).
PAGE_CACHE_PROXY_SECONDS = env.int("PAGE_CACHE_PROXY_SECONDS", default=10)

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="website@localhost")
# Seconds any one step of talking to the mail server may take before it counts as failed.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)

# Membership: the join form (members/) ----------------------------------------------------
# Posts of the join form one client address may make in an hour; more are answered 429.
MEMBERSHIP_JOIN_POSTS_PER_HOUR = env.int("MEMBERSHIP_JOIN_POSTS_PER_HOUR", default=5)
# A form sent sooner than this after it was shown, or later than this many hours, is kept as
# suspected spam (never emailed on) for the membership secretary to judge.
MEMBERSHIP_FORM_MIN_SECONDS = env.int("MEMBERSHIP_FORM_MIN_SECONDS", default=3)
MEMBERSHIP_FORM_MAX_AGE_HOURS = env.int("MEMBERSHIP_FORM_MAX_AGE_HOURS", default=48)
# Who sends an application's emails once it is stored: "background" (a thread in each
# process, straight after the commit; send_membership_emails catches anything left) or
# "command" (only send_membership_emails, from cron). "inline" sends straight after the
# commit in the request itself: for tests only.
MEMBERSHIP_EMAIL_DELIVERY = env("MEMBERSHIP_EMAIL_DELIVERY", default="background")
if MEMBERSHIP_EMAIL_DELIVERY not in ("background", "command", "inline"):
    raise ImproperlyConfigured(
        "MEMBERSHIP_EMAIL_DELIVERY must be 'background', 'command' or 'inline'."
    )
# Attempts at each email (1, 2, 4 ... 60 minutes apart) before it is given up and logged.
MEMBERSHIP_EMAIL_MAX_ATTEMPTS = env.int("MEMBERSHIP_EMAIL_MAX_ATTEMPTS", default=10)
# -----------------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"line": {"()": "core.logging.OneLineFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "line",
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # One line per background task is noise; failures are still logged.
    "loggers": {"django_tasks": {"level": "WARNING"}},
}
