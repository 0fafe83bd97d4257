"""Joining: the pitch, the join page, the application form, and what it does with every post:
store it (as suspected spam if it looks automated or comes too often), and tell the truth."""

import datetime
import importlib
import io
import logging
import re
import smtplib
import time
from decimal import Decimal
from unittest import mock

from django.apps import apps as django_apps
from django.core import mail, signing
from django.core.management import call_command
from django.db import IntegrityError
from django.test import Client
from django.utils import timezone

import pytest

from demo import content as demo_content
from home.models import StandardPage
from members.forms import STARTED_SALT, started_token
from members.models import (
    ApplicationEmail,
    MembershipApplication,
    MembershipPitch,
    MembershipReason,
    MembershipSettings,
)
from tests.conftest import shared_across_tests
from tests.factories import JoinPageFactory, MembershipTierFactory, StandardPageFactory

Status = MembershipApplication.Status


@pytest.fixture
def privacy_page(home_page):
    return StandardPageFactory(parent=home_page, title="Privacy", slug="privacy")


@pytest.fixture
def membership_settings(home_page):
    return MembershipSettings.for_site(home_page.get_site())


@pytest.fixture
def join_page(home_page, privacy_page, membership_settings):
    membership_settings.privacy_page = privacy_page
    membership_settings.save()
    return JoinPageFactory(parent=home_page)


@pytest.fixture
def tier(db):
    return MembershipTierFactory(name="Individual", annual_fee=Decimal("25.00"))


@pytest.fixture
def secretary(membership_settings):
    membership_settings.secretary_email = "secretary@example.org"
    membership_settings.save()
    return membership_settings.secretary_email


@pytest.fixture
def apply(client, django_capture_on_commit_callbacks):
    """Post the form as a reader would; the emails go after the response, as in production."""

    def post(data, **kwargs):
        sent_before = len(mail.outbox)
        with django_capture_on_commit_callbacks() as callbacks:
            response = client.post("/join/", data, **kwargs)
        # Nothing is sent while the reader waits for the answer...
        assert len(mail.outbox) == sent_before
        # ...and the application's emails go once it is committed.
        for callback in callbacks:
            callback()
        return response

    return post


def started(seconds_ago=10):
    """The token of a form shown `seconds_ago` (its signature is dated then too)."""
    then = time.time() - seconds_ago
    with mock.patch("time.time", return_value=then):
        return started_token()


def application(tier_choice, **overrides):
    data = {
        "full_name": "José Núñez Quispe",
        "email": "jose@example.org",
        "address": "1 Calle Lima\nLondon",
        "country": "United Kingdom",
        "tier": tier_choice.pk,
        "heard_about": "A friend",
        "consent": "on",
        "started": started(),
        "leave_blank": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


class TestJoinPage:
    def test_lists_tiers_and_labelled_fields(self, client, join_page, tier):
        MembershipTierFactory(name="Unwaged or student", annual_fee=Decimal("12.50"))
        html = client.get("/join/").content.decode()
        assert "<strong>Individual</strong>: £25 a year" in html
        assert "<strong>Unwaged or student</strong>: £12.50 a year" in html
        for name, autocomplete in [
            ("full_name", "name"),
            ("email", "email"),
            ("address", "street-address"),
            ("country", "country-name"),
        ]:
            assert f'<label for="id_{name}">' in html
            field = re.search(rf'<(?:input|textarea)[^>]*name="{name}"[^>]*>', html).group(0)
            assert f'autocomplete="{autocomplete}"' in field
        assert "<legend>Membership type</legend>" in html
        assert 'href="/privacy/">privacy notice</a>' in html

    def test_the_trap_is_hidden_from_everyone_and_named_to_be_passed_over(
        self, client, join_page, tier
    ):
        html = client.get("/join/").content.decode()
        # `hidden` (display: none, from the browser's own style sheet) keeps it from people,
        # from the accessibility tree and from autofill, which fills only fields it can focus.
        wrapper = re.search(r'<div class="field--trap"([^>]*)>(.*?)</div>', html, re.S)
        assert wrapper.group(1) == " hidden"  # aria-hidden would repeat it (an HTML checker note)
        trap = re.search(r"<input[^>]*>", wrapper.group(2)).group(0)
        assert 'type="text"' in trap and 'name="leave_blank"' in trap
        assert 'tabindex="-1"' in trap and 'autocomplete="off"' in trap
        # Nothing in its name, id or label that autofill heuristics look for.
        label = re.search(r"<label[^>]*>([^<]*)</label>", wrapper.group(2)).group(1)
        assert label == "Leave this empty"
        for word in ("website", "url", "email", "name", "company", "address", "phone", "tel"):
            assert word not in trap.replace('name="', 'attr="').lower()
            assert word not in label.lower()

    def test_the_form_is_never_kept_by_a_cache(self, client, join_page, tier):
        response = client.get("/join/")
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]

    def test_no_tiers_means_no_form(self, client, join_page):
        html = client.get("/join/").content.decode()
        # The footer's Peru Update sign-up is not the join form.
        assert "<form" not in html.split('<main id="main"')[1].split("</main>")[0]
        assert "not open at the moment" in html

    def test_other_methods_are_refused(self, client, join_page, tier):
        assert client.put("/join/").status_code == 405


class TestPrivacyLink:
    """The consent box links to the page chosen in Settings → Membership settings."""

    def test_the_chosen_page_is_linked_whatever_its_slug(
        self, client, home_page, join_page, tier, membership_settings
    ):
        notice = StandardPageFactory(parent=home_page, title="How we use your data", slug="data")
        membership_settings.privacy_page = notice
        membership_settings.save()
        html = client.get("/join/").content.decode()
        assert 'as described in its <a href="/data/">privacy notice</a>.' in html
        form = html.split("<form")[1].split("</form>")[0]
        assert 'href="/privacy/"' not in form

    def test_a_page_called_privacy_is_not_linked_unless_chosen(
        self, client, join_page, tier, membership_settings
    ):
        membership_settings.privacy_page = None
        membership_settings.save()
        html = client.get("/join/").content.decode()
        assert "as described in its privacy notice." in html
        assert ">privacy notice</a>" not in html

    def test_an_unpublished_page_is_not_linked(self, client, join_page, tier, privacy_page):
        privacy_page.unpublish()
        html = client.get("/join/").content.decode()
        assert "as described in its privacy notice." in html
        assert ">privacy notice</a>" not in html

    def test_deleting_the_page_clears_the_setting(self, join_page, privacy_page, home_page):
        assert MembershipSettings.for_site(home_page.get_site()).privacy_page_id == privacy_page.pk
        privacy_page.delete()
        assert MembershipSettings.for_site(home_page.get_site()).privacy_page is None

    def test_the_migration_keeps_linking_the_page_the_slug_used_to_find(
        self, home_page, privacy_page, membership_settings
    ):
        migration = importlib.import_module(
            "members.migrations.0002_application_emails_spam_and_privacy_page"
        )
        membership_settings.privacy_page = None
        membership_settings.save()
        migration.link_the_privacy_page(django_apps, None)
        assert MembershipSettings.for_site(home_page.get_site()).privacy_page_id == privacy_page.pk
        # An editor's choice is left alone.
        other = StandardPageFactory(parent=home_page, slug="data-protection")
        MembershipSettings.objects.update(privacy_page=other)
        migration.link_the_privacy_page(django_apps, None)
        assert MembershipSettings.for_site(home_page.get_site()).privacy_page_id == other.pk

    def test_editors_choose_it_with_a_page_chooser(self, admin_client, join_page, home_page):
        site = home_page.get_site()
        html = admin_client.get(
            f"/admin/settings/members/membershipsettings/{site.pk}/"
        ).content.decode()
        assert 'name="privacy_page"' in html
        assert "Choose a page" in html
        assert "The consent box on the join form links to it" in html


class TestApplying:
    def test_valid_application_is_saved_then_confirmed_by_email(
        self, client, apply, join_page, tier, secretary
    ):
        response = apply(application(tier, gift_aid="on", postcode="SW1A 1AA"))
        assert response.status_code == 302
        assert response["Location"] == "/join/thanks/"
        saved = MembershipApplication.objects.get()
        assert saved.full_name == "José Núñez Quispe"
        assert saved.status == "new" and saved.gift_aid and saved.consent
        assert saved.spam_reason == ""
        assert saved.tier == tier
        assert sorted(message.to[0] for message in mail.outbox) == [
            "jose@example.org",
            "secretary@example.org",
        ]
        to_secretary = next(m for m in mail.outbox if m.to == ["secretary@example.org"])
        assert to_secretary.subject == "New membership application: José Núñez Quispe"
        assert "José Núñez Quispe" in to_secretary.body
        assert f"/admin/members/membershipapplication/inspect/{saved.pk}/" in to_secretary.body
        # The secretary can answer the applicant straight from the email.
        assert to_secretary.reply_to == ["jose@example.org"]
        # What was sent, and when, is recorded with the application.
        assert sorted(saved.emails.values_list("kind", "state", "attempts")) == [
            ("applicant", "sent", 1),
            ("secretary", "sent", 1),
        ]
        assert all(email.sent_at for email in saved.emails.all())

        thanks = client.get(response["Location"])
        assert thanks.status_code == 200
        assert b"Thank you for applying" in thanks.content
        assert b"are sending a confirmation to your email address" in thanks.content

    def test_the_editors_thank_you_text_is_shown(self, client, apply, join_page, tier):
        join_page.thank_you_text = "<p>Pay by standing order.</p>"
        join_page.save_revision().publish()
        response = apply(application(tier), follow=True)
        assert b"Pay by standing order." in response.content

    def test_refreshing_the_thank_you_page_applies_nothing_more(self, client, join_page, tier):
        response = client.post("/join/", application(tier), follow=True)
        assert response.redirect_chain == [("/join/thanks/", 302)]
        client.get("/join/thanks/")
        assert MembershipApplication.objects.count() == 1

    def test_a_repeat_is_answered_as_a_first_application_and_its_address_emailed_once(
        self, client, apply, join_page, tier, secretary
    ):
        first = apply(application(tier))
        mail.outbox.clear()
        second = apply(application(tier, email="JOSE@example.org", full_name="José N. Quispe"))
        # The page says exactly what it says to a first application: nothing revealed.
        assert second["Location"] == first["Location"] == "/join/thanks/"
        # The address's owner is told instead; the secretary sees both, the second kept aside.
        assert [(m.to, m.subject) for m in mail.outbox] == [
            (["jose@example.org"], "Your application to join the Peru Support Group")
        ]
        assert "We already have an application from this address" in mail.outbox[0].body
        assert sorted(MembershipApplication.objects.values_list("full_name", "status")) == [
            ("José N. Quispe", "suspected"),
            ("José Núñez Quispe", "new"),
        ]
        assert MembershipApplication.objects.get(status="suspected").spam_reason == "repeat"
        # However often someone applies in that name, the address hears of it once.
        assert apply(application(tier))["Location"] == "/join/thanks/"
        assert len(mail.outbox) == 1

    def test_a_stranger_applying_first_in_someones_name_blocks_nothing(
        self, client, apply, join_page, tier, secretary
    ):
        apply(application(tier, full_name="Not José", address="Nowhere"), REMOTE_ADDR="192.0.2.66")
        response = apply(application(tier), REMOTE_ADDR="203.0.113.7")
        assert response["Location"] == "/join/thanks/"
        real = MembershipApplication.objects.get(full_name="José Núñez Quispe")
        assert real.address == "1 Calle Lima\nLondon" and real.tier == tier

    def test_a_former_applicant_may_apply_again(self, client, join_page, tier):
        client.post("/join/", application(tier))
        MembershipApplication.objects.update(status="lapsed")
        assert client.post("/join/", application(tier)).status_code == 302
        assert MembershipApplication.objects.count() == 2

    def test_the_database_refuses_a_racing_duplicate(self, tier):
        MembershipApplication.objects.create(
            full_name="A", email="a@example.org", country="Peru", tier=tier, consent=True
        )
        with pytest.raises(IntegrityError):
            MembershipApplication.objects.create(
                full_name="A", email="A@example.org", country="Peru", tier=tier, consent=True
            )

    @pytest.mark.parametrize(
        "overrides, field, message",
        [
            ({"email": "not-an-email"}, "email", "Enter an email address like name@example.org."),
            ({"consent": None}, "consent", "Please agree to us holding your details"),
            ({"full_name": "x" * 201}, "full_name", "at most 200 characters"),
            ({"full_name": ""}, "full_name", "Enter your full name."),
            ({"address": "x" * 501}, "address", "at most 500 characters"),
            ({"heard_about": "x" * 301}, "heard_about", "at most 300 characters"),
            ({"country": "x" * 101}, "country", "at most 100 characters"),
            ({"tier": None}, "tier", "Choose a membership type."),
            ({"tier": "999999"}, "tier", "Select a valid choice"),
            ({"full_name": "Mallory\r\nBcc: victim@example.org"}, "full_name", "one line"),
            ({"full_name": "Nul\x00byte"}, "full_name", "Null characters are not allowed."),
            ({"address": "1 Calle\x1bLima"}, "address", "ordinary letters and punctuation"),
            # C1 controls and text-direction overrides (the name would read "José Quispe"
            # reversed in the secretary's email).
            ({"full_name": "José\u0085Quispe"}, "full_name", "one line"),
            ({"address": "1 Calle\u009bLima"}, "address", "ordinary letters and punctuation"),
            ({"full_name": "José \u202eepsiuQ"}, "full_name", "change the direction of text"),
            ({"address": "1 \u2066Calle\u2069 Lima"}, "address", "change the direction of text"),
            ({"email": "jose@exa\u202emple.org"}, "email", "change the direction of text"),
        ],
    )
    def test_bad_input_is_refused_with_a_message_and_nothing_stored(
        self, apply, join_page, tier, overrides, field, message
    ):
        response = apply(application(tier, **overrides))
        assert response.status_code == 200
        html = response.content.decode()
        assert message in html
        assert f'id="id_{field}_error"' in html or field == "tier"
        assert 'class="error-summary"' in html
        assert MembershipApplication.objects.count() == 0
        assert mail.outbox == []

    def test_input_is_kept_after_an_error(self, client, join_page, tier):
        html = client.post("/join/", application(tier, consent=None)).content.decode()
        assert 'value="José Núñez Quispe"' in html
        assert 'value="jose@example.org"' in html
        assert re.search(rf'<input[^>]*value="{tier.pk}"[^>]*checked', html)
        assert 'aria-invalid="true"' in html

    def test_crlf_line_breaks_are_stored_as_newlines(self, client, join_page, tier):
        client.post("/join/", application(tier, address="1 Calle Lima\r\nLondon"))
        assert MembershipApplication.objects.get().address == "1 Calle Lima\nLondon"

    def test_hostile_text_is_stored_as_text_and_shown_escaped(
        self, client, apply, join_page, tier, secretary
    ):
        hostile = '<script>alert(1)</script> =HYPERLINK("http://evil.example","x")'
        apply(application(tier, heard_about=hostile))
        saved = MembershipApplication.objects.get()
        assert saved.heard_about == hostile
        # Plain-text email: nothing to execute, and the text arrives intact.
        assert hostile in next(m for m in mail.outbox if m.to == [secretary]).body
        assert all(m.content_subtype == "plain" for m in mail.outbox)
        assert all(not getattr(m, "alternatives", None) for m in mail.outbox)
        # Shown back on the form (after an error) it is escaped.
        data = application(tier, heard_about=hostile, consent=None)
        html = client.post("/join/", data).content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


DECLARATION = (
    "I want to Gift Aid my membership fee and any donations I make in the future or have made "
    "in the past 4 years to the Peru Support Group. I am a UK taxpayer and understand that if I "
    "pay less Income Tax and/or Capital Gains Tax than the amount of Gift Aid claimed on all my "
    "donations in that tax year it is my responsibility to pay any difference."
)
DECLARATION_NOTE = (
    "Please tell the Peru Support Group if you want to cancel this declaration, change your name "
    "or home address, or no longer pay sufficient tax on your income and/or capital gains."
)


def gift_aid_application(tier_choice, **overrides):
    given = {"gift_aid": "on", "address": "12 Acacia Avenue\nLondon", "postcode": "sw1a1aa"}
    return application(tier_choice, **(given | overrides))


def field_error(html, field):
    found = re.search(rf'<p class="field__error" id="id_{field}_error">(.*?)</p>', html, re.S)
    return " ".join(re.sub(r"<[^>]+>", "", found.group(1)).split()) if found else None


class TestGiftAid:
    def test_the_form_shows_hmrcs_declaration_with_the_charitys_name(self, client, join_page, tier):
        html = client.get("/join/").content.decode()
        assert "<legend>Gift Aid (UK taxpayers only)</legend>" in html
        # The box is labelled by the declaration itself, and described by HMRC's note.
        assert f'<label for="id_gift_aid">{DECLARATION}</label>' in html
        assert f'<p class="field__hint" id="id_gift_aid_helptext">{DECLARATION_NOTE}</p>' in html
        checkbox = re.search(r'<input[^>]*name="gift_aid"[^>]*>', html).group(0)
        assert 'aria-describedby="id_gift_aid_helptext"' in checkbox
        assert "[charity]" not in html and "£___" not in html

    def test_a_declaration_is_stored_with_the_address_postcode_and_its_words(
        self, apply, join_page, tier, secretary
    ):
        response = apply(gift_aid_application(tier))
        assert response.status_code == 302
        saved = MembershipApplication.objects.get()
        assert saved.gift_aid
        assert saved.address == "12 Acacia Avenue\nLondon"
        assert saved.postcode == "SW1A 1AA"
        assert saved.gift_aid_wording == f"{DECLARATION}\n\n{DECLARATION_NOTE}"
        to_secretary = next(m for m in mail.outbox if m.to == [secretary])
        assert "Home address: 12 Acacia Avenue\nLondon\nPostcode: SW1A 1AA\n" in to_secretary.body
        assert "Gift Aid: yes" in to_secretary.body

    @pytest.mark.parametrize(
        "missing, field, message",
        [
            (
                {"address": ""},
                "address",
                "Enter your home address, which HMRC needs for Gift Aid, or untick the Gift Aid "
                "declaration.",
            ),
            (
                {"postcode": ""},
                "postcode",
                "Enter your postcode, which HMRC needs for Gift Aid, or untick the Gift Aid "
                "declaration.",
            ),
            (
                {"postcode": "12345"},
                "postcode",
                "Enter a UK postcode, like SW1A 1AA, or under Country the country you live in if "
                "it is not the UK.",
            ),
        ],
    )
    def test_without_a_home_address_and_postcode_it_is_refused_and_nothing_typed_is_lost(
        self, client, join_page, tier, missing, field, message
    ):
        response = client.post("/join/", gift_aid_application(tier, **missing))
        assert response.status_code == 200
        html = response.content.decode()
        assert field_error(html, field) == f"Error: {message}"
        assert f'<li><a href="#id_{field}">{message}</a></li>' in html
        assert MembershipApplication.objects.count() == 0
        # Everything typed is still there, the declaration still ticked.
        assert 'value="José Núñez Quispe"' in html and 'value="jose@example.org"' in html
        assert re.search(r'<input[^>]*name="gift_aid"[^>]*checked', html)
        assert re.search(rf'<input[^>]*value="{tier.pk}"[^>]*checked', html)
        if field != "address":
            assert "12 Acacia Avenue\nLondon</textarea>" in html
        if missing.get("postcode"):
            assert f'value="{missing["postcode"]}"' in html

    def test_without_gift_aid_address_and_postcode_stay_optional(self, client, join_page, tier):
        # The positive control: the same posts without the declaration are accepted.
        for n, missing in enumerate([{"address": ""}, {"postcode": ""}]):
            data = gift_aid_application(tier, email=f"p{n}@example.org", gift_aid=None, **missing)
            assert client.post("/join/", data).status_code == 302
        assert not MembershipApplication.objects.filter(gift_aid=True).exists()

    @pytest.mark.parametrize(
        "typed, stored",
        [("sw1a1aa", "SW1A 1AA"), ("  ec1a   1bb ", "EC1A 1BB"), ("m11ae", "M1 1AE")],
    )
    def test_a_uk_postcode_is_written_as_royal_mail_writes_it(
        self, client, join_page, tier, typed, stored
    ):
        assert client.post("/join/", gift_aid_application(tier, postcode=typed)).status_code == 302
        assert MembershipApplication.objects.get().postcode == stored

    def test_a_uk_postcode_is_checked_even_without_gift_aid(self, client, join_page, tier):
        data = application(tier, postcode="LIMA 1")
        html = client.post("/join/", data).content.decode()
        assert field_error(html, "postcode").startswith("Error: Enter a UK postcode")

    @pytest.mark.parametrize("country", ["Perú", "Spain"])
    def test_a_home_abroad_needs_no_uk_postcode(self, client, join_page, tier, country):
        # HMRC claims for a home abroad with the postcode "X" (the register's schedule).
        data = gift_aid_application(tier, country=country, postcode="")
        assert client.post("/join/", data).status_code == 302
        data = gift_aid_application(tier, email="b@example.org", country=country, postcode="15074")
        assert client.post("/join/", data).status_code == 302
        assert sorted(MembershipApplication.objects.values_list("postcode", flat=True)) == [
            "",
            "15074",
        ]

    @pytest.mark.parametrize(
        "country", ["United Kingdom", "UK", "u.k.", "the United Kingdom", "Scotland", "Reino Unido"]
    )
    def test_the_uk_by_any_usual_name_needs_the_postcode(self, client, join_page, tier, country):
        data = gift_aid_application(tier, country=country, postcode="")
        html = client.post("/join/", data).content.decode()
        assert field_error(html, "postcode").startswith("Error: Enter your postcode")

    def test_over_the_limit_the_gift_aid_details_are_kept(self, client, join_page, tier, settings):
        settings.MEMBERSHIP_JOIN_POSTS_PER_HOUR = 1
        client.post("/join/", application(tier, email="first@example.org"))
        response = client.post("/join/", gift_aid_application(tier, postcode="ec1a 1bb"))
        assert response["Location"] == "/join/received/"
        kept = MembershipApplication.objects.get(spam_reason="rate")
        assert (kept.address, kept.postcode, kept.gift_aid) == (
            "12 Acacia Avenue\nLondon",
            "EC1A 1BB",
            True,
        )


class TestHowToPay:
    GENERIC = (
        "You pay nothing now. Once the membership secretary has processed your application, we "
        "will email you to tell you how to pay your membership fee."
    )

    def test_until_the_charity_says_how_the_page_and_email_say_only_what_is_true(
        self, client, apply, join_page, tier
    ):
        assert self.GENERIC in " ".join(client.get("/join/").content.decode().split())
        apply(application(tier))
        [confirmation] = mail.outbox
        assert " ".join(self.GENERIC.split()) in " ".join(confirmation.body.split())
        assert "How to pay" not in client.get("/join/thanks/").content.decode()

    def test_the_editors_instructions_are_shown_and_emailed_instead(
        self, client, apply, join_page, tier
    ):
        join_page.payment_instructions = "Pay by standing order.\nReference: <your name>"
        join_page.save_revision().publish()
        for url in ("/join/", "/join/thanks/"):
            html = client.get(url).content.decode()
            assert "How to pay</h" in html
            assert "<p>Pay by standing order.<br>Reference: &lt;your name&gt;</p>" in html
            assert "You pay nothing now" not in html
        apply(application(tier))
        [confirmation] = mail.outbox
        assert (
            "How to pay your membership fee:\n\nPay by standing order.\nReference: <your name>"
            in confirmation.body
        )
        assert "You pay nothing now" not in confirmation.body

    def test_the_confirmation_repeats_a_gift_aid_declaration(self, apply, join_page, tier):
        apply(gift_aid_application(tier))
        apply(application(tier, email="ann@example.org"))
        declared, undeclared = (
            next(m for m in mail.outbox if m.to == [email])
            for email in ("jose@example.org", "ann@example.org")
        )
        assert f"You made this Gift Aid declaration:\n\n{DECLARATION}\n\n{DECLARATION_NOTE}" in (
            declared.body
        )
        assert "Gift Aid" not in undeclared.body


def forged_token():
    return signing.dumps(time.time() - 60, key="not-the-sites-key", salt=STARTED_SALT)


SUSPECT_POSTS = {
    "trap filled": ({"leave_blank": "http://spam.example"}, "trap"),
    "too fast": ({"started": "just now"}, "too_fast"),
    "forged token": ({"started": "forged"}, "bad_token"),
    "garbage token": ({"started": "not a token"}, "bad_token"),
    "no token": ({"started": None}, "bad_token"),
    "expired token": ({"started": "three days ago"}, "expired"),
}


def suspect_overrides(case):
    overrides, reason = SUSPECT_POSTS[case]
    token = {
        "just now": lambda: started(seconds_ago=1),
        "forged": forged_token,
        "three days ago": lambda: started(seconds_ago=3 * 24 * 3600),
    }.get(overrides.get("started"))
    return ({**overrides, "started": token()} if token else overrides), reason


class TestSuspectedSpam:
    """What looks automated is kept, marked, never emailed, and the sender told the truth."""

    @pytest.mark.parametrize("case", SUSPECT_POSTS)
    def test_is_stored_as_suspected_and_never_emailed(
        self, apply, join_page, tier, secretary, case
    ):
        overrides, reason = suspect_overrides(case)
        response = apply(application(tier, **overrides), follow=True)
        assert response.redirect_chain == [("/join/received/", 302)]
        saved = MembershipApplication.objects.get()
        assert saved.full_name == "José Núñez Quispe" and saved.email == "jose@example.org"
        assert (saved.status, saved.spam_reason) == (Status.SUSPECTED, reason)
        assert mail.outbox == []
        assert not ApplicationEmail.objects.exists()
        # The truth: received and to be checked; no claim that an email is on its way.
        html = response.content.decode()
        assert "We have received your application and will check it." in html
        assert "no confirmation email has been sent yet" in html
        assert "sending a confirmation" not in html and "We have sent" not in html

    def test_a_careful_reader_is_not_suspected(self, apply, join_page, tier):
        apply(application(tier, started=started(seconds_ago=4)))
        assert MembershipApplication.objects.get().status == Status.NEW

    def test_a_form_open_for_almost_two_days_is_still_fine(self, apply, join_page, tier):
        apply(application(tier, started=started(seconds_ago=47 * 3600)))
        assert MembershipApplication.objects.get().status == Status.NEW

    def test_the_limits_are_settings(self, apply, join_page, tier, settings):
        settings.MEMBERSHIP_FORM_MIN_SECONDS = 20
        apply(application(tier, started=started(seconds_ago=10)))
        assert MembershipApplication.objects.get().spam_reason == "too_fast"
        MembershipApplication.objects.all().delete()
        settings.MEMBERSHIP_FORM_MIN_SECONDS = 3
        settings.MEMBERSHIP_FORM_MAX_AGE_HOURS = 1
        apply(application(tier, started=started(seconds_ago=2 * 3600)))
        assert MembershipApplication.objects.get().spam_reason == "expired"

    def test_a_suspected_application_does_not_block_a_genuine_one(
        self, apply, join_page, tier, secretary
    ):
        apply(application(tier, started=started(seconds_ago=0)))
        response = apply(application(tier, email="JOSE@example.org"))
        assert response["Location"] == "/join/thanks/"
        assert sorted(MembershipApplication.objects.values_list("status", flat=True)) == [
            "new",
            "suspected",
        ]
        assert sorted(m.to[0] for m in mail.outbox) == [
            "JOSE@example.org",
            "secretary@example.org",
        ]

    def test_a_suspected_post_beside_an_open_application_is_kept_and_mails_nobody(
        self, apply, join_page, tier
    ):
        apply(application(tier))
        mail.outbox.clear()
        response = apply(application(tier, leave_blank="x"))
        assert response["Location"] == "/join/received/"
        assert MembershipApplication.objects.get(status="suspected").spam_reason == "trap"
        assert mail.outbox == []

    def test_invalid_input_is_refused_before_any_suspicion(self, client, join_page, tier):
        response = client.post("/join/", application(tier, email="nope", leave_blank="x"))
        assert b"Enter an email address like name@example.org." in response.content
        assert MembershipApplication.objects.count() == 0

    def test_after_a_key_rotation_the_old_key_as_a_fallback_keeps_forms_valid(
        self, apply, join_page, tier, settings
    ):
        token = started()  # signed with the current key, as a form open during the rotation
        settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
        settings.SECRET_KEY = "the-new-key-after-rotation"
        apply(application(tier, started=token))
        assert MembershipApplication.objects.get().status == Status.NEW

    def test_after_a_key_rotation_without_the_fallback_forms_are_suspected_not_lost(
        self, apply, join_page, tier, settings
    ):
        token = started()
        settings.SECRET_KEY = "the-new-key-after-rotation"
        apply(application(tier, started=token))
        saved = MembershipApplication.objects.get()
        assert (saved.status, saved.spam_reason) == (Status.SUSPECTED, "bad_token")


class TestThrottle:
    """Posts beyond the limit from one connection are kept as suspected spam, never refused;
    only posts the form stores count."""

    LIMIT = 5
    THANKS, RECEIVED = "/join/thanks/", "/join/received/"

    @pytest.fixture(autouse=True)
    def poster(self, apply):
        self.apply = apply

    def post(self, client, tier, address, n, **overrides):
        data = application(tier, email=f"person{n}@example.org", **overrides)
        return self.apply(data, REMOTE_ADDR=address)

    def landed(self, response):
        assert response.status_code == 302
        return response["Location"]

    def test_a_sixth_post_in_an_hour_is_stored_as_suspected_spam_not_refused(
        self, client, join_page, tier, secretary
    ):
        for n in range(self.LIMIT):
            assert self.landed(self.post(client, tier, "203.0.113.7", n)) == self.THANKS
        response = self.post(client, tier, "203.0.113.7", 99, full_name="Ana Quispe")
        assert self.landed(response) == self.RECEIVED
        sixth = MembershipApplication.objects.get(email="person99@example.org")
        assert (sixth.full_name, sixth.status, sixth.spam_reason) == (
            "Ana Quispe",
            Status.SUSPECTED,
            "rate",
        )
        assert "person99@example.org" not in {m.to[0] for m in mail.outbox}
        assert len(mail.outbox) == 2 * self.LIMIT
        page = client.get(response["Location"]).content.decode()
        assert "We have received your application and will check it." in page

    def test_five_invalid_posts_then_a_valid_one_is_stored_and_thanked(
        self, client, join_page, tier, secretary
    ):
        # Typing mistakes at a shared connection (an office, a campus, an event).
        for n in range(self.LIMIT):
            assert self.post(client, tier, "203.0.113.7", n, consent=None).status_code == 200
        assert MembershipApplication.objects.count() == 0
        response = self.post(client, tier, "203.0.113.7", 9)
        assert self.landed(response) == self.THANKS
        assert MembershipApplication.objects.get().status == Status.NEW
        assert sorted(m.to[0] for m in mail.outbox) == [
            "person9@example.org",
            "secretary@example.org",
        ]

    def test_other_addresses_are_not_held_up(self, client, join_page, tier):
        for n in range(self.LIMIT + 1):
            self.post(client, tier, "203.0.113.7", n)
        assert self.landed(self.post(client, tier, "198.51.100.2", 50)) == self.THANKS

    def test_the_limit_is_a_setting_and_the_count_ends_after_an_hour(
        self, client, join_page, tier, settings, monkeypatch
    ):
        settings.MEMBERSHIP_JOIN_POSTS_PER_HOUR = 1
        assert self.landed(self.post(client, tier, "203.0.113.7", 1)) == self.THANKS
        assert self.landed(self.post(client, tier, "203.0.113.7", 2)) == self.RECEIVED
        later = timezone.now() + datetime.timedelta(seconds=3601)
        monkeypatch.setattr(timezone, "now", lambda: later)
        assert self.landed(self.post(client, tier, "203.0.113.7", 3)) == self.THANKS

    def test_one_ipv6_network_counts_as_one_client(self, client, join_page, tier):
        for n in range(self.LIMIT):
            assert self.landed(self.post(client, tier, f"2001:db8:1:2::{n + 1}", n)) == self.THANKS
        assert self.landed(self.post(client, tier, "2001:db8:1:2::ff", 9)) == self.RECEIVED
        assert self.landed(self.post(client, tier, "2001:db8:1:3::1", 10)) == self.THANKS

    def test_behind_a_proxy_the_forwarded_client_is_counted(
        self, client, join_page, tier, settings
    ):
        settings.TRUSTED_PROXY_COUNT = 1
        settings.FORWARDED_ALLOW_IPS = ["10.0.0.1"]

        def post(n, forwarded):
            data = application(tier, email=f"person{n}@example.org")
            response = client.post(
                "/join/", data, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded
            )
            return self.landed(response)

        for n in range(self.LIMIT):
            # Whatever the client puts in front, the proxy's last entry is who it is.
            assert post(n, f"198.51.100.{n}, 203.0.113.7") == self.THANKS
        assert post(8, "203.0.113.7") == self.RECEIVED
        assert post(9, "203.0.113.8") == self.THANKS

    def test_reading_the_form_is_never_throttled(self, client, join_page, tier):
        for n in range(self.LIMIT + 1):
            self.post(client, tier, "203.0.113.7", n)
        assert client.get("/join/", REMOTE_ADDR="203.0.113.7").status_code == 200


class TestAbuse:
    def test_missing_csrf_token_gets_the_sites_own_403(self, join_page, tier):
        client = Client(enforce_csrf_checks=True)
        response = client.post("/join/", application(tier))
        assert response.status_code == 403
        assert b"Your form could not be sent" in response.content
        assert b'class="skip-link"' in response.content
        assert MembershipApplication.objects.count() == 0


class TestMailFailure:
    def test_failing_mail_server_loses_nothing(self, apply, join_page, tier, secretary, caplog):
        with (
            mock.patch(
                "django.core.mail.EmailMessage.send",
                side_effect=smtplib.SMTPServerDisconnected("mail server down"),
            ),
            caplog.at_level(logging.WARNING, logger="members.notifications"),
        ):
            response = apply(application(tier))
        assert response.status_code == 302
        saved = MembershipApplication.objects.get(email="jose@example.org")
        assert "Could not send" in caplog.text
        # The first failure stops the round (the server is down); both wait for a retry.
        emails = {email.kind: email for email in saved.emails.all()}
        assert {kind: email.state for kind, email in emails.items()} == {
            "applicant": "pending",
            "secretary": "pending",
        }
        assert sum(email.attempts for email in emails.values()) == 1
        assert any("mail server down" in email.last_error for email in emails.values())

    def test_without_a_secretary_address_only_the_applicant_is_emailed(
        self, apply, join_page, tier, caplog
    ):
        with caplog.at_level(logging.WARNING, logger="members.notifications"):
            apply(application(tier))
        assert [m.to for m in mail.outbox] == [["jose@example.org"]]
        assert "No membership secretary email is set" in caplog.text


@pytest.fixture
def pitch(join_page):
    pitch = MembershipPitch(
        heading="Why join the PSG?", cta_label="Become a member", cta_page=join_page
    )
    pitch.reasons = [
        MembershipReason(text="Keep up to date with latest news and developments in Peru"),
        MembershipReason(text="Support the work of the Peru Support Group"),
    ]
    pitch.save()
    pitch.save_revision().publish()
    return pitch


def place_pitch(page, pitch):
    page.body = [{"type": "membership_pitch", "value": pitch.pk}]
    page.save_revision().publish()


class TestMembershipPitch:
    def test_shown_wherever_placed_and_edited_once(self, client, home_page, join_page, pitch):
        about = StandardPageFactory(parent=home_page, slug="about")
        place_pitch(home_page, pitch)
        place_pitch(about, pitch)
        for url in ("/", "/about/"):
            html = client.get(url).content.decode()
            assert "Why join the PSG?" in html
            assert "<li>Support the work of the Peru Support Group</li>" in html
            assert '<a class="button" href="/join/">Become a member</a>' in html
        pitch.heading = "Join the Peru Support Group"
        pitch.save_revision().publish()
        for url in ("/", "/about/"):
            assert "Join the Peru Support Group" in client.get(url).content.decode()

    def test_a_draft_is_not_shown_until_published(self, client, home_page, pitch):
        place_pitch(home_page, pitch)
        pitch.heading = "Draft heading"
        pitch.save_revision()  # saved as a draft, not published
        html = client.get("/").content.decode()
        assert "Why join the PSG?" in html and "Draft heading" not in html

    def test_an_unpublished_pitch_disappears(self, client, home_page, pitch):
        place_pitch(home_page, pitch)
        assert "Why join the PSG?" in client.get("/").content.decode()
        pitch.unpublish()
        assert "Why join the PSG?" not in client.get("/").content.decode()

    def test_previews_in_the_admin(self, admin_client, pitch):
        from django.urls import reverse

        url = reverse("wagtailsnippets_members_membershippitch:preview_on_edit", args=[pitch.pk])
        data = {
            "heading": "Previewed heading",
            "cta_label": "Become a member",
            "cta_page": pitch.cta_page_id,
            "reasons-TOTAL_FORMS": "1",
            "reasons-INITIAL_FORMS": "0",
            "reasons-MIN_NUM_FORMS": "1",
            "reasons-MAX_NUM_FORMS": "1000",
            "reasons-0-text": "A previewed reason",
            "reasons-0-ORDER": "1",
            "reasons-0-DELETE": "",
            "reasons-0-id": "",
        }
        response = admin_client.post(url, data)
        assert response.json() == {"is_valid": True, "is_available": True}
        html = admin_client.get(url).content.decode()
        assert "Previewed heading" in html and "A previewed reason" in html


class TestDemoMembership:
    """load_demo_content's join page, membership settings and Privacy page."""

    @pytest.fixture(scope="class")
    @classmethod
    def demo(cls, django_db_setup, django_db_blocker):
        # Loaded once for the class: each test's changes are rolled back.
        yield from shared_across_tests(
            django_db_blocker, lambda: call_command("load_demo_content", verbosity=0)
        )

    def test_links_the_privacy_page_and_keeps_an_editors_choice(self, demo, home_page):
        membership_settings = MembershipSettings.for_site(home_page.get_site())
        privacy = StandardPage.objects.get(slug="privacy")
        assert membership_settings.privacy_page_id == privacy.pk
        chosen = StandardPage.objects.get(slug="about")
        membership_settings.privacy_page = chosen
        membership_settings.save()
        call_command("load_demo_content", verbosity=0)
        assert MembershipSettings.for_site(home_page.get_site()).privacy_page_id == chosen.pk

    def test_a_second_run_changes_nothing(self, demo, home_page):
        out = io.StringIO()
        call_command("load_demo_content", stdout=out)
        assert "(0 new objects)" in out.getvalue()

    def test_the_join_form_links_the_demo_privacy_notice(self, demo, client, home_page):
        html = client.get("/join/").content.decode()
        assert 'as described in its <a href="/privacy/">privacy notice</a>.' in html

    def test_the_demo_invents_no_payment_details(self, demo, client, home_page):
        from members.models import JoinPage

        assert set(JoinPage.objects.values_list("payment_instructions", flat=True)) == {""}
        html = " ".join(client.get("/join/").content.decode().split())
        assert TestHowToPay.GENERIC in html

    def test_the_thank_you_text_claims_nothing_not_yet_done(self):
        assert "We are sending a confirmation" in demo_content.JOIN_THANKS
        assert "We have sent" not in demo_content.JOIN_THANKS

    def test_the_privacy_page_says_how_long_applications_and_searches_are_kept(
        self, demo, client, home_page
    ):
        # The periods come from the settings (tests/test_privacy_notice.py changes them).
        text = " ".join(client.get("/privacy/").content.decode().split())
        assert "Declined membership applications: deleted 12 months after we receive them." in text
        assert "deleted 30 days after we receive them, unless the membership secretary" in text
        assert "each day's counts are kept for 7 days" in text
        assert "search log holds no address or other personal data" in text

    def test_the_only_cookie_a_reader_gets_is_the_join_forms_security_cookie(
        self, demo, client, home_page
    ):
        # What the Privacy page says about cookies.
        for url in ("/", "/news/", "/privacy/", "/join/thanks/"):
            assert not client.get(url).cookies, url
        assert set(client.get("/join/").cookies) == {"csrftoken"}
