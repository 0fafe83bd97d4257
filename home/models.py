from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from core.caching import cached
from core.privacy import CachedPrivacyMixin, public
from core.routing import ChildRoutingMixin

from .blocks import RICH_TEXT_FEATURES, BodyStreamBlock
from .seo import organisation


@register_setting(icon="site")
class SiteSettings(BaseSiteSetting):
    """How the site describes itself to search engines and social networks."""

    default_share_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Shown when a page is shared on social media and has no image of its own. "
        "Landscape, at least 1200 × 630 pixels.",
    )
    twitter_handle = models.CharField(
        "X (Twitter) account",
        max_length=16,
        blank=True,
        help_text="Without the @, e.g. 'perusupport'. Credited when pages are shared on X.",
    )
    facebook_url = models.URLField("Facebook page", blank=True, help_text="Full address.")
    x_url = models.URLField("X (Twitter) page", blank=True, help_text="Full address.")
    instagram_url = models.URLField("Instagram page", blank=True, help_text="Full address.")
    youtube_url = models.URLField("YouTube channel", blank=True, help_text="Full address.")
    linkedin_url = models.URLField("LinkedIn page", blank=True, help_text="Full address.")
    security_contact = models.CharField(
        "security contact",
        max_length=200,
        blank=True,
        help_text="Where researchers report a security problem with this site, as an email "
        "address or a web address. Published at /.well-known/security.txt.",
    )

    panels = [
        FieldPanel("default_share_image"),
        MultiFieldPanel(
            [
                FieldPanel("twitter_handle"),
                FieldPanel("facebook_url"),
                FieldPanel("x_url"),
                FieldPanel("instagram_url"),
                FieldPanel("youtube_url"),
                FieldPanel("linkedin_url"),
            ],
            heading="Social media",
        ),
        FieldPanel("security_contact"),
    ]

    class Meta:
        verbose_name = "site settings"

    @property
    def security_contact_uri(self):
        contact = self.security_contact.strip()
        if "@" in contact and not contact.startswith(("mailto:", "http")):
            return f"mailto:{contact}"
        return contact

    @property
    def social_links(self):
        return [
            url
            for url in (
                self.facebook_url,
                self.x_url,
                self.instagram_url,
                self.youtube_url,
                self.linkedin_url,
            )
            if url
        ]


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


class HomePage(CachedPrivacyMixin, ChildRoutingMixin, Page):
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

    def get_structured_data(self, request, social_links, image=None):
        data = organisation(request, social_links, self.aims)
        if image:
            data["logo"] = image["url"]
        return data

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["featured_briefings"] = self.get_featured_briefings(
            preview=getattr(request, "is_preview", False)
        )
        return context

    def get_featured_briefings(self, preview=False):
        """The featured briefings that readers may see, in the editor's order."""

        def build():
            ids = [item.page_id for item in self.featured_briefings.all() if item.page_id]
            pages = public(Page.objects.filter(pk__in=ids).live()).specific()
            by_id = {page.pk: page for page in pages.defer_streamfields()}
            return [by_id[pk] for pk in ids if pk in by_id]

        # A preview shows the editor's unsaved choice; the published page may use the cache.
        if preview or not self.pk:
            return build()
        return cached(f"featured-briefings:{self.pk}", build)


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


class StandardPage(CachedPrivacyMixin, ChildRoutingMixin, Page):
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
