"""The CACHES setting: what each cache is and where it lives (core/caching/ says why).

- "default": Wagtail's own caches (renditions, the sites' root paths) and anything else.
- "pages": whole pages for anonymous readers, shared through Redis where there is one.
- "fragments" and "template_fragments" (the one Django's {% cache %} and Wagtail's
  {% wagtailcache %} tags use): parts of pages and lookups, in each process's memory.

Every key starts with the code's version; pages' and fragments' keys also carry the content
version (core/caching/keys.py).
"""


def _memory(name, entries, **extra):
    return {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": name,
        "OPTIONS": {"MAX_ENTRIES": entries},
        **extra,
    }


def _redis(url, **extra):
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
        **extra,
    }


def cache_settings(
    *,
    code_version: str,
    redis_url: str = "",
    fragment_cache: bool = True,
    fragment_seconds: int = 86400,
) -> dict:
    """CACHES for the given code version, Redis address ('' for none) and fragment cache."""

    def shared(name, entries, **extra):
        return _redis(redis_url, **extra) if redis_url else _memory(name, entries, **extra)

    def fragments():
        if not fragment_cache:
            return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
        return _memory(
            "fragments",
            5000,
            KEY_FUNCTION="core.caching.keys.fragment_key",
            TIMEOUT=fragment_seconds,
        )

    caches = {
        "default": shared("default", 2000),
        "pages": shared("pages", 1000, KEY_FUNCTION="core.caching.keys.page_key"),
        "fragments": fragments(),
        # The same store (a local-memory cache is named by its LOCATION).
        "template_fragments": fragments(),
    }
    for cache in caches.values():
        cache["KEY_PREFIX"] = f"psg:{code_version}"
    return caches
