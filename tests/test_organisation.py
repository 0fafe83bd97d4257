"""The charity's basics, editable in Settings → Site settings: each shown where it belongs (the
footer, the contact page, the structured data, the privacy notice) in both languages once it is
set, and nothing at all while it is empty, which the demo leaves it; the Donate link; the
privacy notice's periods, read from the site's own settings; and the dashboard's "Before you
launch", which lists exactly what is still missing."""

import json
import re

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

import pytest

from home.models import SiteSettings
from members.models import MembershipSettings
from tests.conftest import shared_across_tests, translate
from tests.factories import ContactPageFactory, StandardPageFactory
from tests.test_roles_workflow import editor, logged_in, roles  # noqa: F401 (fixtures)

DETAILS = {
    "legal_name": "Peru Support Group (registered name)",
    "charity_number": "1234567",
    "company_number": "01234567",
    "postal_address": "1 Example Street\r\n\r\nLondon\r\nN1 1AA",
    "contact_email": "office@psg.example",
    "phone": "+44 20 7946 0000",
    "donate_url": "https://give.example.org/psg",
    "facebook_url": "https://www.facebook.com/psg.example",
}


@pytest.fixture
def organisation(home_page):
    return SiteSettings.for_site(home_page.get_site())


@pytest.fixture
def filled_in(organisation):
    for name, value in DETAILS.items():
        setattr(organisation, name, value)
    organisation.full_clean()
    organisation.save()
    return organisation


@pytest.fixture
def pages(home_page, spanish_home, spanish):
    """The contact and privacy pages in both languages."""
    contact = ContactPageFactory(parent=home_page)
    translate(contact, spanish, title="Contacto", slug="contacto")
    privacy = StandardPageFactory(
        parent=home_page,
        title="Privacy",
        slug="privacy",
        body=[{"type": "privacy_notice", "value": None}],
    )
    translate(privacy, spanish, title="Privacidad", slug="privacidad")
    return {"contact": contact, "privacy": privacy}


def text(html):
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def json_ld(html):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return {data["@type"]: data for data in map(json.loads, blocks)}


def footer(html):
    return html.split('<footer class="site-footer">')[1]


class TestTheFooter:
    def test_shows_nothing_of_what_is_empty(self, client, pages):
        for path in ("/", "/es/"):
            html = footer(client.get(path).content.decode())
            assert "Registered charity" not in html and "registrada" not in html
            assert "Donate" not in html and "Donar" not in html
            assert 'class="footer-legal"' not in html and 'class="footer-donate"' not in html

    def test_shows_the_numbers_and_the_donate_link_in_both_languages_once_set(
        self, client, pages, organisation
    ):
        # Read once before the change: the cached footer is purged when the setting is saved.
        assert "Registered charity" not in client.get("/").content.decode()
        for name, value in DETAILS.items():
            setattr(organisation, name, value)
        organisation.save()
        english = footer(client.get("/").content.decode())
        assert "Registered charity no. 1234567" in english
        assert "Company no. 01234567" in english
        assert '<a class="button" href="https://give.example.org/psg">Donate</a>' in english
        spanish = footer(client.get("/es/").content.decode())
        assert "Organización benéfica registrada n.º 1234567" in spanish
        assert "Empresa registrada n.º 01234567" in spanish
        assert '<a class="button" href="https://give.example.org/psg">Donar</a>' in spanish

    def test_each_is_shown_alone(self, client, pages, organisation):
        organisation.company_number = "01234567"
        organisation.save()
        html = footer(client.get("/").content.decode())
        assert "Company no. 01234567" in html
        assert "Registered charity" not in html and "Donate" not in html

    def test_the_footer_links_the_contact_page_only(self, client, pages, filled_in):
        html = footer(client.get("/").content.decode())
        assert '<a href="/contact/">Contact</a>' in html
        assert "office@psg.example" not in html and "csrfmiddlewaretoken" not in html


class TestTheContactPage:
    def test_shows_no_details_while_none_is_set(self, client, pages):
        for path in ("/contact/", "/es/contacto/"):
            html = client.get(path).content.decode()
            assert "contact-details" not in html
            assert "mailto:" not in html and "tel:" not in html

    def test_shows_each_detail_once_set_in_both_languages(self, client, pages, filled_in):
        html = client.get("/contact/").content.decode()
        details = text(html.split('class="contact-details"')[1].split("</section>")[0])
        assert details == (
            'aria-labelledby="contact-details-heading"> Contact details Email '
            "office@psg.example Phone +44 20 7946 0000 Post 1 Example Street London N1 1AA "
            "Follow us Facebook"
        )
        assert '<a href="mailto:office@psg.example">' in html
        assert '<a href="tel:+442079460000">' in html
        assert "1 Example Street<br>London<br>N1 1AA" in html
        spanish = client.get("/es/contacto/").content.decode()
        assert "Datos de contacto" in spanish and "Correo postal" in spanish
        assert "Teléfono" in spanish and "Síganos" in spanish

    def test_shows_only_what_is_set(self, client, pages, organisation):
        organisation.phone = "020 7946 0000"
        organisation.save()
        html = client.get("/contact/").content.decode()
        assert '<a href="tel:02079460000">020 7946 0000</a>' in html
        assert "mailto:" not in html and "<address>" not in html and "Follow us" not in html


class TestTheStructuredData:
    def test_the_organisation_says_nothing_that_is_not_set(self, client, pages):
        for path in ("/", "/es/"):
            organisation = json_ld(client.get(path).content.decode())["Organization"]
            assert set(organisation) <= {"@context", "@type", "name", "url", "description"}
        contact = json_ld(client.get("/contact/").content.decode())["ContactPage"]
        assert set(contact["mainEntity"]) == {"@type", "name", "url"}

    def test_the_organisation_carries_every_detail_once_set(self, client, pages, filled_in):
        expected = {
            "legalName": "Peru Support Group (registered name)",
            "email": "office@psg.example",
            "telephone": "+44 20 7946 0000",
            "address": "1 Example Street, London, N1 1AA",
            "identifier": [
                {
                    "@type": "PropertyValue",
                    "propertyID": "Registered charity number",
                    "value": "1234567",
                },
                {"@type": "PropertyValue", "propertyID": "Company number", "value": "01234567"},
            ],
            "potentialAction": {"@type": "DonateAction", "target": "https://give.example.org/psg"},
            "sameAs": ["https://www.facebook.com/psg.example"],
        }
        for path in ("/", "/es/"):
            organisation = json_ld(client.get(path).content.decode())["Organization"]
            assert organisation | expected == organisation, path
        for path in ("/contact/", "/es/contacto/"):
            contact = json_ld(client.get(path).content.decode())["ContactPage"]
            assert contact["mainEntity"]["@type"] == "Organization"
            assert contact["mainEntity"] | expected == contact["mainEntity"], path
        assert json_ld(client.get("/es/contacto/").content.decode())["ContactPage"]["url"] == (
            "http://testserver/es/contacto/"
        )


class TestTheSettings:
    def test_the_address_is_kept_as_plain_lines(self, filled_in):
        assert filled_in.postal_address == "1 Example Street\nLondon\nN1 1AA"

    @pytest.mark.parametrize(
        "field, value",
        [("phone", "call us"), ("phone", "+44 20 7946 0000\n"), ("charity_number", "12;34")],
    )
    def test_refuse_what_is_not_a_number(self, organisation, field, value):
        setattr(organisation, field, value)
        with pytest.raises(ValidationError) as refused:
            organisation.full_clean()
        assert field in refused.value.message_dict

    def test_the_admin_form_saves_them(self, admin_client, organisation):
        url = reverse("wagtailsettings:edit", args=["home", "sitesettings", organisation.site_id])
        form = admin_client.get(url).content.decode()
        for name in ("legal_name", "charity_number", "postal_address", "donate_url"):
            assert f'id="id_{name}"' in form
        data = dict(DETAILS)
        response = admin_client.post(url, data)
        assert response.status_code == 302
        organisation.refresh_from_db()
        assert organisation.charity_number == "1234567"
        refused = admin_client.post(url, {**data, "phone": "ring us"})
        assert refused.status_code == 200
        assert "Digits, spaces, brackets and hyphens only" in refused.content.decode()


class TestTheDemo:
    @pytest.fixture(scope="class")
    @classmethod
    def demo(cls, django_db_setup, django_db_blocker):
        yield from shared_across_tests(
            django_db_blocker, lambda: call_command("load_demo_content", verbosity=0)
        )

    def test_leaves_every_detail_empty(self, demo, home_page, client):
        organisation = SiteSettings.for_site(home_page.get_site())
        for name in (*DETAILS, "x_url", "instagram_url", "youtube_url", "linkedin_url"):
            assert getattr(organisation, name) == "", name
        html = client.get("/").content.decode()
        assert "Registered charity" not in html and "Donate" not in html
        # Its privacy page carries the notice's details, in both languages.
        assert "Who is responsible for your data" in client.get("/privacy/").content.decode()
        assert "Quién es responsable de sus datos" in (
            client.get("/es/privacidad/").content.decode()
        )


class TestThePrivacyNotice:
    def test_states_the_sites_own_retention_periods(self, client, pages):
        notice = text(client.get("/privacy/").content.decode())
        for sentence in [
            "Membership applications we have not decided on: deleted 12 months after we "
            "receive them.",
            "Declined membership applications: deleted 12 months after we receive them.",
            "not emailed on: deleted 30 days after we receive them, unless the membership "
            "secretary finds them genuine.",
            "Your membership (an accepted application): kept while you are a member, then "
            "deleted 6 years after we record that your membership has ended, as HMRC may check "
            "the Gift Aid we claimed on your payments for that long.",
            "Sessions, which keep you signed in or remember a page's password you gave: deleted "
            "14 days after you last signed in or gave the password, or as soon as you sign out.",
            "Messages sent with the contact form: deleted 180 days after they arrive.",
            "The search log: each day's counts are kept for 7 days.",
            "Counts of failed sign-ins and form posts: deleted after 1 day.",
            "The addresses an editor's account has signed in from: deleted after 90 days.",
            "Server logs: deleted after 14 days.",
        ]:
            assert sentence in notice
        assert "until the membership secretary deletes them" not in notice
        spanish = text(client.get("/es/privacidad/").content.decode())
        for sentence in [
            "Solicitudes de afiliación sobre las que aún no hemos decidido: se eliminan 12 meses "
            "después de recibidas.",
            "Su afiliación (una solicitud aceptada): se conserva mientras usted sea miembro y se "
            "elimina 6 años después de que registremos el fin de su afiliación",
            "se eliminan 14 días después de la última vez que inició sesión o ingresó la "
            "contraseña",
        ]:
            assert sentence in spanish

    def test_follows_the_settings_when_they_change(self, client, pages, settings):
        settings.MEMBERSHIP_NEW_RETENTION_MONTHS = 3
        settings.MEMBERSHIP_DECLINED_RETENTION_MONTHS = 1
        settings.MEMBERSHIP_SUSPECTED_RETENTION_DAYS = 14
        settings.MEMBERSHIP_LAPSED_RETENTION_YEARS = 1
        settings.SESSION_COOKIE_AGE = 86400
        settings.CONTACT_MESSAGE_RETENTION_DAYS = 60
        settings.WAGTAILSEARCH_HITS_MAX_AGE = 1
        settings.SIGNIN_ACCOUNT_WINDOW_SECONDS = 3 * 86400
        settings.SIGNIN_KNOWN_ADDRESS_DAYS = 30
        settings.SERVER_LOG_RETENTION_DAYS = 7
        settings.BULLETIN_DELIVERY_RETENTION_DAYS = 90
        notice = text(client.get("/privacy/").content.decode())
        for sentence in [
            "Declined membership applications: deleted 1 month after we receive them.",
            "deleted 14 days after we receive them",
            "Messages sent with the contact form: deleted 60 days after they arrive.",
            "each day's counts are kept for 1 day.",
            "Counts of failed sign-ins and form posts: deleted after 3 days.",
            "signed in from: deleted after 30 days.",
            "Server logs: deleted after 7 days.",
            "we have not decided on: deleted 3 months after we receive them.",
            "then deleted 1 year after we record that your membership has ended",
            "password you gave: deleted 1 day after you last signed in",
        ]:
            assert sentence in notice
        assert "12 months" not in notice and "180 days" not in notice
        assert "6 years" not in notice and "14 days after you last" not in notice
        spanish = text(client.get("/es/privacidad/").content.decode())
        assert "se eliminan 60 días después de recibidos" in spanish
        assert "se eliminan 1 mes después de recibidas" in spanish
        assert "aún no hemos decidido: se eliminan 3 meses después de recibidas" in spanish
        assert "se elimina 1 año después de que registremos el fin de su afiliación" in spanish
        assert "se eliminan 1 día después de la última vez que inició sesión" in spanish

    def test_names_the_controller_and_how_to_reach_it_once_set(self, client, pages, filled_in):
        notice = text(client.get("/privacy/").content.decode())
        assert (
            "Peru Support Group (registered name) is the controller of the personal data "
            "described on this page" in notice
        )
        assert "Registered charity no. 1234567. Company no. 01234567." in notice
        assert "by email: office@psg.example" in notice
        assert "by post: 1 Example Street, London, N1 1AA" in notice
        spanish = text(client.get("/es/privacidad/").content.decode())
        assert "es el responsable del tratamiento" in spanish
        assert "por correo postal: 1 Example Street, London, N1 1AA" in spanish

    def test_without_details_it_names_the_charity_and_invents_nothing(self, client, pages):
        notice = text(client.get("/privacy/").content.decode())
        assert "Peru Support Group is the controller of the personal data" in notice
        assert "Registered charity" not in notice
        assert "write to us:" not in notice and "[" not in notice

    def test_covers_lawful_bases_rights_and_the_ico(self, client, pages):
        html = client.get("/privacy/").content.decode()
        notice = text(html)
        for heading in [
            "What we keep, why, and on what lawful basis",
            "How long we keep it",
            "Your rights",
            "Complaints",
        ]:
            assert f">{heading}</h2>" in html
        # Membership, contact messages, Peru Update, sign-in protection, server logs.
        assert notice.count("Lawful basis:") == 5
        assert '<a href="https://ico.org.uk/make-a-complaint/">' in html
        assert '<a href="tel:+443031231113">0303 123 1113</a>' in html
        spanish = client.get("/es/privacidad/").content.decode()
        assert ">Sus derechos</h2>" in spanish and ">Reclamaciones</h2>" in spanish

    def test_the_page_stays_public(self, client, pages):
        response = client.get("/privacy/")
        assert response["Cache-Control"] == "public, max-age=60, s-maxage=600"
        assert not response.cookies


class TestBeforeYouLaunch:
    def items(self, user_client):
        html = user_client.get(reverse("wagtailadmin_home")).content.decode()
        section = re.search(r'id="before-you-launch-section".*?</section>', html, re.S)
        if not section:
            return {}
        links = re.findall(r'<li><a href="([^"]+)">([^<]+)</a>', section[0])
        return {label: url for url, label in links}

    def test_lists_exactly_what_is_missing_with_where_to_fill_it_in(self, admin_client, home_page):
        site_id = home_page.get_site().pk
        site_settings = reverse("wagtailsettings:edit", args=["home", "sitesettings", site_id])
        membership = reverse(
            "wagtailsettings:edit", args=["members", "membershipsettings", site_id]
        )
        assert self.items(admin_client) == {
            "Registered name": f"{site_settings}#id_legal_name",
            "Contact email": f"{site_settings}#id_contact_email",
            "Postal address": f"{site_settings}#id_postal_address",
            "Registered charity number": f"{site_settings}#id_charity_number",
            "Membership secretary&#x27;s email": f"{membership}#id_secretary_email",
            "Privacy notice": f"{membership}#id_privacy_page",
            "Contact page": reverse("wagtailadmin_pages:add_subpage", args=[home_page.pk]),
        }
        assert admin_client.get(site_settings).status_code == 200

    def test_each_item_goes_once_it_is_filled_in_and_then_the_panel_goes(
        self, admin_client, home_page, organisation
    ):
        organisation.contact_email = "office@psg.example"
        organisation.charity_number = "1234567"
        organisation.save()
        assert set(self.items(admin_client)) == {
            "Registered name",
            "Postal address",
            "Membership secretary&#x27;s email",
            "Privacy notice",
            "Contact page",
        }
        organisation.legal_name = "Peru Support Group"
        organisation.postal_address = "1 Example Street"
        organisation.save()
        membership = MembershipSettings.for_site(home_page.get_site())
        membership.secretary_email = "secretary@psg.example"
        privacy = StandardPageFactory(parent=home_page, slug="privacy")
        membership.privacy_page = privacy
        membership.save()
        ContactPageFactory(parent=home_page)
        # The privacy page is chosen but lacks the notice's details.
        assert self.items(admin_client) == {
            "Privacy notice: the legal details": reverse(
                "wagtailadmin_pages:edit", args=[privacy.pk]
            )
        }
        privacy.body = [{"type": "privacy_notice", "value": None}]
        privacy.save_revision().publish()
        html = admin_client.get(reverse("wagtailadmin_home")).content.decode()
        assert 'id="before-you-launch-section"' not in html
        assert "Recently published" in html  # the dashboard itself is there

    def test_an_unpublished_privacy_page_counts_as_missing(self, admin_client, home_page):
        privacy = StandardPageFactory(parent=home_page, slug="privacy")
        membership = MembershipSettings.for_site(home_page.get_site())
        membership.privacy_page = privacy
        membership.save()
        assert "Privacy notice" not in self.items(admin_client)
        privacy.unpublish()
        assert "Privacy notice" in self.items(admin_client)

    def test_is_for_those_who_may_change_settings(self, home_page, editor):  # noqa: F811
        assert self.items(logged_in(editor)) == {}
        html = logged_in(editor).get(reverse("wagtailadmin_home")).content.decode()
        assert "Before you launch" not in html
        # A user given the right to change the site settings sees it.
        user = get_user_model().objects.create_user("trustee", "t@example.org", "pw")
        user.user_permissions.add(
            *Permission.objects.filter(codename__in=["access_admin", "change_sitesettings"])
        )
        assert "Contact email" in self.items(logged_in(user))
