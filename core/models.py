"""The plumbing's own records: nothing here is content."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class FrontendCachePurge(models.Model):
    """One row: whether the caches in front still owe the site a purge (core/frontend_cache.py).

    A failed purge sets `pending_since`; `manage.py purge_frontend_cache`, every minute, tries
    again until one succeeds, and purges once for each new version of the code (a deploy).
    """

    pending_since = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # settings.CODE_VERSION (config/release.py) at the last purge that succeeded.
    purged_code_version = models.CharField(max_length=40, blank=True)
    purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "front-cache purge"

    def __str__(self):
        return f"pending since {self.pending_since}" if self.pending_since else "purged"

    @classmethod
    def load(cls) -> FrontendCachePurge:
        return cls.objects.get_or_create(pk=1)[0]

    @classmethod
    def record_failure(cls, error: str) -> None:
        cls.load()
        cls.objects.filter(pk=1, pending_since__isnull=True).update(pending_since=timezone.now())
        cls.objects.filter(pk=1).update(attempts=models.F("attempts") + 1, last_error=error)

    @classmethod
    def record_success(cls, started) -> None:
        """A purge that began at `started` succeeded: it covers every failure recorded before."""
        cls.load()
        cls.objects.filter(pk=1, pending_since__lte=started).update(
            pending_since=None, attempts=0, last_error=""
        )
        cls.objects.filter(pk=1).update(
            purged_code_version=settings.CODE_VERSION, purged_at=timezone.now()
        )


class ThrottleEvent(models.Model):
    """One attempt at a door, counted by core/throttling.py (a failed sign-in, a join post)."""

    scope = models.CharField(max_length=40)
    # A hash of the account or address: counts need no personal data in the clear.
    subject = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "throttle event"
        indexes = [
            models.Index(fields=["scope", "subject", "created_at"], name="throttle_lookup_idx"),
            models.Index(fields=["created_at"], name="throttle_age_idx"),
        ]

    def __str__(self):
        return f"{self.scope} at {self.created_at:%Y-%m-%d %H:%M:%S}"
