import html
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_noop

from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, TranslatableMixin
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from wagtail_localize.fields import SynchronizedField

from core.i18n import in_reader_language, language_code

from .blocks import RICH_TEXT_FEATURES, BodyStreamBlock, StandardBodyStreamBlock
from .pictures import with_listing_images
from .related import chosen_pages
from .seo import organisation

phone_number = RegexValidator(
    r"\A\+?[0-9][0-9 ()\-]{4,38}\Z",
    "Digits, spaces, brackets and hyphens only, with an optional + in front, e.g. "
    "'+44 20 7946 0000'.",
)
registration_number = RegexValidator(
    r"\A[A-Za-z0-9][A-Za-z0-9 \-]{0,19}\Z",
    "Letters, digits, spaces and hyphens only, as the register writes it, e.g. '1234567' or "
    "'SC012345'.",
)


@register_setting(icon="site")
class SiteSettings(BaseSiteSetting):
    """Who the charity is and how to reach it, and how the site describes itself to search
    engines and social networks. Every field may be empty: what is empty is not shown, and
    Dashboard → "Before you launch" lists what a launch still needs."""

    legal_name = models.CharField(
        "registered name",
        max_length=200,
        blank=True,
        help_text="The charity's name as registered with the Charity Commission or Companies "
        "House. The privacy notice names it as the data controller (who is responsible for the "
        "personal data this site collects), and search engines are told it.",
    )
    charity_number = models.CharField(
        "registered charity number",
        max_length=20,
        blank=True,
        validators=[registration_number],
        help_text="Shown in every page's footer as 'Registered charity no. …' and in the "
        "privacy notice.",
    )
    company_number = models.CharField(
        "company number",
        max_length=20,
        blank=True,
        validators=[registration_number],
        help_text="Only if the charity is also a registered company. Shown in the footer and "
        "the privacy notice.",
    )
    postal_address = models.TextField(
        "postal address",
        max_length=500,
        blank=True,
        help_text="One line per line of the address, postcode last. Shown on the contact page "
        "and in the privacy notice.",
    )
    contact_email = models.EmailField(
        "contact email",
        blank=True,
        help_text="Shown on the contact page and in the privacy notice; messages sent with the "
        "contact form are emailed here.",
    )
    phone = models.CharField(
        "phone number",
        max_length=40,
        blank=True,
        validators=[phone_number],
        help_text="Shown on the contact page, e.g. '+44 20 7946 0000'.",
    )
    donate_url = models.URLField(
        "donation page",
        blank=True,
        help_text="The full address of the page where people give to the charity (for example "
        "on a giving platform). While it is empty there is no Donate link.",
    )
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
        MultiFieldPanel(
            [
                FieldPanel("legal_name"),
                FieldPanel("charity_number"),
                FieldPanel("company_number"),
            ],
            heading="The charity",
        ),
        MultiFieldPanel(
            [FieldPanel("postal_address"), FieldPanel("contact_email"), FieldPanel("phone")],
            heading="Contact details",
        ),
        FieldPanel("donate_url"),
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

    def clean(self):
        super().clean()
        # Browsers send textarea line breaks as CRLF; keep plain lines, none of them empty.
        self.postal_address = "\n".join(self.address_lines)

    @property
    def address_lines(self):
        return [line.strip() for line in self.postal_address.splitlines() if line.strip()]

    @property
    def phone_uri(self):
        """tel:+442079460000"""
        return "tel:" + "".join(char for char in self.phone if char.isdigit() or char == "+")

    @property
    def security_contact_uri(self):
        contact = self.security_contact.strip()
        if "@" in contact and not contact.startswith(("mailto:", "http")):
            return f"mailto:{contact}"
        return contact

    @property
    def social_accounts(self):
        """(name, address) of each social account that is set, for readers."""
        return [
            (name, url)
            for name, url in (
                ("Facebook", self.facebook_url),
                ("X", self.x_url),
                ("Instagram", self.instagram_url),
                ("YouTube", self.youtube_url),
                ("LinkedIn", self.linkedin_url),
            )
            if url
        ]

    @property
    def social_links(self):
        return [url for _, url in self.social_accounts]


@register_snippet
class Theme(TranslatableMixin, index.Indexed, models.Model):
    """A subject shared by news items and briefings, e.g. 'Mining' or 'Human rights'.

    Translated like pages: each language has its own name, and every translation keeps the
    English slug (synchronised by wagtail-localize), so ?theme=mining-and-oil filters the
    list in either language."""

    name = models.CharField(max_length=80, help_text="Shown to readers, e.g. 'Human rights'.")
    slug = models.SlugField(
        max_length=80,
        help_text="Used in web addresses such as /news/?theme=human-rights. Avoid changing it: "
        "old links stop working.",
    )

    panels = [FieldPanel("name"), FieldPanel("slug")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]
    override_translatable_fields = [SynchronizedField("slug")]

    class Meta(TranslatableMixin.Meta):
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["locale", "slug"], name="unique_theme_slug_per_locale"),
            models.UniqueConstraint(fields=["locale", "name"], name="unique_theme_name_per_locale"),
        ]

    def __str__(self):
        return self.name


def source_language_themes():
    """Pages carry the themes of the default language (a translation keeps its source's);
    readers see them in their own language (`localize_themes`)."""
    return models.Q(locale__language_code=settings.LANGUAGE_CODE)


def localize_themes(themes) -> list[Theme]:
    """`themes` in the reader's language where a translation exists, sorted by name. (A
    translated page keeps the themes of the page it was translated from.)"""
    return sorted(set(in_reader_language(Theme, themes)), key=lambda theme: theme.name)


# A news item's or briefing's summary, shown in lists and shared links: room for the one
# paragraph the charity writes for each item (the longest of the demo's, in Spanish, is 540).
SUMMARY_MAX_LENGTH = 600


class BasePage(Page):
    """What every page of the site needs; a new page type inherits it and is right by default.

    - its translations readers may see (`live_translations`), for the language switcher and
      the alternates in the head;
    - its canonical address (`canonical_url` in the context, else the page's own address);
    - sitemap addresses on the host the sitemap was asked for: one site serves one domain,
      so the request's host (checked against ALLOWED_HOSTS) is right even while the Site
      record still says 'localhost'.

    A routable page puts RoutablePageMixin before it, so its own sub-routes are tried first.
    """

    class Meta:
        abstract = True

    # Where the page's description comes from when the editor wrote no search description
    # (Promote tab): the first of these fields it has with any text.
    description_fields = ("summary", "intro")

    # Wagtail's Promote tab, with help that speaks of this site (Wagtail's own speaks of
    # "domain.com/blog"). The help is the panels', so Wagtail's fields stay as they are.
    promote_panels = [
        MultiFieldPanel(
            [
                FieldPanel(
                    "slug",
                    help_text="The last part of the page's address, e.g. "
                    "'saramurillo-takes-protest-to-lima' in "
                    "/news/saramurillo-takes-protest-to-lima/ (a Spanish page has its own, "
                    "under /es/). Changing it moves the page; its old address then leads to "
                    "the new one.",
                ),
                FieldPanel(
                    "seo_title",
                    help_text="Optional. The title search engines, browser tabs and shared "
                    "links show instead of the page's own, e.g. a shorter one. Leave empty to "
                    "use the title.",
                ),
                FieldPanel(
                    "search_description",
                    help_text="Optional. The sentence or two that search engines and shared "
                    "links show under the title (about 150 characters are seen). Leave empty "
                    "to use the page's summary or introduction.",
                ),
            ],
            "For search engines",
        ),
        MultiFieldPanel(
            [
                FieldPanel(
                    "show_in_menus",
                    help_text="Tick to list this page in the menu at the top of every page of "
                    "the site. Only pages directly under the home page are listed there.",
                )
            ],
            "For site menus",
        ),
    ]

    @property
    def meta_description(self):
        """One paragraph of plain text saying what the page is about, for search engines and
        shared links: the editor's search description, or else the page's own words."""
        texts = [self.search_description] + [
            getattr(self, name, "") for name in self.description_fields
        ]
        for text in texts:
            plain = " ".join(strip_tags(str(text or "")).split())
            if plain:
                return html.unescape(plain)
        return ""

    def live_translations(self) -> list[Page]:
        """This page and its live, public translations, in LANGUAGES order: for the switcher
        and the alternates in the head. Private translations are left out. One query, once
        per page however often it is asked."""
        if "_live_translations" not in self.__dict__:
            order = {code: i for i, (code, _) in enumerate(settings.LANGUAGES)}
            pages = (
                Page.objects.filter(translation_key=self.translation_key)
                .live()
                .public()
                .select_related("locale")
            )
            self._live_translations = sorted(
                pages, key=lambda p: order.get(p.locale.language_code, len(order))
            )
        return self._live_translations

    @classmethod
    def get_verbose_name(cls):
        """The page type's name ("News item"), which search results show readers too: in the
        active language, where the catalogue has it. Each page type marks its name for the
        catalogue with gettext_noop beside the class (Meta.verbose_name stays the editors')."""
        return capfirst(gettext(str(cls._meta.verbose_name)))

    def get_sitemap_urls(self, request=None):
        urls = super().get_sitemap_urls(request)
        if request is not None:
            for url in urls:
                parts = urlsplit(url["location"])
                path = parts.path + (f"?{parts.query}" if parts.query else "")
                url["location"] = request.build_absolute_uri(path)
        for url in urls:
            # For the sitemap's hreflang alternates (core/sitemap.py).
            url["translation_key"] = self.translation_key
            url["locale_id"] = self.locale_id
        return urls


class IndexPage(BasePage):
    """A page listing its children, all of its one child page type: the news list and the
    briefings share this listing (live, public, newest or editor's order, paginated if
    `items_per_page` is set, filtered by ?theme= if `theme_filter`, and by region where the
    subclass offers it, `get_region`)."""

    intro = models.TextField(
        blank=True,
        max_length=500,
        help_text="Optional sentence or two shown above the list.",
    )

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    # The order of the list, and how many a page (None: all on one page).
    listing_order = ("path",)
    items_per_page = None
    # Whether readers can filter the list by theme (the listed pages have `themes`).
    theme_filter = False

    class Meta:
        abstract = True

    @classmethod
    def listing_model(cls):
        """The page type this index lists: its one allowed child type."""
        return cls.clean_subpage_models()[0]

    def get_items(self, pictures=True):
        """The live, public pages this index lists, in order, ready for a listing: with their
        pictures' card renditions unless `pictures` is False (a feed, which shows none, would
        pay two queries for them)."""
        # The tree filter sits in a subquery so that SQLite, like PostgreSQL, reads the newest
        # items from the date index rather than sorting every item (20 ms at 10,000).
        children = Page.objects.child_of(self).live().filter(pk=OuterRef("pk"))
        model = self.listing_model()
        items = (
            model.objects.filter(Exists(children))
            .public()
            .defer_streamfields()
            .order_by(*self.listing_order)
        )
        if pictures and issubclass(model, ListingImageMixin):
            return with_listing_images(items)
        return items

    @cached_property
    def themes(self):
        """Themes that at least one listed page carries, for the filter links."""
        if not self.theme_filter:
            return []
        return localize_themes(
            Theme.objects.filter(
                pk__in=self.get_items().values("themes").filter(themes__isnull=False)
            )
        )

    def get_theme(self, request):
        """The theme named by ?theme=, None without one; an unknown theme is a 404."""
        slug = request.GET.get("theme")
        if not slug or not self.theme_filter:
            return None
        # Any translation will do (they share the slug); the reader's own language first.
        themes = Theme.objects.filter(slug=slug)
        theme = themes.filter(locale__language_code=language_code()).first() or themes.first()
        if theme is None:
            raise Http404("No such theme.")
        return theme

    def paginate(self, request, items, count):
        """The page of `items` that ?page= asks for (their number, `count`, already known) as
        a listing's context: ?page=abc is the first page, one beyond the last the last."""
        paginator = Paginator(items, self.items_per_page)
        paginator.count = count
        page_obj = paginator.get_page(request.GET.get("page"))
        return {
            "items": page_obj,
            "page_obj": page_obj,
            "page_range": paginator.get_elided_page_range(page_obj.number),
        }

    def get_region(self, request):
        """The region named by ?region=: None here; an index whose pages have regions says."""
        return None

    def listing_path(self, request, **kwargs):
        """The address of the list `get_context` is asked for with `kwargs` (a sub-route's):
        the page's own here."""
        return self.get_url(request)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        items = self.get_items()
        theme = self.get_theme(request)
        if theme is not None:
            items = items.filter(themes__translation_key=theme.translation_key)
        canonical = {"theme": theme.slug} if theme else {}
        context["theme"] = theme
        # A region's own page names it in its address (a sub-route's `region`), not in ?region=.
        region = kwargs.get("region") or self.get_region(request)
        if region is not None:
            items = items.filter(regions=region)
            if "region" not in kwargs:
                canonical["region"] = region.slug
        context["region"] = region
        if self.items_per_page:
            listing = self.paginate(request, items, items.count())
            if listing["page_obj"].number > 1:
                canonical["page"] = listing["page_obj"].number
            context.update(listing)
        else:
            context["items"] = items
        # Only the parameters validated above: never a made-up one, nor page 1.
        query = f"?{urlencode(canonical)}" if canonical else ""
        context["canonical_url"] = self.listing_path(request, **kwargs) + query
        return context


# HomePage's name as readers see it in search results (BasePage.get_verbose_name).
gettext_noop("home page")


class HomePage(BasePage):
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
        "bulletins.BulletinIndexPage",
        "members.JoinPage",
        "home.StandardPage",
        "contact.ContactPage",
    ]
    max_count = 1
    page_description = "The front page of the site: latest news, the aims, featured briefings."
    description_fields = ("aims",)

    def get_structured_data(self, request, social_links, image=None):
        data = organisation(
            request, social_links, self.aims, details=SiteSettings.for_request(request)
        )
        if image:
            data["logo"] = image["url"]
        return data

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # A method, not its value: the template asks for it only when it builds the cached
        # fragment that shows it.
        context["featured_briefings"] = self.get_featured_briefings
        return context

    def get_featured_briefings(self):
        """The featured briefings that readers may see, in the editor's order."""
        chosen = [item.page for item in self.featured_briefings.select_related("page")]
        return chosen_pages(chosen, self.locale_id)


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


# StandardPage's name as readers see it in search results (BasePage.get_verbose_name).
gettext_noop("standard page")


class StandardPage(BasePage):
    summary = models.TextField(
        max_length=300,
        blank=True,
        help_text="One or two sentences shown under the title and in search results "
        "(at most 300 characters).",
    )
    body = StreamField(
        StandardBodyStreamBlock(),
        blank=True,
        help_text="The page's content. On the privacy page, add the 'Privacy notice details' "
        "block too.",
    )

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


class ListingImageMixin(models.Model):
    """An optional picture for a page's card in lists, the top of the page and its shared
    link, with alt text that says what it shows here, or marked as decorative."""

    listing_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Optional. Shown on this page's card in lists, above the text and when the "
        "page is shared. Landscape works best, at least 1200 × 630 pixels.",
    )
    listing_image_alt = models.CharField(
        "alt text",
        max_length=200,
        blank=True,
        help_text="What the picture shows that matters to this story, for readers who cannot "
        "see it, e.g. 'Community leaders from Saramurillo marching in Lima'.",
    )
    listing_image_decorative = models.BooleanField(
        "the picture is decorative",
        default=False,
        help_text="Tick only if the picture adds nothing a reader would miss; screen readers "
        "will then skip it.",
    )

    listing_image_panels = [
        MultiFieldPanel(
            [
                FieldPanel("listing_image"),
                FieldPanel("listing_image_alt"),
                FieldPanel("listing_image_decorative"),
            ],
            heading="Picture",
        )
    ]

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if (
            self.listing_image_id
            and not self.listing_image_alt.strip()
            and not self.listing_image_decorative
        ):
            raise ValidationError(
                {
                    "listing_image_alt": "Say what the picture shows, or tick 'the picture is "
                    "decorative' if it adds nothing a reader would miss."
                }
            )

    @property
    def listing_image_alt_text(self):
        """The alt attribute: '' for a decorative picture, so screen readers skip it."""
        return "" if self.listing_image_decorative else self.listing_image_alt.strip()


class RelatedPage(Orderable):
    """A story an editor chose to show under a page, in the editor's order. Each page type
    that offers them subclasses this with a ParentalKey named `source`."""

    page = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.CASCADE,
        related_name="+",
        help_text="A news item or briefing to show under this one.",
    )

    panels = [PageChooserPanel("page", page_type=["news.NewsItemPage", "briefings.BriefingPage"])]

    class Meta(Orderable.Meta):
        abstract = True

    def __str__(self):
        return str(self.page)
