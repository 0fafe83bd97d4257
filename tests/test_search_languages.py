"""Search in English and Spanish (search/languages.py): accents never matter, each page is
stemmed in its own language on PostgreSQL, readers see their language's pages first, and the
index follows pages as they are translated, published and unpublished. Runs on SQLite and on
PostgreSQL."""

import io
import re

from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from wagtail.contrib.search_promotions.models import Query, SearchPromotion
from wagtail.models import Locale, Page, PageViewRestriction
from wagtail.search.backends import get_search_backend
from wagtail.search.backends.database import SearchBackend as WagtailsBackend
from wagtail.search.models import IndexEntry

import pytest

from search.backends import backend_for
from search.languages import (
    CONFIGURATIONS,
    FirstThenRest,
    configuration_for,
    language_of,
    preferred_locales,
    search_groups,
)
from search.query import clean_query
from tests.conftest import translate
from tests.factories import NewsIndexPageFactory, NewsItemPageFactory
from tests.test_search import paragraph, summary, titles

POSTGRES_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL only: stemming per language (SQLite's FTS5 has no Spanish stemmer).",
)


@pytest.fixture
def spanish(db):
    return Locale.objects.get_or_create(language_code="es")[0]


def search_in(client, language, query, **params):
    """A search made by a reader reading in `language`, at the search page's address in it."""
    with translation.override(language):
        return client.get(reverse("search"), {"query": query, **params})


def english(client, query, **params):
    return search_in(client, "en-gb", query, **params)


def spanish_reader(client, query, **params):
    return search_in(client, "es", query, **params)


def title_lexemes(page):
    """The words of a page's title as its index entry holds them (PostgreSQL)."""
    entry = IndexEntry.objects.get(
        object_id=str(page.pk), content_type=ContentType.objects.get_for_model(page.specific)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT tsvector_to_array(title) FROM {IndexEntry._meta.db_table} WHERE id = %s",
            [entry.pk],
        )
        return sorted(cursor.fetchone()[0])


class TestLanguages:
    def test_a_language_is_the_first_part_of_its_code(self, settings):
        assert language_of("en-gb") == "en"
        assert language_of("es") == "es"
        assert language_of("ES-pe") == "es"
        assert language_of(None) == language_of(settings.LANGUAGE_CODE) == "en"

    def test_each_language_has_its_configuration(self):
        assert configuration_for("es") == CONFIGURATIONS["es"] == "psg_spanish"
        assert configuration_for("en-gb") == CONFIGURATIONS["en"] == "psg_english"
        # Any other language is searched as the site's own.
        assert configuration_for("qu") == "psg_english"

    def test_readers_prefer_the_locales_of_their_language(self, spanish):
        english_locale = Locale.objects.get(language_code="en-gb")
        assert preferred_locales("es") == [spanish.pk]
        assert preferred_locales("en-gb") == [english_locale.pk]
        assert preferred_locales("en") == [english_locale.pk]
        assert preferred_locales("fr") == []
        with translation.override("es"):
            assert preferred_locales() == [spanish.pk]

    def test_each_language_is_searched_on_its_own_the_readers_first(self, spanish):
        english_locale = Locale.objects.get(language_code="en-gb")
        assert search_groups("es") == [([spanish.pk], "es"), ([english_locale.pk], "en-gb")]
        assert search_groups("en-gb") == [([english_locale.pk], "en-gb"), ([spanish.pk], "es")]
        # A reader of another language: each language in turn.
        assert search_groups("fr") == [([english_locale.pk], "en-gb"), ([spanish.pk], "es")]


class TestAccentsNeverMatter:
    @pytest.mark.parametrize("language", ["en-gb", "es"])
    @pytest.mark.parametrize(
        "text, query",
        [
            ("Congresswoman Marisol Pérez Tello", "Perez Tello"),
            ("Petroperú reports a new spill", "Petroperu"),
            ("Oil reaches the Marañón", "Maranon"),
            ("The Condor mountain range", "Cóndor"),
            # Positive controls: the words as written.
            ("Congresswoman Marisol Pérez Tello", "Pérez Tello"),
            ("The Condor mountain range", "Condor"),
        ],
    )
    def test_with_or_without_accents(self, client, news_index, spanish, language, text, query):
        locale = Locale.objects.get(language_code=language)
        NewsItemPageFactory(parent=news_index, title=text, locale=locale)
        NewsItemPageFactory(parent=news_index, title="Unrelated item", locale=locale)
        assert titles(english(client, query)) == [text]
        assert titles(spanish_reader(client, query)) == [text]

    def test_in_the_body_too(self, client, news_index, spanish):
        NewsItemPageFactory(
            parent=news_index,
            title="Derrame en la Amazonía",
            locale=spanish,
            body=paragraph("<p>El derrame de Petroperú llegó al río Marañón.</p>"),
        )
        assert titles(spanish_reader(client, "petroperu maranon")) == ["Derrame en la Amazonía"]
        assert titles(spanish_reader(client, "amazonia")) == ["Derrame en la Amazonía"]
        assert titles(spanish_reader(client, "zzyzx")) == []


@POSTGRES_ONLY
class TestStemmingPerLanguage:
    def test_a_spanish_page_is_stemmed_in_spanish(self, client, news_index, spanish):
        NewsItemPageFactory(parent=news_index, title="Una protesta en Cajamarca", locale=spanish)
        NewsItemPageFactory(parent=news_index, title="Unrelated item", locale=spanish)
        assert titles(spanish_reader(client, "protestas")) == ["Una protesta en Cajamarca"]
        # Whatever language the reader has chosen.
        assert titles(english(client, "protestas")) == ["Una protesta en Cajamarca"]

    def test_an_english_page_is_stemmed_in_english(self, client, news_index, spanish):
        NewsItemPageFactory(parent=news_index, title="A protest in Cajamarca")
        assert titles(english(client, "protests")) == ["A protest in Cajamarca"]
        assert titles(spanish_reader(client, "protesting")) == ["A protest in Cajamarca"]

    def test_the_same_words_are_stemmed_by_the_pages_language(self, client, news_index, spanish):
        # "mineras" and "minero" share a Spanish stem ("miner") but no English one.
        text = "Empresas mineras en Cajamarca"
        NewsItemPageFactory(parent=news_index, title=f"{text} (es)", slug="es", locale=spanish)
        NewsItemPageFactory(parent=news_index, title=f"{text} (en)", slug="en")
        assert titles(english(client, "minero")) == [f"{text} (es)"]
        # Positive control: the English page has the words as written.
        assert sorted(titles(english(client, "mineras"))) == [f"{text} (en)", f"{text} (es)"]

    def test_spanish_stop_words_are_left_out_of_spanish_pages(self, client, news_index, spanish):
        text = "Protesta de los mineros"
        NewsItemPageFactory(parent=news_index, title=f"{text} (es)", slug="es", locale=spanish)
        NewsItemPageFactory(parent=news_index, title=f"{text} (en)", slug="en")
        # "la" is not in either; it is a stop word only in Spanish.
        assert titles(spanish_reader(client, "la protesta")) == [f"{text} (es)"]
        assert sorted(titles(spanish_reader(client, "protesta"))) == [
            f"{text} (en)",
            f"{text} (es)",
        ]

    def test_the_index_entry_holds_spanish_stems_without_accents(self, news_index, spanish):
        page = NewsItemPageFactory(
            parent=news_index, title="Protestas en el Marañón", locale=spanish
        )
        # "en" and "el" are stop words.
        assert title_lexemes(page) == ["maranon", "protest"]


@POSTGRES_ONLY
class TestWagtailsBackendInEachLanguage:
    """search/backends.py writes a page's index entry as Wagtail's own backend does when its
    one configuration (SEARCH_CONFIG) is the page's language's, and searches a language's
    pages as Wagtail's backend set to that language's configuration does."""

    def entry(self, page):
        return IndexEntry.objects.filter(object_id=str(page.pk)).values("title", "body").get()

    @pytest.mark.parametrize(
        "language, configuration", [("es", "psg_spanish"), ("en-gb", "psg_english")]
    )
    def test_entries_as_wagtail_writes_them_in_that_configuration(
        self, news_index, language, configuration
    ):
        locale = Locale.objects.get_or_create(language_code=language)[0]
        page = NewsItemPageFactory(
            parent=news_index, title="Protestas en el Marañón", summary="Pérez Tello", locale=locale
        )
        ours = self.entry(page)
        WagtailsBackend({"SEARCH_CONFIG": configuration}).add(page.specific)
        assert self.entry(page) == ours
        WagtailsBackend({"SEARCH_CONFIG": "simple"}).add(page.specific)
        assert self.entry(page) != ours  # positive control

    def test_a_languages_pages_are_searched_as_wagtail_searches_them(self, news_index, spanish):
        for n, title in enumerate(["Protesta minera", "Protestas en Puno", "Otra protesta"]):
            NewsItemPageFactory(
                parent=news_index, title=title, summary="Protesta. " * (n + 1), locale=spanish
            )
        pages = Page.objects.live().filter(locale=spanish)
        query = clean_query("protestas").search_query
        expected = WagtailsBackend({"SEARCH_CONFIG": "psg_spanish"}).search(query, pages)
        found = backend_for("es").search(query, pages)
        assert found.count() == expected.count() == 3
        assert [page.pk for page in found] == [page.pk for page in expected]
        # Positive control: in English, "protestas" is another word.
        assert backend_for("en-gb").search(query, pages).count() == 0

    def test_rebuilding_the_index_keeps_each_page_in_its_language(self, news_index, spanish):
        page = NewsItemPageFactory(parent=news_index, title="Protestas en Puno", locale=spanish)
        english_page = NewsItemPageFactory(parent=news_index, title="Protests in Puno")
        IndexEntry.objects.all().delete()
        call_command("update_index", stdout=io.StringIO())
        assert title_lexemes(page) == ["protest", "pun"]
        assert title_lexemes(english_page) == ["protest", "puno"]


class TestTheReadersLanguageFirst:
    @pytest.fixture
    def pages(self, news_index, spanish):
        # A name both languages' stemmers leave as it is, so one search ranks all three.
        # The Spanish page matches best (its title and body), the English ones their body only.
        NewsItemPageFactory(
            parent=news_index,
            title="Kuczynski: el agua",
            body=paragraph("<p>Kuczynski, Kuczynski, Kuczynski.</p>"),
            locale=spanish,
        )
        NewsItemPageFactory(
            parent=news_index,
            title="Water dispute",
            body=paragraph("<p>Kuczynski Kuczynski water.</p>"),
        )
        NewsItemPageFactory(
            parent=news_index, title="A long dispute", body=paragraph("<p>Kuczynski.</p>")
        )

    def test_relevance_alone_would_put_the_spanish_page_first(self, pages):
        found = get_search_backend().search(
            clean_query("Kuczynski").search_query, Page.objects.live()
        )
        assert [page.title for page in found][:1] == ["Kuczynski: el agua"]

    def test_english_readers_see_english_pages_first(self, client, pages):
        assert titles(english(client, "Kuczynski")) == [
            "Water dispute",
            "A long dispute",
            "Kuczynski: el agua",
        ]

    def test_spanish_readers_see_spanish_pages_first(self, client, pages):
        assert titles(spanish_reader(client, "Kuczynski")) == [
            "Kuczynski: el agua",
            "Water dispute",
            "A long dispute",
        ]

    def test_with_one_language_the_order_is_the_backends(self, client, news_index):
        # Positive control: without Spanish pages, relevance alone orders them.
        NewsItemPageFactory(
            parent=news_index, title="A long dispute", body=paragraph("<p>Cajamarca.</p>")
        )
        NewsItemPageFactory(parent=news_index, title="Cajamarca Cajamarca water")
        backend = get_search_backend()
        query = clean_query("Cajamarca").search_query
        expected = [page.title for page in backend.search(query, Page.objects.live())]
        assert expected == ["Cajamarca Cajamarca water", "A long dispute"]
        assert titles(spanish_reader(client, "Cajamarca")) == expected
        assert titles(english(client, "Cajamarca")) == expected

    @pytest.mark.parametrize("order", ["", "newest"])
    def test_pages_of_results_run_on_across_the_languages(self, client, news_index, spanish, order):
        for n in range(12):
            NewsItemPageFactory(parent=news_index, title=f"Lima {n} (es)", locale=spanish)
        for n in range(5):
            NewsItemPageFactory(parent=news_index, title=f"Lima {n} (en)")
        first = spanish_reader(client, "Lima", order=order)
        second = spanish_reader(client, "Lima", order=order, page="2")
        # The count, in whichever language the page speaks.
        assert re.search(r"\b17\b", summary(first))
        found = titles(first) + titles(second)
        assert len(found) == len(set(found)) == 17
        assert all(title.endswith("(es)") for title in found[:12])
        assert all(title.endswith("(en)") for title in found[12:])
        english_first = titles(english(client, "Lima", order=order))
        assert all(title.endswith("(en)") for title in english_first[:5])
        assert all(title.endswith("(es)") for title in english_first[5:])


def cards(response):
    """(title, lang attribute or None) of each result, in order."""
    html = response.content.decode()
    found = re.findall(
        r'<article class="card search-result[^"]*"(?: lang="([^"]*)")?[^>]*>.*?'
        r'class="card__title">\s*<a [^>]*>([^<]*)</a>',
        html,
        re.S,
    )
    return [(title, lang or None) for lang, title in found]


class TestEachStoryOnce:
    """A story (a page and its translations) is one result: in the reader's language when they
    may see it there, otherwise in the other, marked with its language."""

    @pytest.fixture
    def stories(self, home_page, spanish_home, spanish):
        news = NewsIndexPageFactory(parent=home_page)
        translate(news, spanish, title="Noticias", slug="noticias")
        both = NewsItemPageFactory(parent=news, title="Saramurillo takes protest to Lima")
        both_es = translate(both, spanish, title="Saramurillo lleva su protesta a Lima")
        NewsItemPageFactory(parent=news, title="Water talks in Lima")
        spanish_news = Page.objects.get(locale=spanish, slug="noticias")
        NewsItemPageFactory(parent=spanish_news, title="Marcha en Lima", locale=spanish)
        return both, both_es

    def test_each_reader_finds_each_story_once_in_their_language_first(self, client, stories):
        found = cards(spanish_reader(client, "Lima"))
        assert sorted(found[:2]) == [
            ("Marcha en Lima", None),
            ("Saramurillo lleva su protesta a Lima", None),
        ]
        assert found[2:] == [("Water talks in Lima", "en-GB")]
        found = cards(english(client, "Lima"))
        assert sorted(found[:2]) == [
            ("Saramurillo takes protest to Lima", None),
            ("Water talks in Lima", None),
        ]
        assert found[2:] == [("Marcha en Lima", "es")]

    def test_the_count_counts_stories(self, client, stories):
        assert re.search(r"\b3\b", summary(spanish_reader(client, "Lima")))
        assert summary(english(client, "Lima")) == "3 results for ‘Lima’"
        # Positive control: both pages of the translated story match the words.
        assert titles(spanish_reader(client, "Saramurillo")) == [
            "Saramurillo lleva su protesta a Lima"
        ]
        assert titles(english(client, "Saramurillo")) == ["Saramurillo takes protest to Lima"]

    def test_a_result_in_the_other_language_says_so(self, client, stories):
        html = english(client, "Marcha").content.decode()
        assert '<article class="card search-result" lang="es">' in html
        assert 'hreflang="es">Marcha en Lima</a>' in html
        # The card's date and type are the page's own words, in the reader's language.
        meta = r'<p class="card__meta" lang="en-GB">\s*News item · .*?· In Spanish\s*</p>'
        assert re.search(meta, html, re.S)
        html = spanish_reader(client, "Water").content.decode()
        assert '<article class="card search-result" lang="en-GB">' in html
        assert "En inglés" in html
        html = spanish_reader(client, "Marcha").content.decode()
        assert "lang=" not in html.split('class="card-list search-results"')[1].split("</ul>")[0]

    @pytest.mark.parametrize("hidden", ["draft", "private"])
    def test_the_other_language_stands_in_for_a_translation_readers_may_not_see(
        self, client, stories, hidden
    ):
        _, both_es = stories
        if hidden == "draft":
            both_es.unpublish()
        else:
            PageViewRestriction.objects.create(page=both_es, restriction_type="login")
        assert cards(spanish_reader(client, "Saramurillo")) == [
            ("Saramurillo takes protest to Lima", "en-GB")
        ]
        assert re.search(r"\b1\b", summary(spanish_reader(client, "Saramurillo")))

    def test_a_recommended_story_comes_once_in_the_readers_language(self, client, stories):
        both, both_es = stories
        SearchPromotion.objects.create(query=Query.get("lima"), page=both, description="Chosen.")
        spanish_cards = cards(spanish_reader(client, "Lima"))
        assert spanish_cards[0] == ("Saramurillo lleva su protesta a Lima", None)
        assert [title for title, _ in spanish_cards].count("Saramurillo takes protest to Lima") == 0
        assert len(spanish_cards) == 3
        html = spanish_reader(client, "Lima").content.decode()
        # The editor's description is of the English page; the Spanish card shows its own.
        assert "Chosen." not in html
        english_cards = cards(english(client, "Lima"))
        assert english_cards[0] == ("Saramurillo takes protest to Lima", None)
        assert len(english_cards) == 3
        assert "Chosen." in english(client, "Lima").content.decode()

    def test_an_alias_is_no_translation(self, client, home_page, spanish):
        # Translating an item before its index makes the Spanish index an alias of the English
        # one: the same English words under /es/. The English page is the result, marked.
        news = NewsIndexPageFactory(parent=home_page, intro="All the news from Quillabamba.")
        item = NewsItemPageFactory(parent=news, title="Strike in Ayacucho")
        item.copy_for_translation(spanish, copy_parents=True)
        assert Page.objects.filter(locale=spanish, alias_of=news, live=True).exists()
        assert cards(spanish_reader(client, "Quillabamba")) == [("News", "en-GB")]
        assert cards(english(client, "Quillabamba")) == [("News", None)]

    def test_pages_of_results_count_stories(self, client, home_page, spanish_home, spanish):
        news = NewsIndexPageFactory(parent=home_page)
        translate(news, spanish, title="Noticias", slug="noticias")
        for n in range(12):
            item = NewsItemPageFactory(parent=news, title=f"Lima {n} (en)")
            translate(item, spanish, title=f"Lima {n} (es)")
        first = spanish_reader(client, "Lima")
        second = spanish_reader(client, "Lima", page="2")
        assert re.search(r"\b12\b", summary(first))
        found = titles(first) + titles(second)
        assert sorted(found) == sorted(f"Lima {n} (es)" for n in range(12))
        assert titles(spanish_reader(client, "Lima", page="3")) == titles(second)

    def test_query_count_does_not_grow_with_translated_stories(
        self, client, home_page, spanish_home, spanish
    ):
        news = NewsIndexPageFactory(parent=home_page)
        translate(news, spanish, title="Noticias", slug="noticias")
        spanish_news = Page.objects.get(locale=spanish, slug="noticias")
        for n in range(2):
            NewsItemPageFactory(parent=news, title=f"Lima only in English {n}")
            NewsItemPageFactory(parent=spanish_news, title=f"Lima {n} solo", locale=spanish)

        def add(start, stop):
            # Stories whose English words match but whose Spanish ones do not: left out, in SQL.
            for n in range(start, stop):
                item = NewsItemPageFactory(parent=news, title=f"Lima {n}")
                translate(item, spanish, title=f"Marcha {n}")

        def count():
            spanish_reader(client, "Lima")  # warms caches
            with CaptureQueriesContext(connection) as queries:
                response = spanish_reader(client, "Lima")
            assert len(titles(response)) == 4  # a page of results drawn from both languages
            return len(queries)

        add(0, 3)
        few = count()
        add(3, 13)
        assert count() == few == 22


class TestFirstThenRest:
    def test_slices_count_and_index_across_both_parts(self):
        results = FirstThenRest(CountedList(range(5)), CountedList(range(10, 13)))
        assert results.count() == len(results) == 8
        assert list(results) == [0, 1, 2, 3, 4, 10, 11, 12]
        assert list(results[3:6]) == [3, 4, 10]
        assert list(results[6:20]) == [11, 12]
        assert list(results[2:6][1:3]) == [3, 4]
        assert results[2:6].count() == 4
        assert results[5] == 10
        assert list(results[8:10]) == []
        with pytest.raises(IndexError):
            results[8]  # noqa: B018

    def test_each_part_is_counted_once(self):
        first, rest = CountedList(range(3)), CountedList(range(2))
        results = FirstThenRest(first, rest)
        for _ in range(3):
            list(results[0:10])
            results[1:4].count()
        assert first.counted == rest.counted == 1


class CountedList(list):
    counted = 0

    def count(self):
        self.counted += 1
        return len(self)


class TestTheIndexFollowsThePages:
    def test_a_translation_is_found_in_its_language_once_published(
        self, client, home_page, news_index, spanish
    ):
        source = NewsItemPageFactory(parent=news_index, title="Strike in Ayacucho")
        # The Spanish tree beside the English one: its home page a sibling of the site's (its
        # parents are made as aliases of the English ones).
        translation_page = source.copy_for_translation(spanish, copy_parents=True)
        assert translation_page.locale == spanish and not translation_page.live
        assert not translation_page.is_descendant_of(home_page)
        # A draft translation is not searched (it still has the English words).
        assert titles(english(client, "Ayacucho")) == ["Strike in Ayacucho"]

        translation_page.title = "Huelga en Ayacucho"
        translation_page.slug = "huelga-en-ayacucho"
        translation_page.save_revision().publish()

        # One story: each reader finds it once, in their own language.
        assert titles(spanish_reader(client, "Ayacucho")) == ["Huelga en Ayacucho"]
        assert titles(english(client, "Ayacucho")) == ["Strike in Ayacucho"]
        assert titles(spanish_reader(client, "huelga")) == ["Huelga en Ayacucho"]
        assert titles(english(client, "strike")) == ["Strike in Ayacucho"]

        translation_page.refresh_from_db()
        translation_page.unpublish()
        assert titles(spanish_reader(client, "Ayacucho")) == ["Strike in Ayacucho"]
        assert titles(spanish_reader(client, "huelga")) == []

        translation_page.save_revision().publish()
        assert titles(spanish_reader(client, "huelga")) == ["Huelga en Ayacucho"]

    @POSTGRES_ONLY
    def test_a_translation_is_indexed_in_spanish_from_its_first_save(self, news_index, spanish):
        source = NewsItemPageFactory(parent=news_index, title="Protests in Puno")
        copy = source.copy_for_translation(spanish, copy_parents=True)

        # The same English words, stemmed each in its page's language.
        assert title_lexemes(source) == ["protest", "puno"]
        assert title_lexemes(copy) == ["in", "protests", "pun"]
        copy.title = "Protestas en Puno"
        copy.save_revision().publish()
        assert title_lexemes(copy) == ["protest", "pun"]

    def test_an_edit_in_a_spanish_page_shows_at_once(self, client, news_index, spanish):
        page = NewsItemPageFactory(parent=news_index, title="Paro en Puno", locale=spanish)
        assert titles(spanish_reader(client, "paro")) == ["Paro en Puno"]
        page.title = "Marcha en Puno"
        page.save_revision().publish()
        assert titles(spanish_reader(client, "paro")) == []
        assert titles(spanish_reader(client, "marcha")) == ["Marcha en Puno"]
