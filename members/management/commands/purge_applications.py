"""Data retention: delete declined applications after --declined-months and suspected spam after
--spam-days (counted from when each was received; by default MEMBERSHIP_DECLINED_RETENTION_MONTHS
and MEMBERSHIP_SUSPECTED_RETENTION_DAYS, which the privacy notice states). Nothing else is ever
deleted."""

import calendar
import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from members.models import MembershipApplication

Status = MembershipApplication.Status


def months_before(moment, months):
    """The same day and time `months` calendar months earlier (clamped to the month's end)."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def day(moment):
    """'1 March 2025', in the site's time zone."""
    local = timezone.localtime(moment)
    return f"{local.day} {local:%B %Y}"


class Command(BaseCommand):
    help = (
        "Delete declined membership applications older than --declined-months and suspected "
        "spam older than --spam-days (defaults: MEMBERSHIP_DECLINED_RETENTION_MONTHS, 12, and "
        "MEMBERSHIP_SUSPECTED_RETENTION_DAYS, 30)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--declined-months",
            type=int,
            default=None,
            help="Keep declined applications this many months after they were received.",
        )
        parser.add_argument(
            "--spam-days",
            type=int,
            default=None,
            help="Keep suspected spam this many days after it was received.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Only say how many would be deleted."
        )

    def handle(self, *args, declined_months, spam_days, dry_run, **options):
        if declined_months is None:
            declined_months = settings.MEMBERSHIP_DECLINED_RETENTION_MONTHS
        if spam_days is None:
            spam_days = settings.MEMBERSHIP_SUSPECTED_RETENTION_DAYS
        if not 1 <= declined_months <= 1200:
            raise CommandError("--declined-months must be between 1 and 1200.")
        if not 1 <= spam_days <= 36500:
            raise CommandError("--spam-days must be between 1 and 36500.")
        now = timezone.now()
        batches = [
            ("declined", Status.DECLINED, months_before(now, declined_months)),
            ("suspected spam", Status.SUSPECTED, now - datetime.timedelta(days=spam_days)),
        ]
        with transaction.atomic():
            for label, status, cutoff in batches:
                old = MembershipApplication.objects.filter(status=status, created_at__lt=cutoff)
                count = old.count()
                if dry_run:
                    self.stdout.write(
                        f"{count} {label} application(s) received before {day(cutoff)} "
                        "would be deleted (dry run: nothing deleted)."
                    )
                    continue
                old.delete()
                self.stdout.write(
                    f"Deleted {count} {label} application(s) received before {day(cutoff)}."
                )
