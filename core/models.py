"""The plumbing's own records: nothing here is content."""

from django.db import models
from django.utils import timezone


class ContentVersion(models.Model):
    """One row: a number that grows whenever anything readers can see changes.

    Every cached page and fragment is keyed by it (core/caching/), so a change made in any
    process is seen by every process at its next request. It is written in the same
    transaction as the change (core/caching/invalidation.py).
    """

    value = models.BigIntegerField()

    class Meta:
        # Read with plain SQL on every request (core/caching/version.py).
        db_table = "core_contentversion"
        verbose_name = "content version"

    def __str__(self):
        return str(self.value)


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
