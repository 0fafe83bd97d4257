from urllib.parse import urlsplit

from django import template
from django.utils.text import Truncator

from home.models import ListingImageMixin

from .home_tags import page_meta

register = template.Library()


@register.inclusion_tag("includes/shared_link_preview.html", takes_context=True)
def shared_link_preview(context):
    """The card social sites draw for a link to the page: the very data page_meta publishes."""
    meta = page_meta(context)
    if not meta:
        return {}
    page, request = meta["page"], context["request"]
    # The page's own address, not the preview's.
    address = page.get_full_url(request) or ""
    image = meta["image"]
    if image:
        # Drawn in the admin's preview frame: the image's own path loads from wherever the admin
        # is served, which the site's configured host name (in the absolute URL) may not be.
        image = {**image, "src": urlsplit(image["url"]).path}
    return {
        "title": page.seo_title or page.title,
        "description": Truncator(meta["description"]).chars(300),
        "image": image,
        # page_meta shares the page's own picture where it has one, else the site's.
        "can_have_picture": isinstance(page, ListingImageMixin),
        "own_picture": bool(image) and bool(getattr(page, "listing_image_id", None)),
        "address": address,
        "host": urlsplit(address).hostname or "",
    }
