import warnings

from config.mail import mail_settings

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "test-only-insecure-key"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
globals().update(mail_settings("django.core.mail.backends.locmem.EmailBackend"))
# Membership emails go in the on-commit callback, so a test that runs the callbacks reads them
# from mail.outbox; the background worker has tests of its own.
MEMBERSHIP_EMAIL_DELIVERY = "inline"
CONTACT_EMAIL_DELIVERY = "inline"
BULLETIN_EMAIL_DELIVERY = "inline"
MEDIA_ROOT = env.path("MEDIA_ROOT", default="/tmp/psg-test-media")
WAGTAILADMIN_BASE_URL = "http://testserver"
# No network in tests: embeds resolve through a local finder.
WAGTAILEMBEDS_FINDERS = [{"class": "tests.embed_finder.LocalEmbedFinder"}]
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
# Template fragments in each process's memory, so that tests measure what caching them saves
# (production keeps them in Redis, or not at all); tests/conftest.py clears it for each test.
CACHES["template_fragments"] = {  # noqa: F405
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "template_fragments",
    "KEY_PREFIX": CACHES["default"]["KEY_PREFIX"],  # noqa: F405
}

# Static files come from the finders here; there is no collectstatic output to warn about.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
warnings.filterwarnings("ignore", message="No directory at", module="whitenoise.base")

# On SQLite the test database is a file, as in production, not Django's shared in-memory one:
# there a second connection (the live server's, the mail worker's) is refused a locked table at
# once, where a file in WAL mode makes it wait, as the site's own database does.
_database = DATABASES["default"]  # noqa: F405
if _database["ENGINE"] == "django.db.backends.sqlite3" and _database["NAME"] != ":memory:":
    _database.setdefault("TEST", {})["NAME"] = f"{_database['NAME']}.test"
