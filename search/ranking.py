"""What the one-pass rankings (search/sqlite_ranking.py, search/postgres_ranking.py) share.

A backend's results class with this mixin ranks every result once per search, in `_rank()`:
the count is the length of that list and each page of results a slice of it, so only the
pages shown are loaded. Searches it cannot rank that way (`_one_pass()` is false) go to the
backend's own code.

Which pages a search may show is a question of its own, and the site search asks it with
every search: every live, public page on the site (of a type, on a theme). Its answer changes
only when content does, so the site search keeps it (`keep_visible()`): the words are then
matched and ranked afresh against the index alone, and no query reads the pages.
"""

from django.conf import settings
from django.db import connections
from django.db.models import IntegerField

from .keeping import kept


def rows(queryset):
    """A values_list() queryset's rows straight from the cursor: Django's conversion, row by
    row, costs more than the query for a common word's thousand matches. For values that need
    no conversion (numbers, text)."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


class KeySet:
    """A set of primary keys, one bit each: a few kilobytes for a large site, read back from
    the cache in microseconds, where a Python set of ten thousand numbers takes milliseconds."""

    __slots__ = ("bits",)

    def __init__(self, keys):
        keys = list(keys)
        bits = bytearray(max(keys, default=0) // 8 + 1)
        for key in keys:
            bits[key >> 3] |= 1 << (key & 7)
        self.bits = bytes(bits)

    def select(self, keys):
        """Those of `keys` in the set, in their order."""
        bits, size = self.bits, len(self.bits)
        return [key for key in keys if key >> 3 < size and bits[key >> 3] >> (key & 7) & 1]

    def __getstate__(self):
        return self.bits

    def __setstate__(self, bits):
        self.bits = bits


class RankedOnceMixin:
    def _rank(self):
        """Primary keys of every result, best first."""
        raise NotImplementedError

    def _one_pass(self):
        raise NotImplementedError

    def _integer_keys(self):
        # Index entries hold keys as text; these rankings read them back as numbers.
        return isinstance(self.query_compiler.queryset.model._meta.pk, IntegerField)

    def keep_visible(self, key):
        """Keep the primary keys these results' queryset selects, under `key`, as a fragment:
        for querysets that change only with the content version (home/signals.py) and with
        the expiry of a live page, and that `key` tells apart. Returns the results."""
        self.query_compiler.visible_key = key
        return self

    def _visible(self):
        """The kept keys of the pages the results may show, or None if they are not kept:
        `_rank()` then asks the database."""
        compiler = self.query_compiler
        key = getattr(compiler, "visible_key", None)
        if key is None:
            return None
        return kept(
            "search-visible",
            (compiler.queryset.model._meta.label, key),
            lambda: KeySet(compiler.queryset.order_by().values_list("pk", flat=True)),
            settings.FRAGMENT_CACHE_SECONDS,
        )

    def _ranked(self):
        # Kept on the compiler, which the sliced copies of these results share.
        compiler = self.query_compiler
        if getattr(compiler, "_ranked", None) is None:
            compiler._ranked = self._rank()
        return compiler._ranked

    def page_keys(self):
        """The primary keys of these results (as sliced), best first, without loading the
        pages; None for a search the backend's own code runs."""
        return self._ranked()[self.start : self.stop] if self._one_pass() else None

    def load(self, keys):
        """The pages with these primary keys that the results' queryset selects, in order."""
        found = {page.pk: page for page in self.query_compiler.queryset.filter(pk__in=keys)}
        return [found[pk] for pk in keys if pk in found]

    def _do_search(self):
        if not self._one_pass():
            return super()._do_search()
        return self.load(self.page_keys())

    def _do_count(self):
        if not self._one_pass():
            return super()._do_count()
        return len(self._ranked())
