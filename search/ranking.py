"""What the one-pass rankings (search/sqlite_ranking.py, search/postgres_ranking.py) share.

A backend's results class with this mixin ranks every result once per search, in `_rank()`:
the count is the length of that list and each page of results a slice of it, so only the
pages shown are loaded. Searches it cannot rank that way (`_one_pass()` is false) go to the
backend's own code.
"""


class RankedOnceMixin:
    def _rank(self):
        """Primary keys of every result, best first."""
        raise NotImplementedError

    def _one_pass(self):
        raise NotImplementedError

    def _ranked(self):
        # Kept on the compiler, which the sliced copies of these results share.
        compiler = self.query_compiler
        if getattr(compiler, "_ranked", None) is None:
            compiler._ranked = self._rank()
        return compiler._ranked

    def _do_search(self):
        if not self._one_pass():
            return super()._do_search()
        ids = self._ranked()[self.start : self.stop]
        found = {page.pk: page for page in self.query_compiler.queryset.filter(pk__in=ids)}
        return [found[pk] for pk in ids if pk in found]

    def _do_count(self):
        if not self._one_pass():
            return super()._do_count()
        return len(self._ranked())
