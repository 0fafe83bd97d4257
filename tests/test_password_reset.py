"""The admin's password reset, from outside: limited per client address and per email address,
its email sent after the response (so a hanging mail server holds up nobody), and the same
answer whether or not an account has the address."""

import time

from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

import pytest

from core.outbox import site_mail
from tests.conftest import use_smtp

RESET = "/admin/password_reset/"
DONE = "/admin/password_reset/done/"
HERE, ELSEWHERE = "203.0.113.5", "198.51.100.7"


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_user(
        "editor", "editor@example.org", "a-long-and-good-passphrase", is_superuser=True
    )


def reset(email, ip=HERE):
    return Client().post(RESET, {"email": email}, REMOTE_ADDR=ip)


def sent():
    assert site_mail.wait_until_idle(timeout=30)
    return mail.outbox


def test_twelve_resets_are_limited_and_the_mail_bounded(editor):
    answers = [reset("editor@example.org").status_code for _ in range(12)]
    # Five requests an hour from one connection, then 429...
    assert answers == [302] * 5 + [429] * 7
    # ...and three links an hour to one address, whoever asks.
    assert [m.to for m in sent()] == [["editor@example.org"]] * 3
    assert all("/admin/password_reset/confirm/" in m.body for m in mail.outbox)
    response = reset("editor@example.org")
    assert response.status_code == 429
    assert "Too many password resets have been asked for from your connection" in (
        response.content.decode()
    )
    assert 3000 < int(response["Retry-After"]) <= 3600
    # Control: another connection is not held up, but the address gets no more links.
    assert reset("editor@example.org", ip=ELSEWHERE)["Location"] == DONE
    assert len(sent()) == 3


def test_the_answer_is_the_same_whether_or_not_an_account_has_the_address(editor):
    known, unknown = reset("editor@example.org"), reset("nobody@example.org", ip=ELSEWHERE)
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == DONE
    assert [m.to for m in sent()] == [["editor@example.org"]]
    # Asking too often about an address changes nothing in the answer either.
    for n in range(4):
        assert reset("editor@example.org", ip=f"192.0.2.{n}")["Location"] == DONE


def test_a_hanging_mail_server_holds_up_no_request(editor, settings, silent_smtp):
    use_smtp(settings, silent_smtp, timeout=2)
    for n in range(3):
        began = time.monotonic()
        response = reset("editor@example.org", ip=f"192.0.2.{n}")
        assert response["Location"] == DONE
        assert time.monotonic() - began < 1.5  # the server would take 2 seconds to fail
    # The background sender gave up on the silent server in its own time.
    assert site_mail.wait_until_idle(timeout=30)
