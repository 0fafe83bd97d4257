"""Delete throttle counts that no longer count (daily, from cron)."""

from django.core.management.base import BaseCommand

from core import signin
from core.throttling import purge_expired

# Other doors (the join form, say) keep their own limits; none counts over more than a day,
# so a day's events are always kept, whatever the sign-in windows are.
AT_LEAST_SECONDS = 86400


class Command(BaseCommand):
    help = (
        "Delete throttle events older than the longest window (at least a day), and the "
        "addresses accounts have signed in from once SIGNIN_KNOWN_ADDRESS_DAYS have passed."
    )

    def handle(self, *args, **options):
        older_than = max(AT_LEAST_SECONDS, signin.longest_failure_window())
        deleted = purge_expired(older_than, keep={signin.KNOWN: signin.known_address_seconds()})
        if options["verbosity"] > 0:
            self.stdout.write(f"Deleted {deleted} throttle event{'s' if deleted != 1 else ''}.")
