"""A reader follows "Become a member" from the home page and applies, as a person would."""

import re

from django.core.management import call_command

import pytest
from playwright.sync_api import expect

from members.models import MembershipApplication

# Live server and a real browser: slow as well.
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_reader_joins_from_the_home_page(page, live_server, home_page):
    call_command("load_demo_content", verbosity=0)

    page.goto(f"{live_server.url}/")
    pitch = page.get_by_role("region", name="Why join the PSG?")
    expect(pitch.get_by_role("listitem")).to_have_count(3)
    pitch.get_by_role("link", name="Become a member").click()
    expect(page).to_have_url(f"{live_server.url}/join/")

    page.get_by_label("Full name").fill("José Núñez Quispe")
    page.get_by_label("Email address").fill("jose@example.org")
    page.get_by_label("Postal address (optional)").fill("1 Calle Lima\nLondon")
    expect(page.get_by_label("Country")).to_have_value("United Kingdom")
    page.get_by_label(re.compile(r"^Unwaged or student")).check()
    page.get_by_label("How did you hear about us? (optional)").fill("A friend")
    # A person takes longer than the form's 3-second minimum; a robot filling this fast is
    # dropped.
    page.wait_for_timeout(3000)

    # Forgetting consent keeps what was typed and says what is wrong.
    page.get_by_role("button", name="Send my application").click()
    expect(page.get_by_role("alert")).to_contain_text("Please agree to us holding your details")
    expect(page.get_by_label("Full name")).to_have_value("José Núñez Quispe")

    page.get_by_label(re.compile(r"^I agree to the Peru Support Group holding my details")).check()
    page.get_by_role("button", name="Send my application").click()
    expect(page).to_have_url(f"{live_server.url}/join/thanks/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for applying")

    saved = MembershipApplication.objects.get()
    assert saved.full_name == "José Núñez Quispe"
    assert saved.tier.name == "Unwaged or student"
    assert saved.address == "1 Calle Lima\nLondon"
