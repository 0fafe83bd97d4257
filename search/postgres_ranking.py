"""PostgreSQL search results ranked and counted in one query; imported only on PostgreSQL.

Wagtail's PostgreSQL backend matches and ranks the words twice for a page of results: once to
count the matches and once to rank them for the page, which also carries each match's combined
title-and-body vector out of the join. Here one query returns every visible match's primary key,
best first, with the same rank expression and order (rank, then newest page first); the count
and each page of results come from that list, and only the pages shown are loaded.
"""

from wagtail.search.backends.database.postgres.postgres import PostgresSearchResults
from wagtail.search.query import Fuzzy, MatchAll, Not

from .ranking import RankedOnceMixin


class RankedOnceResults(RankedOnceMixin, PostgresSearchResults):
    def _rank(self):
        compiler = self.query_compiler
        ranked = compiler.search(compiler.get_config(self.backend), None, None)
        # values_list() leaves the vector and the rank out of the rows, not the query.
        return list(ranked.values_list("pk", flat=True))

    def _one_pass(self):
        compiler = self.query_compiler
        return (
            compiler.order_by_relevance
            and self._score_field is None
            and not isinstance(compiler.query, (Fuzzy, MatchAll, Not))
        )
