"""Feeds, sitemap, robots.txt and the metadata that describes pages to machines."""

import datetime
import json
import re
import xml.etree.ElementTree as ET
from urllib.robotparser import RobotFileParser

from wagtail.models import PageViewRestriction

import feedparser
import pytest

from home.models import SiteSettings
from news.models import NewsItemPage
from tests.factories import (
    BriefingPageFactory,
    NewsItemPageFactory,
    StandardPageFactory,
    ThemeFactory,
)

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def day(n):
    return datetime.date(2016, 11, 27) - datetime.timedelta(days=n)


@pytest.fixture
def hidden(news_index, home_page):
    """Pages no reader may find through a feed or the sitemap."""
    draft = NewsItemPageFactory(parent=news_index, title="Draft item", date=day(0), live=False)
    private = NewsItemPageFactory(parent=news_index, title="Private item", date=day(0))
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
    secret_page = StandardPageFactory(parent=home_page, title="Secret page", slug="secret")
    PageViewRestriction.objects.create(page=secret_page, restriction_type="login")
    return [draft, private, secret_page]


class TestFeeds:
    @pytest.mark.parametrize("url", ["/news/feed/", "/news/feed/atom/"])
    def test_latest_twenty_live_public_items(self, client, news_index, hidden, url):
        mining = ThemeFactory(name="Mining & oil", slug="mining-and-oil")
        for n in range(25):
            NewsItemPageFactory(
                parent=news_index,
                title=f"Item {n:02d} <b>bold</b> & more",
                summary=f"Summary {n} with <script>alert(1)</script>",
                date=day(n + 1),
                themes=[mining],
            )
        response = client.get(url)
        assert response.status_code == 200
        feed = feedparser.parse(response.content)
        assert not feed.bozo, feed.get("bozo_exception")
        assert len(feed.entries) == 20
        first = feed.entries[0]
        assert first.title == "Item 00 <b>bold</b> & more"
        newest = NewsItemPage.objects.get(title="Item 00 <b>bold</b> & more")
        assert first.link == f"http://testserver{newest.url}"
        assert first.link.startswith("http://testserver/news/")
        assert "Summary 0 with" in first.summary
        assert first.published_parsed[:3] == (2016, 11, 26)
        assert [tag.term for tag in first.tags] == ["Mining & oil"]
        titles = [entry.title for entry in feed.entries]
        assert "Draft item" not in titles and "Private item" not in titles

    def test_feed_for_one_theme(self, client, news_index):
        mining = ThemeFactory(name="Mining and oil", slug="mining-and-oil")
        NewsItemPageFactory(parent=news_index, title="Las Bambas", themes=[mining])
        NewsItemPageFactory(parent=news_index, title="University Law")
        feed = feedparser.parse(client.get("/news/feed/?theme=mining-and-oil").content)
        assert [entry.title for entry in feed.entries] == ["Las Bambas"]
        assert "Mining and oil" in feed.feed.title

    def test_unknown_theme_is_a_404(self, client, news_index):
        ThemeFactory(slug="environment")
        assert client.get("/news/feed/?theme=environment").status_code == 200
        assert client.get("/news/feed/?theme=nothing").status_code == 404

    def test_empty_site_gives_a_valid_empty_feed(self, client, news_index):
        for url in ("/news/feed/", "/news/feed/atom/"):
            response = client.get(url)
            assert response.status_code == 200
            feed = feedparser.parse(response.content)
            assert not feed.bozo and feed.entries == []

    def test_every_page_announces_the_feeds(self, client, news_index, briefing_index):
        for url in ("/", "/news/", "/briefings/"):
            html = client.get(url).content.decode()
            assert '<link rel="alternate" type="application/rss+xml"' in html
            assert 'href="/news/feed/"' in html and 'href="/news/feed/atom/"' in html


class TestSitemapAndRobots:
    def test_sitemap_lists_every_public_page_and_nothing_else(
        self, client, home_page, news_index, briefing_index, hidden
    ):
        # October 2016: the hidden items are November's, which must not be listed.
        item = NewsItemPageFactory(parent=news_index, title="Public item", date=day(40))
        item.save_revision().publish()  # as an editor publishes: the page has a publication date
        briefing = BriefingPageFactory(parent=briefing_index)
        response = client.get("/sitemap.xml")
        assert response.status_code == 200
        root = ET.fromstring(response.content)
        lastmod = {
            url.find("sm:loc", SITEMAP_NS).text: url.find("sm:lastmod", SITEMAP_NS)
            for url in root.findall("sm:url", SITEMAP_NS)
        }
        pages = [
            f"http://testserver{page.url}"
            for page in (home_page, news_index, briefing_index, item, briefing)
        ]
        # The news list's sub-pages: the regions page, and the public item's year and month.
        lists = [f"http://testserver/news/{path}" for path in ("regions/", "2016/", "2016/10/")]
        assert sorted(lastmod) == sorted(pages + lists)
        item.refresh_from_db()
        published = f"http://testserver{item.url}"
        assert lastmod[published].text == item.last_published_at.date().isoformat()
        # The lists change with their items: no date is better than a wrong one.
        assert [url for url in lists if lastmod[url] is not None] == []

    def test_robots_names_the_sitemap(self, client, home_page):
        response = client.get("/robots.txt")
        assert response["Content-Type"].startswith("text/plain")
        assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode()
        assert "Disallow: /admin/" in response.content.decode()

    def test_robots_keeps_crawlers_out_of_search_in_both_languages(self, client, spanish_home):
        robots = RobotFileParser()
        robots.parse(client.get("/robots.txt").content.decode().splitlines())
        for search in ("/search/", "/es/search/"):
            # Control: each is the search page, in its language.
            assert client.get(search, {"query": "agua"}).status_code == 200
            assert not robots.can_fetch("*", f"http://testserver{search}?query=agua")
        assert robots.can_fetch("*", "http://testserver/es/")


def json_ld(html):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return {data["@type"]: data for data in map(json.loads, blocks)}


class TestMetadata:
    def test_news_item_metadata(self, client, news_index):
        theme = ThemeFactory(name="Environment", slug="environment")
        item = NewsItemPageFactory(
            parent=news_index,
            title="Mercury poisoning in Madre de Dios",
            summary='Studies quantify exposure. </script><script>alert("x")</script>',
            date=datetime.date(2016, 11, 20),
            themes=[theme],
        )
        item.save_revision().publish()
        html = client.get(item.url).content.decode()
        assert "<title>Mercury poisoning in Madre de Dios | Peru Support Group</title>" in html
        assert f'<link rel="canonical" href="http://testserver{item.url}">' in html
        assert '<meta name="description" content="Studies quantify exposure.' in html
        assert '<meta property="og:type" content="article">' in html
        assert '<meta property="og:title" content="Mercury poisoning in Madre de Dios">' in html
        assert '<meta name="twitter:card" content="summary">' in html
        assert "<script>alert" not in html
        data = json_ld(html)
        article = data["NewsArticle"]
        assert article["headline"] == "Mercury poisoning in Madre de Dios"
        assert article["datePublished"] == "2016-11-20"
        assert article["dateModified"].startswith(str(datetime.date.today().year))
        assert article["description"].startswith("Studies quantify exposure.")
        assert article["publisher"] == {
            "@type": "Organization",
            "name": "Peru Support Group",
            "url": "http://testserver/",
        }
        crumbs = data["BreadcrumbList"]["itemListElement"]
        assert [crumb["name"] for crumb in crumbs] == ["Home", "News", item.title]
        assert crumbs[-1]["item"] == f"http://testserver{item.url}"
        # Visible breadcrumbs match.
        nav = html.split('aria-label="Breadcrumb"')[1].split("</nav>")[0]
        assert re.findall(r">([^<>]+)</a>", nav) == ["Home", "News", item.title]
        assert 'aria-current="page"' in nav

    def test_home_page_describes_the_organisation(self, client, home_page):
        settings = SiteSettings.for_site(home_page.get_site())
        settings.facebook_url = "https://www.facebook.com/perusupportgroup"
        settings.save()
        home_page.aims = "<p>The Peru Support Group exists to promote social inclusion.</p>"
        home_page.save()
        html = client.get("/").content.decode()
        organisation = json_ld(html)["Organization"]
        assert organisation["name"] == "Peru Support Group"
        assert organisation["sameAs"] == ["https://www.facebook.com/perusupportgroup"]
        assert organisation["description"].startswith("The Peru Support Group exists")
        assert "BreadcrumbList" not in json_ld(html)
        assert 'aria-label="Breadcrumb"' not in html

    def test_default_sharing_image_from_site_settings(self, client, home_page):
        import wagtail_factories

        image = wagtail_factories.ImageFactory(title="Share", file__width=1600, file__height=900)
        settings = SiteSettings.for_site(home_page.get_site())
        settings.default_share_image = image
        settings.save()
        html = client.get("/").content.decode()
        found = re.search(r'<meta property="og:image" content="([^"]+)">', html)
        assert found and found.group(1).startswith("http://testserver/")
        assert '<meta property="og:image:width" content="1200">' in html
        assert '<meta property="og:image:height" content="630">' in html
        assert '<meta name="twitter:card" content="summary_large_image">' in html

    def test_paginated_listing_canonical_keeps_page_and_theme(self, client, news_index):
        theme = ThemeFactory(slug="environment")
        for n in range(12):
            NewsItemPageFactory(parent=news_index, date=day(n), themes=[theme])
        html = client.get("/news/?theme=environment&page=2&utm_source=x").content.decode()
        assert (
            '<link rel="canonical" href="http://testserver/news/?theme=environment&amp;page=2">'
            in html
        )
