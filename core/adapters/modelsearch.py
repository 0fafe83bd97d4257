"""django-modelsearch's private names: Wagtail's database search backend (modelsearch since
Wagtail 7) as the one-pass rankings (search/ranking.py) use it.

- the backends' and results classes, and the two hooks Wagtail calls on results
  (`_do_search`, `_do_count`);
- each compiler's full-text match and its rank expression (`_build_rank_expression`), so the
  rankings order results exactly as the backend does;
- the content types a search covers;
- the PostgreSQL index and query compiler, made to index each object with a configuration of
  its own and to match a query in several (`in_languages`).

Checked by tests/test_adapters.py::TestModelsearch, which runs Wagtail's own backend beside
the rankings and compares results, count and order. If an upgrade breaks them, set
SEARCH_ONE_PASS_RANKING = False: search then runs entirely on Wagtail's backend.
The SQLite and PostgreSQL modules are imported only on their own database: the SQLite one
defines models that exist only there.
"""

from __future__ import annotations

import copy
import functools
import operator
from collections.abc import Callable, Sequence

from django.db import connection
from django.db.models import BigIntegerField, Case, F, QuerySet, When
from django.db.models.functions import Cast

from wagtail.search.query import Fuzzy, MatchAll, Not

from modelsearch.utils import get_descendants_content_types_pks

# How Wagtail reaches the PostgreSQL index entry's columns from the page.
ENTRY = "index_entries__"


def database_results_class(backend) -> type | None:
    """The results class of Wagtail's SQLite or PostgreSQL database backend, if `backend` is
    one of those; None otherwise (another database, Elasticsearch, OpenSearch)."""
    if connection.vendor == "sqlite":
        from modelsearch.backends.database.sqlite.sqlite import SQLiteSearchBackend

        if isinstance(backend, SQLiteSearchBackend):
            return backend.results_class
    elif connection.vendor == "postgresql":
        from modelsearch.backends.database.postgres.postgres import PostgresSearchBackend

        if isinstance(backend, PostgresSearchBackend):
            return backend.results_class
    return None


class ResultsHooks:
    """The two methods Wagtail's results call to run a search, handed to public-named ones:
    `page_keys()` (None: let the backend search) and `ranked_keys()` (None: let it count)."""

    def _do_search(self):
        keys = self.page_keys()
        return super()._do_search() if keys is None else self.load(keys)

    def _do_count(self):
        ranked = self.ranked_keys()
        return super()._do_count() if ranked is None else len(ranked)


def scores_requested(results) -> bool:
    """Whether the search asked for each result's score (annotate_score)."""
    return results._score_field is not None


def covered_content_types(model) -> list[int]:
    return get_descendants_content_types_pks(model)


def rankable(compiler) -> bool:
    """Whether the query is one a ranking can run in one pass (not match-all, not a negation,
    not fuzzy)."""
    query = compiler.query
    if connection.vendor == "sqlite":
        from modelsearch.backends.database.sqlite.query import normalize

        query = normalize(query)
    return not isinstance(query, (Fuzzy, MatchAll, Not))


def sqlite_matches(compiler, backend) -> QuerySet:
    """Every FTS5 match of the search among the pages' index entries, as
    (object id, bm25 score) rows: lower scores are better matches, as in the backend."""
    from modelsearch.backends.database.sqlite.query import MatchExpression, normalize
    from modelsearch.backends.database.sqlite.sqlite import SQLiteFTSIndexEntry

    config = compiler.get_config(backend)
    search_query = compiler.build_search_query(normalize(compiler.query), config=config)
    rank = compiler._build_rank_expression(compiler.get_search_vectors(), config)
    return (
        SQLiteFTSIndexEntry.objects.filter(
            MatchExpression(compiler.fields or compiler.FTS_TABLE_FIELDS, search_query)
        )
        .filter(index_entry__content_type__in=covered_content_types(compiler.queryset.model))
        .annotate(score=rank)
        .values_list("index_entry__object_id", "score")
    )


def postgres_matches(compiler, backend) -> QuerySet:
    """The primary keys of every page the search matches, best first, ranked with the
    backend's own expression and order (rank, then newest page first), starting from the index
    entries the words match rather than from every page."""
    from modelsearch.backends.database.postgres.postgres import IndexEntry

    config = compiler.get_config(backend)
    search_query = compiler.build_tsquery(compiler.query, config=config)
    vectors = [
        (_on_the_entry(vector), _on_the_entry(boost))
        for vector, boost in compiler.get_index_vectors(search_query)
    ]
    combined = vectors[0][0]
    for vector, _boost in vectors[1:]:
        combined = combined._combine(vector, "||", False)
    content_types = covered_content_types(compiler.queryset.model)
    # The CASE keeps the cast to entries of these types (another model's keys need not be
    # numbers): PostgreSQL does not promise to test a WHERE clause's conditions in order.
    page = Cast(
        Case(When(content_type_id__in=content_types, then=F("object_id"))),
        output_field=BigIntegerField(),
    )
    rank = compiler._build_rank_expression(vectors, config)
    return (
        IndexEntry.objects.filter(content_type_id__in=content_types)
        .annotate(_vector_=combined)
        .filter(_vector_=search_query)
        .annotate(matched_page=page)
        .order_by(rank.desc(), F("matched_page").desc())
        .values_list("matched_page", flat=True)
    )


def _on_the_entry(value):
    """`value` (a vector or a boost) with Wagtail's path from page to index entry dropped."""
    if isinstance(value, F) and value.name.startswith(ENTRY):
        return F(value.name.removeprefix(ENTRY))
    return value


def in_languages(
    backend, configurations: Sequence[str], configurations_for: Callable[[Sequence], list[str]]
):
    """`backend` (Wagtail's PostgreSQL database backend; any other is returned as it is) made
    to index each object with the text search configuration `configurations_for(objects)`
    gives it, and to match a query in each of `configurations`, any of them matching.

    Wagtail's backend has one configuration (SEARCH_CONFIG) for indexing and querying alike.
    Here an index entry is written with its object's configuration (the backend's indexer
    reads it from the backend, so each language's objects are written through a copy of the
    backend set to it), and every tsquery the compiler builds, for matching and for ranking,
    is the OR of the query in every configuration."""
    if connection.vendor != "postgresql":
        return backend
    from modelsearch.backends.database.postgres.postgres import PostgresSearchBackend

    if not isinstance(backend, PostgresSearchBackend):
        return backend
    base_index = backend.index_class
    base_compiler = backend.query_compiler_class

    class LanguagesIndex(base_index):
        def add_items(self, model, objs):
            objs = list(objs)
            by_configuration = {}
            for obj, configuration in zip(objs, configurations_for(objs), strict=True):
                by_configuration.setdefault(configuration, []).append(obj)
            for configuration, group in by_configuration.items():
                configured = copy.copy(self.backend)
                configured.config = configuration
                base_index.add_items(base_index(configured), model, group)

    class LanguagesCompiler(base_compiler):
        def build_tsquery(self, query, config=None):
            build = super().build_tsquery
            queries = [build(query, config=each) for each in configurations]
            queries = [each for each in queries if each is not None]
            return functools.reduce(operator.or_, queries) if queries else None

    backend.index_class = LanguagesIndex
    backend.query_compiler_class = LanguagesCompiler
    return backend
