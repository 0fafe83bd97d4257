"""The contact page and its form: every message is stored before anything else and mailed to the
contact email after the commit; a mail failure is logged, the message kept and retried; a
flood is kept aside as suspected spam; bad input gets a clear message, never a 500; the page
with its form is private while every other page stays public; editors read messages in the
admin; they are deleted after CONTACT_MESSAGE_RETENTION_DAYS; and the demo's contact page is
this page type, keeping its words."""

import datetime
import io
import logging
import smtplib
import time
from unittest import mock

from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from wagtail.models import Site
from wagtail.test.utils import WagtailPageTestCase

import pytest

from contact.forms import STARTED_SALT, started_token
from contact.models import ContactEmail, ContactMessage, ContactPage
from core.models import ThrottleEvent
from demo import content as demo_content
from home.models import SiteSettings, StandardPage
from members.models import MembershipSettings
from tests.conftest import shared_across_tests, translate
from tests.factories import ContactPageFactory, StandardPageFactory
from tests.test_members_emails import fake_smtp, use_smtp  # noqa: F401 (fixture)
from tests.test_roles_workflow import editor, logged_in, roles, secretary  # noqa: F401

PRIVATE = "private, no-store"
PUBLIC = "public, max-age=60, s-maxage=600"
State = ContactEmail.State


@pytest.fixture
def organisation(home_page):
    return SiteSettings.for_site(home_page.get_site())


@pytest.fixture
def contact_email(organisation):
    organisation.contact_email = "office@psg.example"
    organisation.save()
    return organisation.contact_email


@pytest.fixture
def privacy_page(home_page):
    privacy = StandardPageFactory(parent=home_page, title="Privacy", slug="privacy")
    membership_settings = MembershipSettings.for_site(home_page.get_site())
    membership_settings.privacy_page = privacy
    membership_settings.save()
    return privacy


@pytest.fixture
def contact_page(home_page):
    return ContactPageFactory(parent=home_page)


@pytest.fixture
def spanish_contact_page(contact_page, spanish_home, spanish):
    return translate(contact_page, spanish, title="Contacto", slug="contacto")


@pytest.fixture
def clock(monkeypatch):
    """Move time on, as far as the retry schedule and retention are concerned."""
    offset = [datetime.timedelta()]
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + offset[0])

    def advance(**kwargs):
        offset[0] += datetime.timedelta(**kwargs)

    return advance


def started(seconds_ago=10):
    """The token of a form shown `seconds_ago`."""
    with mock.patch("time.time", return_value=time.time() - seconds_ago):
        return started_token()


def message(**overrides):
    data = {
        "name": "Rosa Quispe",
        "email": "rosa@example.org",
        "message": "Your item on Saramurillo names the wrong river.\r\nIt is the Marañón.",
        "started": started(),
        "leave_blank": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def send(client, django_capture_on_commit_callbacks):
    """Post the form as a reader would; the email goes after the response, as in production.
    Returns the response and whether the message was stored before any mail was sent."""

    def post(data, path="/contact/", **kwargs):
        sent_before = len(mail.outbox)
        with django_capture_on_commit_callbacks() as callbacks:
            response = client.post(path, data, **kwargs)
        # Nothing is sent while the reader waits for the answer...
        assert len(mail.outbox) == sent_before
        stored_first = ContactMessage.objects.count()
        # ...and the message's email goes once it is committed.
        for callback in callbacks:
            callback()
        response.stored_before_mail = stored_first
        return response

    return post


def sends(*args):
    out = io.StringIO()
    call_command("send_contact_emails", *args, stdout=out)
    return out.getvalue()


class TestThePage:
    def test_shows_its_words_then_a_labelled_form_that_links_the_privacy_notice(
        self, client, contact_page, privacy_page
    ):
        html = client.get("/contact/").content.decode()
        assert "How to get in touch." in html
        assert '<h2 id="form-heading">Send us a message</h2>' in html
        for name, autocomplete in [("name", "name"), ("email", "email")]:
            assert f'<label for="id_{name}">' in html
            assert f'autocomplete="{autocomplete}"' in html
        assert '<label for="id_message">Your message</label>' in html
        assert 'maxlength="5000"' in html
        assert "csrfmiddlewaretoken" in html
        assert (
            "and delete them 180 days after they arrive, as our "
            '<a href="/privacy/">privacy notice</a> explains.' in html
        )

    def test_speaks_to_the_sender_not_in_the_editors_words(self, client, spanish_contact_page):
        for address in ("/contact/", "/es/contacto/"):
            html = client.get(address).content.decode()
            # The messages admin's help texts stay there.
            assert "as they gave it" not in html and "What they wrote" not in html, address
        # Control: the form's own hint for the sender is there.
        assert "We will reply to this address." in client.get("/contact/").content.decode()

    def test_without_a_privacy_notice_chosen_it_names_it_without_a_link(self, client, contact_page):
        html = client.get("/contact/").content.decode()
        assert "as our privacy notice explains." in html

    def test_in_spanish(self, client, spanish_contact_page):
        html = client.get("/es/contacto/").content.decode()
        assert "Envíenos un mensaje" in html
        assert '<label for="id_name">Su nombre</label>' in html
        assert "Enviar mi mensaje" in html

    def test_the_page_with_its_form_is_private_while_other_pages_stay_public(
        self, client, home_page, contact_page
    ):
        about = StandardPageFactory(parent=home_page, title="About", slug="about")
        response = client.get("/contact/")
        assert response.cookies  # the CSRF cookie
        assert response["Cache-Control"] == PRIVATE
        # Even for a reader who already holds a CSRF cookie (no new cookie is set).
        again = client.get("/contact/")
        assert again["Cache-Control"] == PRIVATE
        # Every other page only links to it, and stays public.
        for path in ("/", about.url, "/contact/thanks/"):
            response = client.get(path)
            assert response["Cache-Control"] == PUBLIC, path
            assert not response.cookies, path
        assert 'href="/contact/"' in client.get("/").content.decode()

    def test_other_methods_are_refused(self, client, contact_page):
        assert client.put("/contact/").status_code == 405
        assert client.head("/contact/").status_code == 200


class TestAMessage:
    def test_is_stored_first_then_mailed_to_the_contact_email_after_the_commit(
        self, send, contact_page, contact_email
    ):
        response = send(message())
        assert (response.status_code, response["Location"]) == (302, "/contact/thanks/")
        assert response.stored_before_mail == 1
        stored = ContactMessage.objects.get()
        assert (stored.name, stored.email, stored.status) == (
            "Rosa Quispe",
            "rosa@example.org",
            "new",
        )
        assert stored.message == (
            "Your item on Saramurillo names the wrong river.\nIt is the Marañón."
        )
        assert stored.language == "en-gb"
        [email] = mail.outbox
        assert email.to == ["office@psg.example"]
        assert email.reply_to == ["rosa@example.org"]
        assert email.subject == "Message from the website: Rosa Quispe"
        assert "It is the Marañón." in email.body
        assert f"/admin/snippets/contact/contactmessage/inspect/{stored.pk}/" in email.body
        assert stored.notification.state == State.SENT

    def test_purges_no_cache_readers_see(
        self, client, contact_page, contact_email, organisation, django_capture_on_commit_callbacks
    ):
        # The first visit makes the membership settings (whose privacy notice the form links),
        # which, like any new setting, purges.
        client.get("/contact/")
        with mock.patch("core.frontend_cache.purge_everything") as purge:
            with django_capture_on_commit_callbacks(execute=True):
                client.post("/contact/", message())
            assert ContactMessage.objects.count() == 1
            purge.assert_not_called()
            # Whereas a change readers see does purge.
            with django_capture_on_commit_callbacks(execute=True):
                organisation.charity_number = "1234567"
                organisation.save()
            purge.assert_called_once()

    def test_the_thank_you_page_promises_nothing_more(self, client, send, contact_page):
        send(message())
        html = client.get("/contact/thanks/").content.decode()
        assert "Your message has reached us." in html

    def test_sent_in_spanish_it_is_kept_with_its_language_and_mailed_in_english(
        self, client, send, spanish_contact_page, contact_email
    ):
        response = send(message(), path="/es/contacto/")
        assert response["Location"] == "/es/contacto/thanks/"
        assert ContactMessage.objects.get().language == "es"
        assert mail.outbox[0].subject.startswith("Message from the website")
        assert "Gracias por su mensaje" in client.get("/es/contacto/thanks/").content.decode()

    def test_without_a_contact_email_it_is_kept_for_the_admin_and_nothing_is_sent(
        self, send, contact_page, caplog
    ):
        with caplog.at_level(logging.WARNING, logger="contact.notifications"):
            response = send(message())
        assert response.status_code == 302
        stored = ContactMessage.objects.get()
        assert mail.outbox == []
        assert "No contact email is set" in caplog.text
        assert stored.email_record == (
            "Not sent: no contact email was set in Settings → Site settings."
        )

    def test_a_mail_failure_is_logged_the_message_kept_and_sent_later(
        self, send, contact_page, contact_email, clock, caplog
    ):
        down = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        with (
            mock.patch.object(mail.EmailMessage, "send", side_effect=down),
            caplog.at_level(logging.WARNING, logger="contact.notifications"),
        ):
            response = send(message())
        # The reader is thanked: the message is safe.
        assert (response.status_code, response["Location"]) == (302, "/contact/thanks/")
        stored = ContactMessage.objects.get()
        email = stored.notification
        assert (email.state, email.attempts) == (State.PENDING, 1)
        assert email.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"
        assert f"Could not send the email about contact message {stored.pk}" in caplog.text
        assert "rosa@example.org" not in caplog.text  # no personal data in the log
        # The mail server is back: cron's command sends it once its retry is due.
        assert sends() == ""
        clock(minutes=1, seconds=1)
        assert sends() == "Sent 1 contact message email(s); 0 failed.\n"
        assert [m.to for m in mail.outbox] == [["office@psg.example"]]
        assert sends() == ""

    def test_reaches_a_real_mail_server(
        self,
        send,
        contact_page,
        contact_email,
        settings,
        fake_smtp,  # noqa: F811
    ):
        use_smtp(settings, fake_smtp.server_address[1], timeout=5)
        send(message(name="José Núñez"))
        [(sender, recipients, received)] = fake_smtp.messages
        assert recipients == ["office@psg.example"]
        assert received["Subject"] == "Message from the website: José Núñez"
        assert received["Reply-To"] == "rosa@example.org"
        assert "It is the Marañón." in received.get_content()

    @pytest.mark.parametrize(
        "overrides, reason",
        [
            ({"leave_blank": "https://spam.example"}, "trap"),
            ({"started": "one second ago"}, "too_fast"),
            ({"started": None}, "bad_token"),
        ],
    )
    def test_one_that_looks_automated_is_kept_aside_and_never_mailed(
        self, send, client, contact_page, contact_email, overrides, reason
    ):
        if overrides.get("started") == "one second ago":
            overrides = {"started": started(seconds_ago=1)}
        response = send(message(**overrides))
        assert response["Location"] == "/contact/received/"
        stored = ContactMessage.objects.get()
        assert (stored.status, stored.spam_reason) == ("suspected", reason)
        assert mail.outbox == []
        assert not ContactEmail.objects.exists()
        assert (
            "There is no need to send it again" in client.get("/contact/received/").content.decode()
        )

    def test_a_forged_timing_token_counts_as_automated(self, send, contact_page):
        from django.core import signing

        forged = signing.dumps(time.time() - 60, salt="members.join-form.started")
        assert signing.loads(started(), salt=STARTED_SALT)  # a real one is read
        send(message(started=forged))
        assert ContactMessage.objects.get().spam_reason == "bad_token"


class TestBadInput:
    @pytest.mark.parametrize(
        "overrides, field, error",
        [
            ({"name": ""}, "name", "Enter your name."),
            ({"email": ""}, "email", "Enter your email address."),
            ({"email": "rosa@"}, "email", "Enter an email address like name@example.org."),
            ({"message": "  "}, "message", "Enter your message."),
            (
                {"name": "Rosa\r\nBcc: everyone@example.org"},
                "name",
                "Please use ordinary letters and punctuation only (one line).",
            ),
            (
                {"message": "Hello\x1b[31m"},
                "message",
                "Please use ordinary letters and punctuation only.",
            ),
            ({"message": "Hello\x00"}, "message", "Null characters are not allowed."),
            (
                {"name": "Rosa\u0085Quispe"},
                "name",
                "Please use ordinary letters and punctuation only (one line).",
            ),
            (
                {"name": "Rosa \u202eepsiuQ"},
                "name",
                "Please remove the hidden characters that change the direction of text.",
            ),
            (
                {"email": "rosa@exa\u2067mple.org"},
                "email",
                "Please remove the hidden characters that change the direction of text.",
            ),
            (
                {"message": "x" * 5001},
                "message",
                "Please shorten your message to at most 5000 characters (it has 5001).",
            ),
            ({"name": "R" * 201}, "name", "Enter a name of at most 200 characters."),
        ],
    )
    def test_gets_a_clear_message_keeps_what_was_typed_and_stores_nothing(
        self, send, contact_page, contact_email, overrides, field, error
    ):
        response = send(message(**overrides))
        assert response.status_code == 200
        html = response.content.decode()
        assert f'<li><a href="#id_{field}">{error}</a></li>' in html
        assert f'id="id_{field}_error"' in html
        assert "Please correct the 1 problem below" in html
        assert not ContactMessage.objects.exists() and mail.outbox == []
        if field != "email":
            assert 'value="rosa@example.org"' in html  # what was typed is kept
        assert response["Cache-Control"] == PRIVATE

    def test_in_spanish_the_messages_are_spanish(self, send, spanish_contact_page):
        html = send(message(name="", message=""), path="/es/contacto/").content.decode()
        assert "Ingrese su nombre." in html and "Escriba su mensaje." in html
        assert "Corrija los 2 problemas que se indican abajo" in html
        html = send(message(name="Rosa \u202eepsiuQ"), path="/es/contacto/").content.decode()
        assert "Quite los caracteres ocultos que cambian la dirección del texto." in html

    def test_a_post_with_nothing_at_all_is_answered_not_a_server_error(self, send, contact_page):
        response = send({})
        assert response.status_code == 200
        assert not ContactMessage.objects.exists()


class TestThrottling:
    def test_a_flood_from_one_address_is_kept_aside_as_suspected_not_refused(
        self, send, contact_page, contact_email, settings
    ):
        settings.CONTACT_POSTS_PER_HOUR = 2
        assert send(message(email="one@example.org"))["Location"] == "/contact/thanks/"
        assert send(message(email="two@example.org"))["Location"] == "/contact/thanks/"
        response = send(message(email="three@example.org"))
        assert response["Location"] == "/contact/received/"
        third = ContactMessage.objects.get(email="three@example.org")
        assert (third.status, third.spam_reason) == ("suspected", "rate")
        assert sorted(m.to[0] for m in mail.outbox) == [contact_email] * 2
        # Another address is not held up.
        other = send(message(email="four@example.org"), REMOTE_ADDR="198.51.100.7")
        assert other["Location"] == "/contact/thanks/"

    def test_only_messages_it_stores_count(self, send, contact_page, contact_email, settings):
        settings.CONTACT_POSTS_PER_HOUR = 2
        for _ in range(5):
            assert send(message(name="")).status_code == 200
        assert send(message())["Location"] == "/contact/thanks/"
        assert ContactMessage.objects.get().status == "new" and len(mail.outbox) == 1

    def test_the_join_form_and_the_contact_form_count_apart(self, send, contact_page, settings):
        settings.CONTACT_POSTS_PER_HOUR = 1
        assert send(message())["Location"] == "/contact/thanks/"
        assert send(message())["Location"] == "/contact/received/"
        # The contact form's posts used none of the join form's allowance.
        assert ThrottleEvent.objects.filter(scope="contact-form").count() == 2
        assert not ThrottleEvent.objects.filter(scope="join-form").exists()


class TestTheAdmin:
    def test_editors_read_messages_with_what_became_of_their_email(
        self,
        send,
        contact_page,
        contact_email,
        editor,  # noqa: F811
    ):
        send(message())
        stored = ContactMessage.objects.get()
        client = logged_in(editor)
        listing = client.get(reverse("wagtailsnippets_contact_contactmessage:list"))
        assert listing.status_code == 200
        assert "Rosa Quispe" in listing.content.decode()
        inspect = client.get(
            reverse("wagtailsnippets_contact_contactmessage:inspect", args=[stored.pk])
        ).content.decode()
        assert "It is the Marañón." in inspect
        assert "Sent to office@psg.example on" in inspect
        labels = client.get("/admin/").content.decode()
        assert '"label": "Messages"' in labels

    def test_messages_are_never_added_or_changed_only_deleted(
        self,
        send,
        contact_page,
        admin_client,
        editor,  # noqa: F811
    ):
        send(message())
        stored = ContactMessage.objects.get()
        for client in (logged_in(editor), admin_client):
            add = client.get(reverse("wagtailsnippets_contact_contactmessage:add"))
            edit = client.get(
                reverse("wagtailsnippets_contact_contactmessage:edit", args=[stored.pk])
            )
            assert add.status_code in (302, 403) and edit.status_code in (302, 403)
        delete = reverse("wagtailsnippets_contact_contactmessage:delete", args=[stored.pk])
        assert logged_in(editor).post(delete).status_code == 302
        assert not ContactMessage.objects.exists()

    def test_what_a_sender_wrote_is_shown_as_text_with_its_line_breaks(
        self, send, contact_page, admin_client
    ):
        send(message(message="<script>alert(1)</script>\r\nSecond line"))
        stored = ContactMessage.objects.get()
        html = admin_client.get(
            reverse("wagtailsnippets_contact_contactmessage:inspect", args=[stored.pk])
        ).content.decode()
        assert "<p>&lt;script&gt;alert(1)&lt;/script&gt;<br>Second line</p>" in html
        assert "<script>alert(1)" not in html

    def test_the_membership_secretary_does_not_see_them(
        self,
        send,
        contact_page,
        secretary,  # noqa: F811
    ):
        send(message())
        response = logged_in(secretary).get(reverse("wagtailsnippets_contact_contactmessage:list"))
        assert response.status_code in (302, 403)


class TestRetention:
    def purge(self, *args):
        out = io.StringIO()
        call_command("purge_contact_messages", *args, stdout=out)
        return out.getvalue()

    def test_messages_are_deleted_once_the_retention_period_has_passed(
        self, send, contact_page, contact_email, clock, settings
    ):
        send(message(name="Old"))
        clock(days=100)
        send(message(name="Recent", email="recent@example.org"))
        clock(days=81)
        assert "Deleted 1 contact message(s)" in self.purge()
        assert list(ContactMessage.objects.values_list("name", flat=True)) == ["Recent"]
        assert ContactEmail.objects.count() == 1  # the old one's went with it
        # The period is the setting's.
        settings.CONTACT_MESSAGE_RETENTION_DAYS = 30
        assert "1 contact message(s) received before" in self.purge("--dry-run")
        assert ContactMessage.objects.count() == 1
        assert "Deleted 1 contact message(s)" in self.purge()
        assert not ContactMessage.objects.exists()

    def test_a_bad_period_is_refused(self, db):
        with pytest.raises(CommandError, match="--days must be between 1 and 36500"):
            self.purge("--days", "0")

    def test_the_send_command_is_quiet_with_nothing_to_send(self, db):
        assert sends() == ""


class TestTheDemo:
    @pytest.fixture(scope="class")
    @classmethod
    def demo(cls, django_db_setup, django_db_blocker):
        # Loaded once for the class: each test's changes are rolled back.
        yield from shared_across_tests(
            django_db_blocker, lambda: call_command("load_demo_content", verbosity=0)
        )

    def test_the_demo_contact_page_is_a_contact_page_in_both_languages_with_its_words(
        self, demo, home_page, client
    ):
        title, slug, _, summary, paragraphs = next(
            page for page in demo_content.STANDARD_PAGES if page[1] == "contact"
        )
        page = ContactPage.objects.get(slug=slug)
        assert (page.title, page.summary) == (title, summary)
        assert [block.value.source for block in page.body] == paragraphs
        assert ContactPage.objects.filter(slug="contacto").exists()
        html = client.get("/contact/").content.decode()
        assert "naming the page&#x27;s address" in html or "naming the page's address" in html
        assert "Send us a message" in html
        assert "Envíenos un mensaje" in client.get("/es/contacto/").content.decode()
        # None of the charity's details is made up: the demo leaves them all empty.
        assert not ContactMessage.objects.exists()
        assert "Contact details" not in html
        # The footer still lists it, among the plain pages, in its place.
        footer = client.get("/").content.decode().split('class="footer-nav"')[1]
        assert footer.index(">About<") < footer.index(">Contact<") < footer.index(">Privacy<")


class TestAnEarlierDemo:
    def test_a_plain_contact_page_from_an_earlier_demo_becomes_a_contact_page(
        self, home_page, client
    ):
        title, slug, _, summary, paragraphs = next(
            page for page in demo_content.STANDARD_PAGES if page[1] == "contact"
        )
        about = StandardPageFactory(parent=home_page, slug="about", title="About")
        StandardPageFactory(
            parent=home_page,
            slug=slug,
            title=title,
            summary=summary,
            body=demo_content.body_paragraphs(paragraphs),
        )
        StandardPageFactory(parent=home_page, slug="privacy", title="Privacy")
        call_command("load_demo_content", verbosity=0)
        page = ContactPage.objects.get(slug=slug, locale=home_page.locale)
        assert (page.title, page.summary) == (title, summary)
        assert [block.value.source for block in page.body] == paragraphs
        # In the same place among its siblings, so the footer keeps its order.
        assert page.get_prev_sibling().pk == about.pk
        assert page.get_next_sibling().slug == "privacy"
        assert "Send us a message" in client.get("/contact/").content.decode()

    def test_a_contact_page_an_editor_changed_is_left_alone(self, home_page):
        title, slug, _, summary, paragraphs = next(
            page for page in demo_content.STANDARD_PAGES if page[1] == "contact"
        )
        edited = StandardPageFactory(
            parent=home_page,
            slug=slug,
            title=title,
            summary="Our own words.",
            body=demo_content.body_paragraphs(paragraphs),
        )
        err = io.StringIO()
        call_command("load_demo_content", verbosity=0, stderr=err)
        assert StandardPage.objects.get(pk=edited.pk).summary == "Our own words."
        assert not ContactPage.objects.filter(locale=home_page.locale).exists()
        assert "stays a plain page" in err.getvalue()


class TestEditing(WagtailPageTestCase):
    def test_the_page_and_its_thank_you_page_render(self):
        home = Site.objects.get(is_default_site=True).root_page.specific
        page = ContactPageFactory(parent=home)
        self.assertPageIsRenderable(page)
        self.assertPageIsRenderable(page, route_path="/thanks/")
        self.assertPageIsRenderable(page, route_path="/received/")
        # Its preview in the editor: tests/test_previews.py.
