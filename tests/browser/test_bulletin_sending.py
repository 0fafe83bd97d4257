"""An editor sends the demo's bulletin from the admin in a real browser: a test copy to
themselves, then, after the confirmation that says how many, to every subscriber; the email is
received by a real SMTP server and shown as a mail program would. Takes the guide's screenshots
(docs/images/send-bulletin.png, confirm-send.png, send-progress.png, bulletin-email.png)."""

import pytest
from playwright.sync_api import expect

from bulletins.models import BulletinPage
from tests.browser.conftest import VIEWPORT, guide_image
from tests.factories import SubscriberFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_an_editor_tests_then_sends_the_bulletin(demo, sign_in, live_server, browser, smtp_server):
    readers = SubscriberFactory.create_batch(3)
    SubscriberFactory(language="es")  # a Spanish reader: not sent the English bulletin
    bulletin = BulletinPage.objects.get(locale=demo.locale)

    editor = sign_in("editor")
    editor.goto(f"{live_server.url}/admin/pages/{bulletin.pk}/edit/")
    actions = editor.get_by_role("navigation", name="Actions", exact=True)
    actions.get_by_role("button", name="Actions").click()
    actions.get_by_role("link", name="Send Peru Update").click()
    expect(editor.get_by_role("heading", level=1)).to_contain_text("Send")
    guide_image(editor, "send-bulletin")

    editor.get_by_role("button", name="Send a test to me (editor@localhost)").click()
    expect(editor.get_by_text("editor@localhost").first).to_be_visible()
    tests = smtp_server.handler.to("editor@localhost")
    assert len(tests) == 1 and tests[0]["Subject"].startswith("[Test]")
    assert not any(smtp_server.handler.to(reader.email) for reader in readers)

    editor.get_by_role("link", name="Send to 3 confirmed subscribers in English").click()
    expect(editor.get_by_text("3 subscribers").first).to_be_visible()
    guide_image(editor, "confirm-send")
    editor.get_by_role("button", name="Yes, send to 3 subscribers").click()
    expect(editor.locator("[data-progress=sent]")).to_have_text("3")
    expect(editor.locator("[data-progress=pending]")).to_have_text("0")
    guide_image(editor, "send-progress")

    # Each English reader received it once; the Spanish reader did not.
    assert [len(smtp_server.handler.to(reader.email)) for reader in readers] == [1, 1, 1]
    assert len(smtp_server.handler.messages) == 4

    # The email as a reader's mail program shows it: the bulletin's own stories, linked.
    email = smtp_server.handler.to(readers[0].email)[0]
    html = email.get_body(("html",)).get_content()
    context = browser.new_context(viewport=VIEWPORT, locale="en-GB")
    reader = context.new_page()
    reader.set_content(html)
    expect(reader.get_by_role("link", name="Saramurillo takes protest to Lima")).to_be_visible()
    guide_image(reader, "bulletin-email")
    context.close()
