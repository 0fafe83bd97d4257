"""Site search: what is found, how it is shown, filtered, promoted and logged, what is never
shown, and inputs that must never break it. Runs on SQLite and on PostgreSQL."""

import datetime
import logging
import re
import subprocess
import sys
from pathlib import Path

from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wagtail.contrib.search_promotions.models import Query, QueryDailyHits, SearchPromotion
from wagtail.models import Page, PageViewRestriction
from wagtail.search import index
from wagtail.search.backends import get_search_backend
from wagtail.search.backends.database import SearchBackend as WagtailsBackend

import pytest

from regions.models import Region
from search.models import QueryOutcome
from search.query import MAX_LENGTH, MAX_TERMS, clean_query
from tests.factories import (
    BriefingPageFactory,
    NewsItemPageFactory,
    StandardPageFactory,
    ThemeFactory,
)

POSTGRES_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL only: English stemming (SQLite's FTS5 does not stem) and its GIN index.",
)

SQLITE_ONLY = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own ranking.")


def search(client, query, **params):
    return client.get("/search/", {"query": query, **params})


def titles(response):
    """Result titles in the order a reader sees them."""
    html = response.content.decode()
    return re.findall(r'class="card__title">\s*<a href="[^"]*"[^>]*>([^<]*)</a>', html)


def summary(response):
    """The 'N results for …' heading."""
    found = re.search(r'<h2 class="search-summary">(.*?)</h2>', response.content.decode(), re.S)
    return found.group(1) if found else None


def day(n):
    return datetime.date(2016, 11, 27) - datetime.timedelta(days=n)


def paragraph(html):
    return [{"type": "paragraph", "value": html}]


class TestWhatIsFound:
    def test_a_word_in_the_title(self, client, news_index):
        NewsItemPageFactory(parent=news_index, title="Saramurillo takes protest to Lima")
        NewsItemPageFactory(parent=news_index, title="University Law battle intensifies")
        assert titles(search(client, "Saramurillo")) == ["Saramurillo takes protest to Lima"]

    def test_a_word_in_the_summary(self, client, news_index):
        NewsItemPageFactory(
            parent=news_index,
            title="Fire strikes twice",
            summary="A fire broke out in a cinema at the Larcomar shopping mall in Miraflores.",
        )
        assert titles(search(client, "Larcomar")) == ["Fire strikes twice"]

    @pytest.mark.parametrize(
        "block",
        [
            {"type": "paragraph", "value": "<p>Studies by <b>Duke</b> measure mercury.</p>"},
            {"type": "heading", "value": {"text": "Mercury in the rivers", "level": "h2"}},
            {"type": "quote", "value": {"text": "The fish carry mercury.", "attribution": ""}},
            {
                "type": "citation",
                "value": {"publication": "The Guardian", "headline": "Mercury poisoning"},
            },
            {
                "type": "table",
                "value": {
                    "caption": "Samples",
                    "columns": [{"type": "text", "heading": "Metal"}],
                    "rows": [{"values": ["Mercury"]}],
                },
            },
            {
                "type": "image",
                "value": {"image": None, "caption": "Mercury tailings", "credit": ""},
            },
        ],
        ids=lambda block: block["type"],
    )
    def test_a_word_only_in_a_body_block(self, client, news_index, block):
        NewsItemPageFactory(
            parent=news_index, title="Madre de Dios", summary="Gold mining.", body=[block]
        )
        NewsItemPageFactory(parent=news_index, title="Unrelated", summary="Gold mining.")
        assert titles(search(client, "mercury")) == ["Madre de Dios"]

    def test_a_theme_name(self, client, news_index, briefing_index):
        theme = ThemeFactory(name="Indigenous peoples", slug="indigenous-peoples")
        NewsItemPageFactory(parent=news_index, title="Detainees freed", themes=[theme])
        briefing = BriefingPageFactory(parent=briefing_index, title="Amazon briefing")
        briefing.themes.set([theme])
        briefing.save()
        NewsItemPageFactory(parent=news_index, title="University Law")
        assert sorted(titles(search(client, "indigenous"))) == [
            "Amazon briefing",
            "Detainees freed",
        ]

    def test_a_region_name_without_accents(self, client, news_index, briefing_index):
        item = NewsItemPageFactory(parent=news_index, title="Detainees freed")
        item.regions.set([Region.objects.get(slug="apurimac")])
        item.save_revision().publish()
        briefing = BriefingPageFactory(parent=briefing_index, title="Gold briefing")
        briefing.regions.set([Region.objects.get(slug="madre-de-dios")])
        briefing.save_revision().publish()
        NewsItemPageFactory(parent=news_index, title="University Law")
        # The name is only in the tag; readers type it without the accent.
        assert titles(search(client, "apurimac")) == ["Detainees freed"]
        assert titles(search(client, "Madre de Dios")) == ["Gold briefing"]

    def test_heading_levels_are_not_indexed(self, client, news_index):
        heading = {"type": "heading", "value": {"text": "Background", "level": "h2"}}
        NewsItemPageFactory(parent=news_index, summary="Gold mining.", body=[heading])
        assert titles(search(client, "section")) == []
        assert len(titles(search(client, "background"))) == 1

    def test_every_page_type_is_searched(self, client, home_page, news_index, briefing_index):
        home_page.aims = "<p>We promote Quillabamba aims.</p>"
        home_page.save_revision().publish()
        StandardPageFactory(
            parent=home_page, title="About", body=paragraph("<p>Quillabamba about.</p>")
        )
        BriefingPageFactory(parent=briefing_index, title="Historical Overview")
        BriefingPageFactory(
            parent=briefing_index,
            title="Human Rights",
            body=paragraph("<p>Quillabamba briefing.</p>"),
        )
        NewsItemPageFactory(parent=news_index, title="Item", summary="Quillabamba news.")
        news_index.intro = "All the news from Quillabamba."
        news_index.save_revision().publish()
        assert sorted(titles(search(client, "Quillabamba"))) == sorted(
            [home_page.title, "About", "Human Rights", "Item", "News"]
        )

    def test_title_matches_rank_above_body_matches(self, client, news_index):
        NewsItemPageFactory(
            parent=news_index,
            title="Water scarcity in the Andes",
            summary="Mentions Cajamarca once.",
        )
        NewsItemPageFactory(
            parent=news_index, title="Cajamarca water dispute", summary="A dispute."
        )
        assert titles(search(client, "Cajamarca")) == [
            "Cajamarca water dispute",
            "Water scarcity in the Andes",
        ]

    @pytest.fixture
    def tag_or_title(self, news_index):
        """A story that shares only a region tag with 'Lima', with a short title (which the
        backend as it ships favours on SQLite), and one with 'Lima' in a long title."""
        tagged = NewsItemPageFactory(
            parent=news_index, title="Fire strikes twice", summary="Four people were killed."
        )
        tagged.regions.set([Region.objects.get(slug="lima-city")])
        tagged.save_revision().publish()
        NewsItemPageFactory(
            parent=news_index,
            title="Saramurillo takes its protest about oil spills in the Marañón to Lima",
            summary="Leaders from Saramurillo, in Loreto, took to the streets of the capital.",
            body=paragraph("<p>The march reached the Congress after a long journey.</p>" * 6),
        )

    def test_a_title_outranks_a_region_tag(self, client, tag_or_title):
        assert titles(search(client, "Lima")) == [
            "Saramurillo takes its protest about oil spills in the Marañón to Lima",
            "Fire strikes twice",
        ]

    def test_a_title_outranks_a_theme(self, client, news_index):
        mining = ThemeFactory(name="Mining and oil", slug="mining-and-oil")
        NewsItemPageFactory(parent=news_index, title="Strike in Ayacucho", themes=[mining])
        NewsItemPageFactory(
            parent=news_index,
            title="Output from the new copper and zinc mining projects boosts exports",
            body=paragraph("<p>Exports rose by a tenth over the year, led by copper.</p>" * 6),
        )
        assert titles(search(client, "mining")) == [
            "Output from the new copper and zinc mining projects boosts exports",
            "Strike in Ayacucho",
        ]

    @SQLITE_ONLY
    def test_the_backend_as_it_ships_would_put_the_tag_first_on_sqlite(self, tag_or_title):
        # Why search/sqlite.py ranks SQLite's results itself: the control for the test above.
        found = WagtailsBackend({}).search(clean_query("Lima").search_query, Page.objects.live())
        assert [page.title for page in found][0] == "Fire strikes twice"

    @SQLITE_ONLY
    def test_the_sqlite_index_has_the_columns_the_ranking_weighs(self, db):
        from search.sqlite import COLUMNS  # importable on SQLite only

        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM wagtailsearch_indexentry_fts LIMIT 0")
            assert tuple(column[0] for column in cursor.description) == COLUMNS

    def test_every_word_must_match(self, client, news_index):
        NewsItemPageFactory(parent=news_index, title="Las Bambas output rises")
        NewsItemPageFactory(parent=news_index, title="Las Palmas harbour")
        assert titles(search(client, "Las Bambas")) == ["Las Bambas output rises"]

    def test_quoted_phrase(self, client, briefing_index):
        BriefingPageFactory(
            parent=briefing_index,
            title="Historical Overview",
            summary="A civil war in which nearly 70,000 people died.",
        )
        BriefingPageFactory(
            parent=briefing_index,
            title="Civil society",
            summary="Groups that went to war over water.",
        )
        assert titles(search(client, '"civil war"')) == ["Historical Overview"]
        assert len(titles(search(client, "civil war"))) == 2

    @POSTGRES_ONLY
    def test_the_combined_text_is_indexed_on_postgresql(self, db):
        with connection.cursor() as cursor:
            constraints = connection.introspection.get_constraints(
                cursor, "wagtailsearch_indexentry"
            )
        assert constraints["search_indexentry_title_body_gin"]["type"] == "gin"

    @POSTGRES_ONLY
    def test_pages_are_joined_to_their_entries_by_an_index_on_postgresql(self, client, news_index):
        NewsItemPageFactory(parent=news_index, title="Saramurillo takes protest to Lima")
        with CaptureQueriesContext(connection) as queries:
            assert titles(search(client, "Saramurillo")) == ["Saramurillo takes protest to Lima"]
        searches = [q["sql"] for q in queries.captured_queries if "indexentry" in q["sql"]]
        # Wagtail joins on the page's id as text: the expression migration 0005 indexes.
        join = '"wagtailsearch_indexentry"."object_id" = ("wagtailcore_page"."id")::varchar(50)'
        assert searches and all(join in sql for sql in searches)
        with connection.cursor() as cursor:
            constraints = connection.introspection.get_constraints(cursor, "wagtailcore_page")
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'search_page_id_text_idx'"
            )
            [(definition,)] = cursor.fetchall()
        assert constraints["search_page_id_text_idx"]["index"]
        assert "((id)::character varying(50))::text" in definition

    @POSTGRES_ONLY
    def test_english_stemming(self, client, news_index):
        NewsItemPageFactory(parent=news_index, title="Saramurillo takes protest to Lima")
        NewsItemPageFactory(parent=news_index, title="More protests, more deaths")
        assert sorted(titles(search(client, "protests"))) == [
            "More protests, more deaths",
            "Saramurillo takes protest to Lima",
        ]
        assert len(titles(search(client, "protested"))) == 2

    def test_accented_words(self, client, news_index):
        NewsItemPageFactory(parent=news_index, title="Pipeline operated by Petroperú")
        assert titles(search(client, "Petroperú")) == ["Pipeline operated by Petroperú"]


class TestResultsPage:
    def test_a_result_shows_type_title_link_date_and_summary(self, client, news_index):
        item = NewsItemPageFactory(
            parent=news_index,
            title="Mercury poisoning in Madre de Dios",
            date=datetime.date(2016, 11, 20),
            summary="Studies quantify how exposed local people are to mercury.",
        )
        html = search(client, "mercury").content.decode()
        assert f'<a href="{item.url}">Mercury poisoning in Madre de Dios</a>' in html
        assert 'News item · <time datetime="2016-11-20">20 November 2016</time>' in html
        assert "Studies quantify how exposed local people are to mercury." in html

    def test_pages_without_a_date_field_show_when_first_published(self, client, briefing_index):
        BriefingPageFactory(
            parent=briefing_index,
            title="Human Rights",
            first_published_at=datetime.datetime(2015, 3, 2, 12, tzinfo=datetime.UTC),
        )
        html = search(client, "human").content.decode()
        assert 'Briefing page · <time datetime="2015-03-02">2 March 2015</time>' in html

    def test_count_and_escaped_query(self, client, news_index):
        NewsItemPageFactory(parent=news_index, title="Oxfam report")
        NewsItemPageFactory(parent=news_index, title="Oxfam again")
        assert summary(search(client, "oxfam")) == "2 results for ‘oxfam’"
        response = search(client, '<script>alert("x")</script> oxfam')
        html = response.content.decode()
        assert "<script>alert" not in html
        assert summary(response) == (
            "No results for ‘&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; oxfam’"
        )

    def test_no_results_gives_a_hint(self, client, news_index):
        NewsItemPageFactory(parent=news_index)
        response = search(client, "zzyzx")
        assert response.status_code == 200
        assert summary(response) == "No results for ‘zzyzx’"
        assert "check the spelling" in response.content.decode()

    def test_filtered_no_results_offers_to_search_everything(self, client, news_index):
        NewsItemPageFactory(parent=news_index, title="Mining news")
        html = search(client, "mining", type="briefings").content.decode()
        assert 'href="/search/?query=mining">search everything</a>' in html

    def test_empty_search_explains_itself(self, client, home_page):
        for response in (client.get("/search/"), search(client, "   ")):
            assert response.status_code == 200
            assert summary(response) is None
            assert "type a word, a name or a place" in response.content.decode()

    def test_kept_out_of_search_engines(self, client, home_page):
        html = search(client, "mining").content.decode()
        assert '<meta name="robots" content="noindex">' in html
        assert "<title>Search results for ‘mining’ | Peru Support Group</title>" in html

    def test_ten_a_page_with_the_news_pagination_keeping_the_query(self, client, news_index):
        for n in range(25):
            NewsItemPageFactory(parent=news_index, title=f"Mining {n:02d}", date=day(n))
        first = search(client, "mining", order="newest")
        assert titles(first) == [f"Mining {n:02d}" for n in range(10)]
        assert summary(first) == "25 results for ‘mining’"
        html = first.content.decode()
        assert 'href="?query=mining&amp;order=newest&amp;page=2" rel="next"' in html
        assert 'aria-current="page"><span class="visually-hidden">Page </span>1</a>' in html
        last = search(client, "mining", order="newest", page=3)
        assert titles(last) == [f"Mining {n:02d}" for n in range(20, 25)]
        assert "(page 3)" in last.content.decode()

    def test_search_box_in_every_page_header(self, client, home_page, news_index):
        item = NewsItemPageFactory(parent=news_index)
        for url in ("/", "/news/", item.url, "/search/?query=x", "/no-such-page/"):
            html = client.get(url).content.decode()
            form = re.search(r'<form class="site-search".*?</form>', html, re.S).group(0)
            assert 'action="/search/"' in form and 'method="get"' in form
            assert 'role="search"' in form
            assert '<label id="site-search-label" for="site-search-query">' in form
            assert 'name="query"' in form
            # The skip link stays the first thing a keyboard reaches.
            assert html.index('class="skip-link"') < html.index('class="site-search"')


class TestFiltersAndOrder:
    @pytest.fixture
    def mixed(self, home_page, news_index, briefing_index):
        mining = ThemeFactory(name="Mining and oil", slug="mining-and-oil")
        NewsItemPageFactory(parent=news_index, title="Copper news", date=day(10), themes=[mining])
        NewsItemPageFactory(parent=news_index, title="Copper prices", date=day(1))
        briefing = BriefingPageFactory(
            parent=briefing_index,
            title="Copper briefing",
            first_published_at=datetime.datetime(2016, 11, 22, 9, tzinfo=datetime.UTC),
        )
        briefing.themes.set([mining])
        briefing.save()
        StandardPageFactory(parent=home_page, title="About copper")

    def test_by_type(self, client, mixed):
        assert sorted(titles(search(client, "copper", type="news"))) == [
            "Copper news",
            "Copper prices",
        ]
        assert titles(search(client, "copper", type="briefings")) == ["Copper briefing"]
        assert summary(search(client, "copper", type="briefings")) == (
            "1 result for ‘copper’ in briefings"
        )

    def test_by_theme_across_types(self, client, mixed):
        response = search(client, "copper", theme="mining-and-oil")
        assert sorted(titles(response)) == ["Copper briefing", "Copper news"]
        assert summary(response) == "2 results for ‘copper’ about Mining and oil"
        both = search(client, "copper", theme="mining-and-oil", type="news")
        assert titles(both) == ["Copper news"]

    @pytest.mark.parametrize(
        "params",
        [
            {"type": "events"},
            {"theme": "no-such-theme"},
            {"order": "oldest"},
            {"type": "<b>", "theme": "' OR 1=1 --", "order": "x" * 5000},
            {"type": "news\x00", "theme": "mining-and-oil\x00"},
        ],
    )
    def test_unknown_filter_values_are_ignored(self, client, mixed, params):
        response = search(client, "copper", **params)
        assert response.status_code == 200
        assert len(titles(response)) == 4

    def test_newest_first_by_news_date_or_first_publication(self, client, mixed):
        assert titles(search(client, "copper", order="newest")) == [
            "Copper prices",  # 26 November 2016
            "Copper briefing",  # first published 22 November 2016
            "Copper news",  # 17 November 2016
            "About copper",  # never formally published: last
        ]

    def test_newest_first_on_a_backend_that_sorts_only_by_indexed_fields(
        self, client, mixed, monkeypatch
    ):
        # Elasticsearch and OpenSearch cannot sort by an expression: first publication instead.
        compiler = get_search_backend().query_compiler_class
        monkeypatch.setattr(compiler, "HANDLES_ORDER_BY_EXPRESSIONS", False)
        response = search(client, "copper", order="newest")
        assert response.status_code == 200
        assert sorted(titles(response)) == [
            "About copper",
            "Copper briefing",
            "Copper news",
            "Copper prices",
        ]

    def test_the_form_shows_the_chosen_filters(self, client, mixed):
        html = search(client, "copper", type="news", theme="mining-and-oil").content.decode()
        assert '<option value="news" selected>News</option>' in html
        assert '<option value="mining-and-oil" selected>Mining and oil</option>' in html
        assert 'value="copper"' in html


class TestPromotions:
    def promote(self, query_string, page=None, **fields):
        return SearchPromotion.objects.create(
            query=Query.get(query_string), page=page, sort_order=fields.pop("order", 0), **fields
        )

    def test_promoted_page_first_once_and_marked(self, client, news_index, briefing_index):
        for n in range(12):
            NewsItemPageFactory(parent=news_index, title=f"Mining {n:02d}", date=day(n))
        briefing = BriefingPageFactory(
            parent=briefing_index, title="Mining briefing", summary="All about mining."
        )
        self.promote("mining", briefing, description="Start here.")
        first = search(client, "  MINING ")
        assert titles(first)[0] == "Mining briefing"
        assert len(titles(first)) == 11  # the recommendation, then ten results
        html = first.content.decode()
        assert html.count("Mining briefing") == 1
        assert '<p class="search-result__badge">Recommended</p>' in html
        assert "Start here." in html
        assert summary(first) == "13 results for ‘MINING’"
        second = search(client, "mining", page=2)
        assert "Mining briefing" not in titles(second)
        assert len(titles(second)) == 2

    def test_promotion_of_a_page_without_other_matches(self, client, briefing_index):
        briefing = BriefingPageFactory(parent=briefing_index, title="Annual report")
        self.promote("finances", briefing)
        assert titles(search(client, "finances")) == ["Annual report"]

    def test_external_link_promotion_only_when_unfiltered(self, client, home_page):
        self.promote(
            "pipeline",
            external_link_url="https://example.org/pipeline",
            external_link_text="Pipeline map",
        )
        html = search(client, "pipeline").content.decode()
        assert '<a href="https://example.org/pipeline">Pipeline map</a>' in html
        assert "Another website" in html
        assert "Pipeline map" not in search(client, "pipeline", type="news").content.decode()

    def test_promotions_follow_the_filters(self, client, news_index, briefing_index):
        briefing = BriefingPageFactory(parent=briefing_index, title="Oil briefing")
        self.promote("oil", briefing)
        assert "Oil briefing" in titles(search(client, "oil"))
        assert titles(search(client, "oil", type="news")) == []


def publish_then_unpublish(parent, **fields):
    page = NewsItemPageFactory(parent=parent, **fields)
    page.save_revision().publish()
    page.unpublish()
    return page


def restricted(kind):
    def make(parent, **fields):
        page = NewsItemPageFactory(parent=parent, **fields)
        restriction = PageViewRestriction.objects.create(
            page=page, restriction_type=kind, password="secret" if kind == "password" else ""
        )
        if kind == "groups":
            restriction.groups.set([Group.objects.get_or_create(name="Trustees")[0]])
        return page

    return make


def under_restricted_section(parent, **fields):
    section = StandardPageFactory(parent=parent.get_parent().specific, title="Trustees area")
    PageViewRestriction.objects.create(page=section, restriction_type="login")
    return StandardPageFactory(parent=section, **fields)


HIDDEN = {
    "draft": lambda parent, **fields: NewsItemPageFactory(parent=parent, live=False, **fields),
    "unpublished": publish_then_unpublish,
    "expired": lambda parent, **fields: NewsItemPageFactory(
        parent=parent, live=False, expired=True, **fields
    ),
    "past its expiry, not yet unpublished": lambda parent, **fields: NewsItemPageFactory(
        parent=parent, expire_at=timezone.now() - datetime.timedelta(minutes=1), **fields
    ),
    "scheduled": lambda parent, **fields: NewsItemPageFactory(
        parent=parent,
        live=False,
        go_live_at=timezone.now() + datetime.timedelta(days=1),
        **fields,
    ),
    "password": restricted("password"),
    "login": restricted("login"),
    "groups": restricted("groups"),
    "in a private section": under_restricted_section,
}


class TestNeverLeaks:
    @pytest.mark.parametrize("kind", HIDDEN)
    def test_hidden_pages_are_not_in_results_counts_or_promotions(self, client, news_index, kind):
        NewsItemPageFactory(parent=news_index, title="Public Quillabamba item")
        hidden = HIDDEN[kind](news_index, title="Hidden Quillabamba item")
        SearchPromotion.objects.create(query=Query.get("quillabamba"), page=hidden)
        response = search(client, "Quillabamba")
        assert titles(response) == ["Public Quillabamba item"]
        assert summary(response) == "1 result for ‘Quillabamba’"
        assert "Hidden" not in response.content.decode()

    def test_unpublished_changes_are_not_searchable(self, client, news_index):
        item = NewsItemPageFactory(parent=news_index, title="Published title")
        item.title = "Draft Quillabamba title"
        item.summary = "Draft Quillabamba summary"
        item.save_revision()
        assert titles(search(client, "Quillabamba")) == []
        assert titles(search(client, "Published")) == ["Published title"]

    def test_unpublishing_or_protecting_removes_a_page_at_once(self, client, news_index):
        item = NewsItemPageFactory(parent=news_index, title="Quillabamba item")
        other = NewsItemPageFactory(parent=news_index, title="Quillabamba other")
        assert len(titles(search(client, "Quillabamba"))) == 2
        item.unpublish()
        assert titles(search(client, "Quillabamba")) == ["Quillabamba other"]
        PageViewRestriction.objects.create(page=other, restriction_type="password", password="x")
        assert titles(search(client, "Quillabamba")) == []

    def test_the_tree_root_is_not_a_result(self, client, home_page):
        root = Page.get_first_root_node()
        index.insert_or_update_object(root)
        assert titles(search(client, root.title)) == []
        index.insert_or_update_object(home_page)  # positive control: the home page is found
        assert home_page.title in titles(search(client, home_page.title))


BAD_QUERIES = [
    "",
    '"',
    '""',
    'foo"bar',
    "-Data",
    "ice & fire",
    "*",
    "\\",
    "'",
    ":*",
    "a:b",
    "(((",
    "a | b",
    "' OR 1=1; DROP TABLE wagtailcore_page; --",
    "%_%",
    "<b>bold</b> & <script>x</script>",
    "mercury\x00",
    "\x00",
    "x" * 10_000,
    " ".join(["ab"] * 500),
    "🔥 mercury 🌊",
    "مرحبا بالعالم",
    "\u202ereversed\u202c",
    "NEAR(mercury gold)",
    "mercury AND NOT gold OR",
    "title:mercury",
    "!mercury & !gold",
    "mercury:*A",
]


class TestNeverBreaks:
    @pytest.mark.parametrize("query", BAD_QUERIES)
    def test_any_query_gives_a_normal_page(self, client, news_index, query):
        NewsItemPageFactory(parent=news_index, title="Mercury poisoning", summary="Gold.")
        response = search(client, query)
        assert response.status_code == 200
        assert b"Search" in response.content

    @pytest.mark.parametrize(
        "query_string",
        [
            "query=a&query=mercury",
            "query[]=mercury",
            "query=mercury&type=news&type=briefings&type[]=x",
            "query=mercury&theme[]=x&order[]=newest",
            "query=%FF%FE%00mercury",
            "query=%ED%A0%80mercury",
            "query=mercury%00&page=%00",
            "query=mercury&" + "&".join(f"f{n}=x" for n in range(900)),
        ],
    )
    def test_repeated_array_and_junk_parameters(self, client, news_index, query_string):
        NewsItemPageFactory(parent=news_index, title="Mercury poisoning")
        assert client.get(f"/search/?{query_string}").status_code == 200

    @pytest.mark.parametrize(
        "value", ["abc", "0", "-1", "999999", "9" * 30, "1.5", "", "%00", "1e3", "２"]
    )
    def test_any_page_value(self, client, news_index, value):
        for n in range(12):
            NewsItemPageFactory(parent=news_index, title=f"Mercury {n}", date=day(n))
        response = client.get(f"/search/?query=mercury&page={value}")
        assert response.status_code == 200
        assert len(titles(response)) in (10, 2)

    def test_absurd_numbers_of_parameters_are_a_bad_request(self, client, home_page):
        query_string = "&".join(f"f{n}=x" for n in range(1_001))
        assert client.get(f"/search/?{query_string}").status_code == 400

    def test_long_queries_are_capped_before_the_database(self, client, news_index):
        NewsItemPageFactory(parent=news_index, title="Mercury poisoning")
        words = " ".join(f"w{n:03d}" for n in range(500))
        with CaptureQueriesContext(connection) as queries:
            response = search(client, "mercury " + words + "z" * 10_000)
        assert response.status_code == 200
        assert "only its first 255 characters and 32 words were used" in (response.content.decode())
        sql = " ".join(query["sql"] for query in queries.captured_queries)
        assert "zzz" not in sql
        search_sql = " ".join(
            query["sql"] for query in queries.captured_queries if "indexentry" in query["sql"]
        )
        # 32 terms: mercury, then w000 to w030.
        assert "w030" in search_sql and "w031" not in search_sql
        assert Query.objects.get().query_string == ("mercury " + words)[:255].strip()

    def test_database_errors_become_no_results_and_a_warning(
        self, client, news_index, monkeypatch, caplog
    ):
        NewsItemPageFactory(parent=news_index, title="Mercury poisoning")

        def failing_search(*args, **kwargs):
            # A real error from the database, which on PostgreSQL aborts the transaction.
            return Page.objects.extra(where=["no_such_function_psg() = 1"])

        monkeypatch.setattr("search.views.run_search", failing_search)
        with caplog.at_level(logging.WARNING, logger="search.views"):
            response = search(client, "mercury")
        assert response.status_code == 200
        assert summary(response) == "No results for ‘mercury’"
        assert "Search failed for 'mercury'" in caplog.text
        # The savepoint was rolled back: the connection still works.
        assert Page.objects.filter(title="Mercury poisoning").exists()
        # Counted as a search, but a failure is no verdict for the 'no results' report.
        assert Query.get("mercury").hits == 1
        assert not QueryOutcome.objects.exists()

    def test_a_failing_query_log_does_not_break_search(
        self, client, news_index, monkeypatch, caplog
    ):
        NewsItemPageFactory(parent=news_index, title="Mercury poisoning")

        # A real error from the database (the test's transaction undoes the rename).
        with connection.cursor() as cursor:
            cursor.execute(
                f"ALTER TABLE {QueryDailyHits._meta.db_table} RENAME TO search_log_gone_psg"
            )
        with caplog.at_level(logging.WARNING, logger="search.views"):
            response = search(client, "mercury")
        assert titles(response) == ["Mercury poisoning"]
        assert "Could not log the search 'mercury'" in caplog.text
        # On PostgreSQL the failure was rolled back to a savepoint: the connection still works.
        assert Page.objects.filter(title="Mercury poisoning").exists()


class TestQueryCleaning:
    def test_only_words_reach_the_backend(self):
        cleaned = clean_query('  ice & "civil   war"  -Data (((a:b))) *\\ ')
        assert cleaned.text == 'ice & "civil war" -Data (((a:b))) *\\'
        assert cleaned.terms == ["ice", "civil", "war", "Data", "a", "b"]
        assert repr(cleaned.search_query) == (
            "<And <PlainText 'ice' operator='and' boost=1> <Phrase 'civil war'> "
            "<PlainText 'Data a b' operator='and' boost=1>>"
        )

    def test_an_unmatched_quote_is_ignored(self):
        assert clean_query('foo"bar').terms == ["foo", "bar"]
        assert repr(clean_query('"civil war').search_query) == (
            "<PlainText 'civil war' operator='and' boost=1>"
        )

    def test_nothing_to_search_for(self):
        for raw in ("", '"', '""', "*", ":*", "(((", "🔥", "\x00", "_"):
            assert clean_query(raw).search_query is None
        assert clean_query("Lima (Perú)").search_query is not None

    def test_caps(self):
        cleaned = clean_query(" ".join(["ab"] * 500))
        assert len(cleaned.text) <= MAX_LENGTH
        assert len(cleaned.terms) == MAX_TERMS
        assert cleaned.shortened
        assert not clean_query("mercury").shortened

    def test_combining_accents_are_composed(self):
        assert clean_query("Pe\u0301rez").terms == ["Pérez"]


class TestQueryLog:
    def test_a_search_is_logged_once_normalised_not_per_results_page(self, client, news_index):
        for n in range(12):
            NewsItemPageFactory(parent=news_index, title=f"Mercury poisoning {n}")
        search(client, "  Mercury   Poisoning ")
        search(client, "mercury poisoning")
        search(client, "mercury poisoning", page=2)
        search(client, "mercury poisoning", page=1)
        search(client, "")
        query = Query.objects.get()
        assert query.query_string == "mercury poisoning"
        assert query.hits == 2
        # Wagtail's daily counts: today's row grows, earlier days' stay as they were.
        yesterday = timezone.now().date() - datetime.timedelta(days=1)
        QueryDailyHits.objects.create(query=query, date=yesterday, hits=4)
        search(client, "mercury poisoning")
        assert query.hits == 7
        assert QueryDailyHits.objects.get(query=query, date=yesterday).hits == 4

    def test_result_counts_feed_the_no_results_report(self, client, news_index, admin_client):
        NewsItemPageFactory(parent=news_index, title="Mercury poisoning")
        search(client, "mercury")
        search(client, "zzyzx")
        search(client, "zzyzx")
        search(client, "mercury", type="briefings")  # filtered: not a verdict on 'mercury'
        assert QueryOutcome.objects.get(query__query_string="mercury").result_count == 1
        assert QueryOutcome.objects.get(query__query_string="zzyzx").result_count == 0

        report = admin_client.get("/admin/reports/searches-with-no-results/")
        assert report.status_code == 200
        html = report.content.decode()
        assert "zzyzx" in html and "mercury" not in html
        terms = admin_client.get("/admin/searchpicks/reports/search-terms/").content.decode()
        assert "zzyzx" in terms and "mercury" in terms

        # Once the words find something, they leave the report.
        NewsItemPageFactory(parent=news_index, title="Zzyzx road")
        search(client, "zzyzx")
        html = admin_client.get("/admin/reports/searches-with-no-results/").content.decode()
        assert "zzyzx" not in html

    def test_the_reports_spreadsheet_never_runs_a_readers_words(self, client, admin_client):
        for words in ("=HYPERLINK(1)", "+sum", "@cmd", "plain words"):
            search(client, words)
        response = admin_client.get("/admin/reports/searches-with-no-results/?export=csv")
        assert response.status_code == 200
        body = b"".join(response.streaming_content).decode()
        rows = [row.split(",")[0] for row in body.splitlines()[1:]]
        assert sorted(rows) == ["'+sum", "'=hyperlink(1)", "'@cmd", "plain words"]

    def test_reports_are_for_administrators(self, client, django_user_model):
        editor = django_user_model.objects.create_user("editor", password="x" * 12)
        editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
        client.force_login(editor)
        response = client.get("/admin/reports/searches-with-no-results/")
        assert response.status_code in (302, 403)


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


# Queries for a page of results, whatever the number of matches.
QUERIES = {
    "/search/?query=copper": 22,
    "/search/?query=copper&order=newest&type=news&theme=mining-and-oil": 19,
    # Not logged again.
    "/search/?query=copper&page=2": 17,
}


@pytest.mark.benchmark
@pytest.mark.parametrize("url", QUERIES)
def test_query_count_does_not_grow_with_items(client, home_page, news_index, briefing_index, url):
    mining = ThemeFactory(name="Mining and oil", slug="mining-and-oil")
    SearchPromotion.objects.create(
        query=Query.get("copper"),
        page=BriefingPageFactory(parent=briefing_index, title="Copper briefing"),
    )

    def add(start, stop):
        # Results of one type, as specific() costs a query per page type on a results page.
        for n in range(start, stop):
            NewsItemPageFactory(parent=news_index, title=f"Copper {n}", themes=[mining])
            BriefingPageFactory(parent=briefing_index, title=f"Zinc briefing {n}")
            StandardPageFactory(parent=home_page, title=f"Zinc page {n}")

    add(0, 11)
    count_queries(client, url)  # warms caches such as content types
    few = count_queries(client, url)
    add(11, 40)
    count_queries(client, url)  # the new pages made the site's cached fragments stale: warm again
    many = count_queries(client, url)
    assert (few, many) == (QUERIES[url], QUERIES[url])


@pytest.mark.parametrize(
    "environment, expected",
    [
        (
            {},
            "{'default': {'BACKEND': 'search.backends', 'SEARCH_CONFIG': 'psg_english'}}",
        ),
        (
            {"SEARCH_BACKEND": "opensearch2", "SEARCH_URL": "https://search.example.org:9200"},
            "'BACKEND': 'wagtail.search.backends.opensearch2', "
            "'URLS': ['https://search.example.org:9200'], 'INDEX_PREFIX': 'psg_'",
        ),
        ({"SEARCH_BACKEND": "solr"}, "SEARCH_BACKEND must be 'database' or one of"),
    ],
)
def test_search_backend_comes_from_the_environment(environment, expected):
    code = "from config.settings import base; print(base.WAGTAILSEARCH_BACKENDS)"
    env = {"PATH": "/usr/bin:/bin", **environment}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        capture_output=True,
        text=True,
    )
    assert expected in result.stdout + result.stderr


class TestChangesShowAtOnce:
    """Nothing is kept between searches inside Django: a change shows in the next search."""

    def publish(self, parent, **fields):
        page = NewsItemPageFactory(parent=parent, **fields)
        page.save_revision().publish()
        return page

    def test_a_recommendation_added_changed_or_removed_shows_at_once(self, client, news_index):
        self.publish(news_index, title="Quillabamba gas protest")
        assert titles(search(client, "Quillabamba")) == ["Quillabamba gas protest"]
        promotion = SearchPromotion.objects.create(
            query=Query.get("quillabamba"),
            external_link_url="https://example.org/gas",
            external_link_text="Gas field map",
            sort_order=0,
        )
        assert titles(search(client, "Quillabamba")) == ["Gas field map", "Quillabamba gas protest"]
        promotion.external_link_text = "Camisea gas field map"
        promotion.save()
        assert titles(search(client, "Quillabamba"))[0] == "Camisea gas field map"
        promotion.delete()
        assert titles(search(client, "Quillabamba")) == ["Quillabamba gas protest"]

    def test_a_recommended_page_leaves_when_its_expiry_passes(
        self, client, news_index, monkeypatch
    ):
        page = self.publish(
            news_index,
            title="Gas talks",
            expire_at=timezone.now() + datetime.timedelta(minutes=5),
        )
        SearchPromotion.objects.create(query=Query.get("quillabamba"), page=page, sort_order=0)
        assert titles(search(client, "Quillabamba")) == ["Gas talks"]
        later = timezone.now() + datetime.timedelta(minutes=6)
        monkeypatch.setattr("search.views.timezone.now", lambda: later)
        assert titles(search(client, "Quillabamba")) == []

    def test_publishing_unpublishing_and_restricting_show_at_once(self, client, news_index):
        first = self.publish(news_index, title="Quillabamba gas protest", date=day(2))
        assert titles(search(client, "Quillabamba")) == ["Quillabamba gas protest"]
        self.publish(news_index, title="Quillabamba talks resume", date=day(1))
        assert sorted(titles(search(client, "Quillabamba"))) == [
            "Quillabamba gas protest",
            "Quillabamba talks resume",
        ]
        first.unpublish()
        assert titles(search(client, "Quillabamba")) == ["Quillabamba talks resume"]
        second = NewsItemPageFactory._meta.model.objects.get(title="Quillabamba talks resume")
        PageViewRestriction.objects.create(page=second, restriction_type="login")
        assert summary(search(client, "Quillabamba")) == "No results for ‘Quillabamba’"

    def test_an_edited_page_shows_its_new_card(self, client, news_index):
        page = self.publish(news_index, title="Quillabamba gas protest", summary="Talks fail.")
        assert "Talks fail." in search(client, "Quillabamba").content.decode()
        page.summary = "Talks resume in Lima."
        page.save_revision().publish()
        html = search(client, "Quillabamba").content.decode()
        assert "Talks resume in Lima." in html and "Talks fail." not in html

    def test_a_page_leaves_results_when_its_expiry_passes(self, client, news_index, monkeypatch):
        # Unpublishing waits for the publish_scheduled command; search must not wait for it.
        self.publish(
            news_index,
            title="Quillabamba gas protest",
            expire_at=timezone.now() + datetime.timedelta(minutes=5),
        )
        assert titles(search(client, "Quillabamba")) == ["Quillabamba gas protest"]
        later = timezone.now() + datetime.timedelta(minutes=6)
        monkeypatch.setattr("search.views.timezone.now", lambda: later)
        assert titles(search(client, "Quillabamba")) == []

    def test_each_page_of_results_and_each_filter_is_its_own(self, client, news_index):
        for n in range(12):
            self.publish(news_index, title=f"Quillabamba item {n:02}", date=day(n))
        first = titles(search(client, "Quillabamba", order="newest"))
        second = titles(search(client, "Quillabamba", order="newest", page=2))
        assert len(first) == 10 and len(second) == 2
        assert not set(first) & set(second)
        assert titles(search(client, "Quillabamba", order="newest", page="x")) == first
        assert titles(search(client, "Quillabamba", type="briefings")) == []
