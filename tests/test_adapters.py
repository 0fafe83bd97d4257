"""Each adapter of a library's private names (core/adapters/) against the library's own public
behaviour: if an upgrade changes what a private name does, one of these fails first."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.models import Locale, Page
from wagtail.search.backends import get_search_backend

import pytest

from core.adapters import django as django_adapter
from core.adapters import modelsearch as modelsearch_adapter
from core.adapters import wagtail as wagtail_adapter
from news.models import NewsItemPage
from search.languages import CONFIGURATIONS, configurations_for
from search.query import clean_query
from search.ranking import RankedOnce
from tests.factories import BriefingPageFactory, NewsItemPageFactory


class TestDjango:
    def test_raw_rows_are_the_querysets_rows(self, news_index):
        for n in range(3):
            NewsItemPageFactory(parent=news_index, title=f"Item {n}")
        queryset = NewsItemPage.objects.order_by("pk").values_list("pk", "title")
        assert len(list(queryset)) == 3
        assert django_adapter.raw_rows(queryset) == list(queryset)
        assert django_adapter.raw_rows(queryset.filter(title="Item 1")) == [
            (queryset.get(title="Item 1")[0], "Item 1")
        ]


class TestWagtail:
    def test_an_unregistered_hook_is_no_longer_returned(self):
        from wagtail import hooks

        def listing_buttons(page, user, next_url=None):
            return []

        with hooks.register_temporarily("register_page_listing_more_buttons", listing_buttons):
            assert listing_buttons in hooks.get_hooks("register_page_listing_more_buttons")
            wagtail_adapter.unregister_hook("register_page_listing_more_buttons", listing_buttons)
            assert listing_buttons not in hooks.get_hooks("register_page_listing_more_buttons")
            # Put back, for register_temporarily to take out again.
            hooks.register("register_page_listing_more_buttons", listing_buttons)
        assert hooks.get_hooks("register_page_listing_more_buttons")  # Wagtail's own remain
        wagtail_adapter.unregister_hook("no_such_hook", listing_buttons)


def test_the_database_backends_results_class_is_found(db):
    from wagtail.search.backends.database import SearchBackend

    wagtails = SearchBackend({})
    assert modelsearch_adapter.database_results_class(wagtails) is wagtails.results_class
    assert issubclass(get_search_backend().results_class, wagtails.results_class)


def wagtails_own_backend():
    """Wagtail's database search backend for this database, in the site's languages as the
    site's backend is (search/backends.py), but ranking as Wagtail ships it."""
    from wagtail.search.backends.database import SearchBackend

    return modelsearch_adapter.in_languages(
        SearchBackend({}), list(CONFIGURATIONS.values()), configurations_for
    )


class TestModelsearch:
    """The one-pass rankings (search/ranking.py, through core/adapters/modelsearch.py) give the
    same results, in the same order, with the same count, as Wagtail's own backend."""

    @pytest.fixture(autouse=True)
    def one_pass_ranking(self, settings):
        settings.SEARCH_ONE_PASS_RANKING = True

    @pytest.mark.parametrize("visible_cached", [False, True])
    @pytest.mark.parametrize(
        "text", ["Quillabamba", "Quillabamba gas", '"gas protest"', "nothing-like-this"]
    )
    def test_same_results_and_order_as_wagtail(
        self, news_index, briefing_index, text, visible_cached
    ):
        for n in range(14):
            words = "Quillabamba " * (n % 4 + 1) + ("gas protest" if n % 3 else "talks")
            NewsItemPageFactory(parent=news_index, title=f"Item {n}", summary=words)
        BriefingPageFactory(parent=briefing_index, title="Quillabamba gas briefing")
        query = clean_query(text).search_query
        ours = get_search_backend()
        assert issubclass(ours.results_class, RankedOnce)
        wagtails = wagtails_own_backend()
        assert wagtails.results_class is not ours.results_class
        pages = Page.objects.live().specific()
        # One page kept out, so that the pages searched are not every page indexed.
        hidden = NewsItemPageFactory(parent=news_index, title="Quillabamba gas protest hidden")
        pages = pages.exclude(pk=hidden.pk)

        def ours_search():
            results = ours.search(query, pages)
            return results.cache_visible(("test",)) if visible_cached else results

        expected = wagtails.search(query, pages)
        found = ours_search()
        assert found.count() == expected.count()
        assert [p.pk for p in found] == [p.pk for p in expected]
        assert [p.pk for p in ours_search()[10:20]] == [
            p.pk for p in wagtails.search(query, pages)[10:20]
        ]

    @pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's one query.")
    def test_postgresql_matches_and_ranks_once_for_page_and_count(self, news_index):
        for n in range(12):
            NewsItemPageFactory(parent=news_index, title=f"Quillabamba {n}")
        results = get_search_backend().search(
            clean_query("Quillabamba").search_query, Page.objects.live().specific()
        )
        with CaptureQueriesContext(connection) as queries:
            assert results.count() == 12
            assert len(list(results[:10])) == 10
            assert len(list(results[10:20])) == 2
        matching = [q for q in queries.captured_queries if "wagtailsearch_indexentry" in q["sql"]]
        assert len(matching) == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's configurations.")
class TestModelsearchInLanguages:
    """`in_languages` writes each page's index entry as Wagtail's backend does when its one
    configuration (SEARCH_CONFIG) is that page's language's, and matches a query as the OR
    of Wagtail's query in each configuration."""

    def entry(self, page):
        from wagtail.search.models import IndexEntry

        return IndexEntry.objects.filter(object_id=str(page.pk)).values("title", "body").get()

    @pytest.mark.parametrize(
        "language, configuration", [("es", "psg_spanish"), ("en-gb", "psg_english")]
    )
    def test_entries_as_wagtail_writes_them_in_that_configuration(
        self, news_index, language, configuration
    ):
        from wagtail.search.backends.database import SearchBackend

        locale = Locale.objects.get_or_create(language_code=language)[0]
        page = NewsItemPageFactory(
            parent=news_index, title="Protestas en el Marañón", summary="Pérez Tello", locale=locale
        )
        ours = self.entry(page)
        SearchBackend({"SEARCH_CONFIG": configuration}).add(page.specific)
        assert self.entry(page) == ours
        SearchBackend({"SEARCH_CONFIG": "simple"}).add(page.specific)
        assert self.entry(page) != ours  # positive control

    def test_a_query_matched_in_every_configuration(self, news_index):
        from wagtail.search.backends.database import SearchBackend

        spanish = Locale.objects.get_or_create(language_code="es")[0]
        NewsItemPageFactory(parent=news_index, title="Protesta minera", locale=spanish)
        NewsItemPageFactory(parent=news_index, title="Mining protests")
        NewsItemPageFactory(parent=news_index, title="Gold exports")
        query = clean_query("protestas").search_query
        pages = Page.objects.live()
        ours = {page.title for page in wagtails_own_backend().search(query, pages)}
        each = set()
        for configuration in CONFIGURATIONS.values():
            backend = SearchBackend({"SEARCH_CONFIG": configuration})
            each |= {page.title for page in backend.search(query, pages)}
        # Spanish "protestas" and English "protests" share a stem: a word finds the pages of
        # either language that have it.
        assert ours == each == {"Protesta minera", "Mining protests"}
