"""Send the bulletin emails that are due: run from cron every minute (core.outbox.SendDueCommand
says how). Each run sends, at BULLETIN_EMAILS_PER_MINUTE evenly spaced, what that pace allows
in 50 seconds, so a run ends before cron starts the next (cron's `flock -n` would otherwise
skip every other minute).

Safe to run again at any time, and after a crash: each email is claimed (for a few minutes, a
lease) before it is sent and marked as sent after, so two runs never send the same one and an
email a killed run had claimed goes once its lease runs out. The one window that cannot be
closed: a run killed after the mail server accepted an email and before it was marked as sent
sends that email again after the lease, with the same Message-ID.
"""

import math

from django.conf import settings

from bulletins import sending
from core.outbox import SendDueCommand

RUN_SECONDS = 50


class Command(SendDueCommand):
    help = "Send the bulletin emails that are due (run every minute)."
    outbox = sending.outbox
    what = "bulletin email(s)"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        # 50 seconds' worth by default, at the pace: done before the next minute's run.
        per_minute = settings.BULLETIN_EMAILS_PER_MINUTE
        parser.set_defaults(
            limit=math.ceil(per_minute * RUN_SECONDS / 60) if per_minute else 10_000
        )

    def send_due(self, *, limit):
        return sending.send_due(limit=limit)
