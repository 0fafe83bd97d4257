"""Send contact message emails that are still due: run from cron every minute.

The background worker sends most of them straight after a message is stored; this sends
whatever it did not reach (a restart, a failing mail server), retrying failures with growing
gaps. Two runs, or a run and the worker, never send the same email: each claims it first.
"""

from django.core.management.base import BaseCommand, CommandError

from contact.notifications import outbox, send_due


class Command(BaseCommand):
    help = "Send the emails about contact messages that are due (run every minute)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit",
            type=int,
            default=100,
            help="Send at most this many emails in this run (the rest wait for the next).",
        )
        parser.add_argument(
            "--retry-failed",
            action="store_true",
            help="First give every email that was given up (too many failed attempts) a new "
            "round of attempts, for example once the mail settings are put right.",
        )

    def handle(self, *args, limit, retry_failed, **options):
        if limit < 1:
            raise CommandError("--limit must be at least 1.")
        if retry_failed:
            revived = outbox.revive_failed()
            self.stdout.write(f"{revived} email(s) given up earlier will be tried again.")
        outcome = send_due(limit=limit)
        # Quiet when there was nothing to do: cron mails whatever a job prints.
        if outcome.attempted or options["verbosity"] > 1:
            self.stdout.write(
                f"Sent {outcome.sent} contact message email(s); {outcome.failed} failed"
                + (f", {outcome.gave_up} of them given up" if outcome.gave_up else "")
                + ("; stopped early: the mail server failed" if outcome.unreachable else "")
                + "."
            )
