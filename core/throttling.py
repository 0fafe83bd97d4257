"""Counting what a client does at a door (a sign-in, a page password, the join form), in the
database, so that every process and every app server shares one count.

A door records an event for a subject (an account, a client address, or the two together)
under a scope, and asks whether a `Limit` is reached: at most `events` in the last `seconds`.
Nothing here depends on the cache, so no eviction, restart or Redis fault resets a count.

A throttled request is marked with `refuse()`; `ThrottleMiddleware` then answers it with
429 Too Many Requests and a Retry-After header, whatever page the door showed.
"""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
import math
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from .models import ThrottleEvent


def client_address(request: HttpRequest) -> str:
    """The address of the client, as far as the trusted proxies in front tell it.

    With `TRUSTED_PROXY_COUNT` = N proxies (nginx: 1), the client is the Nth address from the
    right of X-Forwarded-For: each proxy appends the address it received the request from, so
    entries further left are whatever the client chose to send. IPv6 clients are counted by
    their /64 network, which one household or server usually holds whole.
    """
    address = request.META.get("REMOTE_ADDR", "")
    hops = settings.TRUSTED_PROXY_COUNT
    if hops > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if forwarded:
            address = forwarded[-min(hops, len(forwarded))]
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if parsed.version == 6:
        if parsed.ipv4_mapped:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def subject(*parts: object) -> str:
    """A fixed-length key for what is counted: no personal data is stored in the clear."""
    text = "\x1f".join(str(part).strip().lower() for part in parts)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Limit:
    """At most `events` events of `scope` for one subject in the last `seconds`."""

    scope: str
    events: int
    seconds: int

    def _recent(self, key: str):
        since = timezone.now() - datetime.timedelta(seconds=self.seconds)
        return ThrottleEvent.objects.filter(scope=self.scope, subject=key, created_at__gte=since)

    def reached(self, key: str) -> bool:
        """Whether `key` has had `events` events in the window already (one query)."""
        return self._recent(key)[: self.events].count() >= self.events

    def retry_after(self, key: str) -> int:
        """Seconds until the oldest event in the window ages out (at least 1)."""
        oldest = self._recent(key).order_by("created_at").values_list("created_at", flat=True)
        first = oldest.first()
        if first is None:
            return 1
        ends = first + datetime.timedelta(seconds=self.seconds)
        return max(1, math.ceil((ends - timezone.now()).total_seconds()))

    def record(self, key: str) -> None:
        ThrottleEvent.objects.create(scope=self.scope, subject=key)

    def clear(self, key: str) -> None:
        ThrottleEvent.objects.filter(scope=self.scope, subject=key).delete()


def refuse(request: HttpRequest, retry_after: int) -> None:
    """Mark `request` as throttled: its response becomes a 429 (see ThrottleMiddleware)."""
    request.throttled_for = max(1, int(retry_after))


def purge_expired(older_than_seconds: int) -> int:
    """Delete events older than any window counts; returns how many went."""
    cutoff = timezone.now() - datetime.timedelta(seconds=older_than_seconds)
    deleted, _ = ThrottleEvent.objects.filter(created_at__lt=cutoff).delete()
    return deleted


class ThrottleMiddleware:
    """A request a door refused (`refuse()`) is answered 429, with the page the door drew."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        seconds = getattr(request, "throttled_for", None)
        if seconds:
            response.status_code = 429
            response.reason_phrase = "Too Many Requests"
            response["Retry-After"] = str(seconds)
        return response
