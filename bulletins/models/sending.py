"""The sending of a bulletin: one `BulletinSend` per bulletin (a page in one language), made
when an editor confirms it, and one `BulletinDelivery` row per subscriber it goes to, made in
the same transaction. The rows are sent outside any request (bulletins/sending.py), through
the same outbox as the site's other emails: claimed before sending, each recorded, retried."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.outbox import OutboxEmail


class BulletinSend(models.Model):
    # One-to-one: a bulletin can never be sent twice, whoever asks and however often. A sent
    # bulletin may still be deleted: its send stays on record, by title.
    page = models.OneToOneField(
        "bulletins.BulletinPage", on_delete=models.SET_NULL, null=True, related_name="send"
    )
    title = models.CharField(max_length=255, blank=True)
    # The published version sent: every subscriber gets the same text, even if an editor
    # publishes a change half-way through.
    revision = models.ForeignKey(
        "wagtailcore.Revision", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    language = models.CharField(max_length=8, choices=settings.LANGUAGES)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.title} ({self.get_language_display()})"

    def progress(self):
        """How many deliveries are in each state: {'pending': n, 'sent': n, 'failed': n}."""
        counts = dict(
            self.deliveries.order_by().values_list("state").annotate(n=models.Count("pk"))
        )
        return {state: counts.get(state, 0) for state in OutboxEmail.State.values}


class BulletinDelivery(OutboxEmail):
    send = models.ForeignKey(BulletinSend, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(
        "bulletins.Subscriber", on_delete=models.SET_NULL, null=True, related_name="deliveries"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["send", "recipient"], name="delivery_once_per_send")
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="delivery_due_idx"),
        ]

    def __str__(self):
        return f"{self.send} to {self.recipient}"
