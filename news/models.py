from django import forms
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404
from django.utils.functional import cached_property

from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from home.blocks import BodyStreamBlock
from home.models import Theme


class NewsIndexPage(Page):
    intro = models.TextField(
        blank=True,
        max_length=500,
        help_text="Optional sentence or two shown above the list of news items.",
    )

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["news.NewsItemPage"]
    max_count = 1
    page_description = "The list of news items, newest first. Add news items under this page."

    items_per_page = 10

    def get_items(self):
        """Live, public news items under this index, newest first, ready for a listing."""
        return (
            NewsItemPage.objects.child_of(self)
            .live()
            .public()
            .defer_streamfields()
            .order_by("-date", "-pk")
        )

    @cached_property
    def themes(self):
        """Themes that at least one listed news item carries, for the filter links."""
        items = self.get_items()
        return Theme.objects.filter(newsitempage__in=items.values("pk")).distinct()

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        items = self.get_items()
        theme = None
        slug = request.GET.get("theme")
        if slug:
            theme = Theme.objects.filter(slug=slug).first()
            if theme is None:
                raise Http404("No such theme.")
            items = items.filter(themes=theme)
        paginator = Paginator(items, self.items_per_page)
        page_obj = paginator.get_page(request.GET.get("page"))
        context.update(
            {
                "items": page_obj,
                "page_obj": page_obj,
                "page_range": paginator.get_elided_page_range(page_obj.number),
                "theme": theme,
            }
        )
        return context


class NewsItemPage(Page):
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

    class Meta:
        verbose_name = "news item"
