"""The listing pictures of news items and briefings: the sizes the templates ask for, read with
their pages in a fixed number of queries.

Each spec here is written out again in a template's `{% picture %}` tag, in the same order;
tests/test_pictures.py checks that a listing reads no rendition one by one."""

from django.db.models import Prefetch, prefetch_related_objects

from wagtail.images import get_image_model
from wagtail.images.models import Filter

# Cards in lists: a small picture beside the text (10rem; twice that on sharp screens).
CARD = "fill-{160x90,320x180}|format-{webp,jpeg}"
# The top of the item's own page, as wide as the text column.
ARTICLE = "fill-{640x360,1280x720}|format-{webp,jpeg}"
# Shared links: what social networks ask for.
SHARE = "fill-1200x630|format-jpeg"


def specs(*patterns):
    return [spec for pattern in patterns for spec in Filter.expand_spec(pattern)]


def _listing_image():
    """The prefetch of a page's listing image with its card renditions."""
    images = get_image_model().objects.prefetch_renditions(*specs(CARD))
    return Prefetch("listing_image", queryset=images)


def with_listing_images(pages):
    """`pages` with their listing images and their cards' renditions, two queries for any
    number (none where no page has a picture)."""
    return pages.prefetch_related(_listing_image())


def prefetch_listing_images(pages):
    """As `with_listing_images`, for pages already read (a list of several page types); a
    list is returned, as `pages` were."""
    pages = list(pages)
    pictured = [page for page in pages if getattr(page, "listing_image_id", None)]
    if pictured:
        prefetch_related_objects(pictured, _listing_image())
    return pages
