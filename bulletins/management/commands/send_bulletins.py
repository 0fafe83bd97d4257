"""Send the bulletin emails that are due: run from cron every minute (core.outbox.SendDueCommand
says how). Each run sends at most a minute's worth (BULLETIN_EMAILS_PER_MINUTE), evenly
spaced, so a run ends about when cron starts the next.

Safe to run again at any time, and after a crash: each email is claimed (for a few minutes, a
lease) before it is sent and marked as sent after, so two runs never send the same one and an
email a killed run had claimed goes once its lease runs out. The one window that cannot be
closed: a run killed after the mail server accepted an email and before it was marked as sent
sends that email again after the lease, with the same Message-ID.
"""

from django.conf import settings

from bulletins import sending
from core.outbox import SendDueCommand


class Command(SendDueCommand):
    help = "Send the bulletin emails that are due (run every minute)."
    outbox = sending.outbox
    what = "bulletin email(s)"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        # A minute's worth by default: the pace spreads them over the minute.
        parser.set_defaults(limit=settings.BULLETIN_EMAILS_PER_MINUTE or 10_000)

    def send_due(self, *, limit):
        return sending.send_due(limit=limit)
