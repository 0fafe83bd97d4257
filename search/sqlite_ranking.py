"""SQLite search results ranked in one pass; imported only on SQLite, where its models exist.

Wagtail's SQLite backend orders results by relevance with a correlated subquery that runs the
whole full-text match again for every matching page: fine for a few dozen matches, more than a
second for a word found in a thousand pages (at 10,000 news items, one search a second and
timeouts under load). Here the match runs once with each match's score, the pages the reader
may see are picked in one more query (or from the set the site search keeps,
search/ranking.py), and the order and the count come from that list. The
results are the same: the same matches, scores and order (score, then newest page first).
"""

from wagtail.search.backends.database.sqlite.query import MatchExpression, normalize
from wagtail.search.backends.database.sqlite.sqlite import SQLiteFTSIndexEntry, SQLiteSearchResults
from wagtail.search.query import MatchAll, Not
from wagtail.search.utils import get_descendants_content_types_pks

from .ranking import KeySet, RankedOnceMixin, rows


class RankedOnceResults(RankedOnceMixin, SQLiteSearchResults):
    def _rank(self):
        compiler = self.query_compiler
        config = compiler.get_config(self.backend)
        search_query = compiler.build_search_query(normalize(compiler.query), config=config)
        matches = (
            SQLiteFTSIndexEntry.objects.filter(
                MatchExpression(compiler.fields or compiler.FTS_TABLE_FIELDS, search_query)
            )
            .filter(
                index_entry__content_type__in=get_descendants_content_types_pks(
                    compiler.queryset.model
                )
            )
            .annotate(score=compiler._build_rank_expression(compiler.get_search_vectors(), config))
        )
        found = rows(matches.values_list("index_entry__object_id", "score"))
        scores = {int(object_id): score or 0 for object_id, score in found}
        if len(scores) < len(found):
            # A page indexed under more than one type: its best score, as in Wagtail.
            for object_id, score in found:
                scores[int(object_id)] = min(scores[int(object_id)], score or 0)
        visible = self._visible()
        if visible is None:
            visible = KeySet(
                compiler.queryset.filter(pk__in=matches.values_list("index_entry__object_id"))
                .values_list("pk", flat=True)
                .order_by()
            )
        # bm25() is lower for better matches; ties go to the newest page, as in Wagtail.
        ranked = sorted([(scores[pk], -pk) for pk in visible.select(scores)])
        return [-negative for _score, negative in ranked]

    def _one_pass(self):
        query = normalize(self.query_compiler.query)
        return (
            self.query_compiler.order_by_relevance
            and self._score_field is None
            and self._integer_keys()
            and not isinstance(query, (MatchAll, Not))
        )
