"""Sign-in protection, from outside: every door that checks a password (the admin's sign-in,
the site's, the page-password form) pauses guessers, and keeps its counts in the database."""

import datetime
import hashlib
import logging
from io import StringIO

from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db.models import F
from django.shortcuts import resolve_url
from django.test import Client
from django.utils import timezone

from wagtail.admin.views.account import get_user_login_form
from wagtail.documents.models import Document
from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

import pytest

from core import signin
from core.models import ThrottleEvent
from core.outbox import site_mail
from core.signin import Attempt, LockoutLoginForm
from tests.factories import StandardPageFactory

PASSWORD = "a-long-and-good-passphrase"
PAGE_PASSWORD = "Saramurillo-march-2016"
HERE, ELSEWHERE = "203.0.113.5", "198.51.100.7"


def later(seconds):
    """Move the clock on by `seconds` for the throttle: every event happened that much earlier."""
    ThrottleEvent.objects.update(created_at=F("created_at") - datetime.timedelta(seconds=seconds))


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_user(
        "editor", "editor@example.org", PASSWORD, is_superuser=True
    )


@pytest.fixture
def private_page(home_page):
    page = StandardPageFactory(parent=home_page, title="Notes from the Lima meeting")
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password=PAGE_PASSWORD
    )
    return page, restriction


class SignInDoor:
    paused = "Too many failed sign-in attempts"
    under_attack = "a connection it has not been used from before has one try at a time"
    wrong = "password didn"

    def __init__(self, name, path, right=PASSWORD):
        self.name, self.path, self.right = name, path, right

    def attempt(self, client, password, ip=HERE, account="editor", **headers):
        return client.post(
            self.path, {"username": account, "password": password}, REMOTE_ADDR=ip, **headers
        )

    def let_in(self, client):
        return "_auth_user_id" in client.session

    def __repr__(self):
        return self.name


class PagePasswordDoor:
    paused = "Too many wrong passwords have been tried"
    under_attack = "a connection that has not used it before has one try at a time"
    wrong = "The password you have entered is not correct"
    right = PAGE_PASSWORD
    name = "page-password"

    def __init__(self, page, restriction):
        self.page, self.restriction = page, restriction
        self.path = f"/_util/authenticate_with_password/{restriction.pk}/{page.pk}/"

    def attempt(self, client, password, ip=HERE, account=None, **headers):
        data = {"password": password, "return_url": self.page.url}
        return client.post(self.path, data, REMOTE_ADDR=ip, **headers)

    def let_in(self, client):
        response = client.get(self.page.url)
        return response.status_code == 200 and self.page.title in response.content.decode()


class DocumentPasswordDoor(PagePasswordDoor):
    name = "document-password"

    def __init__(self, document, restriction):
        self.document, self.restriction = document, restriction
        self.path = f"/documents/authenticate_with_password/{restriction.pk}/"

    def attempt(self, client, password, ip=HERE, account=None, **headers):
        data = {"password": password, "return_url": self.document.url}
        return client.post(self.path, data, REMOTE_ADDR=ip, **headers)

    def let_in(self, client):
        response = client.get(self.document.url)
        return response.streaming and b"".join(response.streaming_content) == MINUTES


MINUTES = b"Minutes of the Lima meeting\n"


@pytest.fixture
def private_document(db):
    root = Collection.get_first_root_node()
    collection = root.add_child(name="Board papers")
    restriction = CollectionViewRestriction.objects.create(
        collection=collection,
        restriction_type=CollectionViewRestriction.PASSWORD,
        password=PAGE_PASSWORD,
    )
    document = Document.objects.create(
        title="Lima minutes",
        collection=collection,
        file=ContentFile(MINUTES, name="lima-minutes.txt"),
    )
    yield document, restriction
    document.file.delete(save=False)


@pytest.fixture(params=["admin", "site", "page-password", "document-password"])
def door(request, editor):
    if request.param == "admin":
        return SignInDoor("admin", "/admin/login/")
    if request.param == "site":
        return SignInDoor("site", "/_util/login/")
    if request.param == "page-password":
        return PagePasswordDoor(*request.getfixturevalue("private_page"))
    return DocumentPasswordDoor(*request.getfixturevalue("private_document"))


def assert_paused(response, door, text=None):
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 3600
    assert (text or door.paused) in response.content.decode()


class TestEveryDoor:
    def test_wrong_passwords_stay_4xx_and_turn_429_at_the_limit(self, client, door):
        for _ in range(5):
            response = door.attempt(client, "wrong")
            assert response.status_code == 200
            html = response.content.decode()
            assert door.wrong in html and door.paused not in html
        for _ in range(3):
            response = door.attempt(client, "wrong")
            assert_paused(response, door)
            # Just paused: the whole window (15 minutes) to wait, and the page says so.
            assert int(response["Retry-After"]) > 890
            assert "paused for 15 minutes" in response.content.decode()

    def test_right_password_is_refused_here_while_paused_and_accepted_elsewhere(self, door):
        here = Client()
        for _ in range(5):
            door.attempt(here, "wrong")
        assert_paused(door.attempt(here, door.right), door)
        assert not door.let_in(here)
        elsewhere = Client()
        response = door.attempt(elsewhere, door.right, ip=ELSEWHERE)
        assert response.status_code == 302
        assert door.let_in(elsewhere)

    def test_a_success_clears_the_count(self, door):
        for _ in range(2):
            client = Client()
            for _ in range(4):
                door.attempt(client, "wrong")
            assert door.attempt(client, door.right).status_code == 302
        # Control: five failures since the last success still pause.
        for _ in range(5):
            door.attempt(Client(), "wrong")
        assert_paused(door.attempt(Client(), door.right), door)

    def test_the_pause_ends(self, door):
        for _ in range(5):
            door.attempt(Client(), "wrong")
        later(600)
        # Knocking while paused is not counted: it neither checks a password nor adds time.
        for _ in range(5):
            response = door.attempt(Client(), door.right)
            assert_paused(response, door)
            assert 290 <= int(response["Retry-After"]) <= 300
            assert "paused for 5 minutes" in response.content.decode()
        later(301)
        client = Client()
        assert door.attempt(client, door.right).status_code == 302
        assert door.let_in(client)

    def test_under_attack_a_new_address_is_slowed_never_refused(self, door, settings):
        settings.SIGNIN_FAILURES_PER_ACCOUNT = 10
        known = Client()
        assert door.attempt(known, door.right, ip="192.0.2.1").status_code == 302
        # Many addresses, each far below its own limit.
        for n in range(8):
            door.attempt(Client(), "wrong", ip=f"198.51.100.{n + 10}")
        # Control: below the limit, a mistake from a new address is forgiven at once.
        door.attempt(Client(), "wrong", ip="192.0.2.2")
        assert door.attempt(Client(), door.right, ip="192.0.2.2").status_code == 302
        door.attempt(Client(), "wrong", ip="198.51.100.99")
        # Under attack: a new address's first try is checked, right or wrong...
        new = Client()
        assert door.attempt(new, door.right, ip="192.0.2.3").status_code == 302
        assert door.let_in(new)
        slow = Client()
        assert door.attempt(slow, "wrong", ip="192.0.2.4").status_code == 200
        # ...but after a failure it waits out the window, right password or not.
        response = door.attempt(slow, door.right, ip="192.0.2.4")
        assert_paused(response, door, door.under_attack)
        assert int(response["Retry-After"]) > 890
        assert not door.let_in(slow)
        # Addresses it knows carry on as before.
        door.attempt(Client(), "wrong", ip="192.0.2.1")
        assert door.attempt(Client(), door.right, ip="192.0.2.1").status_code == 302
        later(901)
        assert door.attempt(slow, door.right, ip="192.0.2.4").status_code == 302
        assert door.let_in(slow)

    def test_counts_are_in_the_database_shared_by_clients_not_in_the_cache(self, door):
        for client, failures in ((Client(), 3), (Client(), 2)):
            for _ in range(failures):
                door.attempt(client, "wrong")
            cache.clear()
        assert ThrottleEvent.objects.filter(scope=signin.PAIR).count() == 5
        assert_paused(door.attempt(Client(), door.right), door)
        # Control: the same clients' right password from elsewhere is not refused.
        assert door.attempt(Client(), door.right, ip=ELSEWHERE).status_code == 302

    def test_x_forwarded_for_is_ignored_without_trusted_proxies(self, door, settings):
        settings.TRUSTED_PROXY_COUNT = 0
        for n in range(5):
            door.attempt(Client(), "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
        response = door.attempt(Client(), door.right, HTTP_X_FORWARDED_FOR="192.0.2.200")
        assert_paused(response, door)
        # Control: another connection is another client.
        assert door.attempt(Client(), door.right, ip=ELSEWHERE).status_code == 302

    def test_behind_one_proxy_the_last_forwarded_address_is_the_client(self, door, settings):
        settings.TRUSTED_PROXY_COUNT = 1
        settings.FORWARDED_ALLOW_IPS = ["10.0.0.0/8"]
        proxy = "10.0.0.1"
        for n in range(5):
            # Whatever a client writes to the left is not believed.
            door.attempt(Client(), "wrong", ip=proxy, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, {HERE}")
        response = door.attempt(
            Client(), door.right, ip=proxy, HTTP_X_FORWARDED_FOR=f"192.0.2.77, {HERE}"
        )
        assert_paused(response, door)
        assert_paused(door.attempt(Client(), door.right, ip=proxy, HTTP_X_FORWARDED_FOR=HERE), door)
        # Control: another client behind the same proxy is not paused.
        client = Client()
        response = door.attempt(client, door.right, ip=proxy, HTTP_X_FORWARDED_FOR=ELSEWHERE)
        assert response.status_code == 302
        assert door.let_in(client)

    def test_failed_and_refused_attempts_are_logged_on_one_line_without_the_password(
        self, door, caplog
    ):
        secret = "hunter2-what-a-guess"
        with caplog.at_level(logging.WARNING, logger="core.signin"):
            for _ in range(6):
                door.attempt(Client(), secret, account="edi\ntor")
        messages = [r.getMessage() for r in caplog.records if r.name == "core.signin"]
        assert len(messages) == 6
        assert all(message.startswith("Sign-in failed: ") for message in messages[:5])
        assert messages[5].startswith("Sign-in refused: ") and "rule=pair" in messages[5]
        assert all(f"address={HERE}" in message for message in messages)
        assert all(secret not in message and "\n" not in message for message in messages)
        # No username either: an account is named by its keyed subject.
        assert not any("edi" in message for message in messages)
        if door.name not in {"page-password", "document-password"}:
            assert "account=user-" in messages[0]


def test_stored_subjects_are_keyed_with_the_secret_key(editor, settings):
    """Throttle rows name no address or username, not even as a plain hash (an IPv4 address's
    SHA-256 is found by trying all four billion)."""
    SignInDoor("admin", "/admin/login/").attempt(Client(), "wrong")
    stored = set(ThrottleEvent.objects.values_list("subject", flat=True))
    assert len(stored) == 3
    unkeyed = {
        hashlib.sha256(text.encode()).hexdigest()
        for text in (HERE, "user:editor", f"user:editor\x1f{HERE}")
    }
    assert not stored & unkeyed
    # Control: the site finds its own rows again, and only with its own key.
    assert signin.subject(HERE) in stored
    settings.SECRET_KEY = "another-site-s-secret-key-" * 2
    assert signin.subject(HERE) not in stored


def test_thirty_document_password_guesses_are_answered_429_before_the_right_one(
    private_document,
):
    door = DocumentPasswordDoor(*private_document)
    guesser = Client()
    answers = [door.attempt(guesser, f"guess-{n}").status_code for n in range(30)]
    assert answers[:5] == [200] * 5
    assert answers[5:] == [429] * 25
    assert_paused(door.attempt(guesser, PAGE_PASSWORD), door)
    assert not door.let_in(guesser)
    # Control: a reader who did nothing wrong gets in with the right password.
    reader = Client()
    assert door.attempt(reader, PAGE_PASSWORD, ip=ELSEWHERE).status_code == 302
    assert door.let_in(reader)


def test_an_attack_from_two_addresses_refuses_no_reader_and_tells_an_administrator_once(
    private_page, editor, settings
):
    # Two addresses, each guessing up to its own limit, put the page's password under attack.
    settings.SIGNIN_FAILURES_PER_ACCOUNT = 8
    get_user_model().objects.create_user("away", "away@example.org", is_superuser=True)
    get_user_model().objects.create_user("author", "author@example.org")
    door = PagePasswordDoor(*private_page)

    def guess_until_paused(ip):
        answers = [door.attempt(Client(), "wrong", ip=ip).status_code for _ in range(6)]
        assert answers[-1] == 429

    for ip in (HERE, ELSEWHERE):
        guess_until_paused(ip)
    later(901)  # the two come back after their pause
    for ip in (HERE, ELSEWHERE):
        guess_until_paused(ip)
    # A reader with the right password, from a third address, is let in.
    reader = Client()
    assert door.attempt(reader, PAGE_PASSWORD, ip="192.0.2.30").status_code == 302
    assert door.let_in(reader)
    # The administrators were told, once, after the responses.
    assert site_mail.wait_until_idle(timeout=10)
    assert [sorted(m.to) for m in mail.outbox] == [["away@example.org", "editor@example.org"]]
    assert "slowing the guessing" in mail.outbox[0].body


def test_the_attack_email_names_the_account_that_the_logs_do_not(editor, settings, caplog):
    settings.SIGNIN_FAILURES_PER_ACCOUNT = 6  # the seventh failure makes it an attack
    door = SignInDoor("admin", "/admin/login/")
    for ip in (HERE, ELSEWHERE, "192.0.2.30"):
        for _ in range(3):
            door.attempt(Client(), "wrong", ip=ip)
    assert site_mail.wait_until_idle(timeout=10)
    [message] = mail.outbox
    assert "for the account “editor”" in message.body
    assert not any("editor" in record.getMessage() for record in caplog.records)
    # Control: a username nobody has is not repeated back.
    mail.outbox.clear()
    later(3601)
    for ip in (HERE, ELSEWHERE, "192.0.2.30"):
        for _ in range(3):
            door.attempt(Client(), "wrong", ip=ip, account="nobody-here")
    assert site_mail.wait_until_idle(timeout=10)
    [message] = mail.outbox
    assert "a username that matches no account" in message.body
    assert "nobody-here" not in message.body


class TestAcrossDoors:
    def test_sign_in_pages_count_failures_together(self, editor):
        admin, site = SignInDoor("admin", "/admin/login/"), SignInDoor("site", "/_util/login/")
        for _ in range(3):
            admin.attempt(Client(), "wrong")
        for _ in range(2):
            site.attempt(Client(), "wrong")
        assert_paused(admin.attempt(Client(), PASSWORD), admin)
        assert_paused(site.attempt(Client(), PASSWORD), site)
        # Control: another account from the same address is not paused.
        get_user_model().objects.create_user("reviewer", password=PASSWORD, is_superuser=True)
        assert admin.attempt(Client(), PASSWORD, account="reviewer").status_code == 302

    def test_an_address_is_paused_after_twenty_failures_across_accounts_and_doors(
        self, editor, private_page
    ):
        admin, site = SignInDoor("admin", "/admin/login/"), SignInDoor("site", "/_util/login/")
        page_door = PagePasswordDoor(*private_page)
        for n in range(8):
            admin.attempt(Client(), "wrong", account=f"someone-{n}")
        for n in range(7):
            site.attempt(Client(), "wrong", account=f"someone-else-{n}")
        for _ in range(4):
            page_door.attempt(Client(), "wrong")
        # Control: nineteen failures from here, and the right password still gets in.
        assert admin.attempt(Client(), PASSWORD).status_code == 302
        site.attempt(Client(), "wrong", account="the-twentieth")
        assert_paused(admin.attempt(Client(), PASSWORD), admin)
        assert_paused(site.attempt(Client(), PASSWORD), site)
        assert_paused(page_door.attempt(Client(), PAGE_PASSWORD), page_door)
        assert admin.attempt(Client(), PASSWORD, ip=ELSEWHERE).status_code == 302
        assert page_door.attempt(Client(), PAGE_PASSWORD, ip=ELSEWHERE).status_code == 302

    def test_ipv6_clients_are_counted_by_their_64_network(self, editor, settings):
        admin = SignInDoor("admin", "/admin/login/")
        for n in range(5):
            admin.attempt(Client(), "wrong", ip=f"2001:db8:0:7::{n + 1}")
        assert_paused(admin.attempt(Client(), PASSWORD, ip="2001:db8:0:7::ffff"), admin)
        # Control: the next network along is someone else.
        assert admin.attempt(Client(), PASSWORD, ip="2001:db8:0:8::1").status_code == 302

    def test_x_forwarded_for_counts_only_from_the_configured_proxies(self, door, settings):
        """A client reaching the app server directly writes what it likes in the header: it is
        counted by its own address."""
        settings.TRUSTED_PROXY_COUNT = 1
        settings.FORWARDED_ALLOW_IPS = ["127.0.0.1", "10.0.0.0/8"]
        for n in range(5):
            door.attempt(Client(), "wrong", ip=HERE, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
        response = door.attempt(Client(), door.right, ip=HERE, HTTP_X_FORWARDED_FOR="192.0.2.9")
        assert_paused(response, door)
        # Control: through a configured proxy, those are five clients, none paused.
        for n in range(5):
            door.attempt(Client(), "wrong", ip="10.0.0.1", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
        client = Client()
        response = door.attempt(client, door.right, ip="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.0")
        assert response.status_code == 302
        assert door.let_in(client)

    def test_odd_forwarded_addresses_are_counted_not_fatal(self, editor, settings):
        settings.TRUSTED_PROXY_COUNT = 1
        settings.FORWARDED_ALLOW_IPS = ["10.0.0.0/8"]
        admin = SignInDoor("admin", "/admin/login/")
        for forwarded in ("unknown", "fe80::1%eth0", "::ffff:192.0.2.9", " , ", "x" * 500):
            response = admin.attempt(
                Client(), "wrong", ip="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded
            )
            assert response.status_code == 200, forwarded
        # An IPv4 client written as IPv6 is the same client.
        for _ in range(4):
            admin.attempt(Client(), "wrong", ip="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.9")
        assert_paused(
            admin.attempt(Client(), PASSWORD, ip="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.9"),
            admin,
        )
        response = admin.attempt(
            Client(), PASSWORD, ip="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.10"
        )
        assert response.status_code == 302

    def test_simultaneous_attempts_cannot_pass_the_limit_together(self, rf, editor):
        """Each attempt counts before its password is checked: with five guesses in flight,
        a sixth is refused, though none has failed yet."""

        def attempt():
            return Attempt(rf.post("/admin/login/", REMOTE_ADDR=HERE), "test", "user:editor", "")

        in_flight = [attempt() for _ in range(5)]
        assert all(each.start() is None for each in in_flight)
        assert attempt().start().rule == "pair"
        for each in in_flight:
            each.succeeded()
        # Control: once they are over (here, successes), there is room again.
        assert attempt().start() is None


class TestSiteSignInPage:
    def test_the_page_is_the_sites_own_and_accessible(self, client, editor, home_page):
        response = client.get("/_util/login/")
        assert response.status_code == 200
        html = response.content.decode()
        assert 'class="site-header"' in html and '<h1 class="page-title">Sign in</h1>' in html
        # The header names the charity, as on every page (not the request's host).
        assert '<a class="site-name" href="/">Peru Support Group</a>' in html
        assert '<label for="id_username">Username</label>' in html
        assert '<label for="id_password">Password</label>' in html
        assert 'autocomplete="username"' in html and 'autocomplete="current-password"' in html
        assert "error-summary" not in html
        response = client.post("/_util/login/", {"username": "editor", "password": "wrong"})
        html = response.content.decode()
        assert 'class="error-summary" role="alert"' in html and "didn&#x27;t match" in html

    def test_it_uses_the_admins_form(self, client, editor, home_page):
        site_form = client.get("/_util/login/").context["form"]
        admin_form = client.get("/admin/login/").context["form"]
        assert type(site_form) is type(admin_form) is get_user_login_form()
        assert isinstance(site_form, LockoutLoginForm)

    def test_it_lands_on_a_page_that_exists(self, editor, news_index):
        client = Client()
        response = client.post("/_util/login/", {"username": "editor", "password": PASSWORD})
        assert response.status_code == 302 and response["Location"] == "/"
        assert client.get(response["Location"]).status_code == 200
        # A safe `next` is followed; another site's is not.
        for next_url, lands in (("/news/", "/news/"), ("https://attacker.example/", "/")):
            client = Client()
            response = client.post(
                "/_util/login/", {"username": "editor", "password": PASSWORD, "next": next_url}
            )
            assert response["Location"] == lands
            assert client.get(lands).status_code == 200
        # Its session opens the admin.
        assert client.get("/admin/").status_code == 200

    def test_a_login_restricted_page_sends_readers_here_and_back(self, editor, home_page):
        page = StandardPageFactory(parent=home_page, title="Members' minutes")
        PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
        client = Client()
        response = client.get(page.url)
        assert response.status_code == 302
        assert response["Location"].startswith(f"/_util/login/?next={page.url}")
        response = client.get(response["Location"])
        assert f'name="next" value="{page.url}"' in response.content.decode()
        response = client.post(
            "/_util/login/", {"username": "editor", "password": PASSWORD, "next": page.url}
        )
        assert response["Location"] == page.url
        assert "Members&#x27; minutes" in client.get(page.url).content.decode()

    def test_login_settings_name_pages_that_exist(self, client, home_page):
        assert resolve_url(django_settings.LOGIN_URL) == "/_util/login/"
        assert client.get(resolve_url(django_settings.LOGIN_URL)).status_code == 200
        assert client.get(resolve_url(django_settings.LOGIN_REDIRECT_URL)).status_code == 200


class TestBadInput:
    def test_sign_in_pages_answer_any_input_without_a_500(self, editor, home_page):
        for path in ("/admin/login/", "/_util/login/"):
            client = Client()
            cases = [
                ("get", {}, 200),
                ("post", {}, 200),
                ("post", {"username": "editor"}, 200),
                ("post", {"password": "wrong"}, 200),
                ("post", {"username": "x" * 10_000, "password": "wrong"}, 200),
                ("post", {"username": "editor", "password": "x" * 10_000}, 200),
                ("post", {"username": "edi\x00tor", "password": "wrong"}, 200),
                ("post", {"username": "editor", "password": "wro\x00ng"}, 200),
                ("post", {"username": ["a", "b"], "password": ["c", "d"]}, 200),
            ]
            for method, data, status in cases:
                response = getattr(client, method)(path, data, REMOTE_ADDR="192.0.2.50")
                assert response.status_code == status, (path, data)
            assert client.put(path).status_code in (200, 405)
            # Control: the door still opens for the right password, from elsewhere.
            response = Client().post(path, {"username": "editor", "password": PASSWORD})
            assert response.status_code == 302

    def test_the_page_password_form_answers_any_input_without_a_500(self, private_page):
        page, restriction = private_page
        base = "/_util/authenticate_with_password"
        good = f"{base}/{restriction.pk}/{page.pk}/"
        client = Client()
        cases = [
            ("get", good, {}, 200),
            ("post", good, {}, 200),
            ("post", good, {"return_url": page.url}, 200),
            ("post", good, {"password": PAGE_PASSWORD}, 200),  # no return_url: not passed
            ("post", good, {"password": "x" * 10_000, "return_url": page.url}, 200),
            ("post", good, {"password": "a\x00b", "return_url": page.url}, 200),
            ("post", f"{base}/abc/1/", {"password": "x"}, 404),
            ("post", f"{base}/{restriction.pk}/x/", {}, 404),
            ("post", f"{base}/999999/{page.pk}/", {"password": "x"}, 404),
            ("get", f"{base}/{restriction.pk}/999999/", {}, 404),
            ("post", f"{base}/{restriction.pk}/999999/", {"password": "x"}, 404),
            ("post", f"{base}/{10**30}/{page.pk}/", {"password": "x"}, 404),
            ("post", f"{base}/{restriction.pk}/{10**30}/", {"password": "x"}, 404),
        ]
        for method, path, data, status in cases:
            response = getattr(client, method)(path, data, REMOTE_ADDR="192.0.2.50")
            assert response.status_code == status, (path, data)
        # Another site's return address is not followed.
        response = client.post(
            good, {"password": PAGE_PASSWORD, "return_url": "https://attacker.example/"}
        )
        assert response.status_code == 302 and response["Location"] == "/"
        # Control: the right password from a fresh address opens the page.
        door = PagePasswordDoor(page, restriction)
        fresh = Client()
        assert door.attempt(fresh, PAGE_PASSWORD, ip=ELSEWHERE).status_code == 302
        assert door.let_in(fresh)


def make_event(scope, age):
    return ThrottleEvent.objects.create(
        scope=scope, subject="x" * 64, created_at=timezone.now() - age
    )


def test_purge_throttle_events_deletes_what_no_longer_counts(db, settings):
    hours, days = datetime.timedelta(hours=1), datetime.timedelta(days=1)
    kept = [
        make_event(signin.PAIR, 2 * hours),
        make_event(signin.ACCOUNT, 23 * hours),
        make_event("join", 23 * hours),  # another door's: a day is always kept
        make_event(signin.KNOWN, 89 * days),
    ]
    gone = [
        make_event(signin.PAIR, 25 * hours),
        make_event("join", 25 * hours),
        make_event(signin.KNOWN, 91 * days),
    ]
    out = StringIO()
    call_command("purge_throttle_events", stdout=out)
    assert out.getvalue().strip() == "Deleted 3 throttle events."
    left = set(ThrottleEvent.objects.values_list("pk", flat=True))
    assert left == {event.pk for event in kept}
    assert not left & {event.pk for event in gone}
    # A longer window keeps its events longer.
    settings.SIGNIN_ACCOUNT_WINDOW_SECONDS = 2 * 86400
    old = make_event(signin.ACCOUNT, 40 * hours)
    call_command("purge_throttle_events", verbosity=0)
    assert ThrottleEvent.objects.filter(pk=old.pk).exists()
    later(9 * 3600)
    call_command("purge_throttle_events", verbosity=0)
    assert not ThrottleEvent.objects.filter(pk=old.pk).exists()


def test_the_defaults_are_the_documented_ones():
    from config.settings import base

    assert base.SIGNIN_FAILURES_PER_ACCOUNT_AND_ADDRESS == 5
    assert base.SIGNIN_FAILURES_PER_ADDRESS == 20
    assert base.SIGNIN_FAILURE_WINDOW_SECONDS == 900
    assert base.SIGNIN_FAILURES_PER_ACCOUNT == 100
    assert base.SIGNIN_ACCOUNT_WINDOW_SECONDS == 3600
    assert base.SIGNIN_KNOWN_ADDRESS_DAYS == 90
    assert (base.PASSWORD_RESETS_PER_ADDRESS, base.PASSWORD_RESETS_PER_EMAIL) == (5, 3)
    assert base.TRUSTED_PROXY_COUNT == 0
    assert not hasattr(django_settings, "LOGIN_LOCKOUT_PER_USER")


def test_passwords_must_be_strong():
    for weak in ("short1", "password1234", "123456789012"):
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password("Saramurillo-march-2016")
