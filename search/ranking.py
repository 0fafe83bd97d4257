"""Search results ranked once per search, on Wagtail's SQLite and PostgreSQL backends.

Wagtail's SQLite backend orders results by relevance with a correlated subquery that runs the
whole full-text match again for every matching page: more than a second for a word found in
a thousand pages (0.7 to 7 s at 10,000 news items, bench/RESULTS.md). Its PostgreSQL backend
matches the words twice for a page of results (the count, then the page) and joins every page
on the site to its index entry on a key cast to text, which no index serves (about 20 ms for
'Lima' at 10,000 items, against 4 here). So here every result is ranked once per search, with
the backend's own match and rank expression (core/adapters/modelsearch.py): the count is the
length of that list and each page of results a slice of it, so only the pages shown are
loaded. The results and their order are the backend's (tests/test_search.py compares them).

Which pages a search may show is a question of its own, asked with every search: every live,
public page on the site (of a type, on a theme). Its answer changes only with the content, so
the site search caches it (`cache_visible()`) as a set of keys; the words are then matched and
ranked against the index alone and no query reads the pages.

Readers see the pages of their language first (search/languages.py): `prefer()` names
them, and the one ranking is cut in two, those pages first, each part in the backend's order.

SEARCH_ONE_PASS_RANKING = False leaves every search to Wagtail's backend.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable

from django.conf import settings
from django.db import connection
from django.db.models import IntegerField

from core.adapters.django import raw_rows
from core.adapters.modelsearch import (
    ResultsHooks,
    database_results_class,
    postgres_matches,
    rankable,
    scores_requested,
    sqlite_matches,
)

from .caching import cached_until_expiry


class KeySet:
    """A set of primary keys, one bit each: a few kilobytes for a large site, read back from
    the cache in microseconds, where a Python set of ten thousand numbers takes milliseconds."""

    __slots__ = ("bits",)

    def __init__(self, keys: Iterable[int]):
        keys = list(keys)
        bits = bytearray(max(keys, default=0) // 8 + 1)
        for key in keys:
            bits[key >> 3] |= 1 << (key & 7)
        self.bits = bytes(bits)

    def select(self, keys: Iterable[int]) -> list[int]:
        """Those of `keys` in the set, in their order."""
        bits, size = self.bits, len(self.bits)
        return [key for key in keys if key >> 3 < size and bits[key >> 3] >> (key & 7) & 1]

    def __getstate__(self):
        return self.bits

    def __setstate__(self, bits):
        self.bits = bits


class RankedOnce(ResultsHooks):
    """Ranking shared by both databases; `rank()` is each database's own."""

    def rank(self) -> list[int]:
        """Primary keys of every result, best first."""
        raise NotImplementedError

    def one_pass(self) -> bool:
        compiler = self.query_compiler
        return (
            compiler.order_by_relevance
            and not scores_requested(self)
            and isinstance(compiler.queryset.model._meta.pk, IntegerField)
            and rankable(compiler)
        )

    def cache_visible(self, scope: Hashable) -> RankedOnce:
        """Cache which pages these results' queryset selects, under `scope`: for querysets
        that change only with the content version and the expiry of a live page, and that
        `scope` tells apart. Returns the results."""
        self.query_compiler.visible_scope = scope
        return self

    def prefer(self, scope: Hashable, pages) -> bool:
        """List the results among `pages` (a queryset) first, then the others, each part
        ranked as the backend ranks them; which pages those are is cached under `scope`, as
        in `cache_visible()`. Returns whether the ranking will (False: the backend ranks this
        search itself, and the caller must put the parts in order)."""
        if not self.one_pass():
            return False
        self.query_compiler.preferred = (scope, pages)
        return True

    def preferred(self) -> KeySet | None:
        """The keys of the pages to list first (`prefer()`), cached; None for no preference."""
        preference = getattr(self.query_compiler, "preferred", None)
        if preference is None:
            return None
        scope, pages = preference
        return cached_until_expiry(
            "search-preferred",
            (pages.model._meta.label, scope),
            lambda: KeySet(pages.order_by().values_list("pk", flat=True)),
            settings.FRAGMENT_CACHE_SECONDS,
        )

    def visible(self) -> KeySet | None:
        """The cached keys of the pages the results may show; None if not cached (`rank()`
        then asks the database)."""
        compiler = self.query_compiler
        scope = getattr(compiler, "visible_scope", None)
        if scope is None:
            return None
        return cached_until_expiry(
            "search-visible",
            (compiler.queryset.model._meta.label, scope),
            lambda: KeySet(compiler.queryset.order_by().values_list("pk", flat=True)),
            settings.FRAGMENT_CACHE_SECONDS,
        )

    def ranked_keys(self) -> list[int] | None:
        """Every result's key, best first (ranked once, shared by the sliced copies of these
        results); None for a search the backend runs itself."""
        if not self.one_pass():
            return None
        compiler = self.query_compiler
        if getattr(compiler, "ranked", None) is None:
            ranked = self.rank()
            preferred = self.preferred()
            if preferred is not None:
                first = set(preferred.select(ranked))
                ranked = [pk for pk in ranked if pk in first] + [
                    pk for pk in ranked if pk not in first
                ]
            compiler.ranked = ranked
        return compiler.ranked

    def page_keys(self) -> list[int] | None:
        """The keys of these results (as sliced), best first, without loading the pages; None
        for a search the backend runs itself."""
        ranked = self.ranked_keys()
        return None if ranked is None else ranked[self.start : self.stop]

    def load(self, keys: list[int]) -> list:
        """The pages with these keys that the results' queryset selects, in order."""
        found = {page.pk: page for page in self.query_compiler.queryset.filter(pk__in=keys)}
        return [found[pk] for pk in keys if pk in found]


class SQLiteRanking(RankedOnce):
    def rank(self) -> list[int]:
        compiler = self.query_compiler
        matches = sqlite_matches(compiler, self.backend)
        found = raw_rows(matches)
        scores = {int(object_id): score or 0 for object_id, score in found}
        if len(scores) < len(found):
            # A page indexed under more than one type: its best score, as in Wagtail.
            for object_id, score in found:
                scores[int(object_id)] = min(scores[int(object_id)], score or 0)
        visible = self.visible()
        if visible is None:
            visible = KeySet(
                compiler.queryset.filter(pk__in=matches.values_list("index_entry__object_id"))
                .values_list("pk", flat=True)
                .order_by()
            )
        # bm25() is lower for better matches; ties go to the newest page, as in Wagtail.
        ranked = sorted([(scores[pk], -pk) for pk in visible.select(scores)])
        return [-negative for _score, negative in ranked]


class PostgresRanking(RankedOnce):
    def one_pass(self) -> bool:
        return self.query_compiler.fields is None and super().one_pass()

    def rank(self) -> list[int]:
        compiler = self.query_compiler
        matches = postgres_matches(compiler, self.backend)
        visible = self.visible()
        if visible is None:
            return list(matches.filter(matched_page__in=compiler.queryset.order_by().values("pk")))
        return visible.select([pk for (pk,) in raw_rows(matches)])


def ranked_results_class(backend) -> type | None:
    """`backend`'s results class with the one-pass ranking, or None where it does not apply."""
    base = database_results_class(backend)
    if base is None:
        return None
    ranking = SQLiteRanking if connection.vendor == "sqlite" else PostgresRanking
    return type(f"{ranking.__name__}Results", (ranking, base), {})
