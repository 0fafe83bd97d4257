"""Peru Update, the members' bulletin, as pages: an index ("Peru Update") in each language with
its numbered bulletins below it, each an editorial and the stories it carries."""

import datetime
import html
import re

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Max
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext, gettext_noop

from wagtail import blocks
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from core.i18n import hreflang, language_code
from home.blocks import CaptionedImageBlock, HeadingBlock, ParagraphBlock, QuoteBlock
from home.models import BasePage, IndexPage
from home.pictures import prefetch_listing_images
from home.previews import ListingPreviewMixin
from home.seo import organisation

from ..feeds import AtomBulletinFeed, BulletinFeed

# What a bulletin carries: news items and briefings, named so that this app imports neither.
STORY_TYPES = ["news.NewsItemPage", "briefings.BriefingPage"]
# With no earlier bulletin in its language, a new one starts with this many of the newest items.
FIRST_BULLETIN_STORIES = 10
# The first part of the index's routes (feed/, 2016/), which no bulletin may take as its slug.
RESERVED_SLUG = re.compile(r"^(feed|[0-9]{4})$")
# How much of the editorial stands in for a missing summary (lists, feeds, shared links).
EDITORIAL_WORDS = 40

# BulletinIndexPage's name as readers see it in search results (BasePage.get_verbose_name).
gettext_noop("bulletin index page")


class BulletinIndexPage(RoutablePageMixin, IndexPage):
    """Peru Update: its bulletins, newest first, by year, with feeds. A reader signs up to
    receive them from here (the sign-up page)."""

    parent_page_types = ["home.HomePage"]
    subpage_types = ["bulletins.BulletinPage"]
    max_count = 1
    page_description = (
        "Peru Update, the members' bulletin: its list of bulletins. Add bulletins under this page."
    )

    listing_order = ("-date", "-pk")
    items_per_page = 12

    @path("")
    def listing(self, request):
        return self.render(request)

    def get_items(self, pictures=True):
        """As every list's, with each bulletin's editorial read with it: a bulletin without a
        summary is listed with its editorial's first words (`listing_summary`), and reading
        the editorial later would cost a query per bulletin."""
        return super().get_items(pictures).defer(None).defer("stories")

    @path("feed/", name="feed")
    def rss_feed(self, request):
        return BulletinFeed(self)(request)

    @path("feed/atom/", name="atom_feed")
    def atom_feed(self, request):
        return AtomBulletinFeed(self)(request)

    @re_path(r"^(?P<year>[0-9]{4})/$", name="archive_year")
    def archive_year(self, request, year):
        """The bulletins of one year; a year without any is a 404."""
        year = int(year)
        years = self.years()
        # Also what makes year 0000 a 404 (before any query is asked about it): no bulletin
        # has such a date.
        count = dict(years).get(year)
        if not count:
            raise Http404("No bulletins that year.")
        listing = self.paginate(request, self.get_items().filter(date__year=year), count)
        context = super(IndexPage, self).get_context(request)
        number = listing["page_obj"].number
        own = self.get_url(request) + self.archive_path(year)
        context.update(
            {
                **listing,
                "archive": {"year": year, "title": str(year)},
                "years": years,
                "canonical_url": own + (f"?page={number}" if number > 1 else ""),
                "subpage_trail": [{"title": str(year), "url": own}],
                "translation_subpath": self.archive_path(year),
                "robots_noindex": any(key != "page" for key in request.GET),
            }
        )
        return TemplateResponse(request, "bulletins/bulletin_index_page.html", context)

    @classmethod
    def archive_path(cls, year):
        return cls.get_resolver().reverse("archive_year", f"{year:04d}")

    def years(self):
        """(year, number of bulletins) for each year with any, newest first: one query."""
        rows = (
            self.get_items(pictures=False)
            .order_by()
            .values_list("date__year")
            .annotate(count=Count("pk"))
        )
        return sorted(((int(year), count) for year, count in rows), reverse=True)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Read only when the template builds the cached fragment that shows them.
        context["years"] = SimpleLazyObject(self.years)
        return context

    def get_sitemap_urls(self, request=None):
        urls = super().get_sitemap_urls(request)
        if not urls:
            return urls
        page = urls[0]
        return urls + [
            {
                "location": page["location"] + self.archive_path(year),
                "translation_key": f"{page['translation_key']}:{self.archive_path(year)}",
                "locale_id": page["locale_id"],
            }
            for year, _count in self.years()
        ]


class StoryChooserBlock(blocks.PageChooserBlock):
    def __init__(self, **kwargs):
        super().__init__(page_type=STORY_TYPES, **kwargs)

    class Meta:
        icon = "doc-full"
        label = "Story"


class EditorialBlock(blocks.StreamBlock):
    """What an editorial may hold: what reads well in a mail program as on the page."""

    heading = HeadingBlock()
    paragraph = ParagraphBlock()
    quote = QuoteBlock()
    image = CaptionedImageBlock()


class StoriesBlock(blocks.StreamBlock):
    story = StoryChooserBlock(help_text="A news item or a briefing this bulletin carries.")


def stories_since_last_bulletin(locale):
    """For a new bulletin in `locale`: the live, public news items first published since the
    newest bulletin of that language was, oldest first; with no earlier bulletin, the newest
    few."""
    news_item = apps.get_model("news", "NewsItemPage")
    items = news_item.objects.live().public().filter(locale=locale)
    last = (
        BulletinPage.objects.live()
        .filter(locale=locale)
        .aggregate(last=Max("first_published_at"))["last"]
    )
    if last is None:
        return list(reversed(items.order_by("-date", "-pk")[:FIRST_BULLETIN_STORIES]))
    return list(items.filter(first_published_at__gt=last).order_by("date", "pk"))


def next_number(locale):
    """The number after the highest of the language's bulletins, or None when none has one."""
    highest = BulletinPage.objects.filter(locale=locale).aggregate(n=Max("number"))["n"]
    return None if highest is None else highest + 1


class BulletinPageForm(WagtailAdminPageForm):
    """A new bulletin starts with its number and its stories suggested."""

    def __init__(self, data=None, files=None, parent_page=None, *args, **kwargs):
        instance = kwargs.get("instance")
        if data is None and instance is not None and instance.pk is None:
            locale = instance.locale if instance.locale_id else parent_page.locale
            instance.number = next_number(locale)
            instance.stories = [("story", page) for page in stories_since_last_bulletin(locale)]
        super().__init__(data, files, parent_page, *args, **kwargs)


# BulletinPage's name as readers see it in search results (BasePage.get_verbose_name).
gettext_noop("bulletin")


class BulletinPage(ListingPreviewMixin, BasePage):
    number = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="The bulletin's number, e.g. 134 for 'Peru Update 134'. A new bulletin "
        "suggests the next one; each language has its own numbers. Leave it empty for a "
        "bulletin without one.",
    )
    date = models.DateField(
        default=datetime.date.today,
        help_text="The date readers see on the bulletin; the list of bulletins is ordered by it.",
    )
    summary = models.TextField(
        max_length=300,
        blank=True,
        help_text="Optional. A sentence shown in the list of bulletins, in search results and "
        "feeds, and as the email's preview text. Leave empty to use the editorial's first "
        "words.",
    )
    editorial = StreamField(
        EditorialBlock(),
        blank=True,
        help_text="The editorial introduction, shown before the stories on the page and in the "
        "email.",
    )
    stories = StreamField(
        StoriesBlock(),
        blank=True,
        help_text="The news items and briefings this bulletin carries, in the order readers see "
        "them. A new bulletin starts with the news items published since the last one: "
        "reorder, remove or add stories. Unpublished and private pages are never shown.",
    )

    base_form_class = BulletinPageForm
    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("number"), FieldPanel("date")]),
        FieldPanel("summary"),
        FieldPanel("editorial"),
        FieldPanel("stories"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("editorial"),
        index.FilterField("date"),
    ]

    parent_page_types = ["bulletins.BulletinIndexPage"]
    subpage_types = []
    page_description = "One Peru Update: an editorial and the stories it carries, on the site "
    "and by email."
    description_fields = ("summary", "editorial_text")
    listing_card_template = "bulletins/previews/listing_card.html"

    class Meta:
        verbose_name = "bulletin"
        indexes = [models.Index(fields=["date", "page_ptr"], name="bulletin_date_idx")]

    def clean(self):
        super().clean()
        # The index's own addresses come before its bulletins': a bulletin there is unreachable.
        if RESERVED_SLUG.match(self.slug or ""):
            raise ValidationError(
                {
                    "slug": "This address is taken by the Peru Update page itself (its feeds "
                    "or its archive by year). Choose another slug."
                }
            )
        if self.number is not None:
            taken = (
                BulletinPage.objects.filter(locale_id=self.locale_id, number=self.number)
                .exclude(pk=self.pk)
                .exists()
            )
            if taken:
                raise ValidationError(
                    {
                        "number": f"Another bulletin in this language is number {self.number}. "
                        "Choose another number, or leave it empty."
                    }
                )

    @cached_property
    def story_pages(self):
        """The stories readers may see, in the editor's order: live and public, each once,
        in one query, whatever the editor chose since."""
        ids = []
        for block in self.stories.raw_data:
            value = block.get("value")
            if isinstance(value, int) and value not in ids:
                ids.append(value)
        if not ids:
            return []
        pages = Page.objects.filter(pk__in=ids).live().public().specific().defer_streamfields()
        by_id = {page.pk: page for page in prefetch_listing_images(pages)}
        return [by_id[pk] for pk in ids if pk in by_id]

    @property
    def year_path(self):
        """The bulletin's year in the archive, below the index's address: '2016/'."""
        return BulletinIndexPage.archive_path(self.date.year)

    @property
    def label(self):
        """'Peru Update 134' in the reader's language; '' for a bulletin without a number."""
        if self.number is None:
            return ""
        return gettext("Peru Update %(number)s") % {"number": self.number}

    @property
    def editorial_text(self):
        """The editorial's words as plain text, from its stored blocks: nothing is rendered (no
        picture looked up) to say what the bulletin is about."""
        texts = []
        for block in self.editorial.raw_data:
            value = block.get("value")
            if block.get("type") in ("heading", "quote") and isinstance(value, dict):
                value = value.get("text", "")
            if isinstance(value, str):
                texts.append(html.unescape(strip_tags(value)))
        return " ".join(" ".join(texts).split())

    @property
    def listing_summary(self):
        """What lists and feeds show under the title: the summary, else the editorial's first
        words."""
        return self.summary or Truncator(self.editorial_text).words(EDITORIAL_WORDS)

    def get_structured_data(self, request, social_links, image=None):
        """An issue of the Peru Update periodical, published by the charity."""
        publisher = organisation(request, social_links)
        del publisher["@context"]
        url = request.build_absolute_uri(self.get_url(request))
        data = {
            "@context": "https://schema.org",
            "@type": "PublicationIssue",
            "name": self.title,
            "datePublished": self.date.isoformat(),
            "url": url,
            "mainEntityOfPage": url,
            "isPartOf": {"@type": "Periodical", "name": "Peru Update"},
            "publisher": publisher,
            "inLanguage": hreflang(language_code()),
        }
        if self.number is not None:
            data["issueNumber"] = str(self.number)
        if self.meta_description:
            data["description"] = Truncator(self.meta_description).chars(300)
        if image:
            data["image"] = [image["url"]]
        return data
