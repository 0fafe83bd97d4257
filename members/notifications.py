"""Emails about an application: recorded with it, sent after it is committed, never in a request.

An accepted application gets one `ApplicationEmail` row per email (to the membership secretary,
to the applicant) in the transaction that stores it. Once that commits, the application is
handed to this process's background worker, which sends the rows; `send_membership_emails`
(cron, every minute) sends whatever is still due, so an email the worker never reached (a
restart, a dead mail server) still goes. A sender claims a row before sending it, so the
worker and the command never both send one; a failed attempt is retried later, up to
MEMBERSHIP_EMAIL_MAX_ATTEMPTS times, and every attempt is recorded on the row.
"""

import datetime
import logging
import os
import smtplib
import threading
import time
from dataclasses import dataclass
from email.utils import parseaddr

from django.apps import apps
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import OperationalError, close_old_connections, connection, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from .models.applications import ApplicationEmail, MembershipApplication

logger = logging.getLogger(__name__)

Kind = ApplicationEmail.Kind
State = ApplicationEmail.State
DELIVERIES = ("background", "command", "inline")
# Failures that concern one message only; any other failure means the mail server (or its
# settings) is the problem, so a run stops rather than wait on it once per email.
ONE_MESSAGE_FAILURES = (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError)
# After a failure the worker leaves sending to the command for this long.
WORKER_PAUSE_SECONDS = 60
DATABASE_TRIES = 4


def _one_line(text):
    # Header injection: names go into subjects, which must be a single line.
    return " ".join(text.split())


def queue_emails(application: MembershipApplication, *, secretary_email: str) -> None:
    """Record the emails a new application needs, and send them once the transaction commits.

    Call inside the transaction that stores (or releases) the application. An email already
    recorded for it is not recorded twice, so it is never sent twice.
    """
    wanted = {Kind.APPLICANT: application.email}
    if secretary_email:
        wanted[Kind.SECRETARY] = secretary_email
    else:
        logger.warning(
            "No membership secretary email is set; application %s not sent on", application.pk
        )
    for kind, recipient in wanted.items():
        ApplicationEmail.objects.get_or_create(
            application=application, kind=kind, defaults={"recipient": recipient}
        )
    transaction.on_commit(lambda: hand_off(application.pk))


def hand_off(application_id: int) -> None:
    """After the commit: send now in the background, or leave it to the command."""
    delivery = settings.MEMBERSHIP_EMAIL_DELIVERY
    if delivery == "background":
        worker.submit(application_id)
    elif delivery == "inline":
        send_due(application_ids=[application_id])


@dataclass
class Outcome:
    sent: int = 0
    failed: int = 0  # attempts that failed (retried later, or given up)
    gave_up: int = 0
    unreachable: bool = False  # stopped early: the mail server or its settings failed

    @property
    def attempted(self):
        return self.sent + self.failed


def retry_delay(attempts: int) -> datetime.timedelta:
    """Minutes before the next attempt after `attempts` failures: 1, 2, 4 ... at most 60."""
    return datetime.timedelta(minutes=min(2 ** (attempts - 1), 60))


def claim_lease() -> datetime.timedelta:
    # Longer than any one send can take (the timeout bounds each step of the SMTP dialogue).
    return datetime.timedelta(seconds=max(120, 10 * (settings.EMAIL_TIMEOUT or 10)))


def due_emails(application_ids=None):
    now = timezone.now()
    due = ApplicationEmail.objects.filter(state=State.PENDING, next_attempt_at__lte=now).exclude(
        application__status=MembershipApplication.Status.SUSPECTED
    )
    if application_ids is not None:
        due = due.filter(application_id__in=application_ids)
    return due.order_by("next_attempt_at", "pk")


def send_due(*, application_ids: list[int] | None = None, limit: int | None = None) -> Outcome:
    """Send the emails that are due (of these applications only, if given).

    A failed send is recorded on its row and logged, never raised.
    """
    outcome = Outcome()
    candidates = list(due_emails(application_ids).values_list("pk", flat=True)[:limit])
    for pk in candidates:
        email = claim(pk)
        if email is None:
            continue  # another sender has it, or it went meanwhile
        try:
            message(email).send()
        except Exception as exc:
            outcome.failed += 1
            outcome.gave_up += record_failure(email, exc)
            if not isinstance(exc, ONE_MESSAGE_FAILURES):
                outcome.unreachable = True
                break
        else:
            ApplicationEmail.objects.filter(pk=email.pk).update(
                state=State.SENT, sent_at=timezone.now(), last_error=""
            )
            outcome.sent += 1
    return outcome


def claim(pk):
    """Take the email for sending, or None if it is not (or no longer) due."""
    now = timezone.now()
    claimed = ApplicationEmail.objects.filter(
        pk=pk, state=State.PENDING, next_attempt_at__lte=now
    ).update(next_attempt_at=now + claim_lease(), attempts=F("attempts") + 1)
    if not claimed:
        return None
    return ApplicationEmail.objects.select_related("application__tier").get(pk=pk)


def record_failure(email, exc):
    """Note a failed attempt; returns True when that was the last one allowed."""
    error = _one_line(f"{type(exc).__name__}: {exc}")[:300]
    limit = settings.MEMBERSHIP_EMAIL_MAX_ATTEMPTS
    gave_up = email.attempts >= limit
    update = {"last_error": error}
    if gave_up:
        update["state"] = State.FAILED
        logger.error(
            "Could not send the %s email for membership application %s; gave up after %s "
            "attempts: %s",
            email.kind,
            email.application_id,
            email.attempts,
            error,
        )
    else:
        update["next_attempt_at"] = timezone.now() + retry_delay(email.attempts)
        logger.warning(
            "Could not send the %s email for membership application %s (attempt %s of %s; "
            "will retry): %s",
            email.kind,
            email.application_id,
            email.attempts,
            limit,
            error,
        )
    ApplicationEmail.objects.filter(pk=email.pk).update(**update)
    return gave_up


def payment_instructions(language):
    """How to pay, as the join page in `language` says it (the site's language's join page
    where there is none in `language`)."""
    # By name: the join page's module imports this one.
    join_pages = apps.get_model("members", "JoinPage").objects.live()
    found = join_pages.filter(locale__language_code__in=[language, settings.LANGUAGE_CODE])
    by_language = dict(found.values_list("locale__language_code", "payment_instructions"))
    # The page the applicant read, even where it leaves the instructions out.
    return by_language.get(language, by_language.get(settings.LANGUAGE_CODE, ""))


def message(email):
    application = email.application
    context = {
        "application": application,
        "site_name": settings.WAGTAIL_SITE_NAME,
        "admin_url": f"{settings.WAGTAILADMIN_BASE_URL}/admin/members/membershipapplication/"
        f"inspect/{application.pk}/",
    }
    if email.kind == Kind.SECRETARY:
        # The membership secretary reads English, whatever the applicant's language.
        with translation.override(settings.LANGUAGE_CODE):
            subject = f"New membership application: {application.full_name}"
            body = render_to_string("members/email/secretary.txt", context)
        reply_to = [application.email]
    else:
        # The applicant's own language, also here outside any request (the worker, the command).
        language = application.language or settings.LANGUAGE_CODE
        context["payment_instructions"] = payment_instructions(language)
        with translation.override(language):
            subject = gettext("Your application to join the %(site_name)s") % {
                "site_name": settings.WAGTAIL_SITE_NAME
            }
            body = render_to_string("members/email/applicant.txt", context)
        reply_to = None
    # The same Message-ID on every attempt: should one be sent twice (a sender stopped between
    # sending and recording it), mail programs can tell it is the same message.
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    message_id = f"<membership-{email.pk}.{email.created_at:%Y%m%d%H%M%S}@{domain}>"
    return EmailMessage(
        _one_line(subject),
        body,
        settings.DEFAULT_FROM_EMAIL,
        [email.recipient],
        reply_to=reply_to,
        headers={"Message-ID": message_id},
    )


class Worker:
    """One thread per process that sends a committed application's emails, in order.

    Nobody waits for it: a request only puts an id on its list. A slow or dead mail server
    holds up this thread alone, and after a failure it leaves sending to the command for a
    while rather than wait on the server once per application.
    """

    def __init__(self):
        self.lock = threading.Condition()
        self.waiting = []
        self.busy = False
        self.thread = None
        self.pid = None
        self.paused_until = 0.0

    def submit(self, application_id):
        with self.lock:
            if self.pid != os.getpid():
                # A forked process starts with the parent's list but none of its threads.
                self.waiting, self.busy, self.thread, self.pid = [], False, None, os.getpid()
            self.waiting.append(application_id)
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(
                    target=self.run, name="membership-emails", daemon=True
                )
                self.thread.start()
            self.lock.notify_all()

    def run(self):
        while True:
            with self.lock:
                while not self.waiting:
                    self.lock.wait()
                application_id = self.waiting.pop(0)
                self.busy = True
            try:
                self.send(application_id)
            finally:
                with self.lock:
                    self.busy = False
                    self.lock.notify_all()

    def send(self, application_id):
        if time.monotonic() < self.paused_until:
            return  # send_membership_emails will send it
        try:
            for attempt in range(DATABASE_TRIES):
                close_old_connections()
                try:
                    outcome = send_due(application_ids=[application_id])
                    break
                except OperationalError:
                    # The database may be busy for a moment (SQLite locks while another
                    # process writes): this thread can afford to wait, a reader cannot.
                    if attempt == DATABASE_TRIES - 1:
                        raise
                    connection.close()
                    time.sleep(0.5 * (attempt + 1))
            if outcome.unreachable:
                self.paused_until = time.monotonic() + WORKER_PAUSE_SECONDS
        except Exception:
            # Even the database may be away; the rows wait for the command.
            logger.exception("The membership email worker failed on application %s", application_id)
        finally:
            connection.close()

    def wait_until_idle(self, timeout):
        """Whether everything handed over has been dealt with within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        with self.lock:
            while self.waiting or self.busy:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self.lock.wait(remaining)
            return True


worker = Worker()
