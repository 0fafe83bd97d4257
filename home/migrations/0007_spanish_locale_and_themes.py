from django.db import migrations

from wagtail.models import BootstrapTranslatableModel


def add_spanish(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    Locale.objects.get_or_create(language_code="es")


class Migration(migrations.Migration):
    dependencies = [("home", "0006_translatable_bootstrap")]

    operations = [
        # The site's second language, ready for editors to translate into.
        migrations.RunPython(add_spanish, migrations.RunPython.noop),
        # Existing themes are English.
        BootstrapTranslatableModel("home.Theme"),
    ]
