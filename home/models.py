from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from .blocks import RICH_TEXT_FEATURES, BodyStreamBlock


@register_snippet
class Theme(index.Indexed, models.Model):
    """A subject shared by news items and briefings, e.g. 'Mining' or 'Human rights'."""

    name = models.CharField(
        max_length=80, unique=True, help_text="Shown to readers, e.g. 'Human rights'."
    )
    slug = models.SlugField(
        max_length=80,
        unique=True,
        help_text="Used in web addresses such as /news/?theme=human-rights. Avoid changing it: "
        "old links stop working.",
    )

    panels = [FieldPanel("name"), FieldPanel("slug")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class HomePage(Page):
    aims_heading = models.CharField(
        max_length=100,
        default="PSG Aims",
        help_text="Heading above the charity's aims on the home page.",
    )
    aims = RichTextField(
        features=RICH_TEXT_FEATURES,
        blank=True,
        help_text="What the charity exists to do, in a paragraph or two.",
    )
    news_count = models.PositiveSmallIntegerField(
        "number of news items",
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text="How many of the latest news items the home page lists (1 to 30).",
    )
    body = StreamField(
        BodyStreamBlock(),
        blank=True,
        help_text="Further panels shown below the aims and briefings.",
    )

    content_panels = Page.content_panels + [
        MultiFieldPanel([FieldPanel("aims_heading"), FieldPanel("aims")], heading="Aims"),
        FieldPanel("news_count"),
        InlinePanel(
            "featured_briefings",
            label="Featured briefing",
            heading="Featured briefings",
            help_text="Briefings shown on the home page, in this order.",
            max_num=6,
        ),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [index.SearchField("aims"), index.SearchField("body")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "news.NewsIndexPage",
        "briefings.BriefingIndexPage",
        "members.JoinPage",
        "home.StandardPage",
    ]
    max_count = 1
    page_description = "The front page of the site: latest news, the aims, featured briefings."

    def get_featured_briefings(self):
        """The featured briefings that readers may see, in the editor's order."""
        ids = [item.page_id for item in self.featured_briefings.all() if item.page_id]
        pages = Page.objects.filter(pk__in=ids).live().public().specific().defer_streamfields()
        by_id = {page.pk: page for page in pages}
        return [by_id[pk] for pk in ids if pk in by_id]


class HomePageFeaturedBriefing(Orderable):
    home_page = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="featured_briefings")
    # Points at Page, restricted in the chooser, so the home app need not depend on briefings.
    page = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.CASCADE,
        related_name="+",
        help_text="A briefing to feature on the home page.",
    )

    panels = [PageChooserPanel("page", page_type="briefings.BriefingPage")]

    def __str__(self):
        return f"{self.home_page} → {self.page}"


class StandardPage(Page):
    summary = models.TextField(
        max_length=300,
        blank=True,
        help_text="One or two sentences shown under the title and in search results "
        "(at most 300 characters).",
    )
    body = StreamField(BodyStreamBlock(), blank=True, help_text="The page's content.")

    content_panels = Page.content_panels + [FieldPanel("summary"), FieldPanel("body")]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
    ]

    parent_page_types = ["home.HomePage", "home.StandardPage"]
    subpage_types = ["home.StandardPage"]
    page_description = (
        "A plain page, such as About, Contact, Privacy or the Accessibility statement."
    )
