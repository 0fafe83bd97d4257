"""Purge the whole site from the caches in front when a purge is owed: one failed earlier, or
the code changed since the last one (a deploy). Run every minute (docs/deploy.md)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from wagtail.contrib.frontend_cache.utils import get_backends

from core.frontend_cache import purge_everything
from core.models import FrontendCachePurge


class Command(BaseCommand):
    help = (
        "Purge the whole site from the caches in front (WAGTAILFRONTENDCACHE) if a purge failed "
        "earlier or the code changed since the last one; --all purges in any case."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Purge whatever the record says.")

    def handle(self, *args, all=False, **options):
        if not get_backends():
            # `make run`, and any site with nothing in front: nothing is ever owed.
            if all:
                purge_everything()  # the template fragments, at least
                self.stdout.write("No cache in front is configured (FRONTEND_CACHE_PURGE_URL).")
            return
        record = FrontendCachePurge.load()
        if all:
            reason = "asked to"
        elif record.pending_since:
            reason = f"a purge has failed since {record.pending_since:%Y-%m-%d %H:%M:%S}"
        elif record.purged_code_version != settings.CODE_VERSION:
            reason = f"new code ({settings.CODE_VERSION})"
        else:
            return
        if not purge_everything():
            record.refresh_from_db()
            raise CommandError(
                f"Purge failed ({reason}; attempt {record.attempts}): {record.last_error}"
            )
        if options["verbosity"]:
            self.stdout.write(f"Purged the caches in front: {reason}.")
