"""Django's internal names: a queryset's SQL, to read its rows without Django's row objects.

Checked by tests/test_adapters.py::TestDjango.
"""

from __future__ import annotations

from django.db import connections
from django.db.models import QuerySet


def raw_rows(queryset: QuerySet) -> list[tuple]:
    """A values_list() queryset's rows straight from the cursor.

    For values that need no conversion (numbers, text): for a common word's thousand search
    matches, Django's conversion row by row costs more than the query (search/ranking.py).
    """
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
