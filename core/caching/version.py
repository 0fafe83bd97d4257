"""The content version: one number, in the database, that grows whenever anything a reader can
see changes (core/caching/invalidation.py says what counts).

Every cached page and fragment is keyed by it (core/caching/keys.py). It lives in the
database rather than the cache so that:

- it is written in the same transaction as the change itself: if it cannot be advanced, the
  change does not commit either, so nothing cached before it can outlive it;
- every process and every server reads the same number at the start of every request, so a
  change made anywhere (an editor, `publish_scheduled`, a shell, another worker) is seen by the
  next request everywhere, with or without Redis;
- no eviction or Redis fault can lose it.

It costs one indexed read of one row per request (about 0.1 ms on PostgreSQL here, less on
SQLite; bench/RESULTS.md). A lost row (a test database flushed) starts again from the clock,
never from a number old entries could still carry.
"""

from __future__ import annotations

import contextlib

from django.core.signals import request_finished, request_started

from asgiref.local import Local

# core.ContentVersion's table (Meta.db_table): read with plain SQL, on every request.
TABLE = "core_contentversion"
ROW = 1

# Read once per request, before the request reads any content, and kept for the request: a
# fragment built from what the request read is then stored under a version no newer than that
# content (core/caching/middleware.py reads it first).
_request = Local()


def _start_request(**kwargs) -> None:
    _request.version = None


def _finish_request(**kwargs) -> None:
    with contextlib.suppress(AttributeError):
        del _request.version


request_started.connect(_start_request, dispatch_uid="content-version-start")
request_finished.connect(_finish_request, dispatch_uid="content-version-finish")


def _read() -> int:
    # core.ContentVersion is gone (core/frontend_cache.py purges instead); this package goes next.
    return 0


def content_version() -> int:
    """The current content version: read from the database once per request (every call
    outside a request reads it again)."""
    in_request = hasattr(_request, "version")
    if in_request and _request.version is not None:
        return _request.version
    version = _read()
    if in_request:
        _request.version = version
    return version


def advance_content_version() -> None:
    """Make every cached page and fragment stale, in the current transaction if there is one:
    the new number commits, or fails, with the change that called for it.

    The number moves to the clock when that is ahead, so a number taken by a change that
    rolled back is never given out again (a fragment cached under it would look current).
    """
    return
