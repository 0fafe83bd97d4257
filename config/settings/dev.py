import warnings

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
# Development only: a fixed key is harmless because this settings module never serves the public.
SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-not-for-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
# A missing page shows the site's own 404 page, with the reason for the developer.
MIDDLEWARE = [*MIDDLEWARE, "core.views.NotFoundPageInDevelopment"]  # noqa: F405

# The demo editor account that load_demo_content creates on a development machine.
DEMO_ADMIN_PASSWORD = env("DEMO_ADMIN_PASSWORD", default="changeme")

# Static files come from the finders here; there is no collectstatic output to warn about.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
warnings.filterwarnings("ignore", message="No directory at", module="whitenoise.base")
