from django import template

from wagtail.models import Site

from news.models import NewsItemPage

register = template.Library()


@register.simple_tag(takes_context=True)
def latest_news(context, count=10):
    """The newest live, public news items on the current site."""
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    items = NewsItemPage.objects.live().public()
    if site is not None:
        items = items.descendant_of(site.root_page)
    return list(items.defer_streamfields().order_by("-date", "-pk")[:count])
