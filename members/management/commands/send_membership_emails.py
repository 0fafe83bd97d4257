"""Send membership application emails that are still due: run from cron every minute
(core.outbox.SendDueCommand says how)."""

from core.outbox import SendDueCommand
from members import notifications


class Command(SendDueCommand):
    help = "Send the membership application emails that are due (run every minute)."
    outbox = notifications.outbox
    what = "membership email(s)"

    def send_due(self, *, limit):
        return notifications.send_due(limit=limit)
