from django import template

from wagtail.models import Site

from core.caching import cached
from core.privacy import public
from news.models import NewsIndexPage, NewsItemPage

register = template.Library()


@register.simple_tag(takes_context=True)
def latest_news(context, count=10):
    """The newest live, public news items on the current site."""
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    items = public(NewsItemPage.objects.live())
    if site is not None:
        items = items.descendant_of(site.root_page)
    return list(items.defer_streamfields().order_by("-date", "-pk")[:count])


@register.inclusion_tag("includes/feed_links.html", takes_context=True)
def news_feed_links(context):
    """Feed autodiscovery for every page: the site's news feeds."""
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    if site is None:
        return {}

    def links():
        index = NewsIndexPage.objects.live().public().descendant_of(site.root_page).first()
        if index is None:
            return {}
        url = index.get_url(request)
        return {
            "index": url,
            "rss": url + index.reverse_subpage("feed"),
            "atom": url + index.reverse_subpage("atom_feed"),
            "title": index.title,
        }

    return cached(f"news-feed-links:{site.pk}", links)


@register.simple_tag(takes_context=True)
def news_index_url(context):
    """The address of the site's news list ('' if it has none)."""
    return news_feed_links(context).get("index", "")
