"""Joining: the pitch, the join page, the application form and everything it refuses."""

import logging
import re
import smtplib
import time
from decimal import Decimal
from unittest import mock

from django.core import mail, signing
from django.db import IntegrityError
from django.test import Client

import pytest

from core.caching import advance_content_version
from members.forms import _SIGNING_SALT
from members.models import (
    MembershipApplication,
    MembershipPitch,
    MembershipReason,
    MembershipSettings,
)
from tests.factories import JoinPageFactory, MembershipTierFactory, StandardPageFactory
from tests.layers import needs


@pytest.fixture
def join_page(home_page):
    StandardPageFactory(parent=home_page, title="Privacy", slug="privacy")
    return JoinPageFactory(parent=home_page)


@pytest.fixture
def tier(db):
    return MembershipTierFactory(name="Individual", annual_fee=Decimal("25.00"))


@pytest.fixture
def secretary(home_page):
    settings = MembershipSettings.for_site(home_page.get_site())
    settings.secretary_email = "secretary@example.org"
    settings.save()
    return settings.secretary_email


def started(seconds_ago=10):
    return signing.dumps(time.time() - seconds_ago, salt=_SIGNING_SALT)


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
        "website": "",
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
            assert re.search(
                rf'<(input|textarea)[^>]*autocomplete="{autocomplete}"[^>]*id="id_{name}"', html
            ) or re.search(rf'<(input|textarea)[^>]*id="id_{name}"[^>]*', html)
            field = re.search(rf'<(?:input|textarea)[^>]*name="{name}"[^>]*>', html).group(0)
            assert f'autocomplete="{autocomplete}"' in field
        assert "<legend>Membership type</legend>" in html
        assert 'href="/privacy/">privacy notice</a>' in html
        # The honeypot is hidden from people and from screen readers.
        assert '<div class="field--trap" aria-hidden="true">' in html

    def test_no_tiers_means_no_form(self, client, join_page):
        html = client.get("/join/").content.decode()
        assert "<form" not in html.split('<main id="main"')[1]
        assert "not open at the moment" in html


class TestApplying:
    def test_valid_application_is_saved_then_confirmed_by_email(
        self, client, join_page, tier, secretary
    ):
        response = client.post("/join/", application(tier, gift_aid="on"))
        assert response.status_code == 302
        assert response["Location"] == "/join/thanks/"
        saved = MembershipApplication.objects.get()
        assert saved.full_name == "José Núñez Quispe"
        assert saved.status == "new" and saved.gift_aid and saved.consent
        assert saved.tier == tier
        assert sorted(message.to[0] for message in mail.outbox) == [
            "jose@example.org",
            "secretary@example.org",
        ]
        to_secretary = next(m for m in mail.outbox if m.to == ["secretary@example.org"])
        assert to_secretary.subject == "New membership application: José Núñez Quispe"
        assert "José Núñez Quispe" in to_secretary.body
        assert f"/admin/members/membershipapplication/inspect/{saved.pk}/" in to_secretary.body

        thanks = client.get(response["Location"])
        assert thanks.status_code == 200
        assert b"Thank you for applying" in thanks.content

    def test_refreshing_the_thank_you_page_applies_nothing_more(self, client, join_page, tier):
        response = client.post("/join/", application(tier), follow=True)
        assert response.redirect_chain == [("/join/thanks/", 302)]
        client.get("/join/thanks/")
        assert MembershipApplication.objects.count() == 1

    def test_same_email_with_an_open_application_is_not_duplicated(self, client, join_page, tier):
        client.post("/join/", application(tier))
        response = client.post("/join/", application(tier, email="JOSE@example.org"))
        assert response.status_code == 200
        assert b"We already have your application" in response.content
        assert MembershipApplication.objects.count() == 1

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
        ],
    )
    def test_bad_input_is_refused_with_a_message_and_nothing_stored(
        self, client, join_page, tier, overrides, field, message
    ):
        response = client.post("/join/", application(tier, **overrides))
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

    def test_hostile_text_is_stored_as_text_and_shown_escaped(
        self, client, join_page, tier, secretary
    ):
        hostile = '<script>alert(1)</script> =HYPERLINK("http://evil.example","x")'
        client.post("/join/", application(tier, heard_about=hostile))
        saved = MembershipApplication.objects.get()
        assert saved.heard_about == hostile
        # Plain-text email: nothing to execute, and the text arrives intact.
        assert hostile in next(m for m in mail.outbox if m.to == [secretary]).body
        assert all(not m.alternatives for m in mail.outbox)
        # Shown back on the form (a duplicate attempt) it is escaped.
        html = client.post("/join/", application(tier, heard_about=hostile)).content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


class TestAbuse:
    def test_missing_csrf_token_gets_the_sites_own_403(self, join_page, tier):
        client = Client(enforce_csrf_checks=True)
        response = client.post("/join/", application(tier))
        assert response.status_code == 403
        assert b"Your form could not be sent" in response.content
        assert b'class="skip-link"' in response.content
        assert MembershipApplication.objects.count() == 0

    @pytest.mark.parametrize(
        "overrides",
        [
            {"website": "http://spam.example"},
            {"started": "just now"},
            {"started": "forged"},
            {"started": None},
        ],
        ids=["honeypot", "too-fast", "forged-timestamp", "no-timestamp"],
    )
    def test_bots_are_dropped_silently(self, client, join_page, tier, secretary, overrides):
        if overrides.get("started") == "just now":
            overrides = {"started": started(seconds_ago=0)}
        response = client.post("/join/", application(tier, **overrides), follow=True)
        assert response.redirect_chain == [("/join/thanks/", 302)]
        assert b"Thank you for applying" in response.content
        assert MembershipApplication.objects.count() == 0
        assert mail.outbox == []


class TestMailFailure:
    def test_failing_mail_server_loses_nothing(self, client, join_page, tier, secretary, caplog):
        with (
            mock.patch(
                "members.notifications.send_mail",
                side_effect=smtplib.SMTPServerDisconnected("mail server down"),
            ),
            caplog.at_level(logging.ERROR, logger="members.notifications"),
        ):
            response = client.post("/join/", application(tier))
        assert response.status_code == 302
        assert MembershipApplication.objects.filter(email="jose@example.org").exists()
        assert "Could not send" in caplog.text

    def test_without_a_secretary_address_only_the_applicant_is_emailed(
        self, client, join_page, tier
    ):
        client.post("/join/", application(tier))
        assert [m.to for m in mail.outbox] == [["jose@example.org"]]


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

    @needs("fragment cache")
    def test_another_process_edit_shows_at_the_next_request(self, client, home_page, pitch):
        # Another process's publish reaches this one only through the database: the row
        # changed and the content version it advanced (signals run in that process only).
        place_pitch(StandardPageFactory(parent=home_page, slug="about"), pitch)
        assert "Why join the PSG?" in client.get("/about/").content.decode()
        MembershipPitch.objects.filter(pk=pitch.pk).update(heading="Join the Peru Support Group")
        assert "Why join the PSG?" in client.get("/about/").content.decode()  # still cached
        advance_content_version()
        assert "Join the Peru Support Group" in client.get("/about/").content.decode()

    def test_a_draft_is_not_shown_until_published(self, client, home_page, pitch):
        place_pitch(home_page, pitch)
        pitch.heading = "Draft heading"
        pitch.save_revision()  # saved as a draft, not published
        html = client.get("/").content.decode()
        assert "Why join the PSG?" in html and "Draft heading" not in html

    def test_an_unpublished_pitch_disappears(self, client, home_page, pitch):
        place_pitch(home_page, pitch)
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
