import ipaddress
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from config.mail import mail_settings

from .base import *  # noqa: F403
from .base import env

DEBUG = False

try:
    SECRET_KEY = env("SECRET_KEY")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
except ImproperlyConfigured as exc:
    raise ImproperlyConfigured(
        f"{exc}. Production needs SECRET_KEY and ALLOWED_HOSTS in the environment "
        "(see .env.example)."
    ) from None
# Earlier keys, still accepted for what they signed while a new key takes over (docs/deploy.md).
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])
if not SECRET_KEY or not ALLOWED_HOSTS:
    raise ImproperlyConfigured("SECRET_KEY and ALLOWED_HOSTS must not be empty in production.")


def _is_local(host):
    """Whether `host` names this machine (or nothing), not an address anyone else can reach."""
    host = (host or "").strip("[]").rstrip(".").lower()
    if host in ("", "localhost", "localhost.localdomain") or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


# The links in emails (password resets, workflow notices) and the sender of every email: the
# development defaults would send mail linking to 127.0.0.1 from website@localhost.
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", default="")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="")
SERVER_EMAIL = env("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
for _name, _value, _host in (
    ("WAGTAILADMIN_BASE_URL", WAGTAILADMIN_BASE_URL, urlsplit(WAGTAILADMIN_BASE_URL).hostname),
    ("DEFAULT_FROM_EMAIL", DEFAULT_FROM_EMAIL, parseaddr(DEFAULT_FROM_EMAIL)[1].rpartition("@")[2]),
):
    if _is_local(_host):
        raise ImproperlyConfigured(
            f"{_name} is {_value!r}, which is not the site's public address: production sends "
            "emails with it. Set it in the environment, e.g. "
            "WAGTAILADMIN_BASE_URL=https://www.example.org and "
            "DEFAULT_FROM_EMAIL=website@example.org (docs/configuration.md)."
        )

STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
}

# TLS ends at the proxy (nginx), which sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
# Sub-domains too (on www.example.org that is only *.www.example.org); preloading into browsers
# is a choice for the whole domain and slow to undo, so it is off until asked for.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
if not SECURE_HSTS_PRELOAD:
    # Off by choice: `check --deploy` would warn about it on every deploy.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
SESSION_COOKIE_SECURE = True
# nginx in front appends the client's address to X-Forwarded-For: throttles count by it.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1)
CSRF_COOKIE_SECURE = True

# EMAIL_* settings, or MAILERS from Django 6.1 (config/mail.py), from the same variables.
globals().update(
    mail_settings(
        env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend"),
        host=env("EMAIL_HOST", default="localhost"),
        port=env.int("EMAIL_PORT", default=587),
        username=env("EMAIL_HOST_USER", default=""),
        password=env("EMAIL_HOST_PASSWORD", default=""),
        use_tls=env.bool("EMAIL_USE_TLS", default=True),
        timeout=env.int("EMAIL_TIMEOUT", default=10),
    )
)

DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405

# Optional: Cloudflare in front, beside or instead of Varnish (FRONTEND_CACHE_PURGE_URL, base.py).
if env("CLOUDFLARE_API_TOKEN", default=""):
    WAGTAILFRONTENDCACHE["cloudflare"] = {  # noqa: F405
        "BACKEND": "core.frontend_cache.CloudflareBackend",
        "BEARER_TOKEN": env("CLOUDFLARE_API_TOKEN"),
        "ZONEID": env("CLOUDFLARE_ZONE_ID"),
    }

# Optional error reporting: set SENTRY_DSN to send errors (never personal data) to Sentry.
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    from core import error_reporting

    error_reporting.start(
        SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )
