"""English and Spanish: addresses, the language switcher, hreflang alternates in the head and
the sitemap, per-language feeds, translated snippets, and the query budget in each language."""

import re
import xml.etree.ElementTree as ET

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from tests.conftest import translate
from tests.factories import (
    BriefingPageFactory,
    NewsItemPageFactory,
    StandardPageFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


def html_lang(response):
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


def switcher(response):
    """The language switcher's links: {language name: href}."""
    html = response.content.decode()
    nav = re.search(r'<nav class="language-switcher".*?</nav>', html, re.S)
    assert nav, "no language switcher on the page"
    return {
        name: href
        for href, name in re.findall(
            r'<a href="([^"]+)" hreflang="[^"]+">([^<]+)</a>', nav.group(0)
        )
    }


def alternates(response):
    return dict(
        re.findall(
            r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', response.content.decode()
        )
    )


@pytest.fixture
def translated_news(news_index, spanish_home, spanish):
    theme = ThemeFactory(name="Mining and oil", slug="mining-and-oil")
    item = NewsItemPageFactory(
        parent=news_index,
        title="Oil spill in the Marañón",
        slug="oil-spill",
        summary="Crude oil reached the river.",
        themes=[theme],
    )
    news_es = translate(news_index, spanish, title="Noticias", slug="noticias")
    item_es = translate(
        item,
        spanish,
        title="Derrame de petróleo en el Marañón",
        slug="derrame-de-petroleo",
        summary="El crudo llegó al río.",
    )
    return {
        "theme": theme,
        "index": news_index,
        "item": item,
        "index_es": news_es,
        "item_es": item_es,
    }


class TestAddresses:
    def test_english_keeps_its_addresses_and_spanish_lives_under_es(self, client, translated_news):
        english = client.get("/news/oil-spill/")
        spanish = client.get("/es/noticias/derrame-de-petroleo/")
        assert english.status_code == 200 and spanish.status_code == 200
        assert html_lang(english) == "en-GB"
        assert html_lang(spanish) == "es"
        assert "Derrame de petróleo" in spanish.content.decode()
        assert "Oil spill in the Marañón" in english.content.decode()

    def test_spanish_home_and_unknown_spanish_address(self, client, spanish_home):
        assert client.get("/es/").status_code == 200
        assert html_lang(client.get("/es/")) == "es"
        missing = client.get("/es/no-existe/")
        assert missing.status_code == 404
        assert html_lang(missing) == "es"

    def test_the_404_page_leads_on_in_the_readers_language(
        self, client, translated_news, briefing_index
    ):
        def links(response):
            html = response.content.decode()
            return re.findall(r'<li><a href="([^"]+)">', html[html.index("page-title") :])[:3]

        assert links(client.get("/no-such-page/")) == ["/", "/news/", "/briefings/"]
        # No Spanish briefings list yet: no link to the English one.
        assert links(client.get("/es/no-existe/")) == ["/es/", "/es/noticias/"]

    def test_english_pages_do_not_vary_by_browser_language(self, client, home_page):
        response = client.get("/", HTTP_ACCEPT_LANGUAGE="es")
        assert html_lang(response) == "en-GB"
        assert "Accept-Language" not in response.get("Vary", "")
        # Positive control: the page still answers, in English.
        assert response.status_code == 200


class TestSwitcher:
    def test_links_to_the_same_page_in_the_other_language(self, client, translated_news):
        links = switcher(client.get("/news/oil-spill/"))
        assert links == {"Español": "/es/noticias/derrame-de-petroleo/"}
        links = switcher(client.get("/es/noticias/derrame-de-petroleo/"))
        assert links == {"English": "/news/oil-spill/"}

    def test_untranslated_page_offers_the_spanish_home_and_says_so(
        self, client, news_index, spanish_home
    ):
        NewsItemPageFactory(parent=news_index, slug="only-english")
        response = client.get("/news/only-english/")
        assert switcher(response) == {"Español": "/es/"}
        assert "esta página aún no está traducida" in response.content.decode()
        # Every switcher link answers.
        assert client.get("/es/").status_code == 200

    def test_search_switches_to_the_same_search(self, client, spanish_home):
        links = switcher(client.get("/search/?query=Lima"))
        assert links == {"Español": "/es/search/?query=Lima"}
        assert client.get("/es/search/?query=Lima").status_code == 200
        # Each search its own: the switcher of the one before is not kept for the next.
        links = switcher(client.get("/search/?query=Cusco"))
        assert links == {"Español": "/es/search/?query=Cusco"}

    def test_the_404_page_offers_each_home_while_it_is_published(self, client, spanish_home):
        english = client.get("/no-such-page/")
        assert switcher(english) == {"Español": "/es/"}
        # There is no page to be translated: the note names the home page alone.
        assert "(página de inicio)" in english.content.decode()
        assert "traducida" not in english.content.decode()
        spanish = client.get("/es/no-existe/")
        assert switcher(spanish) == {"English": "/"}
        assert "(home page)" in spanish.content.decode()
        spanish_home.unpublish()
        html = client.get("/no-such-page/").content.decode()
        assert 'class="language-switcher"' not in html

    def test_no_switcher_when_there_is_no_spanish_site_yet(self, client, home_page):
        html = client.get("/").content.decode()
        assert 'class="language-switcher"' not in html
        assert "Peru Support Group" in html


class TestAlternates:
    def test_head_names_every_translation_and_x_default(self, client, translated_news):
        links = alternates(client.get("/es/noticias/derrame-de-petroleo/"))
        assert links == {
            "en-GB": "http://testserver/news/oil-spill/",
            "es": "http://testserver/es/noticias/derrame-de-petroleo/",
            "x-default": "http://testserver/news/oil-spill/",
        }
        for url in links.values():
            assert translated_news and url.startswith("http://testserver/")

    def test_untranslated_page_has_no_alternates(self, client, news_index, spanish_home):
        NewsItemPageFactory(parent=news_index, slug="only-english")
        assert alternates(client.get("/news/only-english/")) == {}

    def test_private_translation_is_not_offered(self, client, translated_news):
        from wagtail.models import PageViewRestriction

        PageViewRestriction.objects.create(
            page=translated_news["item_es"], restriction_type="password", password="x"
        )
        response = client.get("/news/oil-spill/")
        assert alternates(response) == {}
        assert "/es/noticias/derrame-de-petroleo/" not in response.content.decode()

    def test_sitemap_lists_both_languages_with_alternates(self, client, translated_news):
        response = client.get("/sitemap.xml")
        assert response.status_code == 200
        ns = {
            "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
            "x": "http://www.w3.org/1999/xhtml",
        }
        root = ET.fromstring(response.content)
        entries = {
            url.find("s:loc", ns).text: {
                link.get("hreflang"): link.get("href") for link in url.findall("x:link", ns)
            }
            for url in root.findall("s:url", ns)
        }
        assert "http://testserver/es/noticias/derrame-de-petroleo/" in entries
        assert entries["http://testserver/news/oil-spill/"] == {
            "en-GB": "http://testserver/news/oil-spill/",
            "es": "http://testserver/es/noticias/derrame-de-petroleo/",
        }
        # Every address in the sitemap answers.
        for loc in entries:
            assert client.get(loc.removeprefix("http://testserver")).status_code == 200


class TestFeedsAndThemes:
    def test_each_language_has_its_own_feed(self, client, translated_news):
        english = client.get("/news/feed/").content.decode()
        spanish = client.get("/es/noticias/feed/").content.decode()
        assert "<language>en-gb</language>" in english and "Oil spill" in english
        assert "<language>es</language>" in spanish and "Derrame de petróleo" in spanish
        assert "Oil spill" not in spanish

    def test_theme_names_follow_the_reader_and_the_filter_keeps_its_slug(
        self, client, translated_news, spanish
    ):
        theme = translated_news["theme"]
        theme_es = theme.copy_for_translation(spanish)
        theme_es.name = "Minería y petróleo"
        theme_es.save()
        spanish = client.get("/es/noticias/?theme=mining-and-oil")
        assert spanish.status_code == 200
        html = spanish.content.decode()
        assert "Minería y petróleo" in html and "Derrame de petróleo" in html
        english = client.get("/news/?theme=mining-and-oil").content.decode()
        assert "Mining and oil" in english and "Oil spill" in english
        assert "Minería" not in english
        item_es = client.get("/es/noticias/derrame-de-petroleo/").content.decode()
        assert "Minería y petróleo" in item_es


class TestEveryPageTypeInBothLanguages:
    def test_each_page_type_renders_in_spanish(
        self, client, home_page, spanish_home, spanish, briefing_index
    ):
        about = StandardPageFactory(parent=home_page, slug="about", title="About")
        briefing = BriefingPageFactory(parent=briefing_index, slug="mining")
        pages = [
            translate(about, spanish, title="Quiénes somos", slug="quienes-somos"),
            translate(briefing_index, spanish, title="Informes", slug="informes"),
        ]
        pages.append(translate(briefing, spanish, title="Minería", slug="mineria"))
        for page in [spanish_home, *pages]:
            response = client.get(page.url)
            assert response.status_code == 200, page.url
            assert html_lang(response) == "es"
            assert page.title in response.content.decode()


class TestQueryBudget:
    def test_a_spanish_page_costs_one_query_more_than_its_english_page(
        self, client, translated_news
    ):
        # Warm the fragments (the first request of all also creates the site settings).
        for url in ("/news/oil-spill/", "/es/noticias/derrame-de-petroleo/") * 2:
            client.get(url)
        counts = {}
        for url in ("/news/oil-spill/", "/es/noticias/derrame-de-petroleo/"):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts[url] = len(queries)
        # Wagtail's serve finds the Spanish home page, a translation of the site's root page.
        assert counts["/news/oil-spill/"] + 1 == counts["/es/noticias/derrame-de-petroleo/"], counts


class TestNoPageInTheWrongLanguage:
    def test_an_untranslated_page_has_no_spanish_address(self, client, news_index, spanish_home):
        NewsItemPageFactory(parent=news_index, slug="only-english")
        # The Spanish tree has no news list yet: a Spanish 404, never the English page.
        response = client.get("/es/news/only-english/")
        assert response.status_code == 404
        assert html_lang(response) == "es"
        assert client.get("/news/only-english/").status_code == 200

    def test_without_a_spanish_home_es_moves_to_the_english_home(self, client, home_page):
        response = client.get("/es/")
        assert (response.status_code, response["Location"]) == (302, "/")


SPANISH_PAGES = [
    "/es/",
    "/es/noticias/",
    "/es/noticias/?theme=environment",
    "/es/noticias/intoxicacion-por-mercurio-en-madre-de-dios/",
    "/es/informes/",
    "/es/informes/derechos-humanos/",
    "/es/quienes-somos/",
    "/es/afiliese/",
    "/es/search/?query=Lima",
    "/es/no-existe/",
]


def visible_text(response):
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", response.content.decode())
    # The switcher's link to English is in English on purpose (lang="en-GB").
    html = re.sub(r'(?s)<li lang="en-GB">.*?</li>', " ", html)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def english_left(text):
    """The catalogue's English messages (two words or more, translated differently) in `text`."""
    from django.conf import settings

    import polib

    catalogue = polib.pofile(str(settings.LOCALE_PATHS[0] / "es" / "LC_MESSAGES" / "django.po"))
    messages = {
        " ".join(entry.msgid.split())
        for entry in catalogue
        if entry.msgstr
        and entry.msgstr != entry.msgid
        and "%" not in entry.msgid
        and "{" not in entry.msgid
        and len(entry.msgid.split()) >= 2
    }
    return sorted(message for message in messages if message in text)


@pytest.mark.slow
class TestNoEnglishInTheSpanishChrome:
    def test_the_spanish_pages_use_no_english_message_of_the_catalogue(self, client, db):
        from django.core.management import call_command

        call_command("load_demo_content", verbosity=0, no_admin=True)
        for url in SPANISH_PAGES:
            response = client.get(url)
            assert response.status_code in (200, 404), url
            assert html_lang(response) == "es", url
            assert english_left(visible_text(response)) == [], url
        # Positive control: the English pages do show those messages.
        english = visible_text(client.get("/news/"))
        assert english_left(english), "the walker finds no English message on English pages"
