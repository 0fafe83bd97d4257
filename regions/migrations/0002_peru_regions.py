from django.db import migrations


def load_regions(apps, schema_editor):
    from regions.data import peru_regions

    Region = apps.get_model("regions", "Region")
    for region in peru_regions():
        Region.objects.update_or_create(code=region.pop("code"), defaults=region)


class Migration(migrations.Migration):
    dependencies = [("regions", "0001_initial")]

    operations = [migrations.RunPython(load_regions, migrations.RunPython.noop)]
