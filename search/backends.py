"""Wagtail's database search backend, with results ranked once per search.

Wagtail's SQLite backend orders results by relevance with a correlated subquery that runs the
whole full-text match again for every matching page: more than a second for a word found in a
thousand pages. search/sqlite_ranking.py ranks them in one pass. On PostgreSQL, Wagtail matches
the words twice per page of results (the count, then the ranked page);
search/postgres_ranking.py ranks and counts in one query. Both keep Wagtail's results and order.
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
    elif connection.vendor == "postgresql":
        from wagtail.search.backends.database.postgres.postgres import PostgresSearchBackend

        from .postgres_ranking import RankedOnceResults

        if isinstance(backend, PostgresSearchBackend):
            backend.results_class = RankedOnceResults
    return backend
