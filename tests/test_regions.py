"""News by region: the ?region= filter, each region's page and feeds, /news/regions/, the tile
map of Peru and its list, what search engines are told about them, and Spanish."""

import datetime
import re
import xml.etree.ElementTree as ET

from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.models import PageViewRestriction

import feedparser
import pytest

from news.models import NewsItemPage
from regions.data import TILES
from regions.models import Region
from tests.conftest import translate
from tests.factories import BriefingPageFactory, NewsItemPageFactory, ThemeFactory
from tests.test_languages import alternates, english_left, switcher, visible_text

pytestmark = pytest.mark.django_db


def day(n):
    return datetime.date(2016, 11, 27) - datetime.timedelta(days=n)


def region(slug):
    return Region.objects.get(slug=slug)


def item_in(news_index, *slugs, **fields):
    """A published news item about the regions named by `slugs`."""
    item = NewsItemPageFactory(parent=news_index, **fields)
    item.regions.set([region(slug) for slug in slugs])
    item.save()
    return item


def titles(response):
    """Item titles in the order a reader sees them."""
    return re.findall(r'class="card__title"><a href="[^"]*">([^<]*)</a>', response.content.decode())


def html(response):
    return response.content.decode()


def h1(response):
    return re.search(r'<h1 class="page-title">(.*?)</h1>', html(response), re.S).group(1).strip()


def canonical(response):
    return re.search(r'<link rel="canonical" href="([^"]+)">', html(response)).group(1)


NOINDEX = '<meta name="robots" content="noindex, follow">'

TILE_LINK = re.compile(
    r'<a href="([^"]+)" class="region-map__tile region-map__tile--(\d)" aria-label="([^"]+)"'
    r'( aria-current="page")?>'
)
LIST_LINK = re.compile(
    r'<li><a href="([^"]+)"( aria-current="page")?>([^<]+)</a> '
    r'<span class="region-list__count">([^<]+)</span></li>'
)


def tiles(response):
    """The map's links: {href: (shade, accessible name, current)}."""
    svg = re.search(r"<svg.*?</svg>", html(response), re.S).group(0)
    return {
        href: (int(shade), name, bool(current))
        for href, shade, name, current in TILE_LINK.findall(svg)
    }


def region_list(response):
    """The plain list's links, in order: [(href, label, count text, current)]."""
    found = re.search(r'<ul class="region-list">.*?</ul>', html(response), re.S).group(0)
    return [
        (href, label, count, bool(current))
        for href, current, label, count in LIST_LINK.findall(found)
    ]


class TestRegionFilter:
    def test_lists_only_the_regions_items(self, client, news_index):
        item_in(news_index, "loreto", title="Pipeline spill", date=day(1))
        item_in(news_index, "loreto", "amazonas", title="Amazon summit", date=day(2))
        item_in(news_index, "cusco", title="Cusco strike", date=day(0))
        # Positive control: the unfiltered list has the Cusco item.
        assert "Cusco strike" in titles(client.get("/news/"))
        response = client.get("/news/?region=loreto")
        assert response.status_code == 200
        assert titles(response) == ["Pipeline spill", "Amazon summit"]
        assert h1(response) == "News: Loreto"
        assert "<title>News: Loreto | " in html(response)

    def test_combined_with_a_theme(self, client, news_index):
        environment = ThemeFactory(name="Environment", slug="environment")
        both = item_in(news_index, "loreto", title="Both", date=day(0))
        both.themes.set([environment])
        both.save()
        item_in(news_index, "loreto", title="Region only", date=day(1))
        other = item_in(news_index, "cusco", title="Theme only", date=day(2))
        other.themes.set([environment])
        other.save()
        assert titles(client.get("/news/?theme=environment")) == ["Both", "Theme only"]
        response = client.get("/news/?theme=environment&region=loreto")
        assert titles(response) == ["Both"]
        assert h1(response) == "News: Environment – Loreto"
        # On a region's list, the theme links keep the region.
        assert 'href="/news/?theme=environment&amp;region=loreto" aria-current="page"' in html(
            response
        )

    @pytest.mark.parametrize(
        "good, bad",
        [
            ("/news/?region=loreto", "/news/?region=nowhere"),
            ("/news/?region=loreto", "/news/?region=%3Cscript%3Ealert(1)%3C/script%3E"),
            ("/news/?theme=environment&region=loreto", "/news/?theme=environment&region=nowhere"),
            ("/news/regions/loreto/", "/news/regions/nowhere/"),
            ("/news/regions/loreto/", "/news/regions/%3Cscript%3E/"),
            ("/news/regions/loreto/feed/", "/news/regions/nowhere/feed/"),
            ("/news/regions/loreto/feed/atom/", "/news/regions/nowhere/feed/atom/"),
            ("/news/regions/loreto/feed/", "/news/regions/loreto/feed/?theme=nothing"),
        ],
    )
    def test_an_unknown_region_is_a_404(self, client, news_index, good, bad):
        ThemeFactory(slug="environment")
        item_in(news_index, "loreto")
        assert client.get(good).status_code == 200
        assert client.get(bad).status_code == 404

    def test_pages_and_their_counts_follow_the_region(self, client, news_index):
        for n in range(12):
            item_in(news_index, "loreto", title=f"Loreto {n:02d}", date=day(n))
        for n in range(3):
            item_in(news_index, "cusco", title=f"Cusco {n}", date=day(20 + n))
        # Counted once for all the news (two pages), the count must not serve a region too.
        assert 'href="?page=2"' in html(client.get("/news/"))
        assert 'class="pagination"' not in html(client.get("/news/?region=cusco"))
        for url in ("/news/?region=loreto", "/news/regions/loreto/"):
            first = client.get(url)
            assert titles(first) == [f"Loreto {n:02d}" for n in range(10)]
            assert 'class="pagination"' in html(first)
            second = client.get(f"{url}{'&' if '?' in url else '?'}page=2")
            assert titles(second) == ["Loreto 10", "Loreto 11"]


class TestRegionPage:
    def test_lists_the_regions_items_newest_first_with_the_map(self, client, news_index):
        item_in(news_index, "madre-de-dios", title="Older", date=day(5))
        item_in(news_index, "madre-de-dios", "cusco", title="Newer", date=day(1))
        item_in(news_index, "cusco", title="Elsewhere", date=day(0))
        response = client.get("/news/regions/madre-de-dios/")
        assert response.status_code == 200
        assert titles(response) == ["Newer", "Older"]
        assert h1(response) == "News from Madre de Dios"
        assert canonical(response) == "http://testserver/news/regions/madre-de-dios/"
        assert NOINDEX not in html(response)
        # Its feeds, announced in the head and linked in the page.
        assert (
            '<link rel="alternate" type="application/rss+xml" title="News from Madre de Dios '
            '(RSS)" href="/news/regions/madre-de-dios/feed/">' in html(response)
        )
        assert 'href="/news/regions/madre-de-dios/feed/atom/"' in html(response)
        assert len(tiles(response)) == 26

    def test_a_story_links_each_of_its_regions_to_the_regions_page(
        self, client, news_index, briefing_index
    ):
        def region_pills(url):
            found = re.search(
                r'<ul class="tags" aria-label="Regions">.*?</ul>', html(client.get(url)), re.S
            )
            return re.findall(r'<a class="tag tag--region" href="([^"]+)">([^<]+)</a>', found[0])

        item = item_in(news_index, "loreto", "lima-city", title="Saramurillo in Lima")
        briefing = BriefingPageFactory(parent=briefing_index)
        briefing.regions.set([region("apurimac")])
        briefing.save()
        assert region_pills(item.url) == [
            ("/news/regions/lima-city/", "Lima (city)"),
            ("/news/regions/loreto/", "Loreto"),
        ]
        assert region_pills(briefing.url) == [("/news/regions/apurimac/", "Apurímac")]
        # Each leads to a page that lists the story.
        assert titles(client.get("/news/regions/loreto/")) == ["Saramurillo in Lima"]

    def test_breadcrumbs_lead_back_to_the_regions_and_all_news(self, client, news_index):
        def crumbs(url):
            found = re.search(r'<nav class="breadcrumbs".*?</nav>', html(client.get(url)), re.S)
            return re.findall(r'<a href="([^"]+)"( aria-current="page")?>([^<]+)</a>', found[0])

        assert crumbs("/news/regions/lima-city/") == [
            ("/", "", "Home"),
            ("/news/", "", "News"),
            ("/news/regions/", "", "News by region"),
            ("/news/regions/lima-city/", ' aria-current="page"', "Lima (city)"),
        ]
        assert crumbs("/news/regions/")[-1] == (
            "/news/regions/",
            ' aria-current="page"',
            "News by region",
        )
        # Positive control: the news list itself has no trail to show.
        assert '<nav class="breadcrumbs"' not in html(client.get("/news/?region=lima-city"))

    def test_a_region_without_news_has_its_page(self, client, news_index):
        item_in(news_index, "loreto", title="Pipeline spill")
        response = client.get("/news/regions/tacna/")
        assert response.status_code == 200
        assert titles(response) == []
        assert 'There is no news from Tacna yet. <a href="/news/">See all news</a>.' in html(
            response
        )
        # Positive control: a region with news does not say so.
        assert "There is no news" not in html(client.get("/news/regions/loreto/"))

    def test_later_pages_are_canonical_with_their_number(self, client, news_index):
        for n in range(12):
            item_in(news_index, "loreto", date=day(n))
        response = client.get("/news/regions/loreto/?page=2&utm_source=x")
        assert canonical(response) == "http://testserver/news/regions/loreto/?page=2"
        assert NOINDEX not in html(response)

    @pytest.mark.parametrize(
        "url", ["/news/regions/loreto/feed/", "/news/regions/loreto/feed/atom/"]
    )
    def test_its_feeds(self, client, news_index, url):
        item_in(news_index, "loreto", title="Pipeline spill", date=day(1))
        item_in(news_index, "loreto", "amazonas", title="Amazon summit", date=day(2))
        item_in(news_index, "cusco", title="Cusco strike", date=day(0))
        draft = item_in(news_index, "loreto", title="Draft item", date=day(0))
        draft.unpublish()
        response = client.get(url)
        assert response.status_code == 200
        feed = feedparser.parse(response.content)
        assert not feed.bozo, feed.get("bozo_exception")
        assert [entry.title for entry in feed.entries] == ["Pipeline spill", "Amazon summit"]
        assert "Loreto" in feed.feed.title
        assert feed.feed.link == "http://testserver/news/regions/loreto/"
        # Positive control: the site's feed has the others.
        everything = feedparser.parse(client.get(url.replace("regions/loreto/", "")).content)
        assert "Cusco strike" in [entry.title for entry in everything.entries]

    def test_the_regions_page_has_the_map_and_the_list(self, client, news_index):
        item_in(news_index, "loreto")
        response = client.get("/news/regions/")
        assert response.status_code == 200
        assert h1(response) == "News by region"
        assert len(tiles(response)) == len(region_list(response)) == 26
        assert canonical(client.get("/news/regions/?page=3")) == "http://testserver/news/regions/"
        # Linked from the news page.
        assert 'href="/news/regions/"' in html(client.get("/news/"))


class TestMap:
    def test_one_link_a_region_named_with_its_count_as_in_the_list(self, client, news_index):
        item_in(news_index, "loreto", "amazonas")
        item_in(news_index, "loreto")
        response = client.get("/news/regions/")
        on_map = tiles(response)
        assert len(on_map) == len(TILES) == Region.objects.count() == 26
        listed = region_list(response)
        assert set(on_map) == {href for href, *_ in listed}
        assert on_map["/news/regions/loreto/"][1] == "Loreto, LOR: 2 news items"
        assert on_map["/news/regions/amazonas/"][1] == "Amazonas, AMA: 1 news item"
        assert on_map["/news/regions/tacna/"][1] == "Tacna, TAC: no news yet"
        assert ("/news/regions/loreto/", "Loreto", "2 news items", False) in listed
        # The list is in alphabetical order, accents aside.
        labels = [label for _, label, *_ in listed]
        assert labels[:3] == ["Amazonas", "Áncash", "Apurímac"]
        # Every tile's address is a page.
        for href in on_map:
            assert client.get(href).status_code == 200, href

    def test_shaded_by_count(self, client, news_index):
        for slug, count in (("loreto", 5), ("cusco", 4), ("puno", 3), ("tacna", 2), ("ica", 1)):
            for _ in range(count):
                item_in(news_index, slug)
        shades = {
            href: shade for href, (shade, _, _) in tiles(client.get("/news/regions/")).items()
        }
        assert [shades[f"/news/regions/{slug}/"] for slug in ("loreto", "cusco", "puno")] == [
            3,
            3,
            2,
        ]
        assert [shades[f"/news/regions/{slug}/"] for slug in ("tacna", "ica", "piura")] == [2, 1, 0]
        html_ = html(client.get("/news/regions/"))
        # The legend says what each shade means.
        for shade, words in enumerate(["none yet", "one", "two or three", "four or more"]):
            assert f'region-map__tile--{shade}" aria-hidden="true"></span>{words}</li>' in html_

    def test_drafts_and_private_items_are_neither_listed_nor_counted(self, client, news_index):
        item_in(news_index, "loreto", title="Public item")
        draft = item_in(news_index, "loreto", title="Draft item")
        draft.unpublish()
        private = item_in(news_index, "loreto", title="Private item")
        PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
        members = item_in(news_index, "loreto", title="Members item")
        PageViewRestriction.objects.create(page=members, restriction_type="login")
        response = client.get("/news/regions/loreto/")
        assert titles(response) == ["Public item"]
        assert tiles(response)["/news/regions/loreto/"][:2] == (1, "Loreto, LOR: 1 news item")
        assert titles(client.get("/news/?region=loreto")) == ["Public item"]

    def test_the_current_region_is_marked(self, client, news_index):
        response = client.get("/news/regions/cusco/")
        current = [href for href, (_, _, is_current) in tiles(response).items() if is_current]
        assert current == ["/news/regions/cusco/"]
        # Under "News from other regions", the list leaves it out; the map stays whole.
        listed = [href for href, _, _, _ in region_list(response)]
        assert len(listed) == 25 and "/news/regions/cusco/" not in listed
        assert len(tiles(response)) == 26
        # The news list for the region lists every region, marking it.
        filtered = region_list(client.get("/news/?region=cusco"))
        assert len(filtered) == 26
        assert [href for href, _, _, is_current in filtered if is_current] == [
            "/news/regions/cusco/"
        ]
        # Positive control: nothing is current on the page of all regions.
        assert not any(
            is_current for _, _, is_current in tiles(client.get("/news/regions/")).values()
        )

    def test_on_the_news_page_in_a_details_open_for_a_region(self, client, news_index):
        item_in(news_index, "loreto")
        closed = html(client.get("/news/"))
        assert "<details>" in closed and "<summary>Browse news by region</summary>" in closed
        assert len(tiles(client.get("/news/"))) == 26
        assert "<details open>" in html(client.get("/news/?region=loreto"))

    def test_counts_in_one_query(self, news_index):
        item_in(news_index, "loreto", "amazonas")
        item_in(news_index, "loreto")
        item_in(news_index)
        with CaptureQueriesContext(connection) as queries:
            counts = news_index.region_counts()
        # (The other reads Wagtail's view restrictions, for `.public()`.)
        assert len([q for q in queries if "news_newsitempage" in q["sql"]]) == 1
        assert counts == {region("loreto").pk: 2, region("amazonas").pk: 1}


class TestSearchEngines:
    def test_a_region_alone_is_canonical_at_the_regions_page(self, client, news_index):
        for n in range(12):
            item_in(news_index, "loreto", date=day(n))
        response = client.get("/news/?region=loreto")
        assert canonical(response) == "http://testserver/news/regions/loreto/"
        assert NOINDEX not in html(response)
        response = client.get("/news/?region=loreto&page=2")
        assert canonical(response) == "http://testserver/news/regions/loreto/?page=2"

    def test_a_region_with_a_theme_is_not_indexed(self, client, news_index):
        ThemeFactory(slug="environment")
        item_in(news_index, "loreto")
        response = client.get("/news/?theme=environment&region=loreto")
        assert response.status_code == 200
        assert canonical(response) == "http://testserver/news/?theme=environment&amp;region=loreto"
        assert NOINDEX in html(response)
        response = client.get("/news/regions/loreto/?theme=environment")
        assert canonical(response) == "http://testserver/news/regions/loreto/?theme=environment"
        assert NOINDEX in html(response)
        # Positive controls: a theme alone, and the news page, are indexed.
        assert NOINDEX not in html(client.get("/news/?theme=environment"))
        assert NOINDEX not in html(client.get("/news/"))


@pytest.fixture
def spanish_news(news_index, spanish_home, spanish):
    item = item_in(news_index, "lima-city", title="Protest in Lima", slug="protest")
    news_es = translate(news_index, spanish, title="Noticias", slug="noticias")
    translate(item, spanish, title="Protesta en Lima", slug="protesta")
    return news_es


class TestSpanish:
    def test_region_names_in_spanish(self, client, spanish_news):
        response = client.get("/es/noticias/regions/lima-city/")
        assert response.status_code == 200
        assert titles(response) == ["Protesta en Lima"]
        assert h1(response) == "Noticias de Lima Metropolitana"
        on_map = tiles(response)
        assert on_map["/es/noticias/regions/lima-city/"][1:] == (
            "Lima Metropolitana, LMA: 1 noticia",
            True,
        )
        assert on_map["/es/noticias/regions/tacna/"][1] == "Tacna, TAC: aún no hay noticias"
        labels = [label for _, label, *_ in region_list(response)]
        assert "Lima (región)" in labels and "Lima (region)" not in labels
        assert h1(client.get("/es/noticias/?region=lima-city")) == "Noticias: Lima Metropolitana"
        # Positive control: the English page keeps the English names.
        assert h1(client.get("/news/regions/lima-city/")) == "News from Lima (city)"

    @pytest.mark.parametrize("subpath", ["regions/", "regions/tacna/"])
    def test_the_other_language_is_the_same_region_page(self, client, spanish_news, subpath):
        english = client.get(f"/news/{subpath}")
        assert switcher(english) == {"Español": f"/es/noticias/{subpath}"}
        assert alternates(english) == {
            "en-GB": f"http://testserver/news/{subpath}",
            "es": f"http://testserver/es/noticias/{subpath}",
            "x-default": f"http://testserver/news/{subpath}",
        }
        assert switcher(client.get(f"/es/noticias/{subpath}")) == {"English": f"/news/{subpath}"}
        # Positive control: the news page's own are the news pages.
        assert switcher(client.get("/news/?region=tacna")) == {"Español": "/es/noticias/"}

    def test_spanish_feed(self, client, spanish_news):
        feed = feedparser.parse(client.get("/es/noticias/regions/lima-city/feed/").content)
        assert [entry.title for entry in feed.entries] == ["Protesta en Lima"]
        assert "Noticias de Lima Metropolitana" in feed.feed.title

    @pytest.mark.parametrize(
        "url",
        [
            "/es/noticias/regions/",
            "/es/noticias/regions/lima-city/",
            "/es/noticias/regions/tacna/",
            "/es/noticias/?region=lima-city",
        ],
    )
    def test_no_english_left(self, client, spanish_news, url):
        response = client.get(url)
        assert response.status_code == 200
        assert english_left(visible_text(response)) == [], url
        # Positive control: the English page shows the catalogue's messages.
        english = client.get(url.replace("/es/noticias/", "/news/"))
        assert english_left(visible_text(english))


def sitemap(client):
    """Each address in the sitemap with its hreflang alternates."""
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    root = ET.fromstring(client.get("/sitemap.xml").content)
    return {
        url.find("s:loc", ns).text.removeprefix("http://testserver"): {
            link.get("hreflang"): link.get("href").removeprefix("http://testserver")
            for link in url.findall("x:link", ns)
        }
        for url in root.findall("s:url", ns)
    }


class TestSitemap:
    def test_regions_with_items_are_listed_in_each_language(self, client, news_index, spanish_news):
        item_in(news_index, "cusco").unpublish()
        private = item_in(news_index, "tacna")
        PageViewRestriction.objects.create(page=private, restriction_type="login")
        entries = sitemap(client)
        assert entries["/news/regions/lima-city/"] == {
            "en-GB": "/news/regions/lima-city/",
            "es": "/es/noticias/regions/lima-city/",
        }
        assert "/es/noticias/regions/" in entries
        # A region whose only item is a draft or private is not offered to search engines.
        assert not [url for url in entries if "/cusco/" in url or "/tacna/" in url]
        # Positive control: those regions' pages answer; they are only not listed.
        assert client.get("/news/regions/cusco/").status_code == 200
        # Every address listed answers.
        for url in entries:
            assert client.get(url).status_code == 200, url


def test_editors_choose_regions_in_alphabetical_order(db):
    form_class = NewsItemPage.get_edit_handler().get_form_class()
    names = [region.name for region in form_class.base_fields["regions"].queryset]
    # Accents aside: Áncash between Amazonas and Apurímac, not after Ucayali.
    assert names[:3] == ["Amazonas", "Áncash", "Apurímac"]
    assert names[-1] == "Ucayali" and len(names) == 26
