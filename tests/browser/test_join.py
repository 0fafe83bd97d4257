"""A reader follows "Become a member" from the home page and applies, as a person would; a
browser that fills in every field it can see (autofill, a password manager) still applies; and
what looks automated is kept, marked, and the sender told the truth."""

import re
import time

from django.core import mail
from django.core.management import call_command

import pytest
from playwright.sync_api import expect

from members.models import MembershipApplication

# Live server and a real browser: slow as well.
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SUSPECTED = MembershipApplication.Status.SUSPECTED


@pytest.fixture
def demo(live_server, home_page):
    call_command("load_demo_content", verbosity=0)
    return live_server


def test_reader_joins_from_the_home_page(page, demo):
    page.goto(f"{demo.url}/")
    pitch = page.get_by_role("region", name="Why join the PSG?")
    expect(pitch.get_by_role("listitem")).to_have_count(3)
    pitch.get_by_role("link", name="Become a member").click()
    expect(page).to_have_url(f"{demo.url}/join/")

    page.get_by_label("Full name").fill("José Núñez Quispe")
    page.get_by_label("Email address").fill("jose@example.org")
    page.get_by_label("Home address").fill("1 Calle Lima\nLondon")
    expect(page.get_by_label("Country")).to_have_value("United Kingdom")
    page.get_by_label(re.compile(r"^Unwaged or student")).check()
    # How the fee is paid, before anyone applies.
    expect(page.get_by_role("main")).to_contain_text("You pay nothing now.")
    page.get_by_label("How did you hear about us? (optional)").fill("A friend")
    page.get_by_role("group", name="Gift Aid (UK taxpayers only)").get_by_label(
        re.compile(r"^I want to Gift Aid my membership fee")
    ).check()
    # A person takes longer than the form's 3-second minimum; a form sent faster is kept
    # aside as suspected spam.
    page.wait_for_timeout(3000)

    # Forgetting consent and the postcode Gift Aid needs keeps what was typed and says what is
    # wrong, each message leading to its field.
    page.get_by_role("button", name="Send my application").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Please agree to us holding your details")
    summary.get_by_role("link", name=re.compile(r"^Enter your postcode, which HMRC needs")).click()
    expect(page.get_by_label("Postcode")).to_be_focused()
    expect(page.get_by_label("Full name")).to_have_value("José Núñez Quispe")
    expect(page.get_by_label("Home address")).to_have_value("1 Calle Lima\nLondon")
    page.get_by_label("Postcode").fill("sw1a1aa")

    consent = page.get_by_label(
        re.compile(r"^I agree to the Peru Support Group holding my details")
    )
    # The consent box links to the privacy notice chosen in Membership settings.
    expect(page.get_by_role("link", name="privacy notice")).to_have_attribute("href", "/privacy/")
    consent.check()
    page.get_by_role("button", name="Send my application").click()
    expect(page).to_have_url(f"{demo.url}/join/thanks/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for applying")
    expect(page.get_by_role("main")).to_contain_text("We are sending a confirmation")

    saved = MembershipApplication.objects.get()
    assert saved.full_name == "José Núñez Quispe"
    assert saved.status == MembershipApplication.Status.NEW
    assert saved.tier.name == "Unwaged or student"
    assert saved.address == "1 Calle Lima\nLondon"
    assert saved.gift_aid and saved.postcode == "SW1A 1AA"
    assert [m.to for m in mail.outbox] == [["jose@example.org"]]


def fill_everything_visible(page):
    """What autofill and password managers do: a value in every field the browser shows."""
    filled, radios = [], set()
    controls = page.locator("form.form input, form.form textarea, form.form select")
    for index in range(controls.count()):
        control = controls.nth(index)
        if not control.is_visible():
            continue
        kind = control.get_attribute("type") or control.evaluate("e => e.tagName.toLowerCase()")
        name = control.get_attribute("name")
        if kind == "checkbox":
            control.check()
        elif kind == "radio":
            if name in radios:
                continue
            radios.add(name)
            control.check()
        elif kind == "email":
            control.fill("jose@example.org")
        elif control.get_attribute("autocomplete") == "postal-code":
            control.fill("SW1A 1AA")
        elif kind == "select":
            control.select_option(index=0)
        else:
            control.fill("Autofilled Quispe")
        filled.append(name)
    return filled


def test_a_browser_filling_every_visible_field_is_not_taken_for_a_robot(page, demo, settings):
    # No waiting here: this is about the trap alone (the timing has tests of its own).
    settings.MEMBERSHIP_FORM_MIN_SECONDS = 0
    page.goto(f"{demo.url}/join/")
    # The join form's trap (the footer's Peru Update sign-up has one of its own).
    form = page.get_by_role("main")
    trap = form.locator("[name=leave_blank]")

    # The trap is in the page, but not shown, not focusable, and not in the accessibility tree.
    expect(trap).to_have_count(1)
    expect(trap).to_be_hidden()
    assert not page.evaluate(
        "() => { const t = document.querySelector('main [name=leave_blank]'); t.focus();"
        " return document.activeElement === t; }"
    )
    expect(page.get_by_role("textbox", name="Leave this empty")).to_have_count(0)
    expect(form.get_by_role("textbox", name="Leave this empty", include_hidden=True)).to_have_count(
        1
    )
    # Tabbing through the whole form never lands on it.
    reached = []
    page.get_by_label("Full name").focus()
    for _ in range(30):
        reached.append(page.evaluate("() => document.activeElement.name || ''"))
        page.keyboard.press("Tab")
    assert "email" in reached and "consent" in reached
    assert "leave_blank" not in reached

    filled = fill_everything_visible(page)
    assert {"full_name", "email", "address", "country", "tier", "consent"} <= set(filled)
    assert "leave_blank" not in filled
    page.get_by_role("button", name="Send my application").click()
    expect(page).to_have_url(f"{demo.url}/join/thanks/")

    saved = MembershipApplication.objects.get()
    assert (saved.status, saved.spam_reason) == (MembershipApplication.Status.NEW, "")
    assert saved.full_name == "Autofilled Quispe"


def test_a_robot_that_fills_the_trap_is_kept_as_suspected_spam(page, demo, settings):
    # The positive control for the test above: the trap does catch what fills it.
    settings.MEMBERSHIP_FORM_MIN_SECONDS = 0
    page.goto(f"{demo.url}/join/")
    fill_everything_visible(page)
    page.evaluate(
        "() => { document.querySelector('[name=leave_blank]').value = 'http://x.example'; }"
    )
    page.get_by_role("button", name="Send my application").click()
    expect(page).to_have_url(f"{demo.url}/join/received/")
    expect(page.get_by_role("main")).to_contain_text(
        "We have received your application and will check it."
    )

    saved = MembershipApplication.objects.get()
    assert (saved.status, saved.spam_reason) == (SUSPECTED, "trap")
    assert mail.outbox == []


def test_a_form_sent_a_second_after_loading_is_kept_and_the_sender_told_the_truth(page, demo):
    page.goto(f"{demo.url}/join/")
    loaded = time.monotonic()
    page.get_by_label("Full name").fill("Quick Quispe")
    page.get_by_label("Email address").fill("quick@example.org")
    page.get_by_label(re.compile(r"^Individual")).check()
    page.get_by_label(re.compile(r"^I agree to the Peru Support Group holding my details")).check()
    page.wait_for_timeout(max(0, int((1 - (time.monotonic() - loaded)) * 1000)))
    page.get_by_role("button", name="Send my application").click()

    expect(page).to_have_url(f"{demo.url}/join/received/")
    main = page.get_by_role("main")
    expect(main).to_contain_text("We have received your application and will check it.")
    expect(main).to_contain_text("no confirmation email has been sent yet")
    expect(main).not_to_contain_text("sending a confirmation")
    expect(main).not_to_contain_text("We have sent")

    saved = MembershipApplication.objects.get()
    assert saved.full_name == "Quick Quispe"
    assert (saved.status, saved.spam_reason) == (SUSPECTED, "too_fast")
    assert mail.outbox == []
