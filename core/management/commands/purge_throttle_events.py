"""Delete throttle counts that no longer count (daily, from cron)."""

from django.core.management.base import BaseCommand

from core import signin
from core.throttling import purge_expired


class Command(BaseCommand):
    help = (
        "Delete throttle events older than the longest window (at least a day), and the "
        "addresses accounts have signed in from once SIGNIN_KNOWN_ADDRESS_DAYS have passed."
    )

    def handle(self, *args, **options):
        deleted = purge_expired(
            signin.counts_kept_seconds(), keep={signin.KNOWN: signin.known_address_seconds()}
        )
        if options["verbosity"] > 0:
            self.stdout.write(f"Deleted {deleted} throttle event{'s' if deleted != 1 else ''}.")
