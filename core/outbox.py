"""Emails recorded in the database and sent after the transaction that records them commits,
never in a reader's request.

A feature records one row per email (a model with `recipient`, `state`, `attempts`,
`next_attempt_at`, `sent_at` and `last_error`, the `OutboxEmail` fields) in the transaction that
stores what the email is about. Once that commits, its `Outbox` hands it to the process's
background `Worker`, which sends it; a command run by cron every minute sends whatever is still
due, so an email the worker never reached (a restart, a dead mail server) still goes. A sender
claims a row before sending it, so the worker and the command never both send one; a failed
attempt is retried later (1, 2, 4 … 60 minutes apart) up to a number of attempts, and every
attempt is recorded on the row. Used by the membership applications (members/notifications.py)
and the contact form (contact/notifications.py).

Mail that is about no stored record (a password-reset link, an alert to the administrators)
goes through `send_soon`: the same kind of background worker sends it after the response, and
a failure is logged, not retried (a reset link is not worth keeping in the database).
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import os
import re
import smtplib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parseaddr

from django.conf import settings
from django.core import mail
from django.core.mail import EmailMessage
from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError, close_old_connections, connection, models
from django.db.models import F
from django.utils import timezone

# Failures that concern one message only; any other failure means the mail server (or its
# settings) is the problem, so a run stops rather than wait on it once per email.
ONE_MESSAGE_FAILURES = (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError)
# Keys of due rows read at a time by a run.
DUE_BATCH = 500
# After a failure a worker leaves sending to the command for this long.
WORKER_PAUSE_SECONDS = 60
DATABASE_TRIES = 4


class State(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Given up"


# An email address in a mail server's words ("{'ana@example.org': (550, b'...')}").
ADDRESS = re.compile(r"[^\s<>'\"(),:;{}\[\]]+@[^\s<>'\"(),:;{}\[\]]+")


def error_text(exc: Exception) -> str:
    """A failure in one line for the row and the log, without the addresses the mail server
    names: the row says whose email it is, the log must not."""
    return ADDRESS.sub("(address)", one_line(f"{type(exc).__name__}: {exc}"))[:300]


def one_line(text: str) -> str:
    # Header injection: names go into subjects, which must be a single line.
    return " ".join(text.split())


def mail_domain() -> str:
    """The site's mail domain: its sending address's."""
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"


def message_id(kind: str, pk: int, created_at: datetime.datetime) -> str:
    """The same Message-ID on every attempt: should one be sent twice (a sender stopped between
    sending and recording it), mail programs can tell it is the same message."""
    return f"<{kind}-{pk}.{created_at:%Y%m%d%H%M%S}@{mail_domain()}>"


@dataclass
class Outcome:
    sent: int = 0
    failed: int = 0  # attempts that failed (retried later, or given up)
    gave_up: int = 0
    skipped: int = 0  # not sent after all (NotSent): given up without an attempt
    unreachable: bool = False  # stopped early: the mail server or its settings failed

    @property
    def attempted(self):
        return self.sent + self.failed


def retry_delay(attempts: int) -> datetime.timedelta:
    """Minutes before the next attempt after `attempts` failures: 1, 2, 4 ... at most 60."""
    return datetime.timedelta(minutes=min(2 ** (attempts - 1), 60))


def email_timeout() -> float | None:
    """Seconds any one step of talking to the mail server may take: EMAIL_TIMEOUT, or on
    Django 6.1 and later the default mailer's "timeout" (where MAILERS replaces EMAIL_*)."""
    mailers = getattr(settings, "MAILERS", None)
    if mailers:
        return mailers.get("default", {}).get("OPTIONS", {}).get("timeout")
    return settings.EMAIL_TIMEOUT


def claim_lease() -> datetime.timedelta:
    # Longer than any one send can take (the timeout bounds each step of the SMTP dialogue).
    return datetime.timedelta(seconds=max(120, 10 * (email_timeout() or 10)))


def mail_connection():
    """The default mail backend, to send a run's messages over one connection."""
    mailers = getattr(mail, "mailers", None)  # Django 6.1 and later
    return mailers.default if mailers is not None else mail.get_connection()


class NotSent(Exception):
    """Raised by an Outbox's `build(row)` for a row that must not be sent after all (its
    recipient left meanwhile): the row is given up at once, with the reason as its error."""


def permanent_failure(exc) -> str:
    """What a failure says for good about one message, or "" when a later attempt may work:
    "recipient" when the server refused the recipient with a 5xx code (the address does not
    exist), "message" when it refused the message itself with one."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused) and exc.recipients:
        codes = [reply[0] for reply in exc.recipients.values()]
        if all(500 <= code < 600 for code in codes):
            return "recipient"
    if isinstance(exc, smtplib.SMTPDataError) and 500 <= exc.smtp_code < 600:
        return "message"
    return ""


class Outbox:
    """The sending of one model's email rows.

    `build(row)` makes the row's EmailMessage; `describe(row)` names it in the log, without
    personal data ("the secretary email for membership application 12"); `max_attempts()` and
    `delivery()` read the feature's settings when asked, so tests may change them.

    Optional, for mass mail (bulletins/sending.py): `per_minute()` paces a run (0: no limit);
    `one_connection` sends a run's messages over one connection to the mail server; and
    `on_permanent_failure(row, kind)`, when given, gives a row up at once when the server
    refuses it for good (`permanent_failure`) instead of retrying it, and is told why.
    """

    def __init__(
        self,
        *,
        model: type[models.Model],
        build: Callable[[models.Model], EmailMessage],
        describe: Callable[[models.Model], str],
        max_attempts: Callable[[], int],
        logger: logging.Logger,
        select_related: tuple[str, ...] = (),
        per_minute: Callable[[], int] | None = None,
        one_connection: bool = False,
        on_permanent_failure: Callable[[models.Model, str], None] | None = None,
    ):
        self.model = model
        self.build = build
        self.describe = describe
        self.max_attempts = max_attempts
        self.logger = logger
        self.select_related = select_related
        self.per_minute = per_minute
        self.one_connection = one_connection
        self.on_permanent_failure = on_permanent_failure

    def due(self):
        """The rows waiting to be sent whose time has come, oldest first."""
        return self.model.objects.filter(
            state=State.PENDING, next_attempt_at__lte=timezone.now()
        ).order_by("next_attempt_at", "pk")

    def send_due(self, due, *, limit: int | None = None) -> Outcome:
        """Send the rows of `due` (a queryset of `self.due()`), at most `limit` of them.

        A failed send is recorded on its row and logged, never raised.
        """
        outcome = Outcome()
        connection = mail_connection() if self.one_connection else None
        pace = Pace(self.per_minute() if self.per_minute else 0)
        try:
            for pk in self.due_keys(due, limit):
                row = self.claim(pk)
                if row is None:
                    continue  # another sender has it, or it went meanwhile
                pace.wait()
                try:
                    message = self.build(row)
                    if connection is not None:
                        connection.open()  # once: it stays open for the run
                        connection.send_messages([message])
                    else:
                        message.send()
                except NotSent as exc:
                    self.give_up(row, str(exc))
                    outcome.skipped += 1
                except Exception as exc:
                    outcome.failed += 1
                    outcome.gave_up += self.record_failure(row, exc)
                    if not isinstance(exc, ONE_MESSAGE_FAILURES):
                        outcome.unreachable = True
                        break
                else:
                    self.model.objects.filter(pk=row.pk).update(
                        state=State.SENT, sent_at=timezone.now(), last_error=""
                    )
                    outcome.sent += 1
        finally:
            if connection is not None:
                # The server may have gone away: then there is nothing left to close.
                with contextlib.suppress(Exception):
                    connection.close()
        return outcome

    def due_keys(self, due, limit):
        """The keys of `due`, read a batch at a time, so that a run through thousands of rows
        holds only one batch of keys. A row dealt with is no longer due, so each batch is the
        next one; `limit` bounds the whole run."""
        taken = 0
        while limit is None or taken < limit:
            size = DUE_BATCH if limit is None else min(DUE_BATCH, limit - taken)
            keys = list(due.values_list("pk", flat=True)[:size])
            yield from keys
            taken += len(keys)
            if len(keys) < size:
                return

    def claim(self, pk):
        """Take the row for sending, or None if it is not (or no longer) due."""
        now = timezone.now()
        claimed = self.model.objects.filter(
            pk=pk, state=State.PENDING, next_attempt_at__lte=now
        ).update(next_attempt_at=now + claim_lease(), attempts=F("attempts") + 1)
        if not claimed:
            return None
        return self.model.objects.select_related(*self.select_related).get(pk=pk)

    def give_up(self, row, error: str) -> None:
        self.model.objects.filter(pk=row.pk).update(state=State.FAILED, last_error=error[:300])
        self.logger.warning("Did not send %s: %s", self.describe(row), error)

    def record_failure(self, row, exc) -> bool:
        """Note a failed attempt; returns True when that was the last one allowed."""
        error = error_text(exc)
        limit = self.max_attempts()
        gave_up = row.attempts >= limit
        kind = permanent_failure(exc) if self.on_permanent_failure else ""
        if kind:
            gave_up = True
            self.on_permanent_failure(row, kind)
        update = {"last_error": error}
        if gave_up:
            update["state"] = State.FAILED
            self.logger.error(
                "Could not send %s; gave up after %s attempts: %s",
                self.describe(row),
                row.attempts,
                error,
            )
        else:
            update["next_attempt_at"] = timezone.now() + retry_delay(row.attempts)
            self.logger.warning(
                "Could not send %s (attempt %s of %s; will retry): %s",
                self.describe(row),
                row.attempts,
                limit,
                error,
            )
        self.model.objects.filter(pk=row.pk).update(**update)
        return gave_up

    def revive_failed(self) -> int:
        """Give every row that was given up a new round of attempts; how many."""
        return self.model.objects.filter(state=State.FAILED).update(
            state=State.PENDING, attempts=0, next_attempt_at=timezone.now()
        )


class Pace:
    """At most `per_minute` messages a minute, evenly spaced (0: as fast as they go)."""

    def __init__(self, per_minute: int):
        self.interval = 60 / per_minute if per_minute > 0 else 0.0
        self.next_at = None

    def wait(self):
        if not self.interval:
            return
        now = time.monotonic()
        if self.next_at is not None and now < self.next_at:
            time.sleep(self.next_at - now)
            now = self.next_at
        self.next_at = now + self.interval


class OutboxEmail(models.Model):
    """The fields an Outbox needs on each email row."""

    recipient = models.EmailField(max_length=254)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # When a sender may next try: now for a new email, later after a failure, and a while
    # ahead while a sender holds it (so another does not send it twice).
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    State = State

    class Meta:
        abstract = True

    def describe(self) -> str:
        """What became of the email, in words, for the admin."""
        sent = timezone.localtime(self.sent_at) if self.sent_at else None
        when = f"{sent.day} {sent:%B %Y, %H:%M}" if sent else ""
        tries = f"{self.attempts} attempt{'s' if self.attempts != 1 else ''}"
        if self.state == State.SENT:
            return f"Sent to {self.recipient} on {when} ({tries})."
        error = f" Last error: {self.last_error}" if self.last_error else ""
        if self.state == State.FAILED:
            return f"Not sent to {self.recipient}: given up after {tries}.{error}"
        if not self.attempts:
            return f"Waiting to be sent to {self.recipient}."
        return f"Waiting to be sent to {self.recipient} ({tries} so far).{error}"


def hand_off(delivery: str, worker: Worker, send_now: Callable[[int], object], key: int) -> None:
    """After the commit: send now in the background ("background"), in this thread ("inline",
    for tests), or leave it to the command ("command")."""
    if delivery == "background":
        worker.submit(key)
    elif delivery == "inline":
        send_now(key)


class Worker:
    """One thread per process that sends committed emails, in order.

    Nobody waits for it: a request only puts a key (what the emails are about) on its list.
    `send(key)` sends that key's due emails and returns an Outcome. A slow or dead mail server
    holds up this thread alone, and after a failure it leaves sending to the command for a
    while rather than wait on the server once per key.
    """

    def __init__(self, name: str, send: Callable[[int], Outcome], *, logger, failure: str):
        self.name = name
        self.send_key = send
        self.logger = logger
        self.failure = failure  # logged with the key when a run fails
        self.lock = threading.Condition()
        self.waiting = []
        self.busy = False
        self.thread = None
        self.pid = None
        self.paused_until = 0.0

    def submit(self, key):
        with self.lock:
            if self.pid != os.getpid():
                # A forked process starts with the parent's list but none of its threads.
                self.waiting, self.busy, self.thread, self.pid = [], False, None, os.getpid()
            self.waiting.append(key)
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self.run, name=self.name, daemon=True)
                self.thread.start()
            self.lock.notify_all()

    def run(self):
        while True:
            with self.lock:
                while not self.waiting:
                    self.lock.wait()
                key = self.waiting.pop(0)
                self.busy = True
            try:
                self.send(key)
            finally:
                with self.lock:
                    self.busy = False
                    self.lock.notify_all()

    def send(self, key):
        if time.monotonic() < self.paused_until:
            return  # the command will send it
        try:
            for attempt in range(DATABASE_TRIES):
                close_old_connections()
                try:
                    outcome = self.send_key(key)
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
            self.logger.exception(self.failure, key)
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


class SendDueCommand(BaseCommand):
    """A feature's every-minute cron command: sends its emails that are still due (the worker
    sends most straight after the commit; this sends what it did not reach), retrying failures
    with growing gaps. A subclass names its `outbox`, its `send_due(limit=...)` and `what` it
    sends ("membership email(s)")."""

    outbox: Outbox
    what: str

    def send_due(self, *, limit: int) -> Outcome:
        raise NotImplementedError

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit",
            type=int,
            default=100,
            help="Send at most this many emails in this run (the rest wait for the next).",
        )
        parser.add_argument(
            "--retry-failed",
            action="store_true",
            help="First give every email that was given up (too many failed attempts) a new "
            "round of attempts, for example once the mail settings are put right.",
        )

    def handle(self, *args, limit, retry_failed, **options):
        if limit < 1:
            raise CommandError("--limit must be at least 1.")
        if retry_failed:
            revived = self.outbox.revive_failed()
            self.stdout.write(f"{revived} email(s) given up earlier will be tried again.")
        outcome = self.send_due(limit=limit)
        # Quiet when there was nothing to do: cron mails whatever a job prints.
        if outcome.attempted or outcome.skipped or options["verbosity"] > 1:
            self.stdout.write(
                f"Sent {outcome.sent} {self.what}; {outcome.failed} failed"
                + (f", {outcome.gave_up} of them given up" if outcome.gave_up else "")
                + (f"; {outcome.skipped} no longer to be sent" if outcome.skipped else "")
                + ("; stopped early: the mail server failed" if outcome.unreachable else "")
                + "."
            )


logger = logging.getLogger(__name__)


def _send_message(message: EmailMessage) -> Outcome:
    message.send()
    return Outcome(sent=1)


# Its failure is logged without the message: no address or link reaches the log.
site_mail = Worker(
    "site-emails", _send_message, logger=logger, failure="Could not send a site email (%.0s)"
)


def send_soon(message: EmailMessage) -> None:
    """Send `message` from the background worker, never in the request (see above)."""
    site_mail.submit(message)
