"""Who receives Peru Update by email: the list is kept here, on the charity's own server, never
handed to a mailing service. A subscriber's consent is recorded with the words they agreed to,
when and where; an address that left or bounced goes on the suppression list, which nothing
but the address's owner confirming again takes it off."""

import hashlib
import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


def normalise_email(address: str) -> str:
    """The form an address is kept and compared in: trimmed, the domain in lower case. The
    local part keeps its case (RFC 5321 lets a server tell them apart), but comparisons are
    case-insensitive (the unique constraint is on its lower case)."""
    local, _, domain = (address or "").strip().rpartition("@")
    return f"{local}@{domain.lower()}" if local else (address or "").strip()


def address_hash(address: str) -> str:
    """The suppression list's key for an address: a SHA-256 of its lower case. The list cannot
    be read as a list of addresses, and it stays valid whatever the site's secret key becomes;
    but whoever has the database and an address in mind can tell whether it is on the list."""
    return hashlib.sha256(normalise_email(address).lower().encode()).hexdigest()


class Subscriber(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for confirmation"
        SUBSCRIBED = "subscribed", "Subscribed"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"
        SUPPRESSED = "suppressed", "Stopped (bounced or complained)"

    class Source(models.TextChoices):
        SIGN_UP = "sign-up", "Sign-up form"
        JOIN = "join", "Membership application"
        IMPORT = "import", "Imported list"

    email = models.EmailField(max_length=254)
    name = models.CharField(max_length=200, blank=True)
    language = models.CharField(
        max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    # The secret in the links of every email to this subscriber (manage, leave): whoever holds
    # one may change this subscription only, without signing in.
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.SIGN_UP)
    # Where the consent was given: the page's address, or the imported list's name.
    source_detail = models.CharField(max_length=255, blank=True)
    consent_wording = models.TextField(
        blank=True, help_text="The words the subscriber agreed to, as they were shown."
    )
    consent_at = models.DateTimeField(
        null=True, blank=True, help_text="When the subscriber confirmed their consent."
    )
    created_at = models.DateTimeField(default=timezone.now)
    # When the last confirmation email was asked for: a confirmation link older than this one
    # no longer works, nor does any once the address is confirmed.
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    Status = Status
    Source = Source

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="subscriber_unique_email"),
        ]
        indexes = [models.Index(fields=["status", "language"], name="subscriber_status_idx")]

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        self.email = normalise_email(self.email)
        super().save(*args, **kwargs)


class Suppression(models.Model):
    """An address never to be mailed again unless its owner confirms a new sign-up."""

    class Reason(models.TextChoices):
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"
        BOUNCED = "bounced", "Bounced (the address does not exist)"
        COMPLAINED = "complained", "Marked a bulletin as spam"
        MANUAL = "manual", "Added by the membership secretary"

    address_hash = models.CharField(max_length=64, unique=True)
    reason = models.CharField(max_length=12, choices=Reason.choices)
    created_at = models.DateTimeField(default=timezone.now)

    Reason = Reason

    def __str__(self):
        return f"{self.get_reason_display()} on {self.created_at:%Y-%m-%d}"

    @classmethod
    def add(cls, address: str, reason: str) -> None:
        cls.objects.update_or_create(
            address_hash=address_hash(address), defaults={"reason": reason}
        )

    @classmethod
    def lift(cls, address: str) -> None:
        """After the address's owner confirmed a new sign-up."""
        cls.objects.filter(address_hash=address_hash(address)).delete()

    @classmethod
    def holds(cls, address: str) -> bool:
        return cls.objects.filter(address_hash=address_hash(address)).exists()
