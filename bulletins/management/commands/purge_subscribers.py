"""Data retention for Peru Update, daily from cron, as the privacy notice states (the settings are
the defaults):

- sign-ups never confirmed: BULLETIN_PENDING_RETENTION_DAYS after the last sign-up (or the
  last confirmation email asked for);
- those who left or whose address stopped working: BULLETIN_UNSUBSCRIBED_RETENTION_DAYS after
  they left. Their address stays on the suppression list, as a hash only, so that nothing
  brings it back unless its owner confirms a new sign-up;
- the record of each delivery (an address a bulletin went to, and when):
  BULLETIN_DELIVERY_RETENTION_DAYS after the send. The send itself is kept, with the number of
  subscribers it went to.

Confirmed subscribers are kept while they stay subscribed. The admin's history of a deleted
subscriber, which names the address, goes with them.
"""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from wagtail.models import ModelLogEntry

from bulletins.models import BulletinDelivery, Subscriber, Suppression
from bulletins.models.subscribers import address_hash
from core.outbox import OutboxEmail
from core.retention import RetentionCommand, day

Status = Subscriber.Status

# Each period: its option, the setting that is its default, the largest value allowed, its help.
PERIODS = [
    ("pending_days", "BULLETIN_PENDING_RETENTION_DAYS", 36500, "Keep sign-ups nobody "
     "confirmed this many days after the last sign-up."),
    ("unsubscribed_days", "BULLETIN_UNSUBSCRIBED_RETENTION_DAYS", 36500, "Keep those who left "
     "or bounced this many days after they did (their address stays suppressed, as a hash)."),
    ("delivery_days", "BULLETIN_DELIVERY_RETENTION_DAYS", 36500, "Keep the record of each "
     "delivery this many days after the send."),
]  # fmt: skip


class Command(RetentionCommand):
    help = (
        "Delete what Peru Update no longer needs: unconfirmed sign-ups after --pending-days, "
        "those who left or bounced after --unsubscribed-days (their address stays on the "
        "suppression list as a hash), delivery records after --delivery-days."
    )

    periods = PERIODS

    def handle(self, *args, dry_run, **options):
        period = self.chosen_periods(options)
        now = timezone.now()
        pending_cutoff = now - datetime.timedelta(days=period["pending_days"])
        left_cutoff = now - datetime.timedelta(days=period["unsubscribed_days"])
        delivery_cutoff = now - datetime.timedelta(days=period["delivery_days"])

        pending = Subscriber.objects.filter(
            Q(confirmation_sent_at__isnull=True) | Q(confirmation_sent_at__lt=pending_cutoff),
            status=Status.PENDING,
            created_at__lt=pending_cutoff,
        )
        left = Subscriber.objects.filter(
            Q(unsubscribed_at__lt=left_cutoff)
            | Q(unsubscribed_at__isnull=True, updated_at__lt=left_cutoff),
            status__in=[Status.UNSUBSCRIBED, Status.SUPPRESSED],
        )
        # Never one still waiting to be sent: its subscriber would be skipped.
        deliveries = BulletinDelivery.objects.filter(send__created_at__lt=delivery_cutoff).exclude(
            state=OutboxEmail.State.PENDING
        )
        batches = [
            ("unconfirmed sign-up(s) made", pending, pending_cutoff),
            ("subscriber(s) who left", left, left_cutoff),
            ("delivery record(s) of bulletins sent", deliveries, delivery_cutoff),
        ]
        with transaction.atomic():
            if not dry_run:
                self.keep_suppressed(left)
            for label, queryset, cutoff in batches:
                if dry_run:
                    self.stdout.write(
                        f"{queryset.count()} {label} before {day(cutoff)} would be deleted "
                        "(dry run: nothing deleted)."
                    )
                    continue
                if queryset.model is Subscriber:
                    self.forget_history(queryset)
                count = queryset.delete()[1].get(queryset.model._meta.label, 0)
                self.stdout.write(f"Deleted {count} {label} before {day(cutoff)}.")

    @staticmethod
    def keep_suppressed(left):
        """Their addresses on the suppression list before they are deleted, if not there yet."""
        reasons = {
            Status.UNSUBSCRIBED: Suppression.Reason.UNSUBSCRIBED,
            Status.SUPPRESSED: Suppression.Reason.BOUNCED,
        }
        Suppression.objects.bulk_create(
            [
                Suppression(address_hash=address_hash(email), reason=reasons[status])
                for email, status in left.values_list("email", "status")
            ],
            ignore_conflicts=True,
        )

    @staticmethod
    def forget_history(subscribers):
        ModelLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Subscriber),
            object_id__in=[str(pk) for pk in subscribers.values_list("pk", flat=True)],
        ).delete()
