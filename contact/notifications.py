"""The email that takes a contact message to the charity: recorded with the message, sent after
it is committed by this process's background worker, or by `send_contact_emails` (cron, every
minute) if the worker never reached it; retried up to CONTACT_EMAIL_MAX_ATTEMPTS times. How is
core.outbox's, which the membership emails share."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from core.outbox import Outbox, Outcome, Worker, hand_off, message_id, one_line

from .models.messages import ContactEmail, ContactMessage

logger = logging.getLogger(__name__)


def queue_email(message: ContactMessage, *, contact_email: str) -> None:
    """Record the email a new message needs, and send it once the transaction commits.

    Call inside the transaction that stores the message. Without a contact email the message
    is kept, to be read in the admin.
    """
    if not contact_email:
        logger.warning("No contact email is set; contact message %s kept in the admin", message.pk)
        return
    ContactEmail.objects.get_or_create(message=message, defaults={"recipient": contact_email})
    transaction.on_commit(
        lambda: hand_off(
            settings.CONTACT_EMAIL_DELIVERY,
            worker,
            lambda key: send_due(message_ids=[key]),
            message.pk,
        )
    )


def send_due(*, message_ids: list[int] | None = None, limit: int | None = None) -> Outcome:
    """Send the emails that are due (about these messages only, if given).

    A failed send is recorded on its row and logged, never raised.
    """
    due = outbox.due()
    if message_ids is not None:
        due = due.filter(message_id__in=message_ids)
    return outbox.send_due(due, limit=limit)


def admin_url(message: ContactMessage) -> str:
    # Wagtail gives a registered snippet model its viewset (contact/wagtail_hooks.py).
    path = reverse(message.snippet_viewset.get_url_name("inspect"), args=[message.pk])
    return f"{settings.WAGTAILADMIN_BASE_URL}{path}"


def build(email: ContactEmail) -> EmailMessage:
    message = email.message
    context = {
        "message": message,
        "site_name": settings.WAGTAIL_SITE_NAME,
        "admin_url": admin_url(message),
    }
    # The charity reads English, whatever the sender's language.
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string("contact/email/message.txt", context)
    return EmailMessage(
        one_line(f"Message from the website: {message.name}"),
        body,
        settings.DEFAULT_FROM_EMAIL,
        [email.recipient],
        # Answering the email answers the sender.
        reply_to=[message.email],
        headers={"Message-ID": message_id("contact", email.pk, email.created_at)},
    )


outbox = Outbox(
    model=ContactEmail,
    build=build,
    # The message by its number: personal data stays out of the log.
    describe=lambda email: f"the email about contact message {email.message_id}",
    max_attempts=lambda: settings.CONTACT_EMAIL_MAX_ATTEMPTS,
    logger=logger,
    select_related=("message",),
)
# Looks send_due up when it runs, so that a test may replace it.
worker = Worker(
    "contact-emails",
    lambda message_id: send_due(message_ids=[message_id]),
    logger=logger,
    failure="The contact email worker failed on message %s",
)
