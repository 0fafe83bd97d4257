"""A reader signs up for Peru Update from the footer, opens the confirmation link from the email
the mail server received, confirms, and leaves from their own page: in English and in Spanish,
each page clean under axe-core."""

import re

from wagtail.models import Locale, Site

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from bulletins.models import Subscriber, Suppression
from core.outbox import site_mail
from tests.conftest import translate

# A live server and a real browser: slow as well.
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

ENGLISH = {
    "home": "/",
    "prefix": "",
    "email": "Your email",
    "sign_up": "Sign up",
    "check": "Check your email",
    "subject": "Please confirm: Peru Update",
    "confirm_heading": "Confirm your subscription",
    "confirm": "Confirm my subscription",
    "confirmed": "You are subscribed",
    "manage": "Your subscription",
    "leave": "Leave Peru Update",
    "left": "You have left Peru Update",
    "again": "Sign up again",
}
SPANISH = {
    "home": "/es/",
    "prefix": "/es",
    "email": "Su correo electrónico",
    "sign_up": "Suscribirme",
    "check": "Revise su correo electrónico",
    "subject": "Por favor, confirme: Peru Update",
    "confirm_heading": "Confirme su suscripción",
    "confirm": "Confirmar mi suscripción",
    "confirmed": "Su suscripción está activa",
    "manage": "Su suscripción",
    "leave": "Darme de baja de Peru Update",
    "left": "Se ha dado de baja de Peru Update",
    "again": "Suscribirse de nuevo",
}


@pytest.fixture
def site(live_server, home_page, smtp_server):
    """The live server as the site's address, so that the emails' links lead to it; the home
    page in both languages; mail to a real SMTP server."""
    port = int(live_server.url.rsplit(":", 1)[1])
    Site.objects.filter(is_default_site=True).update(hostname="localhost", port=port)
    spanish = Locale.objects.get_or_create(language_code="es")[0]
    translate(home_page, spanish, title="Grupo de Apoyo al Perú", slug="inicio")
    return live_server


def assert_axe_clean(page):
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def confirmation_link(smtp_server, address, subject):
    assert site_mail.wait_until_idle(timeout=30)
    [message] = smtp_server.handler.to(address)
    assert message["Subject"].startswith(subject)
    text = message.get_body(("plain",)).get_content()
    return re.search(r"http://localhost:\d+/\S*subscribe/confirm/\S+/", text).group(0)


@pytest.mark.parametrize("words", [ENGLISH, SPANISH], ids=["english", "spanish"])
def test_sign_up_confirm_and_leave(page, site, smtp_server, words):
    address = f"reader-{words['home'].strip('/') or 'en'}@example.org"
    page.goto(f"{site.url}{words['home']}")
    footer = page.get_by_role("contentinfo")
    footer.get_by_label(words["email"]).fill(address)
    footer.get_by_role("button", name=words["sign_up"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(words["check"])
    assert_axe_clean(page)

    link = confirmation_link(smtp_server, address, words["subject"])
    assert link.startswith(f"{site.url}{words['prefix']}/subscribe/confirm/")
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text(words["confirm_heading"])
    assert_axe_clean(page)
    assert Subscriber.objects.get(email=address).status == Subscriber.Status.PENDING
    page.get_by_role("button", name=words["confirm"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(words["confirmed"])
    assert_axe_clean(page)
    subscriber = Subscriber.objects.get(email=address)
    assert subscriber.status == Subscriber.Status.SUBSCRIBED
    assert subscriber.language == ("es" if words is SPANISH else "en-gb")

    page.get_by_role("link", name=words["manage"], exact=True).click()
    expect(page.get_by_role("heading", level=2, name=words["leave"])).to_be_visible()
    assert_axe_clean(page)
    page.get_by_role("button", name=words["leave"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(words["left"])
    expect(page.get_by_role("link", name=words["again"])).to_be_visible()
    assert_axe_clean(page)
    assert Subscriber.objects.get(email=address).status == Subscriber.Status.UNSUBSCRIBED
    assert Suppression.holds(address)


def test_the_full_sign_up_page_with_its_errors_is_axe_clean(page, site):
    page.goto(f"{site.url}/subscribe/")
    assert_axe_clean(page)
    page.get_by_label("Email address").fill("not-an-address")
    page.get_by_role("main").get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter an email address like")
    assert_axe_clean(page)
