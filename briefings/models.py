from django import forms
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_noop

from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from home.blocks import BodyStreamBlock
from home.models import (
    SUMMARY_MAX_LENGTH,
    BasePage,
    IndexPage,
    ListingImageMixin,
    RelatedPage,
    Theme,
    localize_themes,
    source_language_themes,
)
from home.previews import ListingPreviewMixin
from home.related import RelatedStoriesMixin
from regions.models import Region, by_label

# BriefingIndexPage's name as readers see it in search results (BasePage.get_verbose_name).
gettext_noop("briefing index page")


class BriefingIndexPage(IndexPage):
    parent_page_types = ["home.HomePage"]
    subpage_types = ["briefings.BriefingPage"]
    max_count = 1
    page_description = "The list of briefings. Add briefings under this page."

    # In the order editors arrange them in the page tree.
    listing_order = ("path",)


# BriefingPage's name as readers see it in search results (BasePage.get_verbose_name).
gettext_noop("briefing page")


class BriefingPage(ListingPreviewMixin, RelatedStoriesMixin, ListingImageMixin, BasePage):
    summary = models.TextField(
        max_length=SUMMARY_MAX_LENGTH,
        help_text="A sentence or a short paragraph shown in listings, search results and when "
        f"the page is shared (at most {SUMMARY_MAX_LENGTH} characters).",
    )
    body = StreamField(BodyStreamBlock(), blank=True, help_text="The briefing itself.")
    last_reviewed = models.DateField(
        help_text="When an editor last checked this briefing was still accurate. "
        "Readers see it under the title."
    )
    pdf = models.ForeignKey(
        "wagtaildocs.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="PDF version",
        help_text="Optional printable version offered as a download.",
    )
    themes = ParentalManyToManyField(
        Theme,
        blank=True,
        limit_choices_to=source_language_themes,
        help_text="Choose the subjects this briefing covers.",
    )
    regions = ParentalManyToManyField(
        Region,
        blank=True,
        related_name="+",
        help_text="Choose the regions of Peru this briefing covers.",
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("last_reviewed"), FieldPanel("pdf")], heading="Review and download"
        ),
        FieldPanel("themes", widget=forms.CheckboxSelectMultiple),
        FieldPanel("regions", widget=forms.CheckboxSelectMultiple),
        *ListingImageMixin.listing_image_panels,
        *RelatedStoriesMixin.related_stories_panels,
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.RelatedFields("themes", [index.SearchField("name"), index.FilterField("slug")]),
        index.RelatedFields(
            "regions", [index.SearchField("name"), index.SearchField("spanish_name")]
        ),
    ]

    parent_page_types = ["briefings.BriefingIndexPage"]
    subpage_types = []

    @cached_property
    def region_list(self):
        """The regions this page is about, by their names in the reader's language."""
        return by_label(self.regions.all())

    @cached_property
    def theme_list(self):
        """The briefing's themes in the reader's language, read once."""
        return localize_themes(self.themes.all())

    page_description = "A background paper on one subject, kept up to date by editors."
    listing_card_template = "briefings/previews/listing_card.html"


class BriefingPageRelated(RelatedPage):
    source = ParentalKey(BriefingPage, on_delete=models.CASCADE, related_name="related_pages")
