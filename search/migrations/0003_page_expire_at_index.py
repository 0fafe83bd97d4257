"""An index on Wagtail's page expiry dates, which every search filters on.

A search leaves out pages past their expiry date that publish_scheduled has not yet
unpublished. Without an index that check reads every page. Few pages have an expiry date, so
the index holds only those.
"""

from django.db import migrations

INDEX = "search_page_expire_at_idx"


def create_index(apps, schema_editor):
    table = apps.get_model("wagtailcore", "Page")._meta.db_table
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS "{INDEX}" ON "{table}" ("expire_at") '
        'WHERE "expire_at" IS NOT NULL'
    )


def drop_index(apps, schema_editor):
    schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX}"')


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_indexentry_title_body_gin"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
    ]

    operations = [migrations.RunPython(create_index, drop_index)]
