"""Subscribing to Peru Update, from outside: the sign-up answers the same whatever the address,
the confirmation arrives (at a real SMTP server) in the reader's language with an absolute
link, the link confirms only when its button is pressed, and leaving takes one click, from the
page or from a mail program, with no sign-in."""

import re
import time
from decimal import Decimal
from unittest import mock

from django.core import signing
from django.test import Client

import pytest

from bulletins import subscriptions
from bulletins.forms import SHORT_FORM_CONSENT
from bulletins.models import Subscriber, Suppression
from core.outbox import site_mail
from members.forms import started_token
from members.models import MembershipSettings
from tests.conftest import translate
from tests.factories import (
    JoinPageFactory,
    MembershipTierFactory,
    StandardPageFactory,
    SubscriberFactory,
)

Status = Subscriber.Status
HERE, ELSEWHERE = "203.0.113.5", "198.51.100.7"
CHECK = "/subscribe/check-your-email/"
PUBLIC = "public, max-age=60, s-maxage=600"
PRIVATE = "private, no-store"
SAME_ORIGIN = {"HTTP_SEC_FETCH_SITE": "same-origin"}


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """Post to a subscription page as a browser on this site does; what is sent after the
    commit goes, as in production."""

    def post(path, data, ip=HERE, headers=SAME_ORIGIN, through=client):
        with django_capture_on_commit_callbacks(execute=True):
            return through.post(path, data, REMOTE_ADDR=ip, **headers)

    return post


@pytest.fixture
def sign_up(post):
    def sign_up(email, path="/subscribe/", **kwargs):
        data = {"email": email, "language": kwargs.pop("language", "")}
        data.update(kwargs.pop("data", {}))
        return post(path, data, **kwargs)

    return sign_up


@pytest.fixture
def privacy(home_page):
    notice = StandardPageFactory(parent=home_page, title="Privacy", slug="privacy")
    membership_settings = MembershipSettings.for_site(home_page.get_site())
    membership_settings.privacy_page = notice
    membership_settings.save()
    return notice


def shown_seconds_ago(seconds):
    """The join form's note of when it was shown (a person takes more than a few seconds)."""
    with mock.patch("time.time", return_value=time.time() - seconds):
        return started_token()


def received(smtp_server, address=None):
    assert site_mail.wait_until_idle(timeout=30)
    if address is None:
        return [m.message for m in smtp_server.handler.messages]
    return smtp_server.handler.to(address)


def bulletin_mail(smtp_server, address):
    """What went to `address` about Peru Update (not the membership application's email)."""
    return [m for m in received(smtp_server, address) if "Peru Update" in m["Subject"]]


def text_of(message):
    return message.get_body(("plain",)).get_content()


def html_of(message):
    return message.get_body(("html",)).get_content()


def link_in(message, name):
    found = re.findall(rf"http://localhost\S*/subscribe/{name}/\S+/", text_of(message))
    assert len(found) == 1, text_of(message)
    return found[0]


def path_of(url):
    return url.removeprefix("http://localhost")


class TestSigningUp:
    def test_the_page_has_the_form_and_is_nobody_elses(self, client, home_page, privacy):
        response = client.get("/subscribe/")
        html = response.content.decode()
        assert response.status_code == 200
        assert response["Cache-Control"] == PRIVATE
        assert '<label for="id_email">Email address</label>' in html
        assert 'autocomplete="email"' in html and 'autocomplete="name"' in html
        assert "Your name (optional)" in html
        # English is chosen on the English page, Spanish on the Spanish one.
        assert re.search(r'value="en-gb"[^>]*checked', html)
        assert re.search(r'value="es"[^>]*checked', client.get("/es/subscribe/").content.decode())
        # The consent's words link the privacy notice chosen in Membership settings.
        assert 'our <a href="/privacy/">privacy notice</a> describes.' in html
        # The trap, hidden from people.
        assert re.search(r'<div class="field--trap" hidden>', html)

    def test_one_sign_up_form_a_page_the_footers_only_where_the_page_has_none(
        self, client, home_page
    ):
        forms = {
            url: client.get(url).content.decode().count('action="/subscribe/"')
            for url in ["/", "/subscribe/", "/subscribe/check-your-email/"]
        }
        assert forms == {"/": 1, "/subscribe/": 1, "/subscribe/check-your-email/": 0}

    def test_sign_up_then_confirm_from_the_email(self, client, sign_up, smtp_server, home_page):
        response = sign_up("Ana.Quispe@Example.org", data={"name": "Ana Quispe"})
        assert response.status_code == 302 and response["Location"] == CHECK
        page = client.get(CHECK)
        assert page.status_code == 200 and page["Cache-Control"] == PRIVATE
        assert "Check your email" in page.content.decode()

        subscriber = Subscriber.objects.get()
        assert subscriber.email == "Ana.Quispe@example.org"
        assert subscriber.status == Status.PENDING and subscriber.consent_at is None
        assert subscriber.language == "en-gb" and subscriber.name == "Ana Quispe"
        assert subscriber.source == Subscriber.Source.SIGN_UP
        assert "privacy notice" in subscriber.consent_wording

        [message] = received(smtp_server, "Ana.Quispe@example.org")
        assert message["Subject"] == "Please confirm: Peru Update from the Peru Support Group"
        # The name typed is nobody's word yet: a stranger could use it to write to anyone.
        assert text_of(message).startswith("Hello,") and "Ana Quispe" not in str(message)
        link = link_in(message, "confirm")
        assert link.startswith("http://localhost/subscribe/confirm/")
        assert f'href="{link}"' in html_of(message)
        assert "<img" not in html_of(message)  # nothing that tracks the reader

        # Opening the link (as a mail provider's link scanner does) confirms nothing...
        opened = client.get(path_of(link))
        assert opened.status_code == 200 and opened["Cache-Control"] == PRIVATE
        html = opened.content.decode()
        assert "Confirm my subscription</button>" in html
        assert '<meta name="robots" content="noindex">' in html
        assert "A•••@example.org" in html and "Ana.Quispe" not in html
        subscriber.refresh_from_db()
        assert subscriber.status == Status.PENDING
        # ...pressing the button does.
        confirmed = client.post(path_of(link))
        assert confirmed.status_code == 200
        assert "You are subscribed" in confirmed.content.decode()
        subscriber.refresh_from_db()
        assert subscriber.status == Status.SUBSCRIBED and subscriber.consent_at is not None

    def test_in_spanish_the_email_and_link_are_spanish(
        self, client, sign_up, smtp_server, spanish_home
    ):
        sign_up("rosa@example.org", path="/es/subscribe/", language="es")
        assert Subscriber.objects.get().language == "es"
        [message] = received(smtp_server, "rosa@example.org")
        assert message["Subject"] == "Por favor, confirme: Peru Update del Peru Support Group"
        assert "Hola:" in text_of(message)
        link = link_in(message, "confirm")
        assert link.startswith("http://localhost/es/subscribe/confirm/")
        assert "Confirmar mi suscripción" in client.get(path_of(link)).content.decode()
        assert "Su suscripción está activa" in client.post(path_of(link)).content.decode()

    def test_the_language_chosen_is_the_emails_whatever_the_pages(self, sign_up, smtp_server, db):
        sign_up("rosa@example.org", language="es")
        [message] = received(smtp_server, "rosa@example.org")
        assert "/es/subscribe/confirm/" in text_of(message)

    def test_the_same_answer_whoever_the_address_belongs_to(self, client, sign_up, smtp_server, db):
        SubscriberFactory(email="pending@example.org", status=Status.PENDING)
        subscribed = SubscriberFactory(email="member@example.org", language="en-gb")
        SubscriberFactory(email="left@example.org", status=Status.UNSUBSCRIBED)
        Suppression.add("left@example.org", Suppression.Reason.UNSUBSCRIBED)
        Suppression.add("bounced@example.org", Suppression.Reason.BOUNCED)
        addresses = [
            "new@example.org",
            "pending@example.org",
            "member@example.org",
            "left@example.org",
            "bounced@example.org",
        ]
        answers = [sign_up(address, ip=f"192.0.2.{n}") for n, address in enumerate(addresses)]
        assert {(r.status_code, r["Location"], r.content) for r in answers} == {(302, CHECK, b"")}
        assert {r.cookies.keys().__len__() for r in answers} == {0}

        # What differs goes to the address's owner only.
        for address in addresses:
            [message] = received(smtp_server, address)
            if address == "member@example.org":
                assert message["Subject"].startswith("You already receive Peru Update")
                manage = link_in(message, "manage")
                assert manage == f"http://localhost/subscribe/manage/{subscribed.key}/"
                assert "/confirm/" not in text_of(message)
            else:
                assert message["Subject"].startswith("Please confirm")
        subscribed.refresh_from_db()
        assert subscribed.status == Status.SUBSCRIBED  # unchanged by whoever typed it

    def test_a_suppressed_address_stays_suppressed_until_its_owner_confirms(
        self, client, sign_up, smtp_server, db
    ):
        Suppression.add("bounced@example.org", Suppression.Reason.BOUNCED)
        sign_up("bounced@example.org")
        subscriber = Subscriber.objects.get()
        assert subscriber.status == Status.PENDING
        assert Suppression.holds("bounced@example.org")
        link = link_in(received(smtp_server, "bounced@example.org")[0], "confirm")
        client.get(path_of(link))
        assert Suppression.holds("bounced@example.org")  # opening the link is not confirming
        client.post(path_of(link))
        assert not Suppression.holds("bounced@example.org")
        subscriber.refresh_from_db()
        assert subscriber.status == Status.SUBSCRIBED

    def test_mistakes_are_shown_and_nothing_is_stored(self, client, sign_up, db):
        response = sign_up("not-an-address")
        html = response.content.decode()
        assert response.status_code == 200 and response["Cache-Control"] == PRIVATE
        assert 'class="error-summary"' in html
        assert '<a href="#id_email">Enter an email address like name@example.org.</a>' in html
        assert 'value="not-an-address"' in html
        assert not Subscriber.objects.exists()
        # Control characters too.
        assert sign_up("a@example.org", data={"name": "Ana\u202eQ"}).status_code == 200
        assert not Subscriber.objects.exists()

    def test_a_filled_in_trap_is_answered_alike_and_does_nothing(self, sign_up, smtp_server, db):
        response = sign_up("robot@example.org", data={"leave_blank": "http://spam.example"})
        assert response.status_code == 302 and response["Location"] == CHECK
        assert not Subscriber.objects.exists()
        assert received(smtp_server) == []
        # Control: the same without the trap.
        sign_up("robot@example.org")
        assert Subscriber.objects.count() == 1

    def test_other_methods_are_refused(self, client, db):
        assert client.put("/subscribe/").status_code == 405
        assert client.delete(f"/subscribe/manage/{SubscriberFactory().key}/").status_code == 405


class TestThrottles:
    def test_no_more_than_three_emails_a_day_to_one_address(self, sign_up, smtp_server, db):
        answers = [sign_up("ana@example.org", ip=f"192.0.2.{n}") for n in range(5)]
        assert {(r.status_code, r["Location"]) for r in answers} == {(302, CHECK)}
        assert len(received(smtp_server, "ana@example.org")) == 3
        # Control: another address is not held up.
        sign_up("rosa@example.org", ip="192.0.2.9")
        assert len(received(smtp_server, "rosa@example.org")) == 1

    def test_only_the_latest_email_sent_works(self, client, sign_up, smtp_server, db):
        for n in range(4):
            sign_up("ana@example.org", ip=f"192.0.2.{n}")
        links = [link_in(m, "confirm") for m in received(smtp_server, "ana@example.org")]
        assert len(links) == 3
        # The fourth sign-up, unsent, did not make the third link useless.
        assert "Confirm my subscription</button>" in client.get(path_of(links[2])).content.decode()

    def test_too_many_sign_ups_from_one_connection_are_refused(self, sign_up, settings, db):
        settings.BULLETIN_SIGNUPS_PER_HOUR = 3
        answers = [sign_up(f"reader{n}@example.org").status_code for n in range(5)]
        assert answers == [302, 302, 302, 429, 429]
        refused = sign_up("late@example.org")
        assert refused.status_code == 429
        assert 3000 < int(refused["Retry-After"]) <= 3600
        assert "Too many sign-ups have come from your connection" in refused.content.decode()
        assert refused["Cache-Control"] == PRIVATE
        assert not Subscriber.objects.filter(email="late@example.org").exists()
        # Control: another connection is not held up; mistakes are not counted.
        assert sign_up("late@example.org", ip=ELSEWHERE).status_code == 302
        for _ in range(3):
            assert sign_up("oops", ip="192.0.2.77").status_code == 200
        assert sign_up("fine@example.org", ip="192.0.2.77").status_code == 302


class TestTokens:
    @pytest.fixture
    def pending(self, db):
        subscriber = SubscriberFactory(email="ana@example.org", status=Status.PENDING)
        subscriber.confirmation_sent_at = subscriber.created_at
        subscriber.save()
        return subscriber

    def confirm_path(self, subscriber):
        return path_of(subscriptions.confirmation_url(subscriber))

    @pytest.mark.parametrize(
        "token",
        [
            "nonsense",
            "a" * 500,
            "eyJrIjoiMSJ9:1sXyZ:abc",
            signing.dumps({"k": "x", "t": 1}, salt=subscriptions.CONFIRM_SALT),
            signing.dumps({"k": "00000000000000000000000000000000", "t": 1}, salt="another"),
            signing.dumps({"s": 10**30, "t": 1e400}, salt=subscriptions.CONFIRM_SALT),
            signing.dumps(["not", "a", "dict"], salt=subscriptions.CONFIRM_SALT),
        ],
        ids=["word", "long", "unsigned", "bad-key", "other-salt", "huge", "not-a-dict"],
    )
    def test_a_bad_token_gets_a_clear_page_not_found(self, client, home_page, token):
        for response in (
            client.get(f"/subscribe/confirm/{token}/"),
            client.post(f"/subscribe/confirm/{token}/"),
        ):
            assert response.status_code == 404
            html = response.content.decode()
            assert '<h1 class="page-title">This link is not valid</h1>' in html
            assert 'href="/subscribe/"' in html

    def test_an_expired_link_says_so_and_offers_to_sign_up_again(self, client, pending):
        eight_days_ago = time.time() - 8 * 24 * 3600
        with mock.patch("django.core.signing.time.time", return_value=eight_days_ago):
            path = self.confirm_path(pending)
        for response in (client.get(path), client.post(path)):
            assert response.status_code == 200
            html = response.content.decode()
            assert "This link has expired" in html and 'href="/subscribe/"' in html
        pending.refresh_from_db()
        assert pending.status == Status.PENDING
        # Control: signed six days ago, it still works.
        six_days_ago = time.time() - 6 * 24 * 3600
        with mock.patch("django.core.signing.time.time", return_value=six_days_ago):
            path = self.confirm_path(pending)
        assert "You are subscribed" in client.post(path).content.decode()

    def test_a_newer_sign_up_replaces_the_link(self, client, sign_up, smtp_server, db):
        sign_up("ana@example.org")
        sign_up("ana@example.org")
        first, second = (link_in(m, "confirm") for m in received(smtp_server, "ana@example.org"))
        response = client.post(path_of(first))
        assert response.status_code == 200
        assert "This link has been replaced" in response.content.decode()
        assert Subscriber.objects.get().status == Status.PENDING
        assert "You are subscribed" in client.post(path_of(second)).content.decode()

    def test_a_used_link_changes_nothing_again(self, client, pending):
        path = self.confirm_path(pending)
        client.post(path)
        pending.refresh_from_db()
        consented = pending.consent_at
        for response in (client.get(path), client.post(path)):
            assert response.status_code == 200
            assert "Already confirmed" in response.content.decode()
        pending.refresh_from_db()
        assert pending.consent_at == consented
        # After leaving, the old link never brings the address back.
        subscriptions.unsubscribe(pending)
        response = client.post(path)
        assert "This link has been replaced" in response.content.decode()
        pending.refresh_from_db()
        assert pending.status == Status.UNSUBSCRIBED

    def test_the_button_needs_the_pages_csrf_token(self, pending):
        browser = Client(enforce_csrf_checks=True)
        path = self.confirm_path(pending)
        assert browser.post(path).status_code == 403
        html = browser.get(path).content.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        assert browser.post(path, {"csrfmiddlewaretoken": token}).status_code == 200
        pending.refresh_from_db()
        assert pending.status == Status.SUBSCRIBED


class TestManaging:
    @pytest.fixture
    def subscriber(self, db):
        return SubscriberFactory(email="rosa@example.org", language="en-gb")

    def manage_path(self, subscriber):
        return f"/subscribe/manage/{subscriber.key}/"

    def test_one_click_unsubscribe_by_post_without_cookie_or_token(self, subscriber):
        mail_program = Client(enforce_csrf_checks=True)
        response = mail_program.post(
            self.manage_path(subscriber),
            "List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code == 200
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert "You have left Peru Update" in response.content.decode()
        assert not response.cookies
        subscriber.refresh_from_db()
        assert subscriber.status == Status.UNSUBSCRIBED and subscriber.unsubscribed_at
        assert Suppression.objects.get().reason == Suppression.Reason.UNSUBSCRIBED
        assert Suppression.holds("ROSA@example.org")
        # Again: the same answer, nothing more.
        again = mail_program.post(
            self.manage_path(subscriber),
            "List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        )
        assert again.status_code == 200 and Suppression.objects.count() == 1

    def test_the_page_shows_the_address_masked_and_offers_language_and_leaving(
        self, client, subscriber
    ):
        response = client.get(self.manage_path(subscriber))
        html = response.content.decode()
        assert response.status_code == 200 and response["Cache-Control"] == PRIVATE
        assert '<meta name="robots" content="noindex">' in html
        assert "r•••@example.org" in html and "rosa@example.org" not in html
        assert re.search(r'value="en-gb"[^>]*checked', html)
        assert 'name="action" value="leave"' in html

    def test_change_language(self, client, post, subscriber):
        response = post(self.manage_path(subscriber), {"action": "language", "language": "es"})
        assert response.status_code == 302
        assert response["Location"] == f"/es/subscribe/manage/{subscriber.key}/?saved=language"
        subscriber.refresh_from_db()
        assert subscriber.language == "es"
        html = client.get(response["Location"]).content.decode()
        assert "Guardado: sus correos llegarán en español." in html
        # A language that is not offered is refused, clearly.
        wrong = post(self.manage_path(subscriber), {"action": "language", "language": "fr"})
        assert wrong.status_code == 200
        assert "Choose English or Español." in wrong.content.decode()
        subscriber.refresh_from_db()
        assert subscriber.language == "es"

    def test_leave_from_the_page_then_sign_up_again(self, client, post, subscriber):
        response = post(self.manage_path(subscriber), {"action": "leave"})
        assert response.status_code == 302
        assert response["Location"] == self.manage_path(subscriber)
        html = client.get(self.manage_path(subscriber)).content.decode()
        assert "You have left Peru Update" in html
        assert '<a class="button" href="/subscribe/">Sign up again</a>' in html
        subscriber.refresh_from_db()
        assert subscriber.status == Status.UNSUBSCRIBED
        assert Suppression.holds(subscriber.email)

    def test_an_unknown_key_is_a_clear_page_not_found(self, client, home_page):
        for response in (
            client.get("/subscribe/manage/12345678-1234-5678-1234-567812345678/"),
            client.post(
                "/subscribe/manage/12345678-1234-5678-1234-567812345678/",
                {"List-Unsubscribe": "One-Click"},
            ),
        ):
            assert response.status_code == 404
            assert "This link is not valid" in response.content.decode()
            assert response["Cache-Control"] == PRIVATE


class TestPublicPagesStayCacheable:
    def test_the_footer_form_carries_nothing_of_one_reader(self, client, home_page):
        about = StandardPageFactory(parent=home_page, title="About", slug="about")
        for path in ("/", about.url):
            response = client.get(path)
            html = response.content.decode()
            assert response["Cache-Control"] == PUBLIC
            assert not response.cookies
            assert "csrfmiddlewaretoken" not in html
            footer = html.split('<footer class="site-footer">')[1]
            assert '<form class="signup__form" method="post" action="/subscribe/">' in footer
            assert '<input type="email" name="email" id="footer-signup-email"' in footer
            assert 'name="language" value="en-gb"' in footer
        # Control: the sign-up page itself is private.
        assert client.get("/subscribe/")["Cache-Control"] == PRIVATE

    def test_in_spanish_it_posts_to_the_spanish_page(self, client, spanish_home):
        html = client.get("/es/").content.decode()
        assert 'action="/es/subscribe/"' in html
        assert 'name="language" value="es"' in html
        assert "Peru Update por correo electrónico" in html

    def test_a_post_from_the_footer_keeps_its_words_and_page(self, post, smtp_server, home_page):
        post(
            "/subscribe/",
            {"email": "ana@example.org", "language": "en-gb", "kind": "short"},
            headers={**SAME_ORIGIN, "HTTP_REFERER": "http://testserver/about/"},
        )
        subscriber = Subscriber.objects.get()
        assert subscriber.consent_wording == str(SHORT_FORM_CONSENT)
        assert subscriber.source_detail == "/about/"
        assert len(received(smtp_server, "ana@example.org")) == 1


class TestWhereThePostCameFrom:
    @pytest.mark.parametrize(
        "headers",
        [
            {"HTTP_ORIGIN": "https://evil.example"},
            {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "https://evil.example"},
            {"HTTP_SEC_FETCH_SITE": "same-site"},
        ],
    )
    def test_another_sites_post_signs_nobody_up_but_asks_to_confirm(
        self, post, smtp_server, home_page, headers
    ):
        response = post(
            "/subscribe/",
            {"email": "victim@example.org", "language": "es", "kind": "short"},
            headers=headers,
        )
        html = response.content.decode()
        assert response.status_code == 200 and response["Cache-Control"] == PRIVATE
        assert "Please confirm that you want to sign up" in html
        assert 'value="victim@example.org"' in html
        assert re.search(r'value="es"[^>]*checked', html)
        assert 'name="csrfmiddlewaretoken"' in html
        assert not Subscriber.objects.exists()
        assert received(smtp_server) == []

    def test_an_old_browser_confirms_with_the_pages_token(self, post, smtp_server, home_page):
        # No Origin and no Sec-Fetch-Site: Django's CSRF check decides.
        browser = Client(enforce_csrf_checks=True)
        data = {"email": "ana@example.org", "language": "en-gb"}
        response = post("/subscribe/", data, headers={}, through=browser)
        assert "Please confirm that you want to sign up" in response.content.decode()
        assert not Subscriber.objects.exists()
        token = re.search(
            r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode()
        ).group(1)
        response = post(
            "/subscribe/", {**data, "csrfmiddlewaretoken": token}, headers={}, through=browser
        )
        assert response.status_code == 302 and response["Location"] == CHECK
        assert Subscriber.objects.get().email == "ana@example.org"
        assert len(received(smtp_server, "ana@example.org")) == 1

    def test_our_own_origin_is_enough(self, post, home_page):
        response = post(
            "/subscribe/",
            {"email": "ana@example.org"},
            headers={"HTTP_ORIGIN": "http://testserver"},
            through=Client(enforce_csrf_checks=True),
        )
        assert response.status_code == 302
        assert Subscriber.objects.get().language == "en-gb"


class TestTheJoinForm:
    @pytest.fixture
    def join_page(self, home_page):
        return JoinPageFactory(parent=home_page)

    @pytest.fixture
    def tier(self, db):
        return MembershipTierFactory(name="Individual", annual_fee=Decimal("25.00"))

    def apply(self, post, tier, path="/join/", **extra):
        data = {
            "full_name": "José Núñez Quispe",
            "email": "jose@example.org",
            "country": "United Kingdom",
            "tier": tier.pk,
            "consent": "on",
            "started": shown_seconds_ago(10),
            "leave_blank": "",
            **extra,
        }
        return post(path, data)

    def test_the_box_is_offered(self, client, join_page, tier):
        html = client.get("/join/").content.decode()
        assert "Send me Peru Update, the members&#x27; bulletin, by email" in html
        assert 'type="checkbox" name="bulletin"' in html

    def test_ticked_signs_up_in_the_readers_language(self, post, join_page, tier, smtp_server):
        response = self.apply(post, tier, bulletin="on")
        assert response.status_code == 302 and response["Location"] == "/join/thanks/"
        subscriber = Subscriber.objects.get()
        assert subscriber.email == "jose@example.org" and subscriber.name == "José Núñez Quispe"
        assert subscriber.status == Status.PENDING
        assert subscriber.source == Subscriber.Source.JOIN
        assert subscriber.source_detail == "/join/"
        assert subscriber.consent_wording.startswith("Send me Peru Update")
        [confirmation] = bulletin_mail(smtp_server, "jose@example.org")
        assert confirmation["Subject"].startswith("Please confirm: Peru Update")

    def test_unticked_does_not(self, post, join_page, tier, smtp_server):
        assert self.apply(post, tier).status_code == 302
        assert not Subscriber.objects.exists()
        # Only the application's own email.
        assert len(received(smtp_server, "jose@example.org")) == 1
        assert bulletin_mail(smtp_server, "jose@example.org") == []

    def test_an_application_taken_for_spam_does_not(self, post, join_page, tier, smtp_server):
        self.apply(post, tier, bulletin="on", leave_blank="http://spam.example")
        assert not Subscriber.objects.exists()

    def test_in_spanish(self, post, join_page, tier, spanish_home, smtp_server):
        translate(join_page, spanish_home.locale, slug="afiliese")
        self.apply(post, tier, path="/es/afiliese/", bulletin="on", country="Perú")
        assert Subscriber.objects.get().language == "es"
        [confirmation] = bulletin_mail(smtp_server, "jose@example.org")
        assert "/es/subscribe/confirm/" in text_of(confirmation)
