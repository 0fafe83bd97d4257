"""Data retention: delete contact messages (and the record of their emails) once
CONTACT_MESSAGE_RETENTION_DAYS have passed since each arrived (daily, from cron). The privacy
notice states the period."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from contact.models import ContactMessage


class Command(BaseCommand):
    help = (
        "Delete contact messages received more than --days ago (default: "
        "CONTACT_MESSAGE_RETENTION_DAYS, 180)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Keep messages this many days after they were received.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Only say how many would be deleted."
        )

    def handle(self, *args, days, dry_run, **options):
        if days is None:
            days = settings.CONTACT_MESSAGE_RETENTION_DAYS
        if not 1 <= days <= 36500:
            raise CommandError("--days must be between 1 and 36500.")
        cutoff = timezone.now() - datetime.timedelta(days=days)
        old = ContactMessage.objects.filter(created_at__lt=cutoff)
        local = timezone.localtime(cutoff)
        when = f"{local.day} {local:%B %Y}"
        if dry_run:
            self.stdout.write(
                f"{old.count()} contact message(s) received before {when} would be deleted "
                "(dry run: nothing deleted)."
            )
            return
        # Their emails' records go with them (on_delete=CASCADE); only the messages are counted.
        count = old.delete()[1].get(ContactMessage._meta.label, 0)
        self.stdout.write(f"Deleted {count} contact message(s) received before {when}.")
