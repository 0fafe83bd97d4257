"""The editorial roles in a real browser, on the site `make run` builds (demo content, roles and
demo accounts): a writer drafts, schedules and submits; an editor asks for changes, then
approves; the item goes live when publish_scheduled runs. Previews, content checks and the other
tasks in the editors' guide are walked through too.

These tests also take the guide's screenshots (docs/images/*.png, 1280 × 800), so the guide
always shows the admin as it is.
"""

import datetime
import re
from pathlib import Path
from unittest import mock

from django.core.management import call_command
from django.utils import timezone

from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

import pytest
from playwright.sync_api import expect

from briefings.models import BriefingPage
from members.models import MembershipApplication, MembershipTier
from news.models import NewsIndexPage, NewsItemPage
from tests.browser.conftest import VIEWPORT, footer_actions, guide_image, open_side_panel

# Live server and a real browser: slow as well.
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

TITLE = "Oil spill reaches the Marañón"
SUMMARY = "A new break in the North Peruvian pipeline has polluted the river."
PARAGRAPH = "Community monitors reported the spill on Friday morning."
COMMENT = "Please say who reported the spill and link to their statement."


def next_monday_at_seven():
    today = timezone.localdate()
    monday = today + datetime.timedelta(days=7 - today.weekday())
    return timezone.make_aware(datetime.datetime.combine(monday, datetime.time(7, 0)))


def test_writer_and_editor_take_a_news_item_through_review_to_a_scheduled_publication(
    demo, sign_in, live_server, browser, mailoutbox
):
    news_index = NewsIndexPage.objects.get(locale=demo.locale)
    go_live = next_monday_at_seven()

    # The writer drafts a news item under News.
    writer = sign_in("writer")
    writer.goto(f"{live_server.url}/admin/pages/{news_index.pk}/")
    writer.get_by_role("navigation", name="Actions", exact=True).get_by_role(
        "link", name="Add child page"
    ).click()
    expect(writer.get_by_role("heading", level=1)).to_have_text("New: News item")
    writer.get_by_role("textbox", name=re.compile(r"^Title")).fill(TITLE)
    writer.get_by_label("Publication date").fill(timezone.localdate().isoformat())
    summary = writer.get_by_label("Summary")
    summary.press_sequentially(SUMMARY)
    # The count follows the typing.
    expect(writer.get_by_text(f"{len(SUMMARY)} of 600 characters")).to_be_visible()
    body = writer.get_by_role("region", name="Body", exact=True)
    body.get_by_role("button", name="Insert a block").click()
    writer.get_by_role("option", name="Paragraph").click()
    editor_area = body.get_by_role("region", name="Paragraph").get_by_role("textbox")
    editor_area.click()
    editor_area.press_sequentially(PARAGRAPH)
    expect(writer.locator("input[name=body-0-value]")).to_have_value(re.compile(PARAGRAPH))
    writer.get_by_label("Environment").check()
    summary.scroll_into_view_if_needed()
    guide_image(writer, "write-news-item")

    # It should go live at 07:00 next Monday.
    open_side_panel(writer, "status")
    writer.get_by_role("button", name="Set schedule").click()
    go_live_field = writer.get_by_label("Go live date/time")
    go_live_field.fill(timezone.localtime(go_live).strftime("%Y-%m-%d %H:%M"))
    # Choosing the time in the picker closes it, as a person would.
    writer.locator(".xdsoft_datetimepicker:visible .xdsoft_time.xdsoft_current").click()
    guide_image(writer, "schedule")
    writer.get_by_role("button", name="Save schedule").click()
    expect(writer.get_by_text("Go-live:")).to_be_visible()

    # A writer cannot publish: the only way on is review.
    actions = footer_actions(writer)
    expect(actions.filter(has_text="Submit to Editorial review")).to_be_visible()
    expect(actions.filter(has_text=re.compile(r"^\s*Publish"))).to_have_count(0)
    guide_image(writer, "submit-for-review")
    writer.get_by_role("button", name="Submit to Editorial review").click()
    expect(writer.get_by_role("status")).to_contain_text("has been submitted for moderation")
    item = NewsItemPage.objects.get(title=TITLE)
    assert not item.live and item.workflow_in_progress
    assert any("editor@localhost" in message.to for message in mailoutbox)

    # The editor finds it on the dashboard and asks for a change.
    editor = sign_in("editor")
    awaiting = editor.locator("#awaiting-review-section")
    expect(awaiting).to_contain_text(TITLE)
    expect(editor.locator("#briefings-due-for-review-section")).to_contain_text(
        "Historical Overview"
    )
    guide_image(editor, "dashboard")
    awaiting.get_by_role("link", name=TITLE).click()
    footer_actions(editor)
    editor.get_by_role("button", name="Request changes").click()
    comment = editor.get_by_role("textbox", name="Comment", exact=True)
    comment.fill(COMMENT)
    guide_image(editor, "request-changes")
    editor.get_by_role("dialog").filter(has=comment).get_by_role(
        "button", name="Request changes"
    ).click()
    expect(editor.get_by_role("status")).to_contain_text(f"Page '{TITLE}' has been updated")

    # The writer is told by email, with the comment, and sees the request in the editor.
    [message] = [m for m in mailoutbox if "writer@localhost" in m.to]
    assert COMMENT in message.body
    assert f"/admin/pages/{item.pk}/edit/" in message.body
    writer.goto(f"{live_server.url}/admin/pages/{item.pk}/edit/")
    open_side_panel(writer, "status")
    status = writer.locator('[data-side-panel="status"]')
    expect(status).to_contain_text("Changes requested")
    status.get_by_role("button", name="View details").click()
    expect(writer.locator("#workflow-status-dialog")).to_contain_text(COMMENT)
    guide_image(writer, "changes-requested")
    writer.keyboard.press("Escape")
    summary = writer.get_by_label("Summary")
    summary.fill(f"{SUMMARY} Local monitors from Saramurillo raised the alarm.")
    footer_actions(writer)
    writer.get_by_role("button", name="Resubmit to Editor approval").click()
    expect(writer.get_by_role("status")).to_contain_text("has been submitted for moderation")

    # The editor approves: with a go-live time, approving schedules it.
    editor.goto(f"{live_server.url}/admin/pages/{item.pk}/edit/")
    footer_actions(editor)
    guide_image(editor, "approve")
    editor.get_by_role("button", name="Approve and Publish", exact=True).click()
    expect(editor.get_by_role("status")).to_contain_text(TITLE)
    item = NewsItemPage.objects.get(pk=item.pk)
    assert not item.live and item.approved_schedule
    assert any("writer@localhost" in m.to and "approved" in m.subject for m in mailoutbox)

    editor.goto(f"{live_server.url}/admin/news_items/?status=scheduled")
    expect(editor.locator("main table")).to_contain_text(TITLE)
    guide_image(editor, "news-items-listing")

    # Not on the site yet, and there at 07:00 on Monday when publish_scheduled runs.
    reader = browser.new_context(viewport=VIEWPORT).new_page()
    reader.goto(f"{live_server.url}/news/")
    expect(reader.get_by_role("main")).not_to_contain_text(TITLE)
    with mock.patch("django.utils.timezone.now", return_value=go_live + datetime.timedelta(10)):
        call_command("publish_scheduled")
    # The browser may keep the list for a minute (max-age): a reader reloading asks again.
    reader.reload()
    titles = reader.get_by_role("main").get_by_role("heading", level=3)
    expect(titles.first).to_have_text(TITLE)
    reader.context.close()


def test_news_items_preview_as_page_listing_card_and_shared_link(demo, sign_in, live_server):
    item = NewsItemPage.objects.get(slug="mercury-poisoning-in-madre-de-dios")
    editor = sign_in("editor")
    editor.goto(f"{live_server.url}/admin/pages/{item.pk}/edit/")
    open_side_panel(editor, "preview")
    preview = editor.frame_locator("#w-preview-iframe")
    expect(preview.get_by_role("heading", level=1)).to_have_text(item.title)

    modes = editor.get_by_label("Preview mode")
    modes.select_option(label="Listing card")
    expect(preview.get_by_role("heading", level=1)).to_have_text("How this news item is listed")
    expect(preview.locator(".card__summary").first).to_have_text(item.summary)
    preview.get_by_role("heading", name="On the News page").scroll_into_view_if_needed()
    guide_image(editor, "preview-listing-card")

    modes.select_option(label="Shared link")
    expect(preview.get_by_role("heading", level=1)).to_have_text(
        "How a shared link to this page looks"
    )
    card = preview.locator(".share-card")
    expect(card.locator(".share-card__title")).to_have_text(item.title)
    # The sharing image, from the admin's own address so that it loads in the preview.
    expect(card.locator("img")).to_have_attribute("src", re.compile(r"^/media/images/.*\.jpg$"))
    card.locator("img").scroll_into_view_if_needed()
    expect(card.locator("img")).to_have_js_property("naturalWidth", 1200)
    guide_image(editor, "preview-shared-link")


def test_content_checks_flag_what_editors_should_fix(demo, sign_in, live_server):
    news_index = NewsIndexPage.objects.get(locale=demo.locale)
    image = Image.objects.create(title="river.jpg", file=get_test_image_file())
    flawed = NewsItemPage(
        title="Spill report",
        slug="spill-report",
        date=timezone.localdate(),
        summary="The pipeline broke again.",
        body=[
            {
                "type": "paragraph",
                "value": "<p>The report is online: "
                '<a href="https://example.org/">click here</a>.</p>',
            },
            {
                "type": "image",
                # Saved without alt text and not marked decorative (as an import might).
                "value": {
                    "image": {"image": image.pk, "decorative": False, "alt_text": ""},
                    "caption": "The river at Saramurillo",
                    "credit": "",
                },
            },
        ],
    )
    news_index.add_child(instance=flawed)
    flawed.save_revision().publish()

    # On the site, the userbar's checker.
    editor = sign_in("editor")
    editor.goto(f"{live_server.url}/news/spill-report/")
    editor.get_by_role("button", name="View Wagtail quick actions").click()
    editor.get_by_role("menuitem", name="Checks").click()
    found = editor.locator("wagtail-userbar").locator("[data-content-checker-name]")
    expect(found).to_have_text(
        [
            "News item without themes",
            "Link that says only 'click here'",
            "Image without alt text",
        ]
    )

    # A well-made item raises nothing, with every WCAG 2.2 AA rule on.
    editor.goto(f"{live_server.url}/news/mercury-poisoning-in-madre-de-dios/")
    editor.get_by_role("button", name="View Wagtail quick actions").click()
    editor.get_by_role("menuitem", name="Checks").click()
    results = editor.locator("wagtail-userbar").locator("#checker-results")
    expect(results).to_contain_text("Issues found")
    expect(results.locator("[data-content-checker-count]")).to_have_text("0")

    # In the editor, the Checks panel checks the draft as it stands: here without a summary.
    editor.goto(f"{live_server.url}/admin/pages/{flawed.pk}/edit/")
    editor.get_by_label("Summary").fill("")
    open_side_panel(editor, "checks")
    panel = editor.locator('[data-side-panel="checks"]')
    expect(panel).to_contain_text("News item without a summary", timeout=20_000)
    expect(panel).to_contain_text("Link that says only 'click here'")
    expect(panel).to_contain_text("Image without alt text")
    expect(panel.locator("[data-content-checker-count]")).to_have_text("4")  # and nothing else
    guide_image(editor, "checks")


def test_editors_other_tasks_and_the_secretarys_export(demo, sign_in, live_server):
    editor = sign_in("editor")

    # Update a briefing that is due for review.
    briefing = BriefingPage.objects.get(slug="historical-overview")
    editor.locator("#briefings-due-for-review-section").get_by_role(
        "link", name="Historical Overview"
    ).click()
    last_reviewed = editor.get_by_label("Last reviewed")
    last_reviewed.fill(timezone.localdate().isoformat())
    # Choosing the day in the picker closes it, as a person would.
    editor.locator(".xdsoft_datetimepicker:visible .xdsoft_date.xdsoft_current").click()
    last_reviewed.scroll_into_view_if_needed()
    guide_image(editor, "update-briefing")
    footer_actions(editor)
    editor.get_by_role("button", name="Publish", exact=True).click()
    expect(editor.get_by_role("status")).to_contain_text("has been published")
    briefing.refresh_from_db()
    assert briefing.last_reviewed == timezone.localdate()
    editor.goto(f"{live_server.url}/admin/")
    expect(editor.locator("#briefings-due-for-review-section")).not_to_contain_text(
        "Historical Overview"
    )

    # Edit the membership pitch.
    editor.get_by_role("button", name="Membership").click()
    editor.get_by_role("link", name="Why join?").click()
    editor.get_by_role("link", name="Why join the PSG?").click()
    editor.get_by_role("textbox", name="Heading").fill("Why join the Peru Support Group?")
    guide_image(editor, "membership-pitch")
    footer_actions(editor)
    editor.get_by_role("button", name="Publish", exact=True).click()
    expect(editor.get_by_role("status")).to_contain_text("published")
    editor.goto(f"{live_server.url}/")
    expect(editor.get_by_role("heading", name="Why join the Peru Support Group?")).to_be_visible()

    # Promote a search result.
    editor.goto(f"{live_server.url}/admin/")
    editor.get_by_role("button", name="Settings").click()
    editor.get_by_role("link", name="Promoted search results").click()
    editor.get_by_role("link", name=re.compile("Add")).first.click()
    editor.get_by_role("textbox", name=re.compile(r"^Search term")).fill("membership")
    editor.get_by_role("button", name="Add a recommended result").click()
    editor.get_by_role("button", name="Choose a page").click()
    chooser = editor.get_by_role("dialog")
    # The English home page: the chooser lists each language's home page.
    chooser.get_by_role("row", name=re.compile("Peru Support Group")).filter(
        has_text="English"
    ).get_by_role("link", name="Explore").click()
    chooser.get_by_role("link", name="Join us", exact=True).click()
    editor.get_by_label("Description").fill("How to join and what membership costs.")
    expect(editor.locator(".modal-backdrop")).to_have_count(0)  # the chooser has faded out
    guide_image(editor, "promote-search-result")
    editor.get_by_role("button", name="Create").click()
    expect(editor.get_by_role("status")).to_contain_text("membership")
    editor.goto(f"{live_server.url}/search/?query=membership")
    expect(editor.get_by_role("main")).to_contain_text("How to join and what membership costs.")

    # The membership secretary exports the applications register.
    MembershipApplication.objects.create(
        full_name="José Núñez Quispe",
        email="jose@quispe.example",
        country="Peru",
        tier=MembershipTier.objects.order_by("sort_order").first(),
        consent=True,
    )
    secretary = sign_in("secretary")
    secretary.get_by_role("link", name="Applications").click()
    expect(secretary.get_by_role("main")).to_contain_text("José Núñez Quispe")
    guide_image(secretary, "export-applications")
    with secretary.expect_download() as download:
        secretary.get_by_role("button", name="More actions").first.click()
        secretary.get_by_role("link", name="Download CSV").click()
    assert download.value.suggested_filename.startswith("membership-applications")
    assert "José Núñez Quispe" in Path(download.value.path()).read_text(encoding="utf-8")
