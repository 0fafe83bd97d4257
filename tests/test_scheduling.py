"""Go-live and expiry times: publish_scheduled makes a page appear on time, and an expired page
leaves every place readers find it (listings, the home page, search, feeds, the sitemap)."""

import datetime
from unittest import mock

from django.core.management import call_command
from django.utils import timezone

import pytest

from news.models import NewsItemPage
from tests.factories import BriefingPageFactory, NewsItemPageFactory
from tests.test_roles_workflow import (  # noqa: F401 (fixtures)
    create_news_item,
    editor,
    logged_in,
    roles,
    workflow_action,
    writer,
)

TITLE = "Mercury poisoning in Madre de Dios"
# The title's rarest word, for the search page.
WORD = "Madre"


def publish_scheduled_at(moment):
    """Run the cron job as if the clock said `moment`."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        call_command("publish_scheduled")


def next_monday_at_seven():
    today = timezone.localdate()
    monday = today + datetime.timedelta(days=7 - today.weekday())
    return timezone.make_aware(datetime.datetime.combine(monday, datetime.time(7, 0)))


def reader_sees(client, page):
    """Where readers could find `page`, and whether they do."""
    return {
        "news list": page.title in client.get("/news/").content.decode(),
        "home page": page.title in client.get("/").content.decode(),
        "search": page.title in client.get("/search/", {"query": WORD}).content.decode(),
        "RSS feed": page.title in client.get("/news/feed/").content.decode(),
        "Atom feed": page.title in client.get("/news/feed/atom/").content.decode(),
        "sitemap": page.url_path.removeprefix("/home")
        in client.get("/sitemap.xml").content.decode(),
        "own address": client.get(page.url).status_code == 200,
    }


EVERYWHERE = dict.fromkeys(
    ["news list", "home page", "search", "RSS feed", "Atom feed", "sitemap", "own address"], True
)
NOWHERE = dict.fromkeys(EVERYWHERE, False)


def test_a_reviewed_item_scheduled_for_monday_appears_at_seven(
    writer,  # noqa: F811
    editor,  # noqa: F811
    news_index,
    client,
):
    go_live = next_monday_at_seven()
    create_news_item(
        logged_in(writer),
        news_index,
        "action-submit",
        title=TITLE,
        go_live_at=timezone.localtime(go_live).strftime("%Y-%m-%d %H:%M"),
    )
    item = NewsItemPage.objects.get(slug="mercury-poisoning")
    workflow_action(logged_in(editor), item, "approve")
    item.refresh_from_db()
    assert not item.live
    assert item.approved_schedule
    assert item.scheduled_revision.approved_go_live_at == go_live
    assert reader_sees(client, item) == NOWHERE

    publish_scheduled_at(go_live - datetime.timedelta(minutes=1))
    item.refresh_from_db()
    assert not item.live
    assert reader_sees(client, item) == NOWHERE

    publish_scheduled_at(go_live + datetime.timedelta(seconds=30))
    item = NewsItemPage.objects.get(pk=item.pk)  # scheduled_revision is cached per object
    assert item.live and not item.approved_schedule
    assert reader_sees(client, item) == EVERYWHERE


def test_an_expired_item_leaves_listings_search_feeds_and_the_sitemap(news_index, client):
    expire_at = timezone.now() + datetime.timedelta(hours=1)
    item = NewsItemPageFactory(
        parent=news_index, title=TITLE, date=datetime.date(2026, 11, 20), expire_at=expire_at
    )
    item.save_revision().publish()
    other = NewsItemPageFactory(parent=news_index, title="Fire strikes twice")
    assert reader_sees(client, item) == EVERYWHERE  # and now they are cached

    publish_scheduled_at(expire_at - datetime.timedelta(minutes=1))
    item.refresh_from_db()
    assert item.live

    publish_scheduled_at(expire_at + datetime.timedelta(minutes=1))
    item.refresh_from_db()
    assert not item.live and item.expired
    assert reader_sees(client, item) == NOWHERE
    assert other.title in client.get("/news/").content.decode()


def test_search_hides_an_expired_item_even_before_the_cron_job_runs(news_index, client):
    item = NewsItemPageFactory(parent=news_index, title=TITLE)
    item.expire_at = timezone.now() - datetime.timedelta(minutes=1)
    item.save_revision().publish()
    item.refresh_from_db()
    assert item.live  # publish_scheduled has not run yet
    assert TITLE not in client.get("/search/", {"query": WORD}).content.decode()


def test_an_expired_briefing_leaves_the_briefings_list(briefing_index, client):
    briefing = BriefingPageFactory(parent=briefing_index, title="Historical Overview")
    briefing.expire_at = timezone.now() + datetime.timedelta(hours=1)
    briefing.save_revision().publish()
    assert "Historical Overview" in client.get("/briefings/").content.decode()
    publish_scheduled_at(timezone.now() + datetime.timedelta(hours=2))
    assert "Historical Overview" not in client.get("/briefings/").content.decode()


@pytest.mark.parametrize("listing", ["/news/", "/"])
def test_a_scheduled_item_is_not_listed_early(news_index, client, listing):
    item = NewsItemPageFactory(parent=news_index, title=TITLE, live=False)
    item.go_live_at = timezone.now() + datetime.timedelta(days=1)
    item.save_revision().publish()
    item.refresh_from_db()
    assert not item.live and item.approved_schedule
    assert TITLE not in client.get(listing).content.decode()
    # Positive control: an item published now is listed there.
    NewsItemPageFactory(parent=news_index, title="Published now").save_revision().publish()
    assert "Published now" in client.get(listing).content.decode()
