"""What the site's feeds share: RSS 2.0 (Atom with `AtomFeed`) of an index page's dated
pages, in the language of its address (Django's feeds take the active one), with links made
absolute by the syndication framework from the request's host."""

import datetime

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

FEED_LENGTH = 20


class DatedPageFeed(Feed):
    """Items are pages with a `date` (the editorial one) and a title."""

    feed_type = Rss201rev2Feed

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def feed_url(self):
        return self.request.build_absolute_uri()

    def item_title(self, item):
        return item.title

    def item_link(self, item):
        return item.get_url(self.request)

    def item_pubdate(self, item):
        # The editorial date, at midnight where the charity works.
        return timezone.make_aware(datetime.datetime.combine(item.date, datetime.time()))

    def item_updateddate(self, item):
        return item.last_published_at


class AtomFeed:
    """Mixed in before a feed class: the same feed in Atom."""

    feed_type = Atom1Feed

    def subtitle(self):
        return self.description()
