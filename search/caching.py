"""What search caches between readers: by content version, and never past a page's expiry."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable
from typing import TypeVar

from django.db.models import Min
from django.utils import timezone

from wagtail.models import Page

from core.caching import cached

T = TypeVar("T")


def cached_until_expiry(name: str, parts: Hashable, build: Callable[[], T], seconds: int) -> T:
    """`build()`'s value, cached under `name` and `parts` (core.caching.cached) for `seconds`
    at most, and no later than the next expiry of a live page: an expired page stays live
    until publish_scheduled next runs, but must leave search at once. Built afresh, and not
    cached, when `seconds` is 0."""
    timeout = seconds_until_expiry(seconds)
    if not timeout:
        return build()
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return cached(f"{name}:{digest}", build, timeout)


def seconds_until_expiry(seconds: int) -> int:
    """`seconds`, or fewer if a live page expires sooner (0: one is already past its expiry)."""
    if seconds <= 0:
        return 0
    (expiry,) = cached(
        "next-page-expiry",
        lambda: (
            Page.objects.live()
            .filter(expire_at__isnull=False)
            .aggregate(first=Min("expire_at"))["first"],
        ),
    )
    if expiry is None:
        return seconds
    return max(0, min(seconds, int((expiry - timezone.now()).total_seconds())))
