"""Peru Update on the site: the list of bulletins and its archive by year, each bulletin with its
editorial and its stories, the feeds, search, the sitemap and the language switcher, in English
and Spanish; the admin's suggested number and stories; the demo bulletin; the queries each page
costs."""

import datetime
import re
import xml.etree.ElementTree as ET

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from wagtail.models import Page, PageViewRestriction

import feedparser
import pytest

from bulletins.models import BulletinIndexPage, BulletinPage
from demo import content as en
from demo import content_es as es
from home.models import HomePage
from news.models import NewsIndexPage
from tests.conftest import translate
from tests.factories import (
    BriefingIndexPageFactory,
    BriefingPageFactory,
    BulletinIndexPageFactory,
    BulletinPageFactory,
    NewsItemPageFactory,
)
from tests.test_editor_forms import errors_shown, filled_in
from tests.test_search import titles as result_titles

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def editorial(*paragraphs):
    return [{"type": "paragraph", "value": f"<p>{text}</p>"} for text in paragraphs]


def stories(*pages):
    return [{"type": "story", "value": page.pk} for page in pages]


def titles(response):
    """Card titles in the order a reader sees them."""
    return re.findall(r'class="card__title"><a href="[^"]*">([^<]*)</a>', response.content.decode())


def card_links(response):
    return re.findall(r'class="card__title"><a href="([^"]*)">', response.content.decode())


def hide(page, kind):
    """Make `page` one readers may not see: a draft, or behind a password or a sign-in."""
    if kind == "draft":
        page.unpublish()
    else:
        PageViewRestriction.objects.create(
            page=page, restriction_type=kind, password="x" if kind == "password" else ""
        )
    return page


HIDDEN = ["draft", "password", "login"]


@pytest.fixture
def peru_update(home_page):
    return BulletinIndexPageFactory(parent=home_page, intro="The members' bulletin.")


@pytest.fixture
def bulletins(peru_update):
    """Three bulletins readers see (two in 2016, one in 2015) and three they never do (a draft,
    one behind a password, one for signed-in members), all in 2016 but one in 2014."""
    shown = {
        "134": BulletinPageFactory(
            parent=peru_update,
            title="Update 134",
            slug="update-134",
            number=134,
            date=datetime.date(2016, 11, 30),
            editorial=editorial("Saramurillo's leaders marched in Lima."),
        ),
        "133": BulletinPageFactory(
            parent=peru_update,
            title="Update 133",
            slug="update-133",
            number=133,
            date=datetime.date(2016, 10, 31),
            summary="October's news in brief.",
        ),
        "132": BulletinPageFactory(
            parent=peru_update,
            title="Update 132",
            slug="update-132",
            number=132,
            date=datetime.date(2015, 12, 1),
        ),
    }
    for kind, date in zip(HIDDEN, ["2016-11-01", "2016-11-02", "2014-06-01"], strict=True):
        hide(
            BulletinPageFactory(
                parent=peru_update,
                title=f"Hidden {kind} bulletin",
                date=datetime.date.fromisoformat(date),
                editorial=editorial(f"Saramurillo hidden {kind}"),
            ),
            kind,
        )
    return shown


@pytest.fixture
def spanish_update(spanish_home, peru_update):
    return translate(
        peru_update, spanish_home.locale, title="Peru Update", slug="peru-update", intro=""
    )


class TestThePageTree:
    def test_bulletins_live_under_one_peru_update_page_under_the_home_page(self, home_page):
        assert BulletinIndexPage.can_create_at(home_page)
        assert BulletinIndexPage.parent_page_types == ["home.HomePage"]
        assert BulletinPage.parent_page_types == ["bulletins.BulletinIndexPage"]
        assert BulletinIndexPage.max_count == 1 and BulletinPage.subpage_types == []

    @pytest.mark.parametrize("slug", ["feed", "2016", "0000"])
    def test_a_bulletin_may_not_take_the_address_of_the_lists_own_pages(self, peru_update, slug):
        page = BulletinPageFactory(parent=peru_update, slug="update-2016")
        page.full_clean()  # positive control: a slug with a year in it is fine
        page.slug = slug
        with pytest.raises(ValidationError) as error:
            page.full_clean()
        assert "taken by the Peru Update page itself" in error.value.message_dict["slug"][0]


class TestTheList:
    def test_lists_live_public_bulletins_newest_first(self, client, bulletins):
        response = client.get("/peru-update/")
        assert response.status_code == 200
        assert titles(response) == ["Update 134", "Update 133", "Update 132"]
        html = response.content.decode()
        assert "Hidden" not in html
        # Each with its number, date and summary, or else its editorial's first words.
        assert 'Peru Update 134 · <time datetime="2016-11-30">30 November 2016</time>' in html
        assert '<p class="card__summary">Saramurillo&#x27;s leaders marched in Lima.</p>' in html
        assert '<p class="card__summary">October&#x27;s news in brief.</p>' in html
        assert '<h1 class="page-title">Peru Update</h1>' in html
        assert "The members&#x27; bulletin." in html

    def test_a_bulletin_without_a_number_shows_none(self, client, peru_update):
        BulletinPageFactory(parent=peru_update, title="News from November 2016", number=None)
        html = client.get("/peru-update/").content.decode()
        assert "News from November 2016" in html
        assert "Peru Update None" not in html and "Peru Update ·" not in html

    def test_is_paginated_twelve_to_a_page(self, client, peru_update):
        for n in range(13):
            BulletinPageFactory(
                parent=peru_update,
                title=f"Bulletin {n:02d}",
                date=datetime.date(2016, 1, 1) + datetime.timedelta(days=n),
            )
        assert len(titles(client.get("/peru-update/"))) == 12
        assert titles(client.get("/peru-update/?page=2")) == ["Bulletin 00"]
        # Not a number: the first page; beyond the last: the last.
        assert titles(client.get("/peru-update/?page=abc"))[0] == "Bulletin 12"
        assert titles(client.get("/peru-update/?page=99")) == ["Bulletin 00"]
        html = client.get("/peru-update/?page=2").content.decode()
        assert '<link rel="canonical" href="http://testserver/peru-update/?page=2">' in html

    def test_links_each_year_and_its_feeds(self, client, bulletins):
        html = client.get("/peru-update/").content.decode()
        years = re.search(
            r'<nav class="archive-months" aria-label="Bulletins by year">(.*?)</nav>', html, re.S
        )
        assert re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', years.group(1)) == [
            ("/peru-update/", "All bulletins"),
            ("/peru-update/2016/", "2016 (2)"),
            ("/peru-update/2015/", "2015 (1)"),
        ]
        # 2014 has only a bulletin for members: no link.
        assert "/peru-update/2014/" not in html
        for kind, path in (("rss+xml", "feed/"), ("atom+xml", "feed/atom/")):
            assert (
                f'<link rel="alternate" type="application/{kind}" title="Peru Update '
                f'({"RSS" if kind == "rss+xml" else "Atom"})" href="/peru-update/{path}">'
            ) in html
            assert f'<a href="/peru-update/{path}">' in html
        assert '<link rel="canonical" href="http://testserver/peru-update/">' in html

    def test_when_there_are_none_yet_it_says_so(self, client, peru_update):
        html = client.get("/peru-update/").content.decode()
        assert "No bulletins have been published yet." in html
        assert "Bulletins by year" not in html


class TestTheArchive:
    def test_a_year_lists_that_years_live_bulletins(self, client, bulletins):
        response = client.get("/peru-update/2016/")
        assert response.status_code == 200
        assert titles(response) == ["Update 134", "Update 133"]
        assert titles(client.get("/peru-update/2015/")) == ["Update 132"]
        html = response.content.decode()
        assert "<title>Peru Update: 2016 | Peru Support Group</title>" in html
        assert '<h1 class="page-title">Peru Update: 2016</h1>' in html
        assert '<link rel="canonical" href="http://testserver/peru-update/2016/">' in html
        assert '<a href="/peru-update/2016/" aria-current="page">2016 (2)</a>' in html

    @pytest.mark.parametrize("year", ["2014", "2017", "0000", "9999"])
    def test_a_year_without_bulletins_readers_may_see_is_not_found(self, client, bulletins, year):
        assert client.get(f"/peru-update/{year}/").status_code == 404

    @pytest.mark.parametrize("path", ["16/", "02016/", "٢٠١٦/", "2016/11/", "2016/x/"])
    def test_only_four_ascii_digits_name_a_year(self, client, bulletins, path):
        assert client.get(f"/peru-update/{path}").status_code == 404

    def test_breadcrumbs_lead_back_to_the_list(self, client, bulletins, home_page):
        html = client.get("/peru-update/2016/").content.decode()
        crumbs = re.search(
            r'<nav class="breadcrumbs" aria-label="Breadcrumb">(.*?)</nav>', html, re.S
        )
        assert re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', crumbs.group(1)) == [
            ("/", "Home"),
            ("/peru-update/", "Peru Update"),
            ("/peru-update/2016/", "2016"),
        ]

    def test_the_other_language_is_the_same_year_of_its_list(
        self, client, bulletins, spanish_update
    ):
        BulletinPageFactory(parent=spanish_update, title="Boletín 134", number=134)
        html = client.get("/peru-update/2016/").content.decode()
        assert '<a href="/es/peru-update/2016/" hreflang="es">Español</a>' in html
        assert (
            '<link rel="alternate" hreflang="es" href="http://testserver/es/peru-update/2016/">'
            in html
        )
        spanish = client.get("/es/peru-update/2016/")
        assert spanish.status_code == 200
        assert titles(spanish) == ["Boletín 134"]
        assert '<html lang="es">' in spanish.content.decode()


class TestABulletin:
    @pytest.fixture
    def news(self, home_page):
        news_index = NewsIndexPage(title="News", slug="news")
        home_page.add_child(instance=news_index)
        return news_index

    def test_shows_its_stories_in_the_editors_order_and_never_a_hidden_one(
        self, client, peru_update, news, home_page
    ):
        first = NewsItemPageFactory(
            parent=news, title="First story", date=datetime.date(2016, 11, 1)
        )
        last = NewsItemPageFactory(
            parent=news, title="Last story", date=datetime.date(2016, 11, 27)
        )
        briefing = BriefingPageFactory(
            parent=BriefingIndexPageFactory(parent=home_page), title="A briefing"
        )
        hidden = [
            hide(NewsItemPageFactory(parent=news, title=f"Hidden {kind} story"), kind)
            for kind in HIDDEN
        ]
        page = BulletinPageFactory(
            parent=peru_update,
            title="Update 134",
            number=134,
            date=datetime.date(2016, 11, 30),
            summary="The month in Peru.",
            editorial=editorial("A word from the editor."),
            stories=stories(last, hidden[0], first, hidden[1], briefing, hidden[2], last),
        )
        response = client.get(page.url)
        assert response.status_code == 200
        assert titles(response) == ["Last story", "First story", "A briefing"]
        assert card_links(response) == [last.url, first.url, briefing.url]
        html = response.content.decode()
        assert "Hidden" not in html
        assert '<h1 class="page-title">Update 134</h1>' in html
        assert 'Peru Update 134 · <time datetime="2016-11-30">30 November 2016</time>' in html
        assert '<p class="lead">The month in Peru.</p>' in html
        assert "A word from the editor." in html
        assert '<h2 id="stories-heading">In this bulletin</h2>' in html
        # Headings in order: the title, the stories, each story under it.
        levels = [int(n) for n in re.findall(r"<h([1-6])", html.split("<main")[1])]
        assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))
        assert '<a class="more-link" href="/peru-update/2016/">More bulletins from 2016</a>' in html
        assert '<a class="more-link" href="/peru-update/">All bulletins</a>' in html

    def test_describes_itself_to_machines(self, client, peru_update):
        page = BulletinPageFactory(
            parent=peru_update,
            title="Update 134",
            number=134,
            date=datetime.date(2016, 11, 30),
            editorial=editorial("Saramurillo&#x27;s leaders <b>marched</b> in Lima."),
        )
        html = client.get(page.url).content.decode()
        assert (
            '<meta name="description" content="Saramurillo&#x27;s leaders marched in Lima.">'
            in html
        )
        assert '"@type": "PublicationIssue"' in html and '"issueNumber": "134"' in html
        assert '"datePublished": "2016-11-30"' in html
        assert f'<link rel="canonical" href="http://testserver{page.url}">' in html
        assert '"@type": "BreadcrumbList"' in html

    def test_in_spanish(self, client, spanish_update):
        page = BulletinPageFactory(
            parent=spanish_update, title="Boletín 134", number=134, date=datetime.date(2016, 11, 30)
        )
        html = client.get(page.url).content.decode()
        assert page.url.startswith("/es/peru-update/")
        assert '<html lang="es">' in html
        assert "Peru Update n.º 134 · <time" in html
        assert '<h2 id="stories-heading">' not in html  # no stories, no heading
        assert "Todos los boletines" in html


class TestFeeds:
    @pytest.mark.parametrize("path", ["feed/", "feed/atom/"])
    def test_each_language_has_both_feeds_of_its_live_bulletins(
        self, client, bulletins, spanish_update, path
    ):
        BulletinPageFactory(
            parent=spanish_update,
            title="Boletín 134",
            number=134,
            editorial=editorial("Los dirigentes de Saramurillo marcharon en Lima."),
        )
        english = client.get(f"/peru-update/{path}")
        assert english.status_code == 200
        feed = feedparser.parse(english.content)
        assert not feed.bozo, feed.get("bozo_exception")
        assert [entry.title for entry in feed.entries] == ["Update 134", "Update 133", "Update 132"]
        assert [entry.link for entry in feed.entries] == [
            f"http://testserver{bulletins[n].url}" for n in ("134", "133", "132")
        ]
        assert feed.entries[0].published_parsed[:3] == (2016, 11, 30)
        assert "Saramurillo" in feed.entries[0].summary
        assert feed.entries[1].summary == "October’s news in brief.".replace("’", "'")
        assert feed.feed.link == "http://testserver/peru-update/"

        spanish = feedparser.parse(client.get(f"/es/peru-update/{path}").content)
        assert not spanish.bozo, spanish.get("bozo_exception")
        assert [entry.title for entry in spanish.entries] == ["Boletín 134"]
        assert spanish.entries[0].link.startswith("http://testserver/es/peru-update/")
        assert spanish.feed.language == "es"


class TestSitemap:
    def test_lists_the_list_each_live_bulletin_and_each_year(self, client, bulletins, peru_update):
        for page in bulletins.values():
            page.save_revision().publish()
        root = ET.fromstring(client.get("/sitemap.xml").content)
        locations = {
            url.find("sm:loc", SITEMAP_NS).text for url in root.findall("sm:url", SITEMAP_NS)
        }
        bulletin_urls = {loc for loc in locations if "/peru-update/" in loc}
        assert bulletin_urls == {
            "http://testserver/peru-update/",
            "http://testserver/peru-update/2016/",
            "http://testserver/peru-update/2015/",
            *(f"http://testserver{page.url}" for page in bulletins.values()),
        }


class TestSearch:
    def search(self, client, query, language="en-gb"):
        with translation.override(language):
            return client.get(reverse("search"), {"query": query})

    def test_finds_a_bulletin_by_its_editorials_words_and_names_its_type(self, client, bulletins):
        response = self.search(client, "Saramurillo")
        assert result_titles(response) == ["Update 134"]  # and none of the hidden ones
        html = response.content.decode()
        assert re.search(r'<p class="card__meta">\s*Bulletin\b', html)

    def test_in_spanish_without_accents(self, client, spanish_update):
        BulletinPageFactory(
            parent=spanish_update,
            title="Boletín de noviembre",
            editorial=editorial("El derrame llegó al río Marañón."),
        )
        BulletinPageFactory(parent=spanish_update, title="Otro boletín")
        for query in ("Marañón", "maranon", "MARANON"):
            response = self.search(client, query, "es")
            assert result_titles(response) == ["Boletín de noviembre"], query
        assert re.search(r'<p class="card__meta">\s*Boletín\b', response.content.decode())
        assert result_titles(self.search(client, "zzyzx", "es")) == []


def editor(client):
    call_command("setup_roles", verbosity=0)
    user = get_user_model().objects.create_user("ed", "ed@example.org", "x")
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    return client


def add_url(index):
    return reverse("wagtailadmin_pages:add", args=("bulletins", "bulletinpage", index.pk))


class TestComposingInTheAdmin:
    @pytest.fixture
    def news(self, home_page):
        news_index = NewsIndexPage(title="News", slug="news")
        home_page.add_child(instance=news_index)
        return news_index

    def published(self, page, when):
        page.save_revision().publish()
        type(page).objects.filter(pk=page.pk).update(first_published_at=when)
        return page

    def test_a_new_bulletin_suggests_the_next_number_and_the_news_since_the_last_one(
        self, client, peru_update, news
    ):
        now = timezone.now()
        old = self.published(
            NewsItemPageFactory(parent=news, title="Already sent"),
            now - datetime.timedelta(days=40),
        )
        self.published(
            BulletinPageFactory(parent=peru_update, number=134, stories=stories(old)),
            now - datetime.timedelta(days=30),
        )
        newer = [
            self.published(
                NewsItemPageFactory(parent=news, title=f"New {n}", date=datetime.date(2016, 11, n)),
                now - datetime.timedelta(days=20 - n),
            )
            for n in (1, 2, 3)
        ]
        hide(self.published(NewsItemPageFactory(parent=news, title="Private"), now), "password")
        client = editor(client)
        shown = client.get(add_url(peru_update))
        assert shown.status_code == 200
        form = shown.context["form"]
        assert form["number"].value() == 135
        assert re.search(r'name="number"[^>]*value="135"', shown.content.decode())
        assert [child.value.pk for child in form["stories"].value()] == [p.pk for p in newer]

        # The editor keeps the suggestions, names the bulletin and saves it.
        data = filled_in(shown)
        data |= {"title": ["Update 135"], "slug": ["update-135"]}
        assert data["stories-count"] == ["3"]
        response = client.post(add_url(peru_update), data)
        assert response.status_code == 302, errors_shown(response)
        page = BulletinPage.objects.get(slug="update-135")
        assert page.number == 135
        assert [child.value.pk for child in page.stories] == [p.pk for p in newer]
        assert [story.title for story in page.story_pages] == ["New 1", "New 2", "New 3"]

    def test_the_first_bulletin_has_no_number_to_suggest(self, client, peru_update):
        shown = editor(client).get(add_url(peru_update))
        assert shown.context["form"]["number"].value() is None

    def test_a_number_is_unique_in_its_language_only(self, client, peru_update, spanish_update):
        BulletinPageFactory(parent=peru_update, number=134)
        client = editor(client)
        shown = client.get(add_url(peru_update))
        data = filled_in(shown) | {"title": ["Again"], "slug": ["again"], "number": ["134"]}
        response = client.post(add_url(peru_update), data)
        assert response.status_code == 200
        assert (
            "Another bulletin in this language is number 134. Choose another number, or leave it "
            "empty." in errors_shown(response)
        )
        # Positive control: in Spanish, 134 is free.
        shown = client.get(add_url(spanish_update))
        data = filled_in(shown) | {
            "title": ["Boletín 134"],
            "slug": ["boletin-134"],
            "number": ["134"],
        }
        response = client.post(add_url(spanish_update), data)
        assert response.status_code == 302, errors_shown(response)
        assert BulletinPage.objects.get(slug="boletin-134").locale == spanish_update.locale


class TestTheDemoBulletin:
    def test_gathers_the_seeds_november_news_in_both_languages_without_a_number(
        self, client, demo_site
    ):
        english = BulletinPage.objects.get(locale__language_code="en-gb")
        spanish = BulletinPage.objects.get(locale__language_code="es")
        assert spanish.translation_key == english.translation_key
        assert (english.title, spanish.title) == (en.BULLETIN_TITLE, es.BULLETIN_TITLE)
        assert english.number is None and spanish.number is None
        assert [story.title for story in english.story_pages] == [title for title, *_ in en.NEWS]
        assert [story.title for story in spanish.story_pages] == [
            title for title, *_ in es.NEWS.values()
        ]
        # Its editorial is the seed's own words: the first sentence of the aims.
        assert english.editorial_text == en.BULLETIN_EDITORIAL and en.AIMS.startswith(
            english.editorial_text
        )
        assert spanish.editorial_text == es.BULLETIN_EDITORIAL
        for url in ("/peru-update/", english.url, "/es/peru-update/", spanish.url):
            assert client.get(url).status_code == 200, url
        assert titles(client.get(english.url)) == [title for title, *_ in en.NEWS]

    def test_loading_again_adds_nothing(self, demo_site):
        before = Page.objects.count()
        call_command("load_demo_content", verbosity=0)
        assert Page.objects.count() == before
        assert BulletinIndexPage.objects.count() == 2 and BulletinPage.objects.count() == 2
        assert isinstance(demo_site, HomePage)


# Queries on the third visit (with the template fragments cached, with none kept), as
# tests/test_query_budget.py counts them: the same with the demo's one bulletin of ten stories
# and with thirty-one bulletins, the demo's of thirty stories. With the fragments cached the
# list costs what the news list does (Wagtail's own work, the count and its view restrictions);
# a year pays for its years (the 404 needs them) instead of the count; a Spanish page one more.
BUDGETS = {
    "/peru-update/": (9, 25),
    "/peru-update/2016/": (10, 24),
    "/peru-update/news-from-november-2016/": (9, 25),
    "/peru-update/feed/": (9, 9),
    "/peru-update/feed/atom/": (9, 9),
    "/es/peru-update/": (10, 27),
    "/es/peru-update/2016/": (11, 26),
    "/es/peru-update/noticias-de-noviembre-de-2016/": (10, 27),
    "/es/peru-update/feed/": (10, 10),
}


def queries(client, settings):
    counts = {}
    for fragments in ("cached", "none kept"):
        if fragments == "none kept":
            settings.CACHES = {
                **settings.CACHES,
                "template_fragments": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
            }
        for url in BUDGETS:
            client.get(url)
            client.get(url)
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            assert response.status_code == 200, url
            counts.setdefault(url, []).append(len(captured))
    return {url: tuple(both) for url, both in counts.items()}


@pytest.mark.slow
def test_the_queries_do_not_grow_with_bulletins_or_stories(client, demo_site, settings):
    shared = settings.CACHES
    few = queries(client, settings)
    settings.CACHES = shared
    english_index = BulletinIndexPage.objects.get(locale__language_code="en-gb")
    news_index = NewsIndexPage.objects.get(locale__language_code="en-gb")
    more = NewsItemPageFactory.create_batch(20, parent=news_index)
    demo_bulletin = BulletinPage.objects.get(locale=english_index.locale)
    demo_bulletin.stories = [*demo_bulletin.stories.raw_data, *stories(*more)]
    demo_bulletin.save_revision().publish()
    for n in range(30):
        BulletinPageFactory(
            parent=english_index,
            date=datetime.date(2016, 1, 1) + datetime.timedelta(days=n),
            editorial=editorial(f"Editorial {n}."),
            stories=stories(*more[:10]),
        )
    assert len(BulletinPage.objects.get(pk=demo_bulletin.pk).story_pages) == 30
    many = queries(client, settings)
    assert few == BUDGETS
    assert many == BUDGETS
