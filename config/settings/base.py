"""Settings shared by every environment. Values come from the environment (see .env.example)."""

import ipaddress
import os
import warnings
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

import environ

from config.caches import cache_settings
from config.mail import mail_settings
from config.release import code_version

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "core",
    "home",
    "regions",
    "news",
    "briefings",
    "members",
    "contact",
    "bulletins",
    "search",
    "demo",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.search_promotions",
    "wagtail.contrib.settings",
    "wagtail_localize",
    "wagtail_localize.locales",
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
    "core.headers.SecurityHeadersMiddleware",
    "core.throttling.ThrottleMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
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
                "django.template.context_processors.i18n",
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
# The site's languages: English (the default, at the addresses it always had) and Spanish,
# under /es/ (config/urls.py). The site's own words (templates, forms, emails, feeds) come in
# Spanish from the catalogue locale/es/LC_MESSAGES/django.po; `manage.py compile_catalogues`
# builds the .mo files Django reads (make run and every test target do it first).
LANGUAGES = [("en-gb", "English"), ("es", "Español")]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
# wagtail-localize's "Translate" makes the translation a draft, to be published once it is in
# Spanish (by default a live page's translation would go live at once, still in English, and a
# writer, who cannot publish, would have published it).
WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]
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
    # Pictures' file names get a random part (core/storage.py).
    "default": {"BACKEND": "core.storage.MediaStorage"},
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
# Nor asks releases.wagtail.org for the latest version from the dashboard (the admin's content
# security policy would refuse it, with errors in the console): upgrades are the developers'
# to follow, with `make test-next` (docs/architecture.md).
WAGTAIL_ENABLE_UPDATE_CHECK = False

WAGTAIL_SITE_NAME = env("SITE_NAME", default="Peru Support Group")
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "ods", "pdf", "pptx", "rtf", "txt", "xlsx"]
# Serve documents through Django so privacy settings on collections are enforced.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# Upload limits, in megabytes (core/uploads.py); nginx's client_max_body_size must be above both.
WAGTAILIMAGES_MAX_UPLOAD_SIZE = env.int("IMAGE_MAX_UPLOAD_MB", default=10) * 1024 * 1024
DOCUMENT_MAX_UPLOAD_SIZE = env.int("DOCUMENT_MAX_UPLOAD_MB", default=25) * 1024 * 1024
WAGTAILDOCS_DOCUMENT_FORM_BASE = "core.uploads.DocumentForm"
# Search: Wagtail's database backend (SQLite FTS5; PostgreSQL full-text search with English
# stemming) unless SEARCH_BACKEND names Elasticsearch or OpenSearch (see docs/search.md).
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
        # Wagtail's, each page indexed in its own language (search/backends.py).
        "default": {"BACKEND": "search.backends", "SEARCH_CONFIG": "psg_english"}
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

# Sign-in protection (core/signin.py explains the rules). Failures at every door (the admin's
# sign-in, the site's, page and document passwords) are counted together in the database.
WAGTAILADMIN_USER_LOGIN_FORM = "core.signin.LockoutLoginForm"
# (a) One account from one address: failures allowed within the window before a pause.
SIGNIN_FAILURES_PER_ACCOUNT_AND_ADDRESS = env.int(
    "SIGNIN_FAILURES_PER_ACCOUNT_AND_ADDRESS", default=5
)
# (b) One address, whatever the accounts and doors: failures allowed within the window.
SIGNIN_FAILURES_PER_ADDRESS = env.int("SIGNIN_FAILURES_PER_ADDRESS", default=20)
# The window of (a) and (b), in seconds: a pause ends as failures age out of it.
SIGNIN_FAILURE_WINDOW_SECONDS = env.int("SIGNIN_FAILURE_WINDOW_SECONDS", default=900)
# (c) One account, from anywhere: past this many failures within SIGNIN_ACCOUNT_WINDOW_SECONDS
# an address that has not signed in to it within SIGNIN_KNOWN_ADDRESS_DAYS has one try per
# window (slowed, never refused), and the superusers are emailed once.
SIGNIN_FAILURES_PER_ACCOUNT = env.int("SIGNIN_FAILURES_PER_ACCOUNT", default=100)
SIGNIN_ACCOUNT_WINDOW_SECONDS = env.int("SIGNIN_ACCOUNT_WINDOW_SECONDS", default=3600)
SIGNIN_KNOWN_ADDRESS_DAYS = env.int("SIGNIN_KNOWN_ADDRESS_DAYS", default=90)
# The admin's password reset (core/password_reset.py): requests an hour from one client
# address (more are answered 429), and links sent an hour to one email address (more are not
# sent; the answer is the same).
WAGTAILADMIN_USER_PASSWORD_RESET_FORM = "core.password_reset.PasswordResetForm"
PASSWORD_RESETS_PER_ADDRESS = env.int("PASSWORD_RESETS_PER_ADDRESS", default=5)
PASSWORD_RESETS_PER_EMAIL = env.int("PASSWORD_RESETS_PER_EMAIL", default=3)
for _name in (
    "SIGNIN_FAILURES_PER_ACCOUNT_AND_ADDRESS",
    "SIGNIN_FAILURES_PER_ADDRESS",
    "SIGNIN_FAILURE_WINDOW_SECONDS",
    "SIGNIN_FAILURES_PER_ACCOUNT",
    "SIGNIN_ACCOUNT_WINDOW_SECONDS",
    "SIGNIN_KNOWN_ADDRESS_DAYS",
    "PASSWORD_RESETS_PER_ADDRESS",
    "PASSWORD_RESETS_PER_EMAIL",
):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"{_name} must be at least 1.")
_RENAMED = {
    "LOGIN_LOCKOUT_PER_USER": "SIGNIN_FAILURES_PER_ACCOUNT_AND_ADDRESS",
    "LOGIN_LOCKOUT_PER_IP": "SIGNIN_FAILURES_PER_ADDRESS",
    "LOGIN_LOCKOUT_SECONDS": "SIGNIN_FAILURE_WINDOW_SECONDS",
    "TRUST_X_FORWARDED_FOR": "TRUSTED_PROXY_COUNT",
}
for _old, _new in _RENAMED.items():
    if _old in os.environ:
        warnings.warn(
            f"{_old} is no longer read: set {_new} instead (see docs/configuration.md).",
            stacklevel=1,
        )
# Where sign-in is asked for (Wagtail's login-restricted pages and Django's login_required),
# and where it lands without a `next` address: the home page.
LOGIN_URL = "wagtailcore_login"
LOGIN_REDIRECT_URL = "/"
# How many proxies in front append to X-Forwarded-For (nginx alone: 1). 0 trusts none: the
# client's address is the connection's. Throttles count by it (core/throttling.py).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# The proxies whose X-Forwarded-* headers are believed, by gunicorn (config/gunicorn.py) and the
# throttles alike: addresses or networks, comma-separated ("*": any peer, never in production).
# A request from any other peer is counted by the peer's own address.
FORWARDED_ALLOW_IPS = env.list("FORWARDED_ALLOW_IPS", default=["127.0.0.1"])
for _entry in set(FORWARDED_ALLOW_IPS) - {"*"}:
    try:
        ipaddress.ip_network(_entry, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"FORWARDED_ALLOW_IPS: {_entry!r} is not an address or a network."
        ) from None

# Caches (config/caches.py). Every key starts with the code's version, so a deploy starts
# afresh. Pages are cached in front of the site (Varnish or a CDN), not in it.
CODE_VERSION = code_version(BASE_DIR)
# Redis, shared by every process and app server, for template fragments; without it none are
# kept.
REDIS_URL = env("REDIS_URL", default="")

CACHES = cache_settings(code_version=CODE_VERSION, redis_url=REDIS_URL)
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True

# The HTTP cache in front (Varnish or a CDN; docs/deploy.md) and browsers (core/headers.py).
# Seconds a browser may keep a public page (Cache-Control max-age).
CACHE_CONTROL_MAX_AGE = env.int("CACHE_CONTROL_MAX_AGE", default=60)
# Seconds the cache in front may keep a public page (s-maxage). Every change purges it
# (core/frontend_cache.py), so this is the worst case only when a purge fails and is retried.
CACHE_CONTROL_S_MAXAGE = env.int("CACHE_CONTROL_S_MAXAGE", default=600)
# Seconds the cache in front may keep a page of search results (browsers keep none).
SEARCH_CACHE_S_MAXAGE = env.int("SEARCH_CACHE_S_MAXAGE", default=60)
# Where purges go: a Varnish (or any cache taking PURGE), e.g. http://127.0.0.1:6081; empty:
# no cache in front, nothing to purge but the template fragments. Cloudflare is production's.
FRONTEND_CACHE_PURGE_URL = env("FRONTEND_CACHE_PURGE_URL", default="")
# wagtail.contrib.frontend_cache is used without an INSTALLED_APPS entry: installed, it would
# purge each page again on publish, which the whole-site purge already covers.
WAGTAILFRONTENDCACHE = {}
if FRONTEND_CACHE_PURGE_URL:
    WAGTAILFRONTENDCACHE["varnish"] = {
        "BACKEND": "core.frontend_cache.VarnishBackend",
        "LOCATION": FRONTEND_CACHE_PURGE_URL,
    }
# The whole site is purged at once, so not once per language.
WAGTAILFRONTENDCACHE_LANGUAGES = []
# Seconds one purge request may take before it counts as failed (and is retried).
FRONTEND_CACHE_PURGE_TIMEOUT = env.int("FRONTEND_CACHE_PURGE_TIMEOUT", default=5)

DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="website@localhost")
# The email backend: EMAIL_* settings, or MAILERS from Django 6.1 (config/mail.py), from the
# same environment variables. EMAIL_TIMEOUT: seconds any one step of talking to the mail
# server may take before it counts as failed.
globals().update(
    mail_settings(
        env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"),
        # Django's own defaults, said aloud: from Django 6.1 the SMTP backend needs a host.
        host=env("EMAIL_HOST", default="localhost"),
        port=env.int("EMAIL_PORT", default=25),
        timeout=env.int("EMAIL_TIMEOUT", default=10),
    )
)
# Bounces and complaints from the mail provider through django-anymail's webhooks, at
# /anymail/<provider>/tracking/, only when ANYMAIL_WEBHOOK_SECRET ("user:password", which the
# provider sends as basic authentication) is set. The provider's own settings come from the
# environment too: ANYMAIL_POSTMARK_SERVER_TOKEN=... becomes ANYMAIL["POSTMARK_SERVER_TOKEN"]
# (docs/configuration.md).
ANYMAIL_WEBHOOK_SECRET = env("ANYMAIL_WEBHOOK_SECRET", default="")
ANYMAIL = {
    name.removeprefix("ANYMAIL_"): value
    for name, value in os.environ.items()
    if name.startswith("ANYMAIL_") and name != "ANYMAIL_WEBHOOK_SECRET"
}
if ANYMAIL_WEBHOOK_SECRET:
    ANYMAIL["WEBHOOK_SECRET"] = ANYMAIL_WEBHOOK_SECRET
    INSTALLED_APPS.append("anymail")

# Membership: the join form (members/) ----------------------------------------------------
# Applications one client address may make in an hour (only stored posts count); more are
# stored as suspected spam ("rate"), never refused.
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
# How long the register keeps each application (purge_applications, daily; the privacy notice
# states each, docs/deploy.md says why these): new ones nobody has dealt with, declined ones
# and suspected spam, counted from when they arrived; lapsed memberships from when they were
# last changed (marked lapsed), six years as HMRC may check the Gift Aid claimed on them for
# that long. Approved ones are the memberships: kept while they last.
MEMBERSHIP_NEW_RETENTION_MONTHS = env.int("MEMBERSHIP_NEW_RETENTION_MONTHS", default=12)
MEMBERSHIP_DECLINED_RETENTION_MONTHS = env.int("MEMBERSHIP_DECLINED_RETENTION_MONTHS", default=12)
MEMBERSHIP_SUSPECTED_RETENTION_DAYS = env.int("MEMBERSHIP_SUSPECTED_RETENTION_DAYS", default=30)
MEMBERSHIP_LAPSED_RETENTION_YEARS = env.int("MEMBERSHIP_LAPSED_RETENTION_YEARS", default=6)
# -----------------------------------------------------------------------------------------

# The contact form (contact/) ------------------------------------------------------------
# Messages one client address may send in an hour (only stored posts count); more are stored
# as suspected spam ("rate"), never refused.
CONTACT_POSTS_PER_HOUR = env.int("CONTACT_POSTS_PER_HOUR", default=5)
# As the join form's: sooner or later than this, a message is kept as suspected spam (never
# mailed on) for editors to judge.
CONTACT_FORM_MIN_SECONDS = env.int("CONTACT_FORM_MIN_SECONDS", default=3)
CONTACT_FORM_MAX_AGE_HOURS = env.int("CONTACT_FORM_MAX_AGE_HOURS", default=48)
# Who mails a message to the contact address once it is stored, and how often it is tried:
# as the membership emails unless told otherwise.
CONTACT_EMAIL_DELIVERY = env("CONTACT_EMAIL_DELIVERY", default=MEMBERSHIP_EMAIL_DELIVERY)
if CONTACT_EMAIL_DELIVERY not in ("background", "command", "inline"):
    raise ImproperlyConfigured(
        "CONTACT_EMAIL_DELIVERY must be 'background', 'command' or 'inline'."
    )
CONTACT_EMAIL_MAX_ATTEMPTS = env.int(
    "CONTACT_EMAIL_MAX_ATTEMPTS", default=MEMBERSHIP_EMAIL_MAX_ATTEMPTS
)
# Days a message is kept after it arrived (purge_contact_messages, daily); the privacy notice
# states it.
CONTACT_MESSAGE_RETENTION_DAYS = env.int("CONTACT_MESSAGE_RETENTION_DAYS", default=180)
# -----------------------------------------------------------------------------------------

# Peru Update: the members' bulletin and its subscribers (bulletins/) --------------------
# Sign-ups one client address may post in an hour; more are answered 429.
BULLETIN_SIGNUPS_PER_HOUR = env.int("BULLETIN_SIGNUPS_PER_HOUR", default=10)
# Confirmation emails one address may be sent in a day, however many sign-ups name it: more
# sign-ups get the same answer on the page, and no email.
BULLETIN_CONFIRMATIONS_PER_DAY = env.int("BULLETIN_CONFIRMATIONS_PER_DAY", default=3)
# Days a confirmation link works.
BULLETIN_CONFIRMATION_DAYS = env.int("BULLETIN_CONFIRMATION_DAYS", default=7)
# Who sends a bulletin's emails once an editor has confirmed the send: "background" (a thread
# in the process, straight after the commit; send_bulletins, from cron, sends what is left)
# or "command" (only send_bulletins). "inline": in the request itself, for tests only.
BULLETIN_EMAIL_DELIVERY = env("BULLETIN_EMAIL_DELIVERY", default="command")
if BULLETIN_EMAIL_DELIVERY not in ("background", "command", "inline"):
    raise ImproperlyConfigured(
        "BULLETIN_EMAIL_DELIVERY must be 'background', 'command' or 'inline'."
    )
# Bulletins sent per minute at most: mail providers limit the rate of new senders.
BULLETIN_EMAILS_PER_MINUTE = env.int("BULLETIN_EMAILS_PER_MINUTE", default=300)
# Attempts at each bulletin email after a temporary failure before it is given up.
BULLETIN_EMAIL_MAX_ATTEMPTS = env.int("BULLETIN_EMAIL_MAX_ATTEMPTS", default=5)
# Where mail programs' "unsubscribe" sends its email (List-Unsubscribe's mailto:); the
# charity's own address by default.
BULLETIN_UNSUBSCRIBE_EMAIL = env("BULLETIN_UNSUBSCRIBE_EMAIL", default="")
# How long the register keeps what it no longer needs (purge_subscribers, daily; the privacy
# notice states each): sign-ups never confirmed, counted from the sign-up; those who left or
# bounced, from then (their address stays on the suppression list as a hash only); each
# delivery's record, from the send.
BULLETIN_PENDING_RETENTION_DAYS = env.int("BULLETIN_PENDING_RETENTION_DAYS", default=30)
BULLETIN_UNSUBSCRIBED_RETENTION_DAYS = env.int("BULLETIN_UNSUBSCRIBED_RETENTION_DAYS", default=30)
BULLETIN_DELIVERY_RETENTION_DAYS = env.int("BULLETIN_DELIVERY_RETENTION_DAYS", default=180)
# -----------------------------------------------------------------------------------------

# Days each day's search counts are kept (Wagtail's searchpromotions_garbage_collect, daily);
# the privacy notice states it.
WAGTAILSEARCH_HITS_MAX_AGE = env.int("WAGTAILSEARCH_HITS_MAX_AGE", default=7)
# Days the servers keep their logs (journald, nginx): set them to match (docs/deploy.md,
# section 11). The site does not rotate them itself; the privacy notice states it.
SERVER_LOG_RETENTION_DAYS = env.int("SERVER_LOG_RETENTION_DAYS", default=14)
for _name in (
    "MEMBERSHIP_NEW_RETENTION_MONTHS",
    "MEMBERSHIP_DECLINED_RETENTION_MONTHS",
    "MEMBERSHIP_SUSPECTED_RETENTION_DAYS",
    "MEMBERSHIP_LAPSED_RETENTION_YEARS",
    "CONTACT_MESSAGE_RETENTION_DAYS",
    "WAGTAILSEARCH_HITS_MAX_AGE",
    "SERVER_LOG_RETENTION_DAYS",
):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"{_name} must be at least 1.")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"line": {"()": "core.logging.OneLineFormatter"}},
    "filters": {"redis_faults": {"()": "core.logging.RedisFaults"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "line",
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # One line per background task is noise; failures are still logged.
        "django_tasks": {"level": "WARNING"},
        # While Redis is down: one warning a minute, not a traceback per cache operation.
        "django_redis.cache": {"filters": ["redis_faults"]},
    },
}
