"""RSS 2.0 and Atom feeds of Peru Update, one pair for each language's list of bulletins, in the
language of its address (Django's feeds take the active one)."""

import datetime

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from wagtail.models import Site

FEED_LENGTH = 20


class BulletinFeed(Feed):
    feed_type = Rss201rev2Feed

    def __init__(self, index):
        super().__init__()
        self.index = index

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

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

    def feed_url(self):
        return self.request.build_absolute_uri()

    def items(self):
        return self.index.get_items(pictures=False)[:FEED_LENGTH]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.listing_summary

    def item_link(self, item):
        return item.get_url(self.request)

    def item_pubdate(self, item):
        # The bulletin's date, at midnight where the charity works.
        return timezone.make_aware(datetime.datetime.combine(item.date, datetime.time()))

    def item_updateddate(self, item):
        return item.last_published_at


class AtomBulletinFeed(BulletinFeed):
    feed_type = Atom1Feed

    def subtitle(self):
        return self.description()
