"""An editor adds a news item through the Wagtail admin, and readers see it on the site."""

import datetime
import re

from django.contrib.auth import get_user_model

import pytest
from playwright.sync_api import expect

from news.models import NewsItemPage
from tests.factories import NewsItemPageFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    # The live server runs in another thread, so the data must be committed.
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "correct-horse-battery-staple"
TITLE = "Oil spill reaches the Marañón"
SUMMARY = "A new break in the North Peruvian pipeline has polluted the river."
PARAGRAPH = "Community monitors reported the spill on Friday morning."


def sign_in_as_an_editor(page, live_server):
    get_user_model().objects.create_superuser(
        username="editor", email="editor@example.org", password=PASSWORD
    )
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_server.url}/admin/")


def test_editor_publishes_news_item(page, live_server, news_index):
    # Older items, so "listed first" means ordered by date, not merely the only one.
    NewsItemPageFactory(parent=news_index, title="Older item", date=datetime.date(2026, 10, 1))
    NewsItemPageFactory(parent=news_index, title="Oldest item", date=datetime.date(2026, 9, 1))
    sign_in_as_an_editor(page, live_server)

    page.goto(f"{live_server.url}/admin/pages/{news_index.pk}/")
    actions = page.get_by_role("navigation", name="Actions", exact=True)
    actions.get_by_role("link", name="Add child page").click()
    # Wagtail skips the page type chooser only when exactly one type may be added here, so
    # landing on the news item form proves "news item" is the only type offered under News.
    expect(page).to_have_url(re.compile(rf"/admin/pages/add/news/newsitempage/{news_index.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("New: News item")

    page.get_by_role("textbox", name=re.compile(r"^Title")).fill(TITLE)
    page.get_by_label("Publication date").fill("2026-11-20")
    page.get_by_label("Summary").fill(SUMMARY)

    body = page.get_by_role("region", name="Body", exact=True)
    body.get_by_role("button", name="Insert a block").click()
    page.get_by_role("option", name="Paragraph").click()
    # Draftail's editable area has no accessible name of its own; its block's region does.
    editor = body.get_by_role("region", name="Paragraph").get_by_role("textbox")
    editor.click()
    editor.press_sequentially(PARAGRAPH)
    # Draftail copies its content to the hidden form field after a short pause in typing;
    # publishing sooner than a person would could otherwise save an empty paragraph.
    expect(page.locator("input[name=body-0-value]")).to_have_value(re.compile(PARAGRAPH))

    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Publish").click()
    # Wagtail may have autosaved the new page by then: the press then publishes that page.
    expect(page.get_by_role("status")).to_contain_text(
        re.compile(rf"Page '{TITLE}' (created and published|has been published)\.")
    )
    assert NewsItemPage.objects.filter(title=TITLE).count() == 1

    page.goto(f"{live_server.url}/news/")
    # Newest first.
    titles = page.get_by_role("main").locator(".card__title")
    expect(titles).to_have_text([TITLE, "Older item", "Oldest item"])
    titles.first.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_text(PARAGRAPH, exact=True)).to_be_visible()


def test_publish_pressed_while_the_first_autosave_is_on_its_way(page, live_server, news_index):
    """Wagtail's first autosave of a new page creates it; a Publish pressed before that save has
    answered would post the new-page form again and be refused ("slug already in use"), leaving
    the story unpublished. The press waits for the autosave, then publishes the page it made."""
    sign_in_as_an_editor(page, live_server)

    # The first autosave reaches the server (the page is created) but its answer is held back,
    # as on a slow connection, until the editor has pressed Publish.
    held = []

    def hold_first_autosave(route):
        if route.request.method == "POST" and not held:
            held.append((route, route.fetch()))
        else:
            route.continue_()

    add_url = f"{live_server.url}/admin/pages/add/news/newsitempage/{news_index.pk}/"
    page.route(add_url, hold_first_autosave)
    # Wagtail compares the form with how it stood two seconds after opening; edits count from
    # then, as a person's would.
    page.add_init_script(
        "document.addEventListener('w-unsaved:watch-edits', () => { window.watching = true; })"
    )
    page.goto(add_url)
    page.wait_for_function("window.watching")
    page.get_by_role("textbox", name=re.compile(r"^Title")).fill(TITLE)
    page.get_by_label("Publication date").fill("2026-11-20")
    page.get_by_label("Summary").fill(SUMMARY)
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(100)
    assert held, "Wagtail did not autosave the new page"
    assert NewsItemPage.objects.filter(title=TITLE).count() == 1

    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Publish").click()
    page.wait_for_timeout(500)  # the press would have gone by now
    route, response = held[0]
    route.fulfill(response=response)

    expect(page.get_by_role("status")).to_contain_text(f"Page '{TITLE}' has been published.")
    story = NewsItemPage.objects.get(title=TITLE)
    assert story.live
    assert page.url.endswith(f"/admin/pages/{news_index.pk}/")
