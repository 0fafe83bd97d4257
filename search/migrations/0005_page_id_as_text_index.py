"""An index on page ids as text, the key Wagtail's PostgreSQL search joins pages to their
index entries on.

Index entries keep an object's id as text, and Wagtail's database backend joins a page to its
entry on the page's id cast to text, which the primary key's index cannot serve: without this
index PostgreSQL reads every page for every search, even for a word found once. With it, a
rare word's few entries are found first (migration 0002) and their pages read by this index.
The expression is exactly the join's, or PostgreSQL would not use it. Other databases skip
this migration.
"""

from django.db import migrations

INDEX = "search_page_id_text_idx"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = apps.get_model("wagtailcore", "Page")._meta.db_table
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS "{INDEX}" ON "{table}" '
        '(((("id")::character varying(50))::text))'
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX}"')


class Migration(migrations.Migration):
    dependencies = [("search", "0004_text_search_configurations")]

    operations = [migrations.RunPython(create_index, drop_index)]
