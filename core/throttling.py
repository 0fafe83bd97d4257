"""Counting what a client does at a door (a sign-in, a page password, the join form), in the
database, so that every process and every app server shares one count.

A door records an event for a subject (an account, a client address, or the two together)
under a scope, and asks whether a `Limit` is reached: at most `events` in the last `seconds`.
Nothing here depends on the cache, so no eviction, restart or Redis fault resets a count.

A door that must hold even against simultaneous requests records the attempt first and then
asks whether the limit is `exceeded` (the attempt itself included): each request's event is
committed before it counts, so at most `events` of them can see room, however many arrive at
once. An attempt that turns out not to count (refused, or successful) is taken back with
`forget`.

A throttled request is marked with `refuse()`; `ThrottleMiddleware` then answers it with
429 Too Many Requests and a Retry-After header, whatever page the door showed.
"""

from __future__ import annotations

import datetime
import ipaddress
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import ThrottleEvent


def client_address(request: HttpRequest) -> str:
    """The address of the client, as far as the trusted proxies in front tell it.

    With `TRUSTED_PROXY_COUNT` = N proxies (nginx: 1), the client is the Nth address from the
    right of X-Forwarded-For: each proxy appends the address it received the request from, so
    entries further left are whatever the client chose to send. The header counts only on a
    request from one of the proxies (`FORWARDED_ALLOW_IPS`): anyone reaching the app server
    directly could write it. IPv6 clients are counted by their /64 network, which one household
    or server usually holds whole.
    """
    address = request.META.get("REMOTE_ADDR", "")
    hops = settings.TRUSTED_PROXY_COUNT
    if hops > 0 and from_trusted_proxy(address):
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
        # From the number, not the text: a zone ("%eth0") is not part of a network.
        return str(ipaddress.IPv6Network((int(parsed), 64), strict=False))
    return str(parsed)


def from_trusted_proxy(address: str) -> bool:
    """Whether a connection from `address` is one of the proxies in FORWARDED_ALLOW_IPS."""
    allowed = settings.FORWARDED_ALLOW_IPS
    if "*" in allowed:
        return True
    try:
        peer = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(peer in ipaddress.ip_network(entry, strict=False) for entry in allowed)


def subject(*parts: object) -> str:
    """A fixed-length key for what is counted: no personal data is stored in the clear.

    Keyed with SECRET_KEY (HMAC): a plain hash of an IPv4 address or a username is reversed by
    trying them all. A new key starts every count afresh; rows keyed otherwise (under an earlier
    key, or the unkeyed hashes of before) match nothing and age out with purge_throttle_events.
    """
    text = "\x1f".join(str(part).strip().lower() for part in parts)
    return salted_hmac("core.throttling.subject", text, algorithm="sha256").hexdigest()


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

    def exceeded(self, key: str) -> bool:
        """Whether `key` has had more than `events` events in the window (one query): asked
        after recording the attempt being judged."""
        return self._recent(key)[: self.events + 1].count() > self.events

    def retry_after(self, key: str) -> int:
        """Seconds until fewer than `events` events are left in the window (at least 1).

        That is when the `events`-th newest event ages out, not the oldest: a subject can
        have more events than the limit (the attempts of trusted clients, say).
        """
        newest = self._recent(key).order_by("-created_at").values_list("created_at", flat=True)
        boundary = newest[self.events - 1 : self.events].first()
        if boundary is None:
            return 1
        ends = boundary + datetime.timedelta(seconds=self.seconds)
        return max(1, math.ceil((ends - timezone.now()).total_seconds()))

    def oldest(self, key: str) -> int | None:
        """The id of `key`'s oldest event in the window, if any."""
        return self._recent(key).order_by("pk").values_list("pk", flat=True).first()

    def record(self, key: str) -> None:
        ThrottleEvent.objects.create(scope=self.scope, subject=key)

    def clear(self, key: str) -> None:
        ThrottleEvent.objects.filter(scope=self.scope, subject=key).delete()


def record(*entries: tuple[Limit, str]) -> list[int]:
    """Record one event for each (limit, key), in one statement where the database can;
    returns their ids, for `forget`.

    Outside a transaction the events are committed at once, before the caller counts: that is
    what makes `Limit.exceeded` hold against simultaneous requests.
    """
    now = timezone.now()
    events = [
        ThrottleEvent(scope=limit.scope, subject=key, created_at=now) for limit, key in entries
    ]
    if connection.features.can_return_rows_from_bulk_insert:  # PostgreSQL, SQLite 3.35+
        ThrottleEvent.objects.bulk_create(events)
    else:
        for event in events:
            event.save()
    return [event.pk for event in events]


def forget(ids: Iterable[int]) -> None:
    """Take back events from `record`: an attempt that turned out not to count."""
    ids = list(ids)
    if ids:
        ThrottleEvent.objects.filter(pk__in=ids).delete()


def refuse(request: HttpRequest, retry_after: int) -> None:
    """Mark `request` as throttled: its response becomes a 429 (see ThrottleMiddleware)."""
    request.throttled_for = max(1, int(retry_after))


def over_limit(request: HttpRequest, limit: Limit) -> bool:
    """For a form's valid post, about to be stored: count it for this client, and say whether
    it is over `limit` (the form then stores it as suspected spam, never refusing it). Posts
    that fail validation are never counted: typing mistakes on a shared connection (an office,
    a campus, an event) must not turn the next person away."""
    client = subject(client_address(request))
    record((limit, client))
    return limit.exceeded(client)


def purge_expired(older_than_seconds: int, *, keep: Mapping[str, int] | None = None) -> int:
    """Delete events older than any window counts; returns how many went.

    `keep` maps scopes whose events live longer (or shorter) to their own age in seconds,
    such as the addresses an account has signed in from.
    """
    now = timezone.now()
    keep = dict(keep or {})
    cutoff = now - datetime.timedelta(seconds=older_than_seconds)
    deleted, _ = (
        ThrottleEvent.objects.filter(created_at__lt=cutoff).exclude(scope__in=keep).delete()
    )
    for scope, seconds in keep.items():
        cutoff = now - datetime.timedelta(seconds=seconds)
        count, _ = ThrottleEvent.objects.filter(scope=scope, created_at__lt=cutoff).delete()
        deleted += count
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
