"""A GIN index on the expression Wagtail's PostgreSQL search filters on.

Wagtail's database backend matches `(title || body) @@ query` but indexes `title` and `body`
only separately, so without this PostgreSQL reads and joins the text of every index entry for
every search (wagtail/wagtail#6546). This index lets it look the words up instead.

Without statistics on the expression, PostgreSQL keeps using the index even for common words.
With them, it estimates a common word's share correctly but, not knowing that joining the two
texts row by row is costly, goes back to reading every entry, which is slower (measured by
bench/search_bench.py). Other databases skip this migration.
"""

from django.db import migrations

INDEX = "search_indexentry_title_body_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = apps.get_model("wagtailsearch", "IndexEntry")._meta.db_table
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS "{INDEX}" ON "{table}" USING gin (("title" || "body"))'
    )
    schema_editor.execute(f'ALTER INDEX "{INDEX}" ALTER COLUMN 1 SET STATISTICS 0')


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX}"')


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [migrations.RunPython(create_index, drop_index)]
