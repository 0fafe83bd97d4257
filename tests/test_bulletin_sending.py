"""Sending Peru Update by email, through a real SMTP server (aiosmtpd): the email as received
(both parts, every header), in the bulletin's language, to each confirmed subscriber of that
language exactly once; temporary and permanent refusals; a send killed half-way and resumed;
the admin's test, confirmation and progress; bounces reported by the mail provider."""

import asyncio
import datetime
import io
import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path
from unittest import mock

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.utils import timezone, translation

from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import PageViewRestriction
from wagtail.rich_text import RichText

import pytest
from anymail.signals import AnymailTrackingEvent, tracking

from bulletins import email as bulletin_email
from bulletins import sending
from bulletins.links import manage_url
from bulletins.models import BulletinDelivery, BulletinSend, Subscriber, Suppression
from bulletins.models.subscribers import address_hash
from core.outbox import Pace, site_mail
from home.management.commands import setup_roles
from tests.conftest import default_home_page, translate
from tests.factories import (
    BulletinIndexPageFactory,
    BulletinPageFactory,
    NewsIndexPageFactory,
    NewsItemPageFactory,
    SubscriberFactory,
)
from tests.smtp import Handler, SMTPServer

ROOT = Path(__file__).resolve().parent.parent
State = BulletinDelivery.State
Status = Subscriber.Status
User = get_user_model()


@pytest.fixture(autouse=True)
def unpaced(settings):
    # As fast as the server takes them; the pace has a test of its own.
    settings.BULLETIN_EMAILS_PER_MINUTE = 0
    settings.DEFAULT_FROM_EMAIL = "Peru Support Group <website@perusupport.example>"


def publish(page):
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def make_bulletin(index, news_index, *, title="Peru Update 134", stories=None, **fields):
    if stories is None:
        stories = [
            NewsItemPageFactory(parent=news_index, title="Oil spill in the Marañón"),
            NewsItemPageFactory(parent=news_index, title="Las Bambas protest"),
        ]
    page = BulletinPageFactory(parent=index, title=title, summary="The month in Peru.", **fields)
    page.stories = [("story", story) for story in stories]
    return publish(page)


@pytest.fixture
def bulletin_index(home_page):
    return BulletinIndexPageFactory(parent=home_page)


@pytest.fixture
def bulletin(bulletin_index, news_index):
    return make_bulletin(bulletin_index, news_index)


def subscribers(n, language="en-gb", **fields):
    return [SubscriberFactory(language=language, **fields) for _ in range(n)]


def received_by(server):
    """{recipient: number of copies received}."""
    counts = {}
    for received in server.handler.messages:
        for recipient in received.recipients:
            counts[recipient] = counts.get(recipient, 0) + 1
    return counts


def header(message, name):
    """A header's value as sent, unfolded (a long one arrives on continuation lines)."""
    return " ".join(str(message[name]).split())


def parts(message):
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


class TestTheEmailAsReceived:
    def test_both_parts_and_every_header(
        self,
        smtp_server,
        bulletin_index,
        news_index,
        home_page,
        django_capture_on_commit_callbacks,
        settings,
    ):
        settings.BULLETIN_UNSUBSCRIBE_EMAIL = "unsubscribe@perusupport.example"
        about = NewsItemPageFactory(parent=news_index, title="About the campaign")
        image = Image.objects.create(title="Marañón", file=get_test_image_file(size=(800, 600)))
        story = NewsItemPageFactory(parent=news_index, title="Oil spill in the Marañón")
        page = BulletinPageFactory(parent=bulletin_index, title="Peru Update 134", summary="")
        page.editorial = [
            ("heading", {"text": "A hard month", "level": "h2"}),
            (
                "paragraph",
                RichText(
                    f'<p>Read <a linktype="page" id="{about.pk}">our campaign</a> and '
                    '<a href="https://www.amnesty.org/">Amnesty</a>.</p>'
                ),
            ),
            ("quote", {"text": "We want clean water.", "attribution": "A leader in Saramurillo"}),
            ("image", {"image": image, "caption": "The river", "credit": ""}),
        ]
        page.stories = [("story", story)]
        publish(page)
        ana, luis = subscribers(2)

        with django_capture_on_commit_callbacks(execute=True):
            sending.start_send(page, None)

        assert received_by(smtp_server) == {ana.email: 1, luis.email: 1}
        message = smtp_server.handler.to(ana.email)[0]
        assert header(message, "Subject") == "Peru Update 134"
        assert parseaddr(message["From"])[1] == "website@perusupport.example"
        own = manage_url(ana)
        assert own.startswith("http://localhost/subscribe/manage/")
        assert header(message, "List-Unsubscribe") == (
            f"<{own}>, <mailto:unsubscribe@perusupport.example?subject=unsubscribe>"
        )
        assert header(message, "List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"
        assert header(message, "List-Id") == "Peru Update <peru-update.perusupport.example>"
        delivery = BulletinDelivery.objects.get(recipient=ana.email)
        assert header(message, "Message-ID") == (
            f"<bulletin-{delivery.pk}.{delivery.created_at:%Y%m%d%H%M%S}@perusupport.example>"
        )
        # Without a mailbox to read them, no unsubscribe by email: the one-click link only.
        settings.BULLETIN_UNSUBSCRIBE_EMAIL = ""
        bare = bulletin_email.message(
            bulletin_email.edition_for_send(delivery.send),
            recipient=ana.email,
            manage_url=own,
            message_id="<x@perusupport.example>",
        )
        assert bare.extra_headers["List-Unsubscribe"] == f"<{own}>"
        # Each subscriber's own link, in the header and in both parts.
        assert manage_url(luis) in header(smtp_server.handler.to(luis.email)[0], "List-Unsubscribe")
        assert own not in str(smtp_server.handler.to(luis.email)[0])

        text, html = parts(message)
        assert message.get_body(preferencelist=("html",)).get_content_type() == "text/html"
        for words in ("Peru Update 134", "A HARD MONTH", "We want clean water.", "Amnesty"):
            assert words in text
        assert f"our campaign ({about.full_url})" in text
        assert "Oil spill in the Marañón" in text and story.full_url in text
        assert own in text and own in html
        assert "Change your language or unsubscribe" in html
        assert "Peru Support Group" in text
        # The preheader: the editorial's first words where there is no summary.
        assert "A hard month" in html.split("<table", 1)[0]

        links = re.findall(r'href="([^"]*)"', html)
        assert links and all(link.startswith(("http://", "https://")) for link in links), links
        assert about.full_url in links and "https://www.amnesty.org/" in links
        assert story.full_url in links and page.full_url in links and own in links
        # The editorial's picture, absolute, with its alt text; nothing else to load.
        images = re.findall(r"<img [^>]*>", html)
        assert len(images) == 1
        assert re.search(r'src="http://localhost/media/images/[^"]+\.jpg"', images[0])
        assert 'alt="' in images[0]
        assert "<style" not in html and "<link" not in html and "<script" not in html
        assert 'style="' in html  # inline styles instead

    def test_spanish_bulletin_in_spanish_to_spanish_subscribers_only(
        self,
        smtp_server,
        home_page,
        spanish_home,
        bulletin_index,
        news_index,
        django_capture_on_commit_callbacks,
    ):
        index_es = translate(bulletin_index, spanish_home.locale, title="Peru Update")
        page = BulletinPageFactory(parent=index_es, title="Peru Update 65", summary="El mes.")
        publish(page)
        (english,) = subscribers(1)
        (spanish,) = subscribers(1, language="es")

        with django_capture_on_commit_callbacks(execute=True):
            send = sending.start_send(page, None)

        assert send.language == "es" and send.recipients == 1
        assert received_by(smtp_server) == {spanish.email: 1}
        message = smtp_server.handler.to(spanish.email)[0]
        text, html = parts(message)
        assert "Cambiar su idioma o darse de baja" in html, html
        assert "Change your language" not in html and "Change your language" not in text
        assert manage_url(spanish).startswith("http://localhost/es/")
        assert manage_url(spanish) in header(message, "List-Unsubscribe")
        assert '<html lang="es">' in html

    def test_only_confirmed_subscribers_of_the_language_each_exactly_once(
        self, smtp_server, bulletin, django_capture_on_commit_callbacks
    ):
        wanted = subscribers(3) + subscribers(1, language="en")
        subscribers(1, status=Status.PENDING)
        subscribers(1, status=Status.UNSUBSCRIBED)
        subscribers(1, status=Status.SUPPRESSED)
        subscribers(2, language="es")

        assert sending.count_recipients(bulletin) == 4
        with django_capture_on_commit_callbacks(execute=True):
            send = sending.start_send(bulletin, None)

        assert received_by(smtp_server) == {s.email: 1 for s in wanted}
        assert send.recipients == 4
        assert send.progress() == {"pending": 0, "sent": 4, "failed": 0}

    def test_a_private_or_draft_story_never_appears(
        self, smtp_server, bulletin_index, news_index, django_capture_on_commit_callbacks
    ):
        public = NewsItemPageFactory(parent=news_index, title="Public story")
        private = NewsItemPageFactory(parent=news_index, title="Private story")
        PageViewRestriction.objects.create(
            page=private, restriction_type=PageViewRestriction.PASSWORD, password="secret"
        )
        draft = NewsItemPageFactory(parent=news_index, title="Draft story", live=False)
        page = make_bulletin(bulletin_index, news_index, stories=[public, private, draft])
        (reader,) = subscribers(1)

        with django_capture_on_commit_callbacks(execute=True):
            sending.start_send(page, None)

        text, html = parts(smtp_server.handler.to(reader.email)[0])
        assert "Public story" in text and "Public story" in html
        for hidden in ("Private story", "Draft story"):
            assert hidden not in text and hidden not in html

    def test_rendered_once_per_send_from_the_revision_recorded(
        self, smtp_server, bulletin, settings, django_capture_on_commit_callbacks
    ):
        settings.BULLETIN_EMAIL_DELIVERY = "command"
        readers = subscribers(3)
        with django_capture_on_commit_callbacks(execute=True):
            sending.start_send(bulletin, None)
        # An editor publishes a change after the send started: those waiting get what was sent.
        bulletin.title = "Changed afterwards"
        publish(bulletin)

        with mock.patch.object(bulletin_email, "render", wraps=bulletin_email.render) as render:
            call_command("send_bulletins", verbosity=0)
        assert render.call_count == 1
        assert received_by(smtp_server) == {r.email: 1 for r in readers}
        subjects = {header(m.message, "Subject") for m in smtp_server.handler.messages}
        assert subjects == {"Peru Update 134"}


class TestStarting:
    @pytest.fixture(autouse=True)
    def in_english(self):
        # The refusals speak the editor's language; whatever an earlier test left active.
        with translation.override("en-gb"):
            yield

    def test_a_bulletin_is_sent_once_only(self, bulletin, django_capture_on_commit_callbacks):
        subscribers(2)
        with django_capture_on_commit_callbacks(execute=True):
            sending.start_send(bulletin, None)
        with pytest.raises(sending.SendRefused, match="already been sent"):
            sending.start_send(bulletin, None)
        # Two editors at once: the second passes the check, the database still says no.
        with (
            mock.patch.object(sending, "refusal", return_value=""),
            pytest.raises(sending.SendRefused, match="already been sent"),
        ):
            sending.start_send(bulletin, None)
        assert BulletinSend.objects.count() == 1
        assert BulletinDelivery.objects.count() == 2

    def test_a_draft_or_unpublished_bulletin_is_not_sent(self, bulletin_index, news_index):
        subscribers(2)
        draft = BulletinPageFactory(parent=bulletin_index, live=False)
        draft.save_revision()
        with pytest.raises(sending.SendRefused, match="not published"):
            sending.start_send(draft, None)
        with pytest.raises(sending.SendRefused, match="not published"):
            sending.send_test(draft, "editor@example.org")
        published = make_bulletin(bulletin_index, news_index, title="Peru Update 135")
        published.unpublish()
        with pytest.raises(sending.SendRefused, match="not published"):
            sending.start_send(published, None)
        assert not BulletinSend.objects.exists()

    def test_a_private_bulletin_is_not_sent(self, bulletin, bulletin_index):
        subscribers(2)
        restriction = PageViewRestriction.objects.create(
            page=bulletin_index, restriction_type=PageViewRestriction.PASSWORD, password="x"
        )
        with pytest.raises(sending.SendRefused, match="private"):
            sending.start_send(bulletin, None)
        restriction.delete()
        sending.start_send(bulletin, None)  # positive control
        assert BulletinSend.objects.count() == 1

    @pytest.mark.parametrize("withdraw", ["unpublish", "make private", "delete"])
    def test_a_bulletin_withdrawn_half_way_stops_its_emails(
        self, smtp_server, bulletin, settings, django_capture_on_commit_callbacks, withdraw
    ):
        settings.BULLETIN_EMAIL_DELIVERY = "command"
        subscribers(4)
        with django_capture_on_commit_callbacks(execute=True):
            send = sending.start_send(bulletin, None)
        sending.send_due(limit=1)
        assert len(smtp_server.handler.messages) == 1
        if withdraw == "unpublish":
            bulletin.unpublish()
        elif withdraw == "make private":
            PageViewRestriction.objects.create(
                page=bulletin, restriction_type=PageViewRestriction.PASSWORD, password="x"
            )
        else:
            bulletin.delete()  # a sent bulletin may be deleted: its send stays on record
        call_command("send_bulletins", verbosity=0)
        assert len(smtp_server.handler.messages) == 1
        send.refresh_from_db()
        assert send.title == "Peru Update 134"
        assert send.progress() == {"pending": 0, "sent": 1, "failed": 3}

    def test_with_command_delivery_nothing_goes_until_the_command_runs(
        self, smtp_server, bulletin, settings, django_capture_on_commit_callbacks
    ):
        settings.BULLETIN_EMAIL_DELIVERY = "command"
        readers = subscribers(2)
        with django_capture_on_commit_callbacks(execute=True):
            sending.start_send(bulletin, None)
        assert smtp_server.handler.messages == []
        call_command("send_bulletins", verbosity=0)
        assert received_by(smtp_server) == {r.email: 1 for r in readers}


class TestRefusals:
    def test_temporary_refusal_retried_later_permanent_one_given_up_and_suppressed(
        self, smtp_server, bulletin, settings, django_capture_on_commit_callbacks, caplog
    ):
        settings.BULLETIN_EMAIL_DELIVERY = "command"
        busy, gone, fine = subscribers(3)
        smtp_server.handler.refuse[busy.email] = "450 4.2.1 Mailbox busy, try later"
        smtp_server.handler.refuse[gone.email] = "550 5.1.1 No such mailbox"
        with django_capture_on_commit_callbacks(execute=True):
            sending.start_send(bulletin, None)

        call_command("send_bulletins", verbosity=0)
        assert received_by(smtp_server) == {fine.email: 1}
        gone_row = BulletinDelivery.objects.get(recipient=gone.email)
        assert (gone_row.state, gone_row.attempts) == (State.FAILED, 1)
        assert "550" in gone_row.last_error
        # The server's words name the address; neither the row's error nor the log keeps it.
        assert gone.email not in gone_row.last_error and "(address)" in gone_row.last_error
        assert "550" in caplog.text and gone.email not in caplog.text
        gone.refresh_from_db()
        assert gone.status == Status.SUPPRESSED and Suppression.holds(gone.email)
        busy_row = BulletinDelivery.objects.get(recipient=busy.email)
        assert (busy_row.state, busy_row.attempts) == (State.PENDING, 1)
        assert "450" in busy_row.last_error and busy_row.next_attempt_at > timezone.now()
        busy.refresh_from_db()
        assert busy.status == Status.SUBSCRIBED and not Suppression.holds(busy.email)

        # Not before its retry is due...
        call_command("send_bulletins", verbosity=0)
        assert received_by(smtp_server) == {fine.email: 1}
        # ...then, the mailbox free again, it goes, once; the refused address never does.
        del smtp_server.handler.refuse[busy.email]
        BulletinDelivery.objects.filter(pk=busy_row.pk).update(next_attempt_at=timezone.now())
        call_command("send_bulletins", verbosity=0)
        call_command("send_bulletins", verbosity=0)
        assert received_by(smtp_server) == {fine.email: 1, busy.email: 1}
        assert BulletinSend.objects.get().progress() == {"pending": 0, "sent": 2, "failed": 1}

    def test_a_subscriber_who_left_before_it_went_is_not_sent_it(
        self, smtp_server, bulletin, settings, django_capture_on_commit_callbacks
    ):
        settings.BULLETIN_EMAIL_DELIVERY = "command"
        stays, leaves, deleted, suppressed = subscribers(4)
        with django_capture_on_commit_callbacks(execute=True):
            sending.start_send(bulletin, None)
        Subscriber.objects.filter(pk=leaves.pk).update(status=Status.UNSUBSCRIBED)
        deleted.delete()
        Suppression.add(suppressed.email, Suppression.Reason.MANUAL)

        output = io.StringIO()
        call_command("send_bulletins", stdout=output)
        assert output.getvalue() == "Sent 1 bulletin email(s); 0 failed; 3 no longer to be sent.\n"
        assert received_by(smtp_server) == {stays.email: 1}
        errors = dict(
            BulletinDelivery.objects.filter(state=State.FAILED).values_list(
                "recipient", "last_error"
            )
        )
        assert "status became 'Unsubscribed'" in errors[leaves.email]
        assert "deleted" in errors[deleted.email]
        assert "suppression list" in errors[suppressed.email]

    def test_the_pace_spaces_messages_evenly(self):
        pace = Pace(per_minute=600)  # one every 0.1 s
        began = time.monotonic()
        for _ in range(4):
            pace.wait()
        assert 0.29 < time.monotonic() - began < 1
        free = Pace(per_minute=0)
        began = time.monotonic()
        for _ in range(100):
            free.wait()
        assert time.monotonic() - began < 0.05


class TestBouncesFromTheProvider:
    def event(self, event_type, recipient, **kwargs):
        tracking.send(
            sender=object,
            event=AnymailTrackingEvent(event_type=event_type, recipient=recipient, **kwargs),
            esp_name="Postmark",
        )

    def test_bounces_and_complaints_stop_mail_to_the_address(self, db):
        bounced, complained, deferred, rejected_by_policy = subscribers(4)
        self.event("bounced", bounced.email, reject_reason="bounced")
        self.event("complained", complained.email.upper())
        self.event("deferred", deferred.email)
        self.event("rejected", rejected_by_policy.email, reject_reason="blocked")

        statuses = dict(Subscriber.objects.values_list("email", "status"))
        assert statuses == {
            bounced.email: Status.SUPPRESSED,
            complained.email: Status.SUPPRESSED,
            deferred.email: Status.SUBSCRIBED,
            rejected_by_policy.email: Status.SUBSCRIBED,
        }
        reasons = dict(Suppression.objects.values_list("address_hash", "reason"))
        assert reasons == {
            address_hash(bounced.email): "bounced",
            address_hash(complained.email): "complained",
        }


def staff(group_name, username):
    user = User.objects.create_user(username, f"{username}@example.org", "a long password")
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def roles(home_page):
    call_command("setup_roles", verbosity=0)


@pytest.fixture
def editor_client(client, roles):
    client.force_login(staff(setup_roles.EDITORS, "edmund"))
    return client


class TestTheAdmin:
    def url(self, page, action=""):
        return f"/admin/bulletins/{page.pk}/send/" + (f"{action}/" if action else "")

    def test_a_test_copy_goes_to_the_editor_and_is_not_a_send(
        self, editor_client, smtp_server, bulletin
    ):
        subscribers(2)
        page = editor_client.get(self.url(bulletin))
        assert page.status_code == 200
        assert b"Send a test to me (edmund@example.org)" in page.content
        assert b"Send to 2 confirmed subscribers in English" in page.content
        assert editor_client.get(self.url(bulletin, "test")).status_code == 405

        response = editor_client.post(self.url(bulletin, "test"), follow=True)
        assert b"A test copy is on its way to edmund@example.org" in response.content
        assert site_mail.wait_until_idle(timeout=30)
        assert received_by(smtp_server) == {"edmund@example.org": 1}
        message = smtp_server.handler.messages[0].message
        assert header(message, "Subject") == "[Test] Peru Update 134"
        assert "List-Unsubscribe-Post" not in message
        assert "List-Unsubscribe" not in message  # no subscriber, and no mailbox set
        text, html = parts(message)
        assert "Oil spill in the Marañón" in text and "Oil spill in the Marañón" in html
        assert not BulletinSend.objects.exists()

    def test_the_confirmation_states_the_count_and_only_a_post_sends(
        self, editor_client, smtp_server, bulletin, django_capture_on_commit_callbacks
    ):
        readers = subscribers(3)
        subscribers(1, language="es")
        confirm = editor_client.get(self.url(bulletin, "confirm"))
        assert confirm.status_code == 200
        content = confirm.content.decode()
        assert "to <strong>3 confirmed subscribers in English</strong>" in content
        assert "This cannot be undone" in content
        assert 'name="csrfmiddlewaretoken"' in content
        assert not BulletinSend.objects.exists() and smtp_server.handler.messages == []

        with django_capture_on_commit_callbacks(execute=True):
            response = editor_client.post(self.url(bulletin, "confirm"))
        assert response.status_code == 302 and response["Location"] == self.url(bulletin)
        assert received_by(smtp_server) == {r.email: 1 for r in readers}

        progress = editor_client.get(self.url(bulletin)).content.decode()
        assert "Sent by edmund on" in progress
        assert re.search(r'data-progress="sent">3<', progress)
        assert re.search(r'data-progress="pending">0<', progress)
        # Sending again is refused, with a message, and sends nothing.
        again = editor_client.post(self.url(bulletin, "confirm"), follow=True)
        assert b"already been sent" in again.content
        assert len(smtp_server.handler.messages) == 3

    def test_only_those_who_may_publish_it_may_send_it(self, client, roles, bulletin):
        client.force_login(staff(setup_roles.WRITERS, "wendy"))
        for action in ("", "confirm", "test"):
            assert client.get(self.url(bulletin, action)).status_code in (403, 405)
            assert client.post(self.url(bulletin, action)).status_code == 403
        assert not BulletinSend.objects.exists()

    def test_a_draft_cannot_be_sent(self, editor_client, bulletin_index):
        draft = BulletinPageFactory(parent=bulletin_index, live=False)
        draft.save_revision()
        subscribers(1)
        page = editor_client.get(self.url(draft)).content.decode()
        assert "This bulletin is not published" in page
        assert "Send to 1" not in page and "Send a test" not in page
        confirm = editor_client.get(self.url(draft, "confirm"), follow=True)
        assert b"This bulletin is not published" in confirm.content
        editor_client.post(self.url(draft, "confirm"))
        assert not BulletinSend.objects.exists()

    def test_reached_from_the_bulletins_edit_page_and_the_listing(
        self, editor_client, bulletin, news_index
    ):
        edit = editor_client.get(f"/admin/pages/{bulletin.pk}/edit/").content.decode()
        assert self.url(bulletin) in edit and "Send Peru Update" in edit
        other = editor_client.get(f"/admin/pages/{news_index.pk}/edit/").content.decode()
        assert "Send Peru Update" not in other
        listing = editor_client.get(f"/admin/pages/{bulletin.get_parent().pk}/").content.decode()
        assert self.url(bulletin) in listing

    def test_a_page_that_is_not_a_bulletin_is_not_found(self, editor_client, news_index):
        assert editor_client.get(self.url(news_index)).status_code == 404


@dataclass
class HoldingHandler(Handler):
    """Keeps the sender waiting for its reply to the `hold_at`th RCPT: a sender killed then has
    recorded every message before it as sent, and this one is not accepted."""

    hold_at: int = 0
    rcpts: int = 0
    held: threading.Event = field(default_factory=threading.Event)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.rcpts += 1
        if self.rcpts == self.hold_at:
            self.held.set()
            await asyncio.sleep(60)
        return await super().handle_RCPT(server, session, envelope, address, rcpt_options)


def database_of_this_test():
    """The test database, for a process of its own."""
    database = connection.settings_dict
    if database["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{database['NAME']}"
    user = database["USER"] + (f":{database['PASSWORD']}" if database["PASSWORD"] else "")
    return f"postgres://{user}@{database['HOST']}:{database['PORT'] or 5432}/{database['NAME']}"


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_send_killed_half_way_resumes_with_no_duplicate_and_no_one_skipped(settings, tmp_path):
    settings.BULLETIN_EMAIL_DELIVERY = "command"
    home = default_home_page()
    index = BulletinIndexPageFactory(parent=home)
    news_index = NewsIndexPageFactory(parent=home)
    bulletin = make_bulletin(index, news_index)
    readers = subscribers(30)
    sending.start_send(bulletin, None)

    with SMTPServer(HoldingHandler(hold_at=12)) as server:
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.bulletin_send_settings",
            "DATABASE_URL": database_of_this_test(),
            "TEST_SMTP_PORT": str(server.port),
        }
        command = [sys.executable, "manage.py", "send_bulletins"]
        with open(tmp_path / "output", "w") as output:
            process = subprocess.Popen(
                command, cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT
            )
            try:
                assert server.handler.held.wait(timeout=60), (tmp_path / "output").read_text()
            finally:
                process.send_signal(signal.SIGKILL)
                process.wait(timeout=10)
        # Killed half-way: 11 sent and recorded, the 12th claimed, the rest waiting.
        assert len(server.handler.messages) == 11
        assert BulletinSend.objects.get().progress() == {"pending": 19, "sent": 11, "failed": 0}
        claimed = BulletinDelivery.objects.get(state=State.PENDING, attempts=1)
        assert claimed.next_attempt_at > timezone.now()

        # The next run (cron, a minute later) sends the rest, but not the claimed one: its lease
        # has not run out, as it would not have if that sender were still at work.
        run = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True)
        assert run.stdout == "Sent 18 bulletin email(s); 0 failed.\n", run.stderr
        # Once the lease has run out, it goes too.
        BulletinDelivery.objects.filter(pk=claimed.pk).update(
            next_attempt_at=timezone.now() - datetime.timedelta(seconds=1)
        )
        run = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True)
        assert run.stdout == "Sent 1 bulletin email(s); 0 failed.\n", run.stderr

        assert received_by(server) == {reader.email: 1 for reader in readers}
        assert BulletinSend.objects.get().progress() == {"pending": 0, "sent": 30, "failed": 0}


@pytest.mark.parametrize("secret", ["hooks:a-long-random-secret", ""])
def test_the_providers_webhooks_are_routed_only_when_set_up(secret):
    code = (
        "import django; django.setup(); from django.urls import resolve; "
        "print(resolve('/anymail/postmark/tracking/').url_name)"
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "ANYMAIL_WEBHOOK_SECRET": secret,
    }
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    # Without it, the address is only a page address like any other (a 404).
    expected = "postmark_tracking_webhook" if secret else "wagtail_serve"
    assert run.stdout.strip() == expected, run.stderr
