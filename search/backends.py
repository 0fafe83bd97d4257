"""Wagtail's database search backend, each page indexed in its own language.

On PostgreSQL a page is indexed with its locale's text search configuration
(search/languages.py: `psg_spanish` for Spanish pages, `psg_english` otherwise), and a
language's pages are searched with that language's configuration (`backend_for`). Only
documented hooks are used: the backend's `index_class` and its `add_items()`, and the
`SEARCH_CONFIG` option given to a backend as it is made. Matching, ranking and counting are
Wagtail's. On SQLite (its FTS5 folds accents itself and has no Spanish stemmer) this is
Wagtail's database backend with its ranking mended (search/sqlite.py); elsewhere, as it ships.
"""

import functools

from django.db import connection

from wagtail.search.backends import get_search_backend
from wagtail.search.backends.database import SearchBackend as database_backend

from .languages import configuration_for, configurations_for


class LanguagesIndex:
    """The backend's own index, each object written through a backend set to its language's
    configuration."""

    def add_items(self, model, items):
        items = list(items)
        by_configuration = {}
        for item, configuration in zip(items, configurations_for(items), strict=True):
            by_configuration.setdefault(configuration, []).append(item)
        for configuration, group in by_configuration.items():
            configured = type(self.backend)({**self.backend.params, "SEARCH_CONFIG": configuration})
            # Wagtail's own add_items, on an index of the configured backend.
            super(LanguagesIndex, type(self)(configured)).add_items(model, group)


class InLanguages:
    """Mixed into Wagtail's PostgreSQL backend: it keeps its parameters, to make a backend
    of each language's configuration."""

    def __init__(self, params):
        super().__init__(params)
        self.params = params


@functools.cache
def in_languages(base: type) -> type:
    """Wagtail's PostgreSQL backend class `base`, each object indexed with its language's
    configuration; searched with SEARCH_CONFIG, as Wagtail's is."""
    index_class = type("LanguagesIndex", (LanguagesIndex, base.index_class), {})
    return type("LanguagesBackend", (InLanguages, base), {"index_class": index_class})


def SearchBackend(params):  # noqa: N802 (the name Wagtail looks for)
    backend = database_backend(params)
    if connection.vendor == "sqlite":
        from .sqlite import title_first  # only importable on SQLite

        return title_first(backend, params)
    if connection.vendor != "postgresql":
        return backend
    # The class Wagtail picks for PostgreSQL, found through its public entry point.
    return in_languages(type(backend))(params)


def backend_for(language_code: str | None):
    """The search backend to search pages in `language_code` with: on PostgreSQL, set to that
    language's configuration; elsewhere the site's backend as it is."""
    backend = get_search_backend()
    if isinstance(backend, InLanguages):
        return get_search_backend(SEARCH_CONFIG=configuration_for(language_code))
    return backend
