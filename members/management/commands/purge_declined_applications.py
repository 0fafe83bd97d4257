"""Delete declined membership applications older than a number of months (data retention)."""

import calendar

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from members.models import MembershipApplication


def months_before(moment, months):
    """The same day and time `months` calendar months earlier (clamped to the month's end)."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


class Command(BaseCommand):
    help = "Delete declined membership applications older than --months (default 12)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--months",
            type=int,
            default=12,
            help="Keep declined applications this many months after they were received.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Only say how many would be deleted."
        )

    def handle(self, *args, months, dry_run, **options):
        if not 1 <= months <= 1200:
            raise CommandError("--months must be between 1 and 1200.")
        cutoff = months_before(timezone.now(), months)
        old = MembershipApplication.objects.filter(
            status=MembershipApplication.Status.DECLINED, created_at__lt=cutoff
        )
        count = old.count()
        if dry_run:
            self.stdout.write(
                f"{count} declined application(s) received before {cutoff:%d %B %Y} "
                "would be deleted (dry run: nothing deleted)."
            )
            return
        old.delete()
        self.stdout.write(
            f"Deleted {count} declined application(s) received before {cutoff:%d %B %Y}."
        )
