"""The editors' dashboard panels and the News items listing with its filters."""

import datetime
import re

from django.urls import reverse
from django.utils import timezone

import pytest

from briefings.wagtail_hooks import BriefingsDueForReviewPanel, a_year_before
from home.wagtail_hooks import RecentlyPublishedPanel
from news.models import NewsItemPage
from tests.conftest import translate
from tests.factories import BriefingPageFactory, NewsItemPageFactory, ThemeFactory
from tests.test_roles_workflow import (  # noqa: F401 (fixtures)
    create_news_item,
    editor,
    logged_in,
    member,
    roles,
    secretary,
    workflow_action,
    writer,
)

LISTING = "/admin/news_items/"


def panel(html, panel_id):
    """The text of one dashboard panel ('' when it is not shown)."""
    match = re.search(rf'id="{panel_id}-section".*?</section>', html, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match[0])) if match else ""


class TestBriefingsDueForReview:
    def test_lists_live_briefings_last_reviewed_a_year_ago_or_more(
        self,
        editor,  # noqa: F811
        briefing_index,
    ):
        today = timezone.localdate()
        stale = BriefingPageFactory(
            parent=briefing_index, title="Mining", last_reviewed=today.replace(year=today.year - 2)
        )
        BriefingPageFactory(
            parent=briefing_index, title="Water", last_reviewed=a_year_before(today)
        )
        BriefingPageFactory(parent=briefing_index, title="Fresh", last_reviewed=today)
        draft = BriefingPageFactory(
            parent=briefing_index, title="Old draft", last_reviewed=datetime.date(2010, 1, 1)
        )
        draft.unpublish()
        html = logged_in(editor).get(reverse("wagtailadmin_home")).content.decode()
        text = panel(html, "briefings-due-for-review")
        assert text.index("Mining") < text.index("Water")
        assert "Fresh" not in text and "Old draft" not in text
        assert reverse("wagtailadmin_pages:edit", args=(stale.pk,)) in html

    def test_a_year_before_a_leap_day(self):
        assert a_year_before(datetime.date(2028, 2, 29)) == datetime.date(2027, 2, 28)

    def test_is_hidden_when_nothing_is_due(self, editor, briefing_index):  # noqa: F811
        BriefingPageFactory(parent=briefing_index, last_reviewed=timezone.localdate())
        html = logged_in(editor).get(reverse("wagtailadmin_home")).content.decode()
        assert panel(html, "briefings-due-for-review") == ""

    def test_is_not_shown_to_the_membership_secretary(
        self,
        secretary,  # noqa: F811
        briefing_index,
    ):
        BriefingPageFactory(parent=briefing_index, last_reviewed=datetime.date(2010, 1, 1))
        html = logged_in(secretary).get(reverse("wagtailadmin_home")).content.decode()
        assert panel(html, "briefings-due-for-review") == ""

    def test_panel_can_be_asked_about_another_day(self, rf, briefing_index, editor):  # noqa: F811
        BriefingPageFactory(parent=briefing_index, last_reviewed=datetime.date(2025, 6, 1))
        request = rf.get("/admin/")
        request.user = editor
        day = BriefingsDueForReviewPanel(today=datetime.date(2026, 6, 1))
        assert len(day.get_context_data({"request": request})["briefings"]) == 1
        before = BriefingsDueForReviewPanel(today=datetime.date(2026, 5, 31))
        assert before.get_context_data({"request": request})["briefings"] == []


class TestRecentlyPublished:
    def test_newest_publications_first_for_writers_and_editors(
        self,
        writer,  # noqa: F811
        editor,  # noqa: F811
        news_index,
        secretary,  # noqa: F811
    ):
        first = NewsItemPageFactory(parent=news_index, title="First story")
        second = NewsItemPageFactory(parent=news_index, title="Second story")
        first.save_revision().publish()
        second.save_revision().publish()
        first.save_revision().publish()  # republished: now the most recent
        draft = NewsItemPageFactory(parent=news_index, title="Unpublished story", live=False)
        assert not draft.live
        for user in (writer, editor):
            text = panel(
                logged_in(user).get(reverse("wagtailadmin_home")).content.decode(),
                "recently-published",
            )
            assert text.index("First story") < text.index("Second story"), user
            assert "Unpublished story" not in text
        secretary_home = logged_in(secretary).get(reverse("wagtailadmin_home")).content.decode()
        assert panel(secretary_home, "recently-published") == ""

    def test_shows_the_newest_of_each_language_with_its_language(
        self,
        editor,  # noqa: F811
        news_index,
        spanish_home,
        spanish,
    ):
        translate(news_index, spanish, slug="noticias")
        english = [NewsItemPageFactory(parent=news_index, title=f"Story {n}") for n in range(7)]
        for page in english:
            page.save_revision().publish()
        # Translated afterwards, as the demo's are: the Spanish alone would fill the panel.
        for n, page in enumerate(english):
            translate(page, spanish, title=f"Noticia {n}", slug=f"noticia-{n}")
        assert NewsItemPage.objects.filter(locale=spanish).count() == 7
        text = panel(
            logged_in(editor).get(reverse("wagtailadmin_home")).content.decode(),
            "recently-published",
        )
        shown = re.findall(r"(Story|Noticia) (\d) (English|Español)", text)
        per_language = RecentlyPublishedPanel.per_language
        # The newest of each, newest first, each with its language.
        assert shown == [("Noticia", str(n), "Español") for n in range(6, 6 - per_language, -1)] + [
            ("Story", str(n), "English") for n in range(6, 6 - per_language, -1)
        ]


class TestAwaitingReview:
    def test_editors_see_submissions_writers_see_their_own(
        self,
        writer,  # noqa: F811
        editor,  # noqa: F811
        news_index,
    ):
        create_news_item(logged_in(writer), news_index, "action-submit", title="Awaiting story")
        editor_home = logged_in(editor).get(reverse("wagtailadmin_home")).content.decode()
        assert "Awaiting story" in panel(editor_home, "awaiting-review")
        assert "Approve" in panel(editor_home, "awaiting-review")
        writer_home = logged_in(writer).get(reverse("wagtailadmin_home")).content.decode()
        assert panel(writer_home, "awaiting-review") == ""
        assert "Awaiting story" in writer_home  # "Your pages in a workflow"


def listed(client, query=""):
    html = client.get(LISTING + query).content.decode()
    return re.findall(r'<span id="page_\d+_title">\s*([^<]+?)\s*</span>', html)


class TestNewsItemsListing:
    @pytest.fixture
    def items(self, writer, editor, news_index):  # noqa: F811
        mining = ThemeFactory(name="Mining", slug="mining")
        water = ThemeFactory(name="Water", slug="water")
        old = NewsItemPageFactory(
            parent=news_index, title="Old mining", date=datetime.date(2016, 11, 6), themes=[mining]
        )
        NewsItemPageFactory(
            parent=news_index, title="New water", date=datetime.date(2016, 11, 27), themes=[water]
        )
        both = NewsItemPageFactory(
            parent=news_index,
            title="Mid both",
            date=datetime.date(2016, 11, 20),
            themes=[mining, water],
        )
        both.save_revision()  # unpublished changes
        NewsItemPageFactory(
            parent=news_index, title="Draft", date=datetime.date(2016, 11, 21), live=False
        )
        create_news_item(logged_in(writer), news_index, "action-submit", title="In review")
        create_news_item(
            logged_in(writer), news_index, "action-submit", title="Sent back", slug="sent-back"
        )
        workflow_action(
            logged_in(editor), NewsItemPage.objects.get(slug="sent-back"), "reject", "Source?"
        )
        scheduled = NewsItemPageFactory(
            parent=news_index, title="Scheduled", date=datetime.date(2016, 11, 28), live=False
        )
        scheduled.go_live_at = timezone.now() + datetime.timedelta(days=3)
        scheduled.save_revision().publish()
        old.expire_at = timezone.now() - datetime.timedelta(minutes=1)
        old.save_revision().publish()
        expired = NewsItemPageFactory(
            parent=news_index, title="Expired", date=datetime.date(2016, 10, 1)
        )
        expired.unpublish(set_expired=True)
        return {"mining": mining, "water": water}

    def test_lists_every_news_item_newest_first(self, editor, items):  # noqa: F811
        titles = listed(logged_in(editor))
        assert titles[:3] == ["Scheduled", "New water", "Draft"]
        assert titles[-1] == "Expired"
        assert len(titles) == 8

    def test_filters_by_publication_date(self, editor, items):  # noqa: F811
        titles = listed(logged_in(editor), "?date_from=2016-11-20&date_to=2016-11-21")
        assert sorted(titles) == ["Draft", "In review", "Mid both", "Sent back"]

    def test_filters_by_theme(self, editor, items):  # noqa: F811
        client = logged_in(editor)
        assert listed(client, f"?themes={items['mining'].pk}") == ["Mid both", "Old mining"]
        both = f"?themes={items['mining'].pk}&themes={items['water'].pk}"
        assert listed(client, both) == ["New water", "Mid both", "Old mining"]

    @pytest.mark.parametrize(
        ("status", "expected"),
        [
            ("live", ["New water", "Mid both", "Old mining"]),
            ("changed", ["Mid both"]),
            ("draft", ["Scheduled", "Draft", "In review", "Sent back"]),
            ("in_review", ["In review"]),
            ("needs_changes", ["Sent back"]),
            ("scheduled", ["Scheduled"]),
            ("expired", ["Expired"]),
        ],
    )
    def test_filters_by_status(self, editor, items, status, expected):  # noqa: F811
        assert sorted(listed(logged_in(editor), f"?status={status}")) == sorted(expected)

    def test_searches_titles(self, editor, items):  # noqa: F811
        assert listed(logged_in(editor), "?q=mining") == ["Old mining"]

    def test_an_unknown_status_is_ignored(self, editor, items):  # noqa: F811
        assert len(listed(logged_in(editor), "?status=nonsense")) == 8

    def test_writers_see_it_and_the_secretary_does_not(
        self,
        writer,  # noqa: F811
        secretary,  # noqa: F811
        items,
    ):
        assert len(listed(logged_in(writer))) == 8
        response = logged_in(secretary).get(LISTING)
        assert response.status_code == 302

    @pytest.mark.benchmark
    def test_query_count_does_not_grow_with_items(
        self,
        editor,  # noqa: F811
        news_index,
        django_assert_max_num_queries,
    ):
        themes = [ThemeFactory(), ThemeFactory()]
        NewsItemPageFactory.create_batch(3, parent=news_index, themes=themes)
        client = logged_in(editor)
        client.get(LISTING)
        with django_assert_max_num_queries(100) as few:
            client.get(LISTING)
        # Counted now: the connection's query log is a bounded queue that later queries move.
        budget = len(few.captured_queries)
        assert budget > 0
        NewsItemPageFactory.create_batch(20, parent=news_index, themes=themes)
        client.get(LISTING)  # warm again
        with django_assert_max_num_queries(budget):
            client.get(LISTING)
