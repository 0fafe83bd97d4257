"""PostgreSQL search results ranked and counted in one query; imported only on PostgreSQL.

Wagtail's PostgreSQL backend matches and ranks the words twice for a page of results: once to
count the matches and once to rank them for the page, which also carries each match's combined
title-and-body vector out of the join. Here one query returns every visible match's primary key,
best first, with the same rank expression and order (rank, then newest page first); the count
and each page of results come from that list, and only the pages shown are loaded.

The query starts from the index entries the words match. Wagtail joins each page to its entry
on the page's key cast to text, which no index serves, so every page on the site is read to
find the few hundred the words match; here the entry's key is cast instead, and with the
visible pages kept (search/ranking.py) the pages are not read at all.
"""

from django.db.models import BigIntegerField, Case, F, When
from django.db.models.functions import Cast

from wagtail.search.backends.database.postgres.postgres import IndexEntry, PostgresSearchResults
from wagtail.search.query import Fuzzy, MatchAll, Not
from wagtail.search.utils import get_descendants_content_types_pks

from .ranking import RankedOnceMixin, rows

# How Wagtail reaches the index entry's columns from the page.
ENTRY = "index_entries__"


def on_the_entry(value):
    """`value` (a vector or a boost) with Wagtail's path from page to index entry dropped."""
    if isinstance(value, F) and value.name.startswith(ENTRY):
        return F(value.name.removeprefix(ENTRY))
    return value


class RankedOnceResults(RankedOnceMixin, PostgresSearchResults):
    def _rank(self):
        compiler = self.query_compiler
        config = compiler.get_config(self.backend)
        search_query = compiler.build_tsquery(compiler.query, config=config)
        vectors = [
            (on_the_entry(vector), on_the_entry(boost))
            for vector, boost in compiler.get_index_vectors(search_query)
        ]
        combined = vectors[0][0]
        for vector, _boost in vectors[1:]:
            combined = combined._combine(vector, "||", False)
        content_types = get_descendants_content_types_pks(compiler.queryset.model)
        # The CASE keeps the cast to entries of these types (another model's keys need not be
        # numbers): PostgreSQL does not promise to test a WHERE clause's conditions in order.
        page = Cast(
            Case(When(content_type_id__in=content_types, then=F("object_id"))),
            output_field=BigIntegerField(),
        )
        rank = compiler._build_rank_expression(vectors, config)
        matches = (
            IndexEntry.objects.filter(content_type_id__in=content_types)
            .annotate(_vector_=combined)
            .filter(_vector_=search_query)
            .annotate(matched_page=page)
            .order_by(rank.desc(), F("matched_page").desc())
            .values_list("matched_page", flat=True)
        )
        visible = self._visible()
        if visible is None:
            return list(matches.filter(matched_page__in=compiler.queryset.order_by().values("pk")))
        return visible.select([pk for (pk,) in rows(matches)])

    def _one_pass(self):
        compiler = self.query_compiler
        return (
            compiler.order_by_relevance
            and compiler.fields is None
            and self._score_field is None
            and self._integer_keys()
            and not isinstance(compiler.query, (Fuzzy, MatchAll, Not))
        )
