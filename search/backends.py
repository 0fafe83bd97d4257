"""Wagtail's database search backend, with SQLite results ranked in one pass.

Wagtail's SQLite backend orders results by relevance with a correlated subquery that runs the
whole full-text match again for every matching page: more than a second for a word found in a
thousand pages. search/sqlite_ranking.py ranks them in one pass, with the same results and
order. PostgreSQL is used as Wagtail provides it.
"""

from django.db import connection

from wagtail.search.backends.database import SearchBackend as database_backend


def SearchBackend(params):  # noqa: N802 (the name Wagtail looks for)
    backend = database_backend(params)
    if connection.vendor == "sqlite":
        from wagtail.search.backends.database.sqlite.sqlite import SQLiteSearchBackend

        from .sqlite_ranking import RankedOnceResults

        if isinstance(backend, SQLiteSearchBackend):
            backend.results_class = RankedOnceResults
    return backend
