"""Caching that never breaks a page: a Redis outage is a cache miss, not an error.

Page and fragment caches are keyed by a site-wide content version that publishing, moving or
deleting a page, or saving a snippet or setting, increments (see home/signals.py).
"""

import contextlib
import logging
import time

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.core.signals import request_finished, request_started

from asgiref.local import Local

logger = logging.getLogger(__name__)

CONTENT_VERSION_KEY = "site-content-version"


class _ResilientClient(RedisCacheClient):
    """Each operation degrades to 'nothing cached' when Redis cannot be reached."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        # Django builds a new redis.Redis per operation, and building one costs more than the
        # round trip (a third of a cached page's time). A client is thread-safe: keep one per
        # connection pool.
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    def _safely(self, default, operation, *args):
        import redis

        try:
            return operation(*args)
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as exc:
            logger.warning("Cache unavailable (%s); carrying on without it", exc)
            return default

    def add(self, key, value, timeout):
        return self._safely(False, super().add, key, value, timeout)

    def get(self, key, default):
        return self._safely(default, super().get, key, default)

    def set(self, key, value, timeout):
        return self._safely(None, super().set, key, value, timeout)

    def touch(self, key, timeout):
        return self._safely(False, super().touch, key, timeout)

    def delete(self, key):
        return self._safely(False, super().delete, key)

    def get_many(self, keys):
        return self._safely({}, super().get_many, keys)

    def has_key(self, key):
        return self._safely(False, super().has_key, key)

    def incr(self, key, delta):
        return self._safely(None, super().incr, key, delta)

    def set_many(self, data, timeout):
        return self._safely(None, super().set_many, data, timeout)

    def delete_many(self, keys):
        return self._safely(None, super().delete_many, keys)

    def clear(self):
        return self._safely(False, super().clear)


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ResilientClient


# A page reads the version for every fragment it uses; within one request it is read from
# the cache once (one Redis round trip, not a dozen), and a publish during it reads it again.
_request = Local()


def _start_request(**kwargs):
    _request.version = None


def _finish_request(**kwargs):
    with contextlib.suppress(AttributeError):
        del _request.version


request_started.connect(_start_request, dispatch_uid="content-version-start")
request_finished.connect(_finish_request, dispatch_uid="content-version-finish")


def content_version():
    """The current site-wide content version.

    A lost version (evicted, or a fresh cache) starts again from the clock, never from a
    number old entries could still carry.
    """
    in_request = hasattr(_request, "version")
    if in_request and _request.version is not None:
        return _request.version
    version = cache.get(CONTENT_VERSION_KEY)
    if version is None:
        cache.add(CONTENT_VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(CONTENT_VERSION_KEY) or time.time_ns()
    if in_request:
        _request.version = version
    return version


def content_version_and(key):
    """The content version and the value cached under `key`, in one round trip to the cache.

    For values stored as `(version, value)` under a key that does not carry the version: the
    value is returned only when it was stored at the current version, otherwise None."""
    in_request = hasattr(_request, "version")
    if in_request and _request.version is not None:
        version, entry = _request.version, cache.get(key)
    else:
        found = cache.get_many([CONTENT_VERSION_KEY, key])
        version, entry = found.get(CONTENT_VERSION_KEY), found.get(key)
        if version is None:
            return content_version(), None
        if in_request:
            _request.version = version
    if isinstance(entry, tuple) and len(entry) == 2 and entry[0] == version:
        return version, entry[1]
    return version, None


def bump_content_version():
    """Make every cached page and fragment stale at once."""
    try:
        cache.incr(CONTENT_VERSION_KEY)
    except ValueError:
        cache.set(CONTENT_VERSION_KEY, time.time_ns(), timeout=None)
    if hasattr(_request, "version"):
        _request.version = None


# A value under a versioned key never changes, so each process also keeps the ones it has used:
# a page built from a dozen fragments then costs one round trip to Redis (the version), not
# thirteen. Copies, as in any Django cache, so a request cannot change another's value.
_process_cache = LocMemCache("fragments-in-process", {"OPTIONS": {"MAX_ENTRIES": 1000}})


def _kept_for(timeout):
    limit = settings.FRAGMENT_CACHE_SECONDS
    return limit if timeout is None else min(timeout, limit)


def _in_process():
    # With a local-memory cache the process already has it.
    return None if isinstance(caches["default"], LocMemCache) else _process_cache


def cached(key, build, timeout=None):
    """`build()`'s value, from the cache when the site's content has not changed since
    (and for at most `timeout` seconds, never more than FRAGMENT_CACHE_SECONDS, which is also
    the default: without a shared cache, age is the only way another process's publish shows).
    """
    versioned = f"{key}:v{content_version()}"
    timeout = _kept_for(timeout)
    local = _in_process()
    value = local.get(versioned) if local is not None else None
    if value is not None:
        return value
    value = cache.get(versioned)
    if value is None:
        value = build()
        # None is not kept: it could not be told from a miss anyway.
        if value is not None:
            cache.set(versioned, value, timeout)
    if value is not None and local is not None:
        local.set(versioned, value, timeout)
    return value


def cached_many(keys, build, timeout=None):
    """As `cached`, for several keys in one round trip to the cache: `build(missing)` returns
    a dict of values for the keys not kept. Returns a dict of the values found or built."""
    version = content_version()
    versioned = {key: f"{key}:v{version}" for key in keys}
    timeout = _kept_for(timeout)
    local = _in_process()
    values = {}
    for source in (local, cache):
        missing = [versioned[key] for key in keys if key not in values]
        if source is None or not missing:
            continue
        found = source.get_many(missing)
        values.update((key, found[versioned[key]]) for key in keys if versioned[key] in found)
        if source is cache and local is not None and found:
            local.set_many(found, timeout)
    missing = [key for key in keys if key not in values]
    if missing:
        built = {key: value for key, value in build(missing).items() if value is not None}
        stored = {versioned[key]: value for key, value in built.items()}
        cache.set_many(stored, timeout)
        if local is not None:
            local.set_many(stored, timeout)
        values.update(built)
    return values
