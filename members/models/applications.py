"""Membership tiers, the applications people send, and the emails each application needs."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext

from wagtail.admin.panels import FieldPanel
from wagtail.models import TranslatableMixin
from wagtail.search import index

from core.i18n import in_reader_language
from core.outbox import OutboxEmail


class MembershipTier(TranslatableMixin, index.Indexed, models.Model):
    name = models.CharField(max_length=80, help_text="e.g. 'Individual', 'Unwaged or student'.")
    annual_fee = models.DecimalField(
        "annual fee (£)",
        max_digits=7,
        decimal_places=2,
        validators=[MinValueValidator(0)],
        help_text="In pounds a year, e.g. 30 or 12.50.",
    )
    description = models.CharField(
        "who it is for",
        max_length=250,
        blank=True,
        help_text="One line on who should choose this tier.",
    )
    sort_order = models.PositiveSmallIntegerField(
        default=0, help_text="Tiers are listed from the lowest number up."
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("annual_fee"),
        FieldPanel("description"),
        FieldPanel("sort_order"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta(TranslatableMixin.Meta):
        ordering = ["sort_order", "annual_fee", "name"]
        verbose_name = "membership tier"
        constraints = [
            models.UniqueConstraint(fields=["locale", "name"], name="unique_tier_name_per_locale")
        ]

    def __str__(self):
        # The join form's choices and the applicant's email show it, in the reader's language.
        fee = gettext("%(fee)s a year") % {"fee": self.fee_display}
        return f"{self.name} ({fee})"

    @property
    def fee_display(self):
        """'£25' or '£12.50'."""
        return f"£{self.annual_fee:.2f}".removesuffix(".00")


def tiers_for_reader() -> list[MembershipTier]:
    """The tiers in the reader's language: each English tier, or its translation once there is
    one, in order."""

    return in_reader_language(MembershipTier)


class MembershipApplication(models.Model):
    class Status(models.TextChoices):
        NEW = "new", "New"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"
        LAPSED = "lapsed", "Lapsed"
        # Kept, never emailed on, until someone releases it (sets it to New) or it is purged.
        SUSPECTED = "suspected", "Suspected spam"

    class SpamReason(models.TextChoices):
        TRAP = "trap", "the hidden 'leave this empty' field was filled in"
        TOO_FAST = "too_fast", "sent within seconds of the form being opened"
        BAD_TOKEN = "bad_token", "the form's timing token was missing or not valid"
        EXPIRED = "expired", "the form had been open for too long"
        RATE = "rate", "more applications from one connection in an hour than the limit"
        REPEAT = "repeat", "an application from this email address was already new"

    full_name = models.CharField(max_length=200)
    email = models.EmailField(max_length=254)
    address = models.TextField("home address", max_length=500, blank=True)
    postcode = models.CharField(max_length=16, blank=True)
    country = models.CharField(max_length=100)
    tier = models.ForeignKey(MembershipTier, on_delete=models.PROTECT, related_name="applications")
    heard_about = models.CharField("how they heard of us", max_length=300, blank=True)
    gift_aid = models.BooleanField("Gift Aid declaration", default=False)
    gift_aid_wording = models.TextField(
        "Gift Aid declaration as made",
        blank=True,
        help_text="The words the applicant agreed to, as the join form showed them (in their "
        "language): HMRC asks charities to keep a record of each declaration.",
    )
    consent = models.BooleanField("consented to data being held", default=False)
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.NEW,
        db_index=True,
        help_text="'Suspected spam': the join form's checks took it for an automated "
        "submission, so nobody was emailed. If it is genuine, set it to 'New': the membership "
        "secretary and the applicant are then emailed as for any new application.",
    )
    spam_reason = models.CharField(
        "why it looked like spam",
        max_length=10,
        choices=SpamReason.choices,
        blank=True,
    )
    language = models.CharField(
        max_length=15,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text="The language the applicant was reading the site in: the emails to them are "
        "written in it.",
    )
    created_at = models.DateTimeField("received", auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    # What the applicant fills in, in the order the form, the register and exports show it.
    APPLICANT_FIELDS = (
        "full_name",
        "email",
        "address",
        "postcode",
        "country",
        "tier",
        "heard_about",
        "gift_aid",
        "consent",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "membership application"
        constraints = [
            # One open application per person, even if two posts race each other. Suspected
            # spam is not open: it never stands in the way of a genuine application.
            models.UniqueConstraint(
                Lower("email"),
                condition=models.Q(status="new"),
                name="one_new_application_per_email",
                violation_error_message="There is already a new application from this email "
                "address. Deal with that one first, or set this one to another status.",
            )
        ]

    def __str__(self):
        return f"{self.full_name} <{self.email}>"

    @property
    def is_suspected(self):
        return self.status == self.Status.SUSPECTED

    def email_record(self, kind):
        """What became of one of this application's emails, in words."""
        email = next((e for e in self.emails.all() if e.kind == kind), None)
        if email is not None:
            return email.describe()
        if self.is_suspected:
            return "Not sent: suspected spam is never emailed on."
        if kind == ApplicationEmail.Kind.SECRETARY:
            return (
                "Not recorded: no membership secretary's email was set, or the application "
                "arrived before emails were recorded."
            )
        return "Not recorded: the application arrived before emails were recorded."

    @property
    def secretary_email_record(self):
        return self.email_record(ApplicationEmail.Kind.SECRETARY)

    secretary_email_record.fget.short_description = "email to the membership secretary"

    @property
    def applicant_email_record(self):
        return self.email_record(ApplicationEmail.Kind.APPLICANT)

    applicant_email_record.fget.short_description = "confirmation to the applicant"


class ApplicationEmail(OutboxEmail):
    """One email an application needs, written in the same transaction as the application.

    Senders (the background worker, `send_membership_emails`) claim a row before sending it, so
    two of them never send the same email; a row records each attempt and when it went.
    """

    class Kind(models.TextChoices):
        SECRETARY = "secretary", "To the membership secretary"
        APPLICANT = "applicant", "Confirmation to the applicant"
        # Sent at most once per application, whoever applies again in its name.
        REPEAT = "repeat", "To the applicant, about a repeat application"

    application = models.ForeignKey(
        MembershipApplication, on_delete=models.CASCADE, related_name="emails"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)

    class Meta:
        verbose_name = "application email"
        constraints = [
            models.UniqueConstraint(fields=["application", "kind"], name="one_email_of_each_kind")
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="application_email_due")]

    def __str__(self):
        return f"{self.get_kind_display()} about application {self.application_id}"
