"""The CACHES setting.

- "default": Wagtail's own caches (renditions, the sites' root paths) and anything else.
- "template_fragments": what the templates' `{% cache %}`, `{% wagtailcache %}` and
  `{% wagtailpagecache %}` keep (navigation, footer, the region map, the months with news,
  the home page's lists). A store every process shares, or none: Redis when REDIS_URL is set,
  otherwise Django's dummy cache, so that no process keeps a fragment another has changed.
  core/frontend_cache.py clears it whenever a reader could see a change.

Every key starts with the code's version, so a deploy starts with fresh fragments.
"""


def _redis(url):
    # A Redis fault of any kind (down, out of memory with noeviction, read-only, a full disk)
    # is a miss, never an error, and costs milliseconds, not a hung request.
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": url,
        "OPTIONS": {
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": 0.25,
            "SOCKET_TIMEOUT": 0.25,
        },
    }


def cache_settings(*, code_version: str, redis_url: str = "") -> dict:
    """CACHES for the given code version and Redis address ('' for none)."""
    if redis_url:
        caches = {"default": _redis(redis_url), "template_fragments": _redis(redis_url)}
    else:
        caches = {
            "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
            "template_fragments": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
        }
    for cache in caches.values():
        cache["KEY_PREFIX"] = f"psg:{code_version}"
    return caches
