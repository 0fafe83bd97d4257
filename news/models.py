from django import forms
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.utils.functional import cached_property
from django.utils.text import Truncator

from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from core.caching import cached
from core.caching.middleware import set_canonical_query
from core.privacy import CachedPrivacyMixin, public
from core.routing import ChildRoutingMixin
from home.blocks import BodyStreamBlock
from home.models import Theme
from home.previews import ListingPreviewMixin
from home.seo import organisation

from .feeds import AtomNewsFeed, NewsFeed


class NewsIndexPage(CachedPrivacyMixin, RoutablePageMixin, ChildRoutingMixin, Page):
    intro = models.TextField(
        blank=True,
        max_length=500,
        help_text="Optional sentence or two shown above the list of news items.",
    )

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["news.NewsItemPage"]
    max_count = 1
    page_description = "The list of news items, newest first. Add news items under this page."

    items_per_page = 10

    def get_items(self):
        """Live, public news items under this index, newest first, ready for a listing."""
        # The tree filter sits in a subquery so that SQLite, like PostgreSQL, reads the newest
        # items from the date index rather than sorting every item (20 ms at 10,000).
        children = Page.objects.child_of(self).live().filter(pk=OuterRef("pk"))
        return public(
            NewsItemPage.objects.filter(Exists(children))
            .defer_streamfields()
            .order_by("-date", "-pk")
        )

    @cached_property
    def themes(self):
        """Themes that at least one listed news item carries, for the filter links."""
        return cached(
            f"news-themes:{self.pk}",
            lambda: list(
                Theme.objects.filter(newsitempage__in=self.get_items().values("pk")).distinct()
            ),
        )

    @staticmethod
    def get_theme(request):
        """The theme named by ?theme=, None without one; an unknown theme is a 404."""
        slug = request.GET.get("theme")
        if not slug:
            return None
        theme = Theme.objects.filter(slug=slug).first()
        if theme is None:
            raise Http404("No such theme.")
        return theme

    @path("")
    def listing(self, request):
        return self.render(request)

    @path("feed/", name="feed")
    def rss_feed(self, request):
        return NewsFeed(self, self.get_theme(request))(request)

    @path("feed/atom/", name="atom_feed")
    def atom_feed(self, request):
        return AtomNewsFeed(self, self.get_theme(request))(request)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        items = self.get_items()
        theme = self.get_theme(request)
        if theme is not None:
            items = items.filter(themes=theme)
        paginator = Paginator(items, self.items_per_page)
        # Counting thousands of items costs more than the rest of the page; the count only
        # changes when content does, which is what the cache's version follows.
        paginator.count = cached(
            f"news-count:{self.pk}:{theme.pk if theme else 'all'}", items.count
        )
        page_obj = paginator.get_page(request.GET.get("page"))
        canonical = {"theme": theme.slug} if theme else {}
        if page_obj.number > 1:
            canonical["page"] = page_obj.number
        set_canonical_query(request, canonical)
        context.update(
            {
                "items": page_obj,
                "page_obj": page_obj,
                "page_range": paginator.get_elided_page_range(page_obj.number),
                "theme": theme,
            }
        )
        return context


class NewsItemPage(CachedPrivacyMixin, ListingPreviewMixin, Page):
    date = models.DateField(
        "publication date",
        help_text="The date readers see on the item; the news list is ordered by it.",
    )
    summary = models.TextField(
        max_length=300,
        help_text="One or two sentences shown in listings, search results and when the page is "
        "shared (at most 300 characters).",
    )
    body = StreamField(BodyStreamBlock(), blank=True, help_text="The full story.")
    themes = ParentalManyToManyField(
        Theme,
        blank=True,
        help_text="Choose the subjects this item is about; readers can filter news by them.",
    )

    content_panels = Page.content_panels + [
        MultiFieldPanel([FieldPanel("date"), FieldPanel("summary")], heading="Listing"),
        FieldPanel("body"),
        FieldPanel("themes", widget=forms.CheckboxSelectMultiple),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("date"),
        index.RelatedFields("themes", [index.SearchField("name"), index.FilterField("slug")]),
    ]

    parent_page_types = ["news.NewsIndexPage"]
    subpage_types = []
    page_description = "A dated news story with a short summary."
    listing_card_template = "news/previews/listing_card.html"

    class Meta:
        verbose_name = "news item"
        # Listings read the newest few of thousands: walk this index instead of sorting them all.
        indexes = [models.Index(fields=["date", "page_ptr"], name="news_item_date_idx")]

    @cached_property
    def theme_list(self):
        """The item's themes, read once however often the page mentions them."""
        return list(self.themes.all())

    def get_structured_data(self, request, social_links, image=None):
        publisher = organisation(request, social_links)
        del publisher["@context"]
        modified = self.last_published_at or self.latest_revision_created_at
        data = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": Truncator(self.title).chars(110),
            "description": self.summary,
            "datePublished": self.date.isoformat(),
            "dateModified": modified.isoformat() if modified else self.date.isoformat(),
            "url": request.build_absolute_uri(self.get_url(request)),
            "mainEntityOfPage": request.build_absolute_uri(self.get_url(request)),
            "publisher": publisher,
            "author": publisher,
        }
        if self.theme_list:
            data["keywords"] = [theme.name for theme in self.theme_list]
        if image:
            data["image"] = [image["url"]]
        return data
