"""An application's emails: recorded with it, sent after the commit by a background worker or by
`send_membership_emails`, each exactly once, retried when the mail server fails, and never
holding up a reader, even when the mail server accepts a connection and never answers."""

import datetime
import email
import email.policy
import io
import logging
import os
import smtplib
import socketserver
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path
from unittest import mock

from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

import pytest

from members import notifications
from members.forms import started_token
from members.models import ApplicationEmail, MembershipApplication, MembershipSettings
from tests.conftest import use_smtp
from tests.factories import JoinPageFactory, MembershipTierFactory

ROOT = Path(__file__).resolve().parent.parent
State = ApplicationEmail.State


# A mail server that works: just enough SMTP for smtplib, keeping every message it receives.


class FakeSMTPHandler(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        self.reply("220 fake.example ESMTP")
        sender, recipients = None, []
        while line := self.rfile.readline():
            command = line.decode("ascii", "replace").strip()
            verb = command.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 fake.example")
            elif verb == "MAIL":
                sender, recipients = command.split(":", 1)[1].strip(), []
                self.reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].strip().strip("<>"))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                self.server.messages.append(
                    (
                        sender,
                        recipients,
                        email.message_from_bytes(data, policy=email.policy.default),
                    )
                )
                self.reply("250 OK: queued")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("250 OK")


@pytest.fixture
def fake_smtp():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), FakeSMTPHandler)
    server.daemon_threads = True
    server.messages = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def worker():
    yield notifications.worker
    assert notifications.worker.wait_until_idle(timeout=30)
    notifications.worker.paused_until = 0.0


@pytest.fixture
def clock(monkeypatch):
    """Move time on, as far as the retry schedule is concerned."""
    offset = [datetime.timedelta()]
    real_now = timezone.now

    def now():
        return real_now() + offset[0]

    monkeypatch.setattr(timezone, "now", now)

    def advance(**kwargs):
        offset[0] += datetime.timedelta(**kwargs)

    return advance


@pytest.fixture
def join_page(home_page):
    membership_settings = MembershipSettings.for_site(home_page.get_site())
    membership_settings.secretary_email = "secretary@example.org"
    membership_settings.save()
    return JoinPageFactory(parent=home_page)


@pytest.fixture
def tier(db):
    return MembershipTierFactory(name="Individual", annual_fee=Decimal("25.00"))


def form(tier, email_address, name="José Núñez Quispe"):
    return {
        "full_name": name,
        "email": email_address,
        "country": "United Kingdom",
        "tier": tier.pk,
        "consent": "on",
        "started": started_token(time.time() - 10),
        "leave_blank": "",
    }


def timed_post(client, data):
    began = time.monotonic()
    response = client.post("/join/", data)
    return response, time.monotonic() - began


def sends(*args):
    out = io.StringIO()
    call_command("send_membership_emails", *args, stdout=out)
    return out.getvalue()


def new_application(tier, email_address="ana@example.org", **fields):
    application = MembershipApplication.objects.create(
        full_name="Ana Quispe", email=email_address, country="Peru", tier=tier, consent=True
    )
    for kind, recipient in [("applicant", email_address), ("secretary", "secretary@example.org")]:
        ApplicationEmail.objects.create(application=application, kind=kind, recipient=recipient)
    return application


@pytest.mark.django_db(transaction=True)
class TestAHangingMailServer:
    def test_holds_up_no_reader_and_loses_nothing_then_the_command_sends_each_once(
        self, client, join_page, tier, settings, silent_smtp, fake_smtp, worker, clock
    ):
        # The mail server may take 5 seconds per step before it counts as failed.
        use_smtp(settings, silent_smtp, timeout=5)
        settings.MEMBERSHIP_EMAIL_DELIVERY = "background"

        first, first_took = timed_post(client, form(tier, "jose@example.org"))
        second, second_took = timed_post(client, form(tier, "ana@example.org", "Ana Quispe"))
        assert (first.status_code, first["Location"]) == (302, "/join/thanks/")
        assert second.status_code == 302
        assert first_took < 2 and second_took < 2  # while the worker waits on the server
        assert set(MembershipApplication.objects.values_list("email", "status")) == {
            ("jose@example.org", "new"),
            ("ana@example.org", "new"),
        }

        # The worker gave up on the silent server after its timeout, and then left the rest
        # to the command rather than wait on the server again.
        assert worker.wait_until_idle(timeout=30)
        emails = ApplicationEmail.objects.order_by("pk")
        assert [e.state for e in emails] == [State.PENDING] * 4
        assert [e.attempts for e in emails] == [1, 0, 0, 0]
        assert "timed out" in emails[0].last_error

        # The mail server is back: the command (every minute) sends what is due...
        use_smtp(settings, fake_smtp.server_address[1], timeout=5)
        assert sends() == "Sent 3 membership email(s); 0 failed.\n"
        # ...and the email that failed once, when its retry is due a minute later.
        assert sends() == ""
        clock(minutes=1, seconds=1)
        assert sends() == "Sent 1 membership email(s); 0 failed.\n"
        clock(minutes=5)
        assert sends() == ""

        delivered = sorted(
            (recipients[0], m["Subject"].strip()) for _, recipients, m in fake_smtp.messages
        )
        assert delivered == [
            ("ana@example.org", "Your application to join the Peru Support Group"),
            ("jose@example.org", "Your application to join the Peru Support Group"),
            ("secretary@example.org", "New membership application: Ana Quispe"),
            ("secretary@example.org", "New membership application: José Núñez Quispe"),
        ]
        assert all(e.state == State.SENT and e.sent_at for e in ApplicationEmail.objects.all())

    def test_a_connection_that_hangs_costs_one_timeout_per_run_not_one_per_email(
        self, tier, settings, silent_smtp
    ):
        use_smtp(settings, silent_smtp, timeout=1)
        for n in range(3):
            new_application(tier, f"person{n}@example.org")
        began = time.monotonic()
        output = sends()
        assert time.monotonic() - began < 3
        assert output == (
            "Sent 0 membership email(s); 1 failed; stopped early: the mail server failed.\n"
        )


@pytest.mark.django_db(transaction=True)
class TestBackgroundDelivery:
    def test_emails_go_from_the_worker_thread_after_the_response(
        self, client, join_page, tier, settings, worker
    ):
        settings.MEMBERSHIP_EMAIL_DELIVERY = "background"
        threads = []
        real_send = mail.EmailMessage.send

        def send(message, *args, **kwargs):
            threads.append(threading.current_thread().name)
            return real_send(message, *args, **kwargs)

        with mock.patch.object(mail.EmailMessage, "send", send):
            response = client.post("/join/", form(tier, "jose@example.org"))
            assert response.status_code == 302
            assert worker.wait_until_idle(timeout=10)
        assert threads == ["membership-emails", "membership-emails"]
        assert sorted(m.to[0] for m in mail.outbox) == [
            "jose@example.org",
            "secretary@example.org",
        ]

    def test_with_command_delivery_only_the_command_sends(
        self, client, join_page, tier, settings, worker
    ):
        settings.MEMBERSHIP_EMAIL_DELIVERY = "command"
        client.post("/join/", form(tier, "jose@example.org"))
        assert worker.wait_until_idle(timeout=10)
        assert mail.outbox == []
        assert sends() == "Sent 2 membership email(s); 0 failed.\n"
        assert len(mail.outbox) == 2

    def test_a_worker_failure_is_logged_and_leaves_the_emails_for_the_command(
        self, client, join_page, tier, settings, worker, caplog
    ):
        settings.MEMBERSHIP_EMAIL_DELIVERY = "background"
        with (
            mock.patch.object(notifications, "send_due", side_effect=RuntimeError("database gone")),
            caplog.at_level(logging.ERROR, logger="members.notifications"),
        ):
            assert client.post("/join/", form(tier, "jose@example.org")).status_code == 302
            assert worker.wait_until_idle(timeout=10)
        assert "The membership email worker failed" in caplog.text
        assert sends() == "Sent 2 membership email(s); 0 failed.\n"


class TestSending:
    def test_two_senders_never_send_the_same_email(self, tier, clock):
        application = new_application(tier)
        applicant = application.emails.get(kind="applicant")
        # One sender has claimed the applicant's email and is sending it...
        assert notifications.claim(applicant.pk) is not None
        # ...so another sends only the other one.
        assert notifications.send_due().sent == 1
        assert [m.to for m in mail.outbox] == [["secretary@example.org"]]
        # Were the first sender to die mid-send, the claim runs out and the email still goes.
        clock(seconds=notifications.claim_lease().total_seconds() + 1)
        assert notifications.send_due().sent == 1
        assert sorted(m.to[0] for m in mail.outbox) == ["ana@example.org", "secretary@example.org"]
        assert notifications.send_due().sent == 0

    def test_failures_are_retried_with_growing_gaps_then_given_up_and_logged(
        self, tier, settings, clock, caplog
    ):
        settings.MEMBERSHIP_EMAIL_MAX_ATTEMPTS = 3
        application = new_application(tier)
        application.emails.filter(kind="secretary").delete()
        down = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        with (
            mock.patch.object(mail.EmailMessage, "send", side_effect=down),
            caplog.at_level(logging.WARNING, logger="members.notifications"),
        ):
            assert sends() == (
                "Sent 0 membership email(s); 1 failed; stopped early: the mail server failed.\n"
            )
            assert sends() == ""  # not before its retry is due
            clock(minutes=1, seconds=1)
            assert "1 failed" in sends()
            clock(minutes=1, seconds=1)
            assert sends() == ""  # the second gap is two minutes
            clock(minutes=1)
            assert "1 failed, 1 of them given up" in sends()
            clock(days=1)
            assert sends() == ""
        applicant = application.emails.get()
        assert (applicant.state, applicant.attempts) == (State.FAILED, 3)
        assert applicant.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"
        warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
        errors = [r for r in caplog.records if r.levelno == logging.ERROR]
        assert len(warnings) == 2 and "will retry" in warnings[0].getMessage()
        assert len(errors) == 1 and "gave up after 3 attempts" in errors[0].getMessage()
        # Personal data stays out of the log: the application is named by its number.
        assert "ana@example.org" not in caplog.text

        # Once the mail settings are right again, the given-up email can have another round.
        assert sends("--retry-failed") == (
            "1 email(s) given up earlier will be tried again.\n"
            "Sent 1 membership email(s); 0 failed.\n"
        )
        assert [m.to for m in mail.outbox] == [["ana@example.org"]]

    @pytest.mark.parametrize(
        "attempts, minutes", [(1, 1), (2, 2), (3, 4), (6, 32), (7, 60), (9, 60)]
    )
    def test_retry_delays(self, attempts, minutes):
        assert notifications.retry_delay(attempts) == datetime.timedelta(minutes=minutes)

    def test_one_refused_recipient_does_not_stop_the_others(self, tier):
        bad = new_application(tier, "nobody@bad.example")
        new_application(tier, "ana@example.org")
        real_send = mail.EmailMessage.send

        def send(message, *args, **kwargs):
            if message.to == ["nobody@bad.example"]:
                raise smtplib.SMTPRecipientsRefused({"nobody@bad.example": (550, b"No such user")})
            return real_send(message, *args, **kwargs)

        with mock.patch.object(mail.EmailMessage, "send", send):
            assert sends() == "Sent 3 membership email(s); 1 failed.\n"
        assert bad.emails.get(kind="applicant").state == State.PENDING
        assert sorted(m.to[0] for m in mail.outbox) == [
            "ana@example.org",
            "secretary@example.org",
            "secretary@example.org",
        ]

    def test_an_application_marked_as_spam_before_its_emails_went_is_not_emailed(self, tier):
        application = new_application(tier)
        MembershipApplication.objects.filter(pk=application.pk).update(status="suspected")
        assert sends() == ""
        assert mail.outbox == []

    def test_the_command_is_quiet_with_nothing_to_send(self, db):
        assert sends() == ""

    def test_an_email_is_never_recorded_twice(self, tier, django_capture_on_commit_callbacks):
        application = new_application(tier)
        with django_capture_on_commit_callbacks(execute=True):
            notifications.queue_emails(application, secretary_email="other@example.org")
        assert application.emails.count() == 2
        assert len(mail.outbox) == 2

    def test_a_resent_message_keeps_its_message_id(self, tier, settings):
        settings.DEFAULT_FROM_EMAIL = "Peru Support Group <website@psg.example>"
        email_row = new_application(tier).emails.get(kind="applicant")
        first = notifications.message(email_row).message()["Message-ID"]
        assert first == notifications.message(email_row).message()["Message-ID"]
        assert first.endswith("@psg.example>")

    def test_a_bad_limit_is_refused(self, db):
        with pytest.raises(CommandError, match="--limit must be at least 1"):
            sends("--limit", "0")

    def test_the_limit_bounds_a_run(self, tier):
        new_application(tier)
        assert sends("--limit", "1") == "Sent 1 membership email(s); 0 failed.\n"
        assert sends() == "Sent 1 membership email(s); 0 failed.\n"


class TestSettings:
    # The base settings with the SMTP backend, as production has: EMAIL_TIMEOUT reaches the
    # backend on every Django release (as MAILERS' "timeout" from Django 6.1, config/mail.py).
    def run_settings(self, **environment):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            **environment,
        }
        code = (
            "import django; django.setup(); from django.conf import settings as s; "
            "from core.outbox import email_timeout, mail_connection; "
            "print(email_timeout(), mail_connection().timeout, "
            "s.MEMBERSHIP_JOIN_POSTS_PER_HOUR, s.MEMBERSHIP_FORM_MIN_SECONDS, "
            "s.MEMBERSHIP_FORM_MAX_AGE_HOURS, s.MEMBERSHIP_EMAIL_MAX_ATTEMPTS)"
        )
        return subprocess.run(
            [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True
        )

    def test_email_timeout_defaults_to_ten_seconds_and_reaches_the_smtp_backend(self):
        result = self.run_settings()
        assert result.stdout.split()[:2] == ["10", "10"], result.stderr

    def test_the_environment_sets_them(self):
        result = self.run_settings(
            EMAIL_TIMEOUT="3",
            MEMBERSHIP_JOIN_POSTS_PER_HOUR="20",
            MEMBERSHIP_FORM_MIN_SECONDS="5",
            MEMBERSHIP_FORM_MAX_AGE_HOURS="24",
            MEMBERSHIP_EMAIL_MAX_ATTEMPTS="4",
        )
        assert result.stdout.split() == ["3", "3", "20", "5", "24", "4"], result.stderr

    def test_an_unknown_delivery_is_refused_at_start(self):
        result = self.run_settings(MEMBERSHIP_EMAIL_DELIVERY="carrier-pigeon")
        assert result.returncode != 0
        assert "MEMBERSHIP_EMAIL_DELIVERY must be 'background', 'command' or 'inline'" in (
            result.stderr
        )
