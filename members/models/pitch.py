"""'Why join?': the membership pitch snippet, written once and placed wherever editors like."""

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models

from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, PageChooserPanel
from wagtail.models import (
    DraftStateMixin,
    Orderable,
    PreviewableMixin,
    RevisionMixin,
    TranslatableMixin,
)


class MembershipPitch(
    TranslatableMixin, PreviewableMixin, DraftStateMixin, RevisionMixin, ClusterableModel
):
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

    class Meta(TranslatableMixin.Meta):
        verbose_name = "membership pitch"

    def __str__(self):
        return self.heading

    @property
    def revisions(self):
        return self._revisions

    def get_preview_template(self, request, mode_name):
        return "members/membership_pitch_preview.html"


class MembershipReason(TranslatableMixin, Orderable):
    pitch = ParentalKey(MembershipPitch, on_delete=models.CASCADE, related_name="reasons")
    text = models.CharField(
        max_length=200, help_text="One reason, e.g. 'Support the work of the Peru Support Group'."
    )

    panels = [FieldPanel("text")]

    class Meta(TranslatableMixin.Meta, Orderable.Meta):
        pass

    def __str__(self):
        return self.text
