"""Send contact message emails that are still due: run from cron every minute
(core.outbox.SendDueCommand says how)."""

from contact import notifications
from core.outbox import SendDueCommand


class Command(SendDueCommand):
    help = "Send the emails about contact messages that are due (run every minute)."
    outbox = notifications.outbox
    what = "contact message email(s)"

    def send_due(self, *, limit):
        return notifications.send_due(limit=limit)
