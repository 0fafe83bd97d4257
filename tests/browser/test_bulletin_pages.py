"""An editor composes a Peru Update bulletin in a real browser, from the stories the new bulletin
suggests, and readers see it on the site. Takes the guide's screenshots of both
(docs/images/compose-bulletin.png, docs/images/bulletin-page.png)."""

import re

import pytest
from playwright.sync_api import expect

from bulletins.models import BulletinIndexPage, BulletinPage
from news.models import NewsItemPage
from tests.browser.conftest import VIEWPORT, guide_image

# Live server and a real browser: slow as well.
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# The demo's own items only: the guide shows no invented news.
STORY = "Saramurillo takes protest to Lima"
TITLE = "Peru Update, November 2016"
EDITORIAL = "The month's news from Peru, gathered for our members."


def test_an_editor_composes_a_bulletin_from_the_suggested_stories(
    demo, sign_in, live_server, browser
):
    # Without the demo's bulletin, a new one starts with the newest of the demo's news items.
    BulletinPage.objects.filter(locale=demo.locale).delete()
    story = NewsItemPage.objects.get(locale=demo.locale, title=STORY)
    peru_update = BulletinIndexPage.objects.get(locale=demo.locale)

    editor = sign_in("editor")
    editor.goto(f"{live_server.url}/admin/pages/{peru_update.pk}/")
    editor.get_by_role("navigation", name="Actions", exact=True).get_by_role(
        "link", name="Add child page"
    ).click()
    expect(editor.get_by_role("heading", level=1)).to_have_text("New: Bulletin")
    stories = editor.get_by_role("region", name="Stories", exact=True)
    expect(stories).to_contain_text(STORY)
    editor.get_by_role("textbox", name=re.compile(r"^Title")).fill(TITLE)
    editorial = editor.get_by_role("region", name="Editorial", exact=True)
    editorial.get_by_role("button", name="Insert a block").click()
    editor.get_by_role("option", name="Paragraph").click()
    text = editorial.get_by_role("region", name="Paragraph").get_by_role("textbox")
    text.click()
    text.press_sequentially(EDITORIAL)
    expect(editor.locator("input[name=editorial-0-value]")).to_have_value(re.compile("members"))
    # The editorial and the suggested stories, in one view.
    editorial.evaluate("element => element.scrollIntoView({block: 'start'})")
    guide_image(editor, "compose-bulletin")
    editor.get_by_role("button", name="Save draft").click()
    # (The editor may have saved it by itself already: then it says "updated".)
    expect(editor.get_by_role("status")).to_contain_text(
        re.compile(f"Page '{TITLE}' (created|has been updated)")
    )

    # Saved with the suggested story; once published, readers see it with its stories.
    bulletin = BulletinPage.objects.get(title=TITLE)
    assert story.pk in [page.pk for page in bulletin.story_pages]
    bulletin.get_latest_revision().publish()
    context = browser.new_context(viewport=VIEWPORT, locale="en-GB")
    reader = context.new_page()
    reader.goto(f"{live_server.url}{BulletinPage.objects.get(pk=bulletin.pk).url}")
    expect(reader.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(reader.get_by_role("heading", name="In this bulletin")).to_be_visible()
    expect(reader.get_by_role("link", name=STORY)).to_be_visible()
    expect(reader.get_by_text(EDITORIAL)).to_be_visible()
    guide_image(reader, "bulletin-page")
    context.close()
