"""Wagtail's database search backend, with results ranked once per search (search/ranking.py)
on SQLite and PostgreSQL unless SEARCH_ONE_PASS_RANKING is off."""

from django.conf import settings

from wagtail.search.backends.database import SearchBackend as database_backend

from .ranking import ranked_results_class


def SearchBackend(params):  # noqa: N802 (the name Wagtail looks for)
    backend = database_backend(params)
    if settings.SEARCH_ONE_PASS_RANKING:
        results_class = ranked_results_class(backend)
        if results_class is not None:
            backend.results_class = results_class
    return backend
