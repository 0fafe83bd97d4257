"""schema.org descriptions shared by the page types (rendered as JSON-LD by page_meta)."""

from django.conf import settings
from django.http import HttpRequest
from django.utils.html import strip_tags
from django.utils.text import Truncator

from wagtail.models import Site


def organisation(request: HttpRequest, social_links=(), description: str = "") -> dict:
    """The charity, as schema.org describes an organisation."""
    root = Site.find_for_request(request).root_page.localized
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": settings.WAGTAIL_SITE_NAME,
        "url": request.build_absolute_uri(root.get_url(request)),
    }
    if description:
        data["description"] = Truncator(strip_tags(description)).chars(300)
    if social_links:
        data["sameAs"] = list(social_links)
    return data
