import calendar
import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from core.i18n import hreflang, language_code
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
from home.pictures import with_listing_images
from home.previews import ListingPreviewMixin
from home.related import RelatedStoriesMixin
from home.seo import organisation
from regions.models import Region, all_regions, by_label, count_by_region, region_for_slug

from .feeds import AtomNewsFeed, NewsFeed

# NewsIndexPage's name as readers see it in search results (BasePage.get_verbose_name).
gettext_noop("news index page")


class NewsIndexPage(RoutablePageMixin, IndexPage):
    parent_page_types = ["home.HomePage"]
    subpage_types = ["news.NewsItemPage"]
    max_count = 1
    page_description = "The list of news items, newest first. Add news items under this page."

    listing_order = ("-date", "-pk")
    items_per_page = 10
    theme_filter = True

    @path("")
    def listing(self, request):
        return self.render(request)

    @path("feed/", name="feed")
    def rss_feed(self, request):
        return NewsFeed(self, self.get_theme(request))(request)

    @path("feed/atom/", name="atom_feed")
    def atom_feed(self, request):
        return AtomNewsFeed(self, self.get_theme(request))(request)

    @path("regions/", name="regions")
    def regions_index(self, request):
        # The map and the list only: no listing, and no parameters to validate.
        context = super(IndexPage, self).get_context(request)
        context.update(
            {
                "canonical_url": self.get_url(request) + self.reverse_subpage("regions"),
                "subpage_trail": self.regions_trail(request),
                "translation_subpath": self.reverse_subpage("regions"),
            }
        )
        return TemplateResponse(request, "news/news_regions_page.html", context)

    @path("regions/<slug:slug>/", name="region")
    def region(self, request, slug):
        region = region_for_slug(slug)
        crumb = {"title": region.label, "url": self.region_url(region, request)}
        return self.render(
            request,
            region=region,
            template="news/news_region_page.html",
            context_overrides={
                "subpage_trail": [*self.regions_trail(request), crumb],
                # Each translation of this list has the same sub-route: the region in its
                # language.
                "translation_subpath": self.region_path(region),
            },
        )

    def regions_trail(self, request):
        url = self.get_url(request) + self.reverse_subpage("regions")
        return [{"title": gettext("News by region"), "url": url}]

    @path("regions/<slug:slug>/feed/", name="region_feed")
    def region_rss_feed(self, request, slug):
        return NewsFeed(self, self.get_theme(request), region_for_slug(slug))(request)

    @path("regions/<slug:slug>/feed/atom/", name="region_atom_feed")
    def region_atom_feed(self, request, slug):
        return AtomNewsFeed(self, self.get_theme(request), region_for_slug(slug))(request)

    def get_region(self, request):
        """The region named by ?region=, None without one; an unknown region is a 404."""
        slug = request.GET.get("region")
        return region_for_slug(slug) if slug else None

    @classmethod
    def region_path(cls, region):
        """A region's page below the list's address: 'regions/loreto/'. (Routes are the
        class's: a template that knows the list's address needs no list page to read.)"""
        return cls.get_resolver().reverse("region", region.slug)

    def region_url(self, region, request=None):
        """The address of the region's own page."""
        return self.get_url(request) + self.region_path(region)

    def region_counts(self):
        """How many live, public items each region has, by region pk (none: left out): one
        query."""
        return count_by_region(self.get_items(pictures=False))

    def listing_path(self, request, region=None, **kwargs):
        """A region's own page lists its items at the region's address."""
        if region is not None:
            return self.region_url(region, request)
        return super().listing_path(request, **kwargs)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        region = context["region"]
        if region is not None and context["theme"] is not None:
            # Each theme in each region: hundreds of thin lists, useful to readers only.
            context["robots_noindex"] = True
        elif region is not None and "region" not in kwargs:
            # ?region= alone lists what the region's own page lists: that page is canonical.
            url = self.region_url(region, request)
            page_obj = context.get("page_obj")
            if page_obj is not None and page_obj.number > 1:
                url += f"?page={page_obj.number}"
            context["canonical_url"] = url
        return context

    # The dated archive: /news/2016/ and /news/2016/11/. Four ASCII digits for a year and two
    # for a month only (/news/2016/1/, /news/02016/ and /news/٢٠١٦/ are not addresses: \d
    # would take any script's digits); a period without items is a 404.
    @re_path(r"^(?P<year>[0-9]{4})/$", name="archive_year")
    def archive_year(self, request, year):
        return self.archive(request, int(year))

    @re_path(r"^(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/$", name="archive_month")
    def archive_month(self, request, year, month):
        return self.archive(request, int(year), int(month))

    def archive_months(self, items=None):
        """(year, month, number of items) for each month with items (of `items`, by default
        the list's), newest first: one query. The archive's addresses and counts come from it."""
        items = self.get_items(pictures=False) if items is None else items
        months = (
            items.order_by().values_list("date__year", "date__month").annotate(count=Count("pk"))
        )
        # int(): PostgreSQL's EXTRACT may answer a decimal.
        return sorted(((int(y), int(m), count) for y, m, count in months), reverse=True)

    @classmethod
    def archive_path(cls, year, month=None):
        """A year's or a month's address below the list's: '2016/' or '2016/11/'."""
        if month is None:
            return cls.get_resolver().reverse("archive_year", f"{year:04d}")
        return cls.get_resolver().reverse("archive_month", f"{year:04d}", f"{month:02d}")

    def archive(self, request, year, month=None):
        """The live, public items of one year or month, newest first, paginated as the list."""
        # One read of the view restrictions (Wagtail's `.public()`) for the months and items.
        listed = self.get_items(pictures=False)
        months = [
            (y, m, count)
            for y, m, count in self.archive_months(listed)
            if y == year and month in (None, m)
        ]
        # Also what makes month 13, month 00 or year 0000 a 404: no item has such a date.
        if not months:
            raise Http404("No news in that period.")
        first = datetime.date(year, month or 1, 1)
        last = datetime.date(year, month or 12, calendar.monthrange(year, month or 12)[1])
        items = with_listing_images(listed.filter(date__range=(first, last)))
        listing = self.paginate(request, items, sum(count for _y, _m, count in months))
        number = listing["page_obj"].number
        base = self.get_url(request)
        own = base + self.archive_path(year, month)
        year_crumb = {"title": str(year), "url": base + self.archive_path(year)}
        if month is None:
            title, trail = str(year), [year_crumb]
        else:
            title = date_format(first, "YEAR_MONTH_FORMAT")
            url = base + self.archive_path(year, month)
            trail = [year_crumb, {"title": capfirst(title), "url": url}]
        # The archive's own listing replaces IndexPage's (which filters by theme).
        context = super(IndexPage, self).get_context(request)
        context.update(
            {
                "archive": {"year": year, "month": month, "title": title},
                "canonical_url": own + (f"?page={number}" if number > 1 else ""),
                "year_months": [
                    {
                        "date": datetime.date(y, m, 1),
                        "count": count,
                        "url": base + self.archive_path(y, m),
                    }
                    for y, m, count in months
                ]
                if month is None
                else [],
                **listing,
                "subpage_trail": trail,
                # Any other parameter (a theme, a campaign's tag) changes nothing here.
                "robots_noindex": any(key != "page" for key in request.GET),
            }
        )
        return TemplateResponse(request, "news/news_archive_page.html", context)

    def get_sitemap_urls(self, request=None):
        """The list's own address, then its sub-pages readers can reach from it: the regions
        page, each region with items and each year and month with items. No `lastmod`: these
        lists change with their items, and a date that is not true is worse than none."""
        urls = super().get_sitemap_urls(request)
        if not urls:
            return urls
        page = urls[0]
        counts = self.region_counts()
        subpaths = [self.reverse_subpage("regions")]
        subpaths += [self.region_path(region) for region in all_regions() if region.pk in counts]
        for year, month, _count in self.archive_months():  # newest first
            if self.archive_path(year) not in subpaths:
                subpaths.append(self.archive_path(year))
            subpaths.append(self.archive_path(year, month))
        return urls + [
            {
                "location": page["location"] + subpath,
                # The same sub-page in another language is its alternate (core/sitemap.py).
                "translation_key": f"{page['translation_key']}:{subpath}",
                "locale_id": page["locale_id"],
            }
            for subpath in subpaths
        ]


# The first part of the news list's routes (feed/, regions/, 2016/), which no item may take.
RESERVED_SLUG = re.compile(r"^(feed|regions|[0-9]{4})$")


class NewsItemPage(ListingPreviewMixin, RelatedStoriesMixin, ListingImageMixin, BasePage):
    date = models.DateField(
        "publication date",
        help_text="The date readers see on the item; the news list is ordered by it.",
    )
    summary = models.TextField(
        max_length=SUMMARY_MAX_LENGTH,
        help_text="A sentence or a short paragraph shown in listings, search results and when "
        f"the page is shared (at most {SUMMARY_MAX_LENGTH} characters).",
    )
    body = StreamField(BodyStreamBlock(), blank=True, help_text="The full story.")
    themes = ParentalManyToManyField(
        Theme,
        blank=True,
        limit_choices_to=source_language_themes,
        help_text="Choose the subjects this item is about; readers can filter news by them.",
    )
    regions = ParentalManyToManyField(
        Region,
        blank=True,
        related_name="+",
        help_text="Choose the regions of Peru this item is about; readers can browse news by "
        "region.",
    )

    content_panels = Page.content_panels + [
        MultiFieldPanel([FieldPanel("date"), FieldPanel("summary")], heading="Listing"),
        FieldPanel("body"),
        FieldPanel("themes", widget=forms.CheckboxSelectMultiple),
        FieldPanel("regions", widget=forms.CheckboxSelectMultiple),
        *ListingImageMixin.listing_image_panels,
        *RelatedStoriesMixin.related_stories_panels,
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("date"),
        index.RelatedFields("themes", [index.SearchField("name"), index.FilterField("slug")]),
        index.RelatedFields(
            "regions", [index.SearchField("name"), index.SearchField("spanish_name")]
        ),
    ]

    parent_page_types = ["news.NewsIndexPage"]
    subpage_types = []
    page_description = "A dated news story with a short summary."
    listing_card_template = "news/previews/listing_card.html"

    class Meta:
        verbose_name = _("news item")
        # Listings read the newest few of thousands: walk this index instead of sorting them all.
        indexes = [models.Index(fields=["date", "page_ptr"], name="news_item_date_idx")]

    def clean(self):
        super().clean()
        # The news list's own addresses come before its items': an item there is unreachable.
        if RESERVED_SLUG.match(self.slug or ""):
            raise ValidationError(
                {
                    "slug": "This address is taken by the news list itself (its feeds, "
                    "regions or archive). Choose another slug."
                }
            )

    @cached_property
    def region_list(self):
        """The regions this page is about, by their names in the reader's language."""
        return by_label(self.regions.all())

    @cached_property
    def theme_list(self):
        """The item's themes, read once however often the page mentions them."""
        return localize_themes(self.themes.all())

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
            "inLanguage": hreflang(language_code()),
        }
        if self.theme_list:
            data["keywords"] = [theme.name for theme in self.theme_list]
        if image:
            data["image"] = [image["url"]]
        return data


class NewsItemPageRelated(RelatedPage):
    source = ParentalKey(NewsItemPage, on_delete=models.CASCADE, related_name="related_pages")
