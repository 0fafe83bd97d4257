"""The stories shown at the foot of a news item or briefing."""

from django.apps import apps
from django.db.models import Exists, Q

from wagtail.admin.panels import InlinePanel
from wagtail.models import Page

from .pictures import prefetch_listing_images, with_listing_images

RELATED_COUNT = 3


class RelatedStoriesMixin:
    """`related_stories()`: the stories the editor chose for this page, in the reader's
    language where translated; or else the newest live, public `related_candidates` in this
    page's language sharing a region or theme with it; or, if none shares any, the newest of
    them, so that a reader always has somewhere to go on. Never the page itself, a draft or a
    private page. Each page type declares `related_candidates` ('app.Model', dated, lazily, so
    that one app need not import another) and a `related_pages` inline of home.models.RelatedPage.
    """

    related_candidates = "news.NewsItemPage"

    # The editor's choice, in the page's content panels.
    related_stories_panels = [
        InlinePanel(
            "related_pages",
            label="Related story",
            heading="Related stories",
            help_text="Optional: up to three stories to show under this one, in this order. "
            "Without them, readers see the newest news items sharing a region or theme "
            "(or the newest news items, if none does).",
            max_num=RELATED_COUNT,
        )
    ]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # A method, not its value: the template asks for it only when it builds the cached
        # fragment that shows it.
        context["related_stories"] = self.related_stories
        return context

    def related_stories(self):
        chosen = self._chosen_stories()
        if chosen is not None:
            return chosen
        model = apps.get_model(self.related_candidates)
        # As subqueries, so that a story sharing two themes is found once (and a preview's
        # themes and regions, not saved yet, are the editor's in memory).
        sharing = model.objects.filter(
            Q(themes__in=self.themes.all()) | Q(regions__in=self.regions.all())
        ).values("pk")
        # The same language's tree: the home page these pages hang from.
        home_path = self.path[: Page.steplen * 2]
        others = (
            model.objects.live()
            .public()
            .filter(locale_id=self.locale_id, path__startswith=home_path)
            .exclude(translation_key=self.translation_key)
        )
        # One query either way: the stories sharing something, or all if none does.
        candidates = others.filter(
            Q(pk__in=sharing) | ~Exists(others.filter(pk__in=sharing))
        ).defer_streamfields()
        return list(with_listing_images(candidates.order_by("-date", "-pk"))[:RELATED_COUNT])

    def _chosen_stories(self):
        """The editor's choice, or None if the editor chose none."""
        chosen = [
            item.page
            for item in self.related_pages.select_related("page")
            if item.page_id and item.page.translation_key != self.translation_key
        ]
        return chosen_pages(chosen, self.locale_id) if chosen else None


def chosen_pages(pages, locale_id):
    """Pages an editor chose, in the editor's order, each in the language of `locale_id`
    where it has been translated (a translation keeps its source's choices), leaving out
    those readers may not see; ready for a listing."""
    keys = [page.translation_key for page in pages if page is not None]
    found = (
        Page.objects.filter(translation_key__in=keys).live().public().defer_streamfields()
    ).specific()
    by_key = {}
    for page in prefetch_listing_images(found):
        if page.locale_id == locale_id or page.translation_key not in by_key:
            by_key[page.translation_key] = page
    return [by_key[key] for key in keys if key in by_key]
