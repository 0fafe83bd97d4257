"""Sending a bulletin by email, outside any request.

An editor starts a send (`start_send`): in one transaction it records the `BulletinSend` (the
published revision, the language) and one `BulletinDelivery` per confirmed subscriber of that
language. After the commit the deliveries are handed on as BULLETIN_EMAIL_DELIVERY says, and
`send_bulletins` (cron, every minute) sends whatever is due, at most BULLETIN_EMAILS_PER_MINUTE
a minute, evenly spaced, over one connection to the mail server.

Each delivery goes through core.outbox: claimed before sending (a lease), recorded as sent
after, retried with growing gaps after a temporary failure (a 4xx reply), given up at once
after a permanent one (a 5xx reply), which also stops mail to that address: the subscriber is
marked as stopped and the address goes on the suppression list. A subscriber who left (or
whose address was stopped) after the send started is not sent it: their delivery is given up
with the reason as its error, so the progress counts still add up.

Nothing is sent twice, with one unavoidable exception: a sender killed after the mail server
accepted a message and before the row was marked as sent. That row's lease runs out and it
is sent again, with the same Message-ID, so mail programs may recognise the copy.
"""

import logging
from itertools import islice

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.outbox import NotSent, Outbox, Outcome, Worker, message_id, send_soon
from core.outbox import hand_off as hand_off_to

from . import email
from .links import manage_url, subscription_url
from .models import (
    BulletinDelivery,
    BulletinPage,
    BulletinSend,
    Subscriber,
    Suppression,
    normalise_email,
)

logger = logging.getLogger(__name__)

State = BulletinDelivery.State
# Delivery rows written per INSERT when a send starts.
CREATE_BATCH = 1000

__all__ = [
    "SendRefused",
    "count_recipients",
    "refusal",
    "send_due",
    "send_test",
    "start_send",
    "stop_mail_to",
]


class SendRefused(Exception):
    """Why a bulletin cannot be sent, in words for the editor."""


def recipients(language: str):
    """The confirmed subscribers of `language`: who a bulletin in it goes to ("en" counts as
    "en-gb", as a list imported before the site knew its variant may say)."""
    codes = {language, language.split("-")[0]}
    return Subscriber.objects.filter(status=Subscriber.Status.SUBSCRIBED, language__in=codes)


def count_recipients(page: BulletinPage) -> int:
    return recipients(page.locale.language_code).count()


def refusal(page: BulletinPage) -> str:
    """Why `page` cannot be sent now, or "" when it can."""
    if not page.live or page.live_revision_id is None:
        return _(
            "This bulletin is not published. Publish it first: only the published "
            "version can be sent."
        )
    if page.get_view_restrictions().exists():
        return _(
            "This bulletin is private (it, or a page above it, is restricted to some readers). "
            "Only a bulletin every reader may see can be sent."
        )
    if BulletinSend.objects.filter(page=page).exists():
        return _("This bulletin has already been sent. A bulletin can only be sent once.")
    return ""


def start_send(page: BulletinPage, user) -> BulletinSend:
    """Record the sending of `page` to every confirmed subscriber of its language, and hand
    it on once committed. Raises SendRefused when it is not published or already sent."""
    reason = refusal(page)
    if reason:
        raise SendRefused(reason)
    language = page.locale.language_code
    try:
        with transaction.atomic():
            send = BulletinSend.objects.create(
                page=page,
                title=page.title,
                revision_id=page.live_revision_id,
                language=language,
                created_by=user,
            )
            # A batch at a time, so memory does not grow with the list.
            rows = recipients(language).order_by("pk").values_list("pk", "email")
            rows = rows.iterator(chunk_size=CREATE_BATCH)
            total = 0
            while batch := list(islice(rows, CREATE_BATCH)):
                BulletinDelivery.objects.bulk_create(
                    BulletinDelivery(send=send, subscriber_id=pk, recipient=address)
                    for pk, address in batch
                )
                total += len(batch)
            send.recipients = total
            send.save(update_fields=["recipients"])
            transaction.on_commit(lambda: hand_off(send.pk))
    except IntegrityError:
        # Another editor started it a moment before (BulletinSend is one per page).
        raise SendRefused(
            _("This bulletin has already been sent. A bulletin can only be sent once.")
        ) from None
    logger.info("Bulletin %s: send %s started to %s subscribers", page.pk, send.pk, total)
    return send


def hand_off(send_id: int) -> None:
    """After the commit: send now (in this thread for tests, or in the process's background
    thread: a minute's worth, the command sends the rest), or leave it all to the command."""
    if settings.BULLETIN_EMAIL_DELIVERY == "inline":
        send_due(send_ids=[send_id])
    else:
        hand_off_to(settings.BULLETIN_EMAIL_DELIVERY, worker, send_a_minute, send_id)


def send_a_minute(send_id: int) -> Outcome:
    return send_due(send_ids=[send_id], limit=settings.BULLETIN_EMAILS_PER_MINUTE or None)


def due_deliveries(send_ids=None):
    due = outbox.due()
    if send_ids is not None:
        due = due.filter(send_id__in=send_ids)
    return due


def send_due(*, send_ids: list[int] | None = None, limit: int | None = None) -> Outcome:
    """Send the deliveries that are due (of these sends only, if given), at most `limit`.

    A failed send is recorded on its row and logged, never raised.
    """
    stop_withdrawn_sends()
    return outbox.send_due(due_deliveries(send_ids), limit=limit)


def stop_withdrawn_sends() -> None:
    """Give up what is still waiting of a send whose bulletin has since been unpublished, made
    private or deleted: an editor withdrawing a bulletin stops its emails within a minute."""
    waiting = BulletinSend.objects.filter(deliveries__state=State.PENDING).distinct()
    for send in waiting.select_related("page"):
        page = send.page
        if page is not None and page.live and not page.get_view_restrictions().exists():
            continue
        stopped = send.deliveries.filter(state=State.PENDING).update(
            state=State.FAILED,
            last_error="Not sent: the bulletin was unpublished, made private or deleted after "
            "the send started.",
        )
        logger.warning("Bulletin send %s withdrawn: %s email(s) not sent", send.pk, stopped)


def build(delivery: BulletinDelivery):
    subscriber = delivery.subscriber
    if subscriber is None:
        raise NotSent("Not sent: the subscriber was deleted after the send started.")
    if subscriber.status != Subscriber.Status.SUBSCRIBED:
        raise NotSent(
            f"Not sent: the subscriber's status became '{subscriber.get_status_display()}' "
            "after the send started."
        )
    if Suppression.holds(delivery.recipient):
        raise NotSent("Not sent: the address is on the suppression list.")
    edition = email.edition_for_send(delivery.send)
    return email.message(
        edition,
        recipient=delivery.recipient,
        manage_url=manage_url(subscriber, edition.root),
        message_id=message_id("bulletin", delivery.pk, delivery.created_at),
    )


def refused_for_good(delivery: BulletinDelivery, kind: str) -> None:
    """The mail server refused the address for good (5xx): no more bulletins to it. A message
    refused for its content (5xx after DATA) says nothing about the address, so only that
    delivery is given up."""
    if kind == "recipient":
        stop_mail_to(delivery.recipient, Suppression.Reason.BOUNCED)


def stop_mail_to(address: str, reason: str) -> None:
    """No more bulletins to `address` (it bounced, or its owner reported one as spam): on the
    suppression list, and its subscriber, if any, stopped until they confirm a new sign-up."""
    Suppression.add(address, reason)
    now = timezone.now()
    Subscriber.objects.filter(
        email__iexact=normalise_email(address),
        status__in=[Subscriber.Status.SUBSCRIBED, Subscriber.Status.PENDING],
    ).update(status=Subscriber.Status.SUPPRESSED, unsubscribed_at=now, updated_at=now)


outbox = Outbox(
    model=BulletinDelivery,
    build=build,
    # The send and the row by number: no address reaches the log.
    describe=lambda delivery: f"bulletin delivery {delivery.pk} of send {delivery.send_id}",
    max_attempts=lambda: settings.BULLETIN_EMAIL_MAX_ATTEMPTS,
    logger=logger,
    select_related=("send", "subscriber"),
    per_minute=lambda: settings.BULLETIN_EMAILS_PER_MINUTE,
    one_connection=True,
    on_permanent_failure=refused_for_good,
)
worker = Worker(
    "bulletin-emails",
    lambda send_id: send_a_minute(send_id),
    logger=logger,
    failure="The bulletin email worker failed on send %s",
)


def send_test(page: BulletinPage, address: str) -> None:
    """One copy of the published `page` to `address` (the editor), sent after the response,
    marked "[Test]" and recorded nowhere. Raises SendRefused when it is not published."""
    if not page.live or page.live_revision_id is None:
        raise SendRefused(refusal(page))
    edition = email.render(page.live_revision.as_object())
    language = edition.language
    # No subscriber: the manage link goes to the sign-up page, and there is no one-click link.
    link = subscription_url("subscribe", language)
    message = email.message(
        edition,
        recipient=address,
        manage_url=link,
        message_id=email.test_copy_message_id(),
        one_click=False,
        subject_prefix="[Test] ",
    )
    send_soon(message)
