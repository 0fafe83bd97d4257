"""Wagtail's database search backend, in the site's languages (search/languages.py: on
PostgreSQL each page indexed with its language's configuration, accents ignored, a query
matched in every language), with results ranked once per search (search/ranking.py) on
SQLite and PostgreSQL unless SEARCH_ONE_PASS_RANKING is off."""

from django.conf import settings

from wagtail.search.backends.database import SearchBackend as database_backend

from core.adapters.modelsearch import in_languages

from .languages import CONFIGURATIONS, configurations_for
from .ranking import ranked_results_class


def SearchBackend(params):  # noqa: N802 (the name Wagtail looks for)
    backend = in_languages(
        database_backend(params), list(CONFIGURATIONS.values()), configurations_for
    )
    if settings.SEARCH_ONE_PASS_RANKING:
        results_class = ranked_results_class(backend)
        if results_class is not None:
            backend.results_class = results_class
    return backend
