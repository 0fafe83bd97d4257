from django import template

from wagtail.models import Site

from news.models import NewsIndexPage, NewsItemPage

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


@register.inclusion_tag("includes/feed_links.html", takes_context=True)
def news_feed_links(context):
    """Feed autodiscovery for every page: the site's news feeds."""
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    index = (
        NewsIndexPage.objects.live().public().descendant_of(site.root_page).first()
        if site
        else None
    )
    if index is None:
        return {}
    return {
        "rss": index.url + index.reverse_subpage("feed"),
        "atom": index.url + index.reverse_subpage("atom_feed"),
        "title": index.title,
    }
