"""RSS 2.0 and Atom feeds of the latest news, optionally for one theme, one region or both: one
pair for each language's news list and each region's page, in the language of its address
(Django's feeds take the active one)."""

from django.utils.translation import gettext

from wagtail.models import Site

from core.i18n import in_reader_language
from home.feeds import FEED_LENGTH, AtomFeed, DatedPageFeed
from home.models import Theme


class NewsFeed(DatedPageFeed):
    def __init__(self, index, theme=None, region=None):
        super().__init__()
        self.index = index
        self.theme = theme
        self.region = region

    def title(self):
        site = Site.find_for_request(self.request)
        site_name = (site and site.site_name) or gettext("News")
        if self.region and self.theme:
            return gettext("%(site)s: %(index)s about %(theme)s from %(region)s") % {
                "site": site_name,
                "index": self.index.title,
                "theme": self.theme.name,
                "region": self.region.label,
            }
        if self.region:
            return gettext("%(site)s: %(index)s from %(region)s") % {
                "site": site_name,
                "index": self.index.title,
                "region": self.region.label,
            }
        if self.theme:
            return gettext("%(site)s: %(index)s about %(theme)s") % {
                "site": site_name,
                "index": self.index.title,
                "theme": self.theme.name,
            }
        return f"{site_name}: {self.index.title}"

    # Relative links: the syndication framework makes them absolute with the request's host.
    def link(self):
        if self.region:
            url = self.index.region_url(self.region, self.request)
        else:
            url = self.index.get_url(self.request)
        return f"{url}?theme={self.theme.slug}" if self.theme else url

    def description(self):
        return self.index.intro or gettext("The latest %(index)s.") % {
            "index": self.index.title.lower()
        }

    def items(self):
        items = self.index.get_items(pictures=False).prefetch_related("themes")
        if self.theme:
            items = items.filter(themes__translation_key=self.theme.translation_key)
        if self.region:
            items = items.filter(regions=self.region)
        items = list(items[:FEED_LENGTH])
        # Every item's themes in the reader's language at once, not a lookup per item.
        themes = list({theme.pk: theme for item in items for theme in item.themes.all()}.values())
        self.theme_names = {
            theme.pk: translated.name
            for theme, translated in zip(themes, in_reader_language(Theme, themes), strict=True)
        }
        return items

    def item_description(self, item):
        return item.summary

    def item_categories(self, item):
        return sorted({self.theme_names[theme.pk] for theme in item.themes.all()})


class AtomNewsFeed(AtomFeed, NewsFeed):
    pass
