"""Ranking on SQLite (the development database): titles first, as on PostgreSQL.

Wagtail's SQLite backend as it ships (modelsearch 1.3) matches and counts well but scores a
row by FTS5's bm25 over all its columns alike, times the title's length norm whether or not
the title matched: a short title without the words outranked a long one with them, and a
story sharing only a region tag or theme with the words came first. Here each search word
scores its title matches `TITLE_WEIGHT` times over plus its body matches (summary, text, tags),
as PostgreSQL weighs a title (boost 2: weight B) far above the body and tags (weight D).

Imported only on SQLite: the backend's modules read models that exist only there.
"""

from wagtail.search.backends.database.sqlite.query import BM25
from wagtail.search.backends.database.sqlite.sqlite import (
    SQLiteSearchBackend,
    SQLiteSearchQueryCompiler,
)
from wagtail.search.query import Not, Phrase, PlainText

# The columns of the SQLite index (the FTS5 table Wagtail's search migration 0006 makes), in
# order.
COLUMNS = ("autocomplete", "body", "title")
# How many times a match in the title counts for one in the body: enough that a title match
# comes first on pages up to about nine times the average length (bm25 shrinks the matches of
# long pages).
TITLE_WEIGHT = 10.0


class ColumnBM25(BM25):
    """FTS5's bm25() of one column of the index: the others weigh nothing."""

    def __init__(self, column):
        super().__init__()
        self.weights = ", ".join("1.0" if name == column else "0.0" for name in COLUMNS)

    def as_sql(self, compiler, connection, function=None, template=None):
        sql, params = super().as_sql(compiler, connection)
        return f"{sql.removesuffix(')')}, {self.weights})", params


class TitleFirstCompiler(SQLiteSearchQueryCompiler):
    """Wagtail's SQLite query compiler, ranking as the module says (bm25 is negative: the
    lowest score ranks first)."""

    def get_search_vectors(self):
        # One score per row, not the row's bm25 once more times its title's length norm.
        return [(None, 1.0)]

    def build_tsrank(self, vector, query, config=None, boost=1.0):
        if isinstance(query, (Phrase, PlainText, Not)):
            return (TITLE_WEIGHT * ColumnBM25("title") + ColumnBM25("body")) * boost
        return super().build_tsrank(vector, query, config=config, boost=boost)


class TitleFirstBackend(SQLiteSearchBackend):
    query_compiler_class = TitleFirstCompiler


def title_first(backend, params):
    """The SQLite backend ranking titles first, for Wagtail's database backend `backend`, or
    `backend` itself when it is not SQLite's full-text one (SQLite built without FTS5)."""
    return TitleFirstBackend(params) if isinstance(backend, SQLiteSearchBackend) else backend
