"""RSS 2.0 and Atom feeds of Peru Update, one pair for each language's list of bulletins, in the
language of its address (Django's feeds take the active one)."""

from wagtail.models import Site

from home.feeds import FEED_LENGTH, AtomFeed, DatedPageFeed


class BulletinFeed(DatedPageFeed):
    def __init__(self, index):
        super().__init__()
        self.index = index

    def title(self):
        site = Site.find_for_request(self.request)
        if site and site.site_name:
            return f"{site.site_name}: {self.index.title}"
        return self.index.title

    # Relative links: the syndication framework makes them absolute with the request's host.
    def link(self):
        return self.index.get_url(self.request)

    def description(self):
        return self.index.meta_description or self.index.title

    def items(self):
        return self.index.get_items(pictures=False)[:FEED_LENGTH]

    def item_description(self, item):
        return item.listing_summary


class AtomBulletinFeed(AtomFeed, BulletinFeed):
    pass
