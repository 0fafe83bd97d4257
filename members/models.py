from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Lower

from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, PageChooserPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import DraftStateMixin, Orderable, Page, PreviewableMixin, RevisionMixin
from wagtail.search import index

from core.privacy import CachedPrivacyMixin
from home.blocks import RICH_TEXT_FEATURES


class MembershipPitch(PreviewableMixin, DraftStateMixin, RevisionMixin, ClusterableModel):
    """'Why join?': written once, shown wherever editors place it."""

    heading = models.CharField(
        max_length=120,
        default="Why join the PSG?",
        help_text="The question or invitation at the top, e.g. 'Why join the PSG?'.",
    )
    cta_label = models.CharField(
        "button text",
        max_length=80,
        default="Become a member",
        help_text="What the link to the join page says.",
    )
    cta_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="button links to",
        help_text="Usually the Join page. Without a page, no button is shown.",
    )
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="membership_pitch")

    panels = [
        FieldPanel("heading"),
        InlinePanel(
            "reasons",
            heading="Reasons to join",
            label="Reason",
            min_num=1,
            help_text="Short reasons, shown as a list in this order.",
        ),
        FieldPanel("cta_label"),
        PageChooserPanel("cta_page"),
    ]

    class Meta:
        verbose_name = "membership pitch"

    def __str__(self):
        return self.heading

    @property
    def revisions(self):
        return self._revisions

    def get_preview_template(self, request, mode_name):
        return "members/membership_pitch_preview.html"


class MembershipReason(Orderable):
    pitch = ParentalKey(MembershipPitch, on_delete=models.CASCADE, related_name="reasons")
    text = models.CharField(
        max_length=200, help_text="One reason, e.g. 'Support the work of the Peru Support Group'."
    )

    panels = [FieldPanel("text")]

    def __str__(self):
        return self.text


class MembershipTier(index.Indexed, models.Model):
    name = models.CharField(
        max_length=80, unique=True, help_text="e.g. 'Individual', 'Unwaged or student'."
    )
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

    class Meta:
        ordering = ["sort_order", "annual_fee", "name"]
        verbose_name = "membership tier"

    def __str__(self):
        return f"{self.name} ({self.fee_display} a year)"

    @property
    def fee_display(self):
        """'£25' or '£12.50'."""
        return f"£{self.annual_fee:.2f}".removesuffix(".00")


class MembershipApplication(models.Model):
    class Status(models.TextChoices):
        NEW = "new", "New"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"
        LAPSED = "lapsed", "Lapsed"

    full_name = models.CharField(max_length=200)
    email = models.EmailField(max_length=254)
    address = models.TextField("postal address", max_length=500, blank=True)
    country = models.CharField(max_length=100)
    tier = models.ForeignKey(MembershipTier, on_delete=models.PROTECT, related_name="applications")
    heard_about = models.CharField("how they heard of us", max_length=300, blank=True)
    gift_aid = models.BooleanField("Gift Aid declaration", default=False)
    consent = models.BooleanField("consented to data being held", default=False)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.NEW, db_index=True
    )
    created_at = models.DateTimeField("received", auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    # What the applicant fills in, in the order the form, the register and exports show it.
    APPLICANT_FIELDS = (
        "full_name",
        "email",
        "address",
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
            # One open application per person, even if two posts race each other.
            models.UniqueConstraint(
                Lower("email"),
                condition=models.Q(status="new"),
                name="one_new_application_per_email",
            )
        ]

    def __str__(self):
        return f"{self.full_name} <{self.email}>"


@register_setting(icon="mail")
class MembershipSettings(BaseSiteSetting):
    secretary_email = models.EmailField(
        "membership secretary's email",
        blank=True,
        help_text="New applications are sent here. Leave blank to send none (they are still "
        "saved in the register).",
    )

    panels = [FieldPanel("secretary_email")]

    class Meta:
        verbose_name = "membership settings"


class JoinPage(CachedPrivacyMixin, RoutablePageMixin, Page):
    intro = RichTextField(
        features=RICH_TEXT_FEATURES,
        blank=True,
        help_text="Shown above the membership tiers and the form.",
    )
    thank_you_text = RichTextField(
        features=RICH_TEXT_FEATURES,
        blank=True,
        help_text="Shown after someone applies, e.g. what happens next and how to pay.",
    )

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("thank_you_text")]

    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count = 1
    page_description = "The membership page: tiers and the application form. Only one is needed."

    def get_tiers(self):
        return MembershipTier.objects.all()

    @path("")
    def join(self, request):
        from .views import join

        return join(request, self)

    @path("thanks/", name="thanks")
    def thanks(self, request):
        return self.render(request, template="members/join_page_thanks.html")
