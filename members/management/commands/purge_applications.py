"""Data retention, daily from cron: each membership application is deleted once the period for
its status has passed, as the privacy notice states (the settings are the defaults):

- new, never dealt with: MEMBERSHIP_NEW_RETENTION_MONTHS after it was received;
- declined: MEMBERSHIP_DECLINED_RETENTION_MONTHS after it was received;
- suspected spam: MEMBERSHIP_SUSPECTED_RETENTION_DAYS after it was received;
- lapsed: MEMBERSHIP_LAPSED_RETENTION_YEARS after it was last changed (marked lapsed, or later).

Approved applications are the memberships themselves: they are kept while the membership
lasts, and their period starts when the membership secretary marks them lapsed.
"""

import calendar
import datetime

from django.db import transaction
from django.utils import timezone

from core.retention import RetentionCommand, day
from members.models import MembershipApplication

Status = MembershipApplication.Status


def months_before(moment, months):
    """The same day and time `months` calendar months earlier (clamped to the month's end)."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


# Each period: its option, the setting that is its default, the largest value allowed, its help.
PERIODS = [
    ("new_months", "MEMBERSHIP_NEW_RETENTION_MONTHS", 1200, "Keep new applications nobody "
     "has dealt with this many months after they were received."),
    ("declined_months", "MEMBERSHIP_DECLINED_RETENTION_MONTHS", 1200, "Keep declined "
     "applications this many months after they were received."),
    ("spam_days", "MEMBERSHIP_SUSPECTED_RETENTION_DAYS", 36500, "Keep suspected spam this "
     "many days after it was received."),
    ("lapsed_years", "MEMBERSHIP_LAPSED_RETENTION_YEARS", 100, "Keep lapsed memberships this "
     "many years after they were last changed."),
]  # fmt: skip
FIELDS = {"received": "created_at", "last changed": "updated_at"}


class Command(RetentionCommand):
    help = (
        "Delete membership applications whose retention period has passed: new ones after "
        "--new-months, declined ones after --declined-months and suspected spam after "
        "--spam-days from when they were received, lapsed ones after --lapsed-years from when "
        "they were last changed. Approved applications are kept."
    )

    periods = PERIODS

    def handle(self, *args, dry_run, **options):
        period = self.chosen_periods(options)
        now = timezone.now()
        new, declined = period["new_months"], period["declined_months"]
        spam, lapsed = datetime.timedelta(days=period["spam_days"]), period["lapsed_years"] * 12
        batches = [
            ("new", Status.NEW, "received", months_before(now, new)),
            ("declined", Status.DECLINED, "received", months_before(now, declined)),
            ("suspected spam", Status.SUSPECTED, "received", now - spam),
            ("lapsed", Status.LAPSED, "last changed", months_before(now, lapsed)),
        ]
        with transaction.atomic():
            for label, status, since, cutoff in batches:
                old = MembershipApplication.objects.filter(
                    status=status, **{f"{FIELDS[since]}__lt": cutoff}
                )
                count = old.count()
                if dry_run:
                    self.stdout.write(
                        f"{count} {label} application(s) {since} before {day(cutoff)} "
                        "would be deleted (dry run: nothing deleted)."
                    )
                    continue
                old.delete()
                self.stdout.write(
                    f"Deleted {count} {label} application(s) {since} before {day(cutoff)}."
                )
