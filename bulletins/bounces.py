"""Bounces and complaints reported by the mail provider (django-anymail's webhooks, at
/anymail/ when ANYMAIL_WEBHOOK_SECRET is set: docs/configuration.md): the address gets no
more bulletins. Connected when the app starts (apps.py)."""

import logging

from django.dispatch import receiver

from anymail.signals import EventType, tracking

from .models import Suppression
from .sending import stop_mail_to

logger = logging.getLogger(__name__)

# A bounce or a rejection that says the address itself is no good; a provider's own reasons
# ("blocked" by its policy, "timed_out", "other") may pass, so they stop nothing.
PERMANENT_REASONS = {None, "invalid", "bounced"}


@receiver(tracking, dispatch_uid="bulletins-suppress-bounces")
def suppress_bounces_and_complaints(sender, event, esp_name, **kwargs):
    if not event.recipient:
        return
    if event.event_type == EventType.COMPLAINED or event.reject_reason == "spam":
        reason = Suppression.Reason.COMPLAINED
    elif event.event_type == EventType.UNSUBSCRIBED:
        # The provider's own unsubscribe handling, where it offers one.
        reason = Suppression.Reason.UNSUBSCRIBED
    elif event.event_type in (EventType.BOUNCED, EventType.REJECTED) and (
        event.reject_reason in PERMANENT_REASONS
    ):
        reason = Suppression.Reason.BOUNCED
    else:
        return
    stop_mail_to(event.recipient, reason)
    logger.info("%s reported a %s: the address gets no more bulletins", esp_name, reason)
