"""The messages people send with the contact form, and the email each one needs."""

from django.conf import settings
from django.db import models
from django.utils.html import linebreaks
from django.utils.safestring import mark_safe

from core.forms import Automation
from core.outbox import OutboxEmail


class ContactMessage(models.Model):
    """A message sent with the contact form. Kept for CONTACT_MESSAGE_RETENTION_DAYS after it
    arrived (purge_contact_messages), then deleted."""

    class Status(models.TextChoices):
        NEW = "new", "Received"
        # Kept, never emailed on, until it is deleted.
        SUSPECTED = "suspected", "Suspected spam"

    class SpamReason(models.TextChoices):
        TRAP = Automation.TRAP, "the hidden 'leave this empty' field was filled in"
        TOO_FAST = Automation.TOO_FAST, "sent within seconds of the form being opened"
        BAD_TOKEN = Automation.BAD_TOKEN, "the form's timing token was missing or not valid"
        EXPIRED = Automation.EXPIRED, "the form had been open for too long"
        RATE = Automation.RATE, "more messages from one connection in an hour than the limit"

    name = models.CharField(max_length=200, help_text="The sender's name, as they gave it.")
    email = models.EmailField(max_length=254, help_text="Where to reply.")
    message = models.TextField(max_length=5000, help_text="What they wrote.")
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.NEW,
        db_index=True,
        help_text="'Suspected spam': the form's checks took it for an automated message, so "
        "it was not emailed on. It is kept here to read, and deleted like any other.",
    )
    spam_reason = models.CharField(
        "why it looked like spam",
        max_length=10,
        choices=SpamReason.choices,
        blank=True,
        help_text="What the form's checks saw, for a message kept as suspected spam.",
    )
    language = models.CharField(
        max_length=15,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text="The language the sender was reading the site in.",
    )
    created_at = models.DateTimeField("received", auto_now_add=True, db_index=True)

    # What the sender fills in, in the order the form and the admin show it.
    SENDER_FIELDS = ("name", "email", "message")
    # A snippet for the admin's sake only: readers never see one, so a new message purges no
    # cache (core/frontend_cache.py).
    shown_on_pages = False

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "contact message"

    def __str__(self):
        return f"{self.name} <{self.email}>"

    @property
    def is_suspected(self):
        return self.status == self.Status.SUSPECTED

    @property
    def message_as_written(self):
        """The message with its paragraphs and line breaks, for the admin (escaped)."""
        return mark_safe(linebreaks(self.message, autoescape=True))  # escaped by linebreaks

    message_as_written.fget.short_description = "message"

    @property
    def status_label(self):
        if self.is_suspected and self.spam_reason:
            return f"{self.get_status_display()} ({self.get_spam_reason_display()})"
        return self.get_status_display()

    status_label.fget.short_description = "status"

    @property
    def email_record(self):
        """What became of the email to the contact address, in words."""
        email = getattr(self, "notification", None)
        if email is not None:
            return email.describe()
        if self.is_suspected:
            return "Not sent: suspected spam is never emailed on."
        return "Not sent: no contact email was set in Settings → Site settings."

    email_record.fget.short_description = "email to the contact address"


class ContactEmail(OutboxEmail):
    """The email that takes a message to the contact address, written in the same transaction
    as the message and sent after it commits (core/outbox.py)."""

    message = models.OneToOneField(
        ContactMessage, on_delete=models.CASCADE, related_name="notification"
    )

    class Meta:
        verbose_name = "contact message email"
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="contact_email_due")]

    def __str__(self):
        return f"Email about contact message {self.message_id}"
