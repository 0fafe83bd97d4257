"""Signing up for Peru Update, confirming, changing language and leaving: the rules, without
the pages (bulletins/views.py) that call them.

Double opt-in: a sign-up only ever sends an email; the address is on the list once its owner
follows the link in it. Whoever signs up gets the same answer whether or not the address is
known, so the list is never revealed: what differs goes to the address, by email (a new
confirmation, or "you are already subscribed" with the link to manage it).

A confirmation link carries the subscriber's key and when its email was asked for
(`confirmation_sent_at`), signed and dated (django.core.signing): a newer sign-up makes the
older links useless, and once the address is confirmed none changes anything again.
"""

from __future__ import annotations

import datetime
import enum
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from core.outbox import one_line, send_soon
from core.throttling import Limit, forget, record, subject

from .links import manage_url, subscriber_language, subscription_url
from .models import Subscriber, Suppression
from .models.subscribers import normalise_email

logger = logging.getLogger(__name__)

Status = Subscriber.Status
Source = Subscriber.Source

CONFIRM_SALT = "bulletins.subscriptions.confirm"


class Outcome(enum.StrEnum):
    """What following a confirmation link came to."""

    READY = "ready"  # valid, not yet confirmed: the page asks the reader to press the button
    CONFIRMED = "confirmed"
    ALREADY_CONFIRMED = "already-confirmed"
    EXPIRED = "expired"
    SUPERSEDED = "superseded"  # a newer link was sent, or the subscriber has left since
    INVALID = "invalid"


class SignUp(enum.StrEnum):
    """What a sign-up did, for the log and the tests: never shown to whoever signed up."""

    CONFIRMATION_SENT = "confirmation-sent"
    ALREADY_SUBSCRIBED = "already-subscribed"
    THROTTLED = "throttled"  # enough emails to this address today: nothing changed or sent


def confirmations_limit() -> Limit:
    """Emails (confirmations, "already subscribed") one address may be sent in a day."""
    return Limit("bulletin-confirmation", settings.BULLETIN_CONFIRMATIONS_PER_DAY, 24 * 3600)


def signups_limit() -> Limit:
    """Sign-ups one client address may post in an hour (the view counts them)."""
    return Limit("bulletin-signup", settings.BULLETIN_SIGNUPS_PER_HOUR, 3600)


def subscription_path(name: str, language: str, **kwargs) -> str:
    """The address, on this site, of one of the subscription pages in `language`."""
    with translation.override(subscriber_language(language)):
        return reverse(f"bulletins:{name}", kwargs=kwargs)


def sign_up(
    email: str,
    name: str = "",
    language: str | None = None,
    source: str = Source.SIGN_UP,
    source_detail: str = "",
    consent_wording: str = "",
) -> SignUp:
    """Ask for `email` to receive Peru Update: an email goes to the address, and nothing else
    changes until its owner confirms.

    - unknown: a new subscriber waiting for confirmation, and a confirmation email;
    - waiting for confirmation: a fresh confirmation (the earlier links stop working);
    - subscribed: an email saying so, with the link to their page; nothing changes (whoever
      typed the address may not be its owner);
    - left, stopped, or on the suppression list: waiting for confirmation again, with a new
      confirmation; the suppression stays until its owner confirms.

    At most BULLETIN_CONFIRMATIONS_PER_DAY emails a day go to one address, whoever asks; a
    sign-up beyond that changes and sends nothing. The email goes after the commit, from the
    background sender (core.outbox.send_soon). Call it after the caller's own work committed.
    """
    email = normalise_email(email)
    language = subscriber_language(language)
    limit, key = confirmations_limit(), subject(email.lower())
    ids = record((limit, key))
    if limit.exceeded(key):
        forget(ids)
        logger.info("Peru Update sign-up: no email sent, enough to one address today")
        return SignUp.THROTTLED
    details = {
        "name": name.strip()[:200],
        "language": language,
        "source": source,
        "source_detail": source_detail[:255],
        "consent_wording": consent_wording,
    }
    try:
        return _sign_up(email, details)
    except IntegrityError:
        # The same new address signed up twice at once: the other is now the known one.
        return _sign_up(email, details)


def _sign_up(email: str, details: dict) -> SignUp:
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(email__iexact=email).first()
        if subscriber is not None and subscriber.status == Status.SUBSCRIBED:
            if Suppression.holds(email):
                # Suppressed since (a bounce reported by the mail provider): confirm again.
                subscriber.status = Status.SUPPRESSED
            else:
                transaction.on_commit(lambda: send_soon(already_subscribed_email(subscriber)))
                return SignUp.ALREADY_SUBSCRIBED
        now = timezone.now()
        if subscriber is None:
            subscriber = Subscriber(email=email, created_at=now)
        for field, value in details.items():
            setattr(subscriber, field, value)
        subscriber.status = Status.PENDING
        subscriber.consent_at = None
        subscriber.confirmation_sent_at = now
        subscriber.save()
        transaction.on_commit(lambda: send_soon(confirmation_email(subscriber)))
    return SignUp.CONFIRMATION_SENT


# Confirmation links.


def _stamp(moment: datetime.datetime) -> int:
    # Microseconds: what both databases keep of a datetime.
    return int(moment.timestamp() * 1_000_000)


def confirmation_token(subscriber: Subscriber) -> str:
    return signing.dumps(
        # The row's number, not its key: signed data can be read, and the key is the
        # subscriber's lasting capability (their own page).
        {"s": subscriber.pk, "t": _stamp(subscriber.confirmation_sent_at)},
        salt=CONFIRM_SALT,
    )


def confirmation_url(subscriber: Subscriber) -> str:
    return subscription_url(
        "confirm", subscriber_language(subscriber.language), token=confirmation_token(subscriber)
    )


@dataclass
class Check:
    outcome: Outcome
    subscriber: Subscriber | None = None


def check(token: str, *, for_update: bool = False) -> Check:
    """What `token` is worth, changing nothing: READY for the latest link of an address
    waiting for confirmation."""
    try:
        days = datetime.timedelta(days=settings.BULLETIN_CONFIRMATION_DAYS)
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=days)
    except signing.SignatureExpired:
        return Check(Outcome.EXPIRED)
    except signing.BadSignature:
        return Check(Outcome.INVALID)
    try:
        pk, stamp = int(data["s"]), int(data["t"])
    except (KeyError, TypeError, ValueError, OverflowError):
        return Check(Outcome.INVALID)
    subscribers = Subscriber.objects.select_for_update() if for_update else Subscriber.objects
    subscriber = subscribers.filter(pk=pk).first()
    if subscriber is None:
        # Deleted since (never confirmed, or removed from the register).
        return Check(Outcome.INVALID)
    sent = subscriber.confirmation_sent_at
    if sent is None or _stamp(sent) != stamp:
        if subscriber.status == Status.SUBSCRIBED:
            return Check(Outcome.ALREADY_CONFIRMED, subscriber)
        return Check(Outcome.SUPERSEDED, subscriber)
    if subscriber.status == Status.SUBSCRIBED:
        return Check(Outcome.ALREADY_CONFIRMED, subscriber)
    if subscriber.status != Status.PENDING:
        # Confirmed once and left since: an old link never brings an address back.
        return Check(Outcome.SUPERSEDED, subscriber)
    return Check(Outcome.READY, subscriber)


def confirm(token: str) -> Check:
    """Confirm the subscription `token` names, if it is the latest link of an address waiting
    for confirmation: subscribed from now, and off the suppression list."""
    with transaction.atomic():
        found = check(token, for_update=True)
        if found.outcome != Outcome.READY:
            return found
        subscriber = found.subscriber
        subscriber.status = Status.SUBSCRIBED
        subscriber.consent_at = timezone.now()
        subscriber.unsubscribed_at = None
        subscriber.save(update_fields=["status", "consent_at", "unsubscribed_at", "updated_at"])
        Suppression.lift(subscriber.email)
    return Check(Outcome.CONFIRMED, subscriber)


# The subscriber's own page.


def unsubscribe(subscriber: Subscriber) -> Subscriber:
    """Leave: no more bulletins, and the address on the suppression list (only a confirmed new
    sign-up takes it off). Leaving twice changes nothing more."""
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if subscriber.status not in (Status.UNSUBSCRIBED, Status.SUPPRESSED):
            subscriber.status = Status.UNSUBSCRIBED
            subscriber.unsubscribed_at = timezone.now()
            subscriber.save(update_fields=["status", "unsubscribed_at", "updated_at"])
        if not Suppression.holds(subscriber.email):
            Suppression.add(subscriber.email, Suppression.Reason.UNSUBSCRIBED)
    return subscriber


def change_language(subscriber: Subscriber, language: str) -> Subscriber:
    subscriber.language = subscriber_language(language)
    subscriber.save(update_fields=["language", "updated_at"])
    return subscriber


def has_left(subscriber: Subscriber) -> bool:
    return subscriber.status in (Status.UNSUBSCRIBED, Status.SUPPRESSED)


def masked(email: str) -> str:
    """The address as the subscriber's page shows it: enough for its owner to recognise,
    little for anyone else holding the link ("j•••@example.org")."""
    local, _, domain = email.rpartition("@")
    return f"{local[:1]}•••@{domain}" if local else "•••"


# The emails: in the subscriber's language, plain text with an HTML alternative, absolute
# links, the charity's name, and nothing that tracks the reader.


def _email(subscriber: Subscriber, template: str, subject_line: str, context: dict):
    language = subscriber_language(subscriber.language)
    with translation.override(language):
        context = {
            "site_name": settings.WAGTAIL_SITE_NAME,
            "subscriber": subscriber,
            "language_code": language,
            "days": settings.BULLETIN_CONFIRMATION_DAYS,
            "subscribe_url": subscription_url("subscribe", language),
            **context,
        }
        subject_text = one_line(subject_line % {"site_name": settings.WAGTAIL_SITE_NAME})
        body = render_to_string(f"bulletins/email/{template}.txt", context)
        html = render_to_string(f"bulletins/email/{template}.html", context)
    message = EmailMultiAlternatives(
        subject_text, body, settings.DEFAULT_FROM_EMAIL, [subscriber.email]
    )
    message.attach_alternative(html, "text/html")
    return message


def confirmation_email(subscriber: Subscriber):
    with translation.override(subscriber_language(subscriber.language)):
        subject_line = gettext("Please confirm: Peru Update from the %(site_name)s")
    return _email(
        subscriber, "confirm", subject_line, {"confirm_url": confirmation_url(subscriber)}
    )


def already_subscribed_email(subscriber: Subscriber):
    with translation.override(subscriber_language(subscriber.language)):
        subject_line = gettext("You already receive Peru Update from the %(site_name)s")
    return _email(
        subscriber, "already_subscribed", subject_line, {"manage_url": manage_url(subscriber)}
    )
