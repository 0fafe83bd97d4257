from django.db import migrations

from wagtail.models import BootstrapTranslatableModel


class Migration(migrations.Migration):
    dependencies = [("members", "0003_translatable_bootstrap")]

    # Existing tiers and pitches are English.
    operations = [
        BootstrapTranslatableModel("members.MembershipTier"),
        BootstrapTranslatableModel("members.MembershipPitch"),
        BootstrapTranslatableModel("members.MembershipReason"),
    ]
