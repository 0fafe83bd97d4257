"""PostgreSQL's full-text search configurations for the site's languages, accent-insensitive.

`psg_english` and `psg_spanish` are PostgreSQL's `english` and `spanish` with the `unaccent`
dictionary before the stemmer, so "Pérez", "Petroperú" and "Marañón" are indexed and looked
up as "perez", "petroperu" and "maranon", whichever way a reader types them. search/languages.py
chooses one for each page by its locale; the search backend (search/backends.py) indexes each
page with its language's configuration, and the search page searches each language's pages
with it.

`unaccent` ships with PostgreSQL (Debian's postgresql package; elsewhere postgresql-contrib)
and is a trusted extension, so the database's owner may create it. Undoing this migration
drops the configurations but leaves the extension, which other code may use. After migrating
an existing site, run `manage.py update_index` once so that every page is indexed with its
configuration (docs/deploy.md). Other databases skip this migration.
"""

from django.db import migrations

# (configuration, the PostgreSQL configuration it copies, its stemmer)
CONFIGURATIONS = [
    ("psg_english", "english", "english_stem"),
    ("psg_spanish", "spanish", "spanish_stem"),
]


def create_configurations(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    for name, copy, stemmer in CONFIGURATIONS:
        schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {name}")
        schema_editor.execute(f"CREATE TEXT SEARCH CONFIGURATION {name} (COPY = {copy})")
        schema_editor.execute(
            f"ALTER TEXT SEARCH CONFIGURATION {name} "
            f"ALTER MAPPING FOR hword, hword_part, word WITH unaccent, {stemmer}"
        )


def drop_configurations(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _copy, _stemmer in CONFIGURATIONS:
        schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("search", "0003_page_expire_at_index")]

    operations = [migrations.RunPython(create_configurations, drop_configurations)]
