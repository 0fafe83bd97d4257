"""The news list, the briefings list and the home page: order, grouping, paging, filters,
and what readers must never see."""

import datetime
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.models import PageViewRestriction

import pytest

from tests.factories import (
    BriefingPageFactory,
    NewsItemPageFactory,
    ThemeFactory,
)


def titles(response):
    """Item titles in the order a reader sees them."""
    return re.findall(r'class="card__title"><a href="[^"]*">([^<]*)</a>', response.content.decode())


def day(n):
    return datetime.date(2016, 11, 27) - datetime.timedelta(days=n)


@pytest.fixture
def restricted(news_index):
    """A draft, a password-protected item and an item under a login restriction."""
    draft = NewsItemPageFactory(parent=news_index, title="Draft item", date=day(0), live=False)
    private = NewsItemPageFactory(parent=news_index, title="Private item", date=day(0))
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
    members = NewsItemPageFactory(parent=news_index, title="Members item", date=day(0))
    PageViewRestriction.objects.create(page=members, restriction_type="login")
    return [draft, private, members]


class TestNewsIndex:
    def test_newest_first_by_date_not_by_creation(self, client, news_index):
        NewsItemPageFactory(parent=news_index, title="Middle", date=day(7))
        NewsItemPageFactory(parent=news_index, title="Newest", date=day(0))
        NewsItemPageFactory(parent=news_index, title="Oldest", date=day(21))
        assert titles(client.get("/news/")) == ["Newest", "Middle", "Oldest"]

    def test_same_day_items_newest_created_first(self, client, news_index):
        NewsItemPageFactory(parent=news_index, title="Morning", date=day(0))
        NewsItemPageFactory(parent=news_index, title="Evening", date=day(0))
        assert titles(client.get("/news/")) == ["Evening", "Morning"]

    def test_items_are_grouped_under_their_date(self, client, news_index):
        NewsItemPageFactory(parent=news_index, title="A", date=datetime.date(2016, 11, 27))
        NewsItemPageFactory(parent=news_index, title="B", date=datetime.date(2016, 11, 27))
        NewsItemPageFactory(parent=news_index, title="C", date=datetime.date(2016, 11, 6))
        html = client.get("/news/").content.decode()
        groups = re.findall(
            r'<h2 class="date-group__date">\s*<time datetime="([\d-]+)">([^<]+)</time>', html
        )
        assert groups == [("2016-11-27", "27 November 2016"), ("2016-11-06", "6 November 2016")]
        first_group, second_group = html.split('class="date-group__date"')[1:]
        assert ">A<" in first_group and ">B<" in first_group and ">C<" not in first_group
        assert ">C<" in second_group

    def test_ten_a_page_with_elided_links_and_rel_next_prev(self, client, news_index):
        for n in range(45):
            NewsItemPageFactory(parent=news_index, title=f"Item {n:02d}", date=day(n))
        first = client.get("/news/")
        assert titles(first) == [f"Item {n:02d}" for n in range(10)]
        html = first.content.decode()
        assert '<link rel="next" href="?page=2">' in html
        assert 'rel="prev"' not in html
        assert 'aria-current="page"><span class="visually-hidden">Page </span>1</a>' in html

        middle = client.get("/news/?page=3")
        assert titles(middle)[0] == "Item 20"
        html = middle.content.decode()
        assert '<link rel="prev" href="?page=2">' in html
        assert '<link rel="next" href="?page=4">' in html

        last = client.get("/news/?page=5")
        assert titles(last) == [f"Item {n:02d}" for n in range(40, 45)]
        assert 'rel="next"' not in last.content.decode()

    def test_elided_page_range_on_many_pages(self, client, news_index):
        for n in range(120):
            NewsItemPageFactory(parent=news_index, date=day(n))
        html = client.get("/news/?page=2").content.decode()
        assert html.count("…") == 1
        assert 'href="?page=12"' in html  # the last page stays reachable
        assert 'href="?page=7"' not in html

    @pytest.mark.parametrize(
        "value, expected_first",
        [
            ("abc", "Item 00"),
            ("0", "Item 20"),
            ("-1", "Item 20"),
            ("999999", "Item 20"),
            ("99999999999999999999999", "Item 20"),
            ("1.5", "Item 00"),
            ("", "Item 00"),
            ("%00", "Item 00"),
        ],
    )
    def test_any_page_value_gives_a_real_page(self, client, news_index, value, expected_first):
        for n in range(25):
            NewsItemPageFactory(parent=news_index, title=f"Item {n:02d}", date=day(n))
        response = client.get(f"/news/?page={value}")
        assert response.status_code == 200
        assert titles(response)[0] == expected_first

    def test_repeated_page_parameters_do_not_break(self, client, news_index):
        NewsItemPageFactory(parent=news_index)
        assert client.get("/news/?page=1&page=abc&page[]=2").status_code == 200

    def test_theme_filter(self, client, news_index):
        mining = ThemeFactory(name="Mining and oil", slug="mining-and-oil")
        NewsItemPageFactory(parent=news_index, title="Las Bambas", themes=[mining])
        NewsItemPageFactory(parent=news_index, title="University Law")
        # The unfiltered list, seen first, is kept apart from each theme's.
        assert sorted(titles(client.get("/news/"))) == ["Las Bambas", "University Law"]
        response = client.get("/news/?theme=mining-and-oil")
        assert titles(response) == ["Las Bambas"]
        assert "News: Mining and oil" in response.content.decode()
        # The filter links only offer themes that have news.
        assert 'href="/news/?theme=mining-and-oil"' in client.get("/news/").content.decode()

    def test_theme_filter_keeps_the_theme_across_pages(self, client, news_index):
        mining = ThemeFactory(name="Mining and oil", slug="mining-and-oil")
        for n in range(12):
            NewsItemPageFactory(parent=news_index, date=day(n), themes=[mining])
        html = client.get("/news/?theme=mining-and-oil").content.decode()
        assert 'href="?theme=mining-and-oil&amp;page=2" rel="next"' in html

    @pytest.mark.parametrize(
        "slug", ["no-such-theme", "<script>", "' OR 1=1 --", "x" * 5000, "%00"]
    )
    def test_unknown_theme_is_a_404_not_a_500(self, client, news_index, slug):
        NewsItemPageFactory(parent=news_index)
        response = client.get("/news/", {"theme": slug})
        assert response.status_code == 404
        assert b"Page not found" in response.content

    def test_drafts_and_private_items_never_listed(self, client, news_index, restricted):
        NewsItemPageFactory(parent=news_index, title="Public item", date=day(3))
        assert titles(client.get("/news/")) == ["Public item"]
        assert titles(client.get("/")) == ["Public item"]

    def test_empty_news_index(self, client, news_index):
        response = client.get("/news/")
        assert response.status_code == 200
        assert b"No news has been published yet." in response.content


class TestBriefingsAndHome:
    def test_briefings_listed_with_summaries_in_tree_order(self, client, briefing_index):
        BriefingPageFactory(
            parent=briefing_index, title="Historical Overview", summary="A century."
        )
        BriefingPageFactory(parent=briefing_index, title="Human Rights", summary="Violations.")
        BriefingPageFactory(parent=briefing_index, title="Draft briefing", live=False)
        response = client.get("/briefings/")
        assert titles(response) == ["Historical Overview", "Human Rights"]
        assert b"A century." in response.content

    def test_home_shows_latest_news_aims_and_featured_briefings(
        self, client, home_page, news_index, briefing_index
    ):
        for n in range(12):
            NewsItemPageFactory(parent=news_index, title=f"Item {n:02d}", date=day(n))
        briefing = BriefingPageFactory(parent=briefing_index, title="Human Rights")
        hidden = BriefingPageFactory(parent=briefing_index, title="Unpublished", live=False)
        home_page.aims = "<p>The Peru Support Group exists to promote social inclusion.</p>"
        home_page.news_count = 4
        home_page.featured_briefings.create(page=briefing, sort_order=0)
        home_page.featured_briefings.create(page=hidden, sort_order=1)
        home_page.save()
        response = client.get("/")
        assert titles(response) == ["Item 00", "Item 01", "Item 02", "Item 03", "Human Rights"]
        html = response.content.decode()
        assert "PSG Aims" in html
        assert "exists to promote social inclusion" in html
        assert "Unpublished" not in html

    def test_navigation_marks_the_current_section(self, client, news_index):
        item = NewsItemPageFactory(parent=news_index)
        news_index.show_in_menus = True
        news_index.save()
        html = client.get(item.url).content.decode()
        assert '<a href="/news/" aria-current="true">News</a>' in html
        html = client.get("/news/").content.decode()
        assert '<a href="/news/" aria-current="page">News</a>' in html


def count_queries(client, url):
    # The first visit creates the site's settings row; the second fills the fragments.
    client.get(url)
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


# The budget for a public page once its template fragments are cached, whatever the number of
# items: no query per item (tests/test_query_budget.py has every page kind's exact count). A
# theme in the address costs one query more.
QUERY_BUDGET = 10


@pytest.mark.benchmark
@pytest.mark.parametrize(
    "url, expected",
    [
        ("/", 5),
        ("/news/", 9),
        ("/news/?theme=mining", 10),
        ("/news/?page=2", 9),
        ("/news/item-0/", 9),
        ("/briefings/", 8),
    ],
)
def test_query_count_does_not_grow_with_items(
    client, home_page, news_index, briefing_index, url, expected
):
    themes = [ThemeFactory(slug="mining"), ThemeFactory()]
    for n in range(12):
        NewsItemPageFactory(parent=news_index, slug=f"item-{n}", date=day(n), themes=themes)
        BriefingPageFactory(parent=briefing_index)
    few = count_queries(client, url)
    for n in range(12, 40):
        NewsItemPageFactory(parent=news_index, date=day(n), themes=themes)
        BriefingPageFactory(parent=briefing_index)
    many = count_queries(client, url)
    assert few == many
    assert many == expected
