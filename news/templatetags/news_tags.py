from django import template

from core.caching import cached
from core.privacy import public
from core.sites import site_root
from news.models import NewsIndexPage, NewsItemPage

register = template.Library()


@register.simple_tag(takes_context=True)
def latest_news(context, count=10):
    """The newest live, public news items on the current site."""
    request = context.get("request")
    root = site_root(request) if request else None
    items = public(NewsItemPage.objects.live())
    if root is not None:
        items = items.descendant_of(root)
    return list(items.defer_streamfields().order_by("-date", "-pk")[:count])


@register.inclusion_tag("includes/feed_links.html", takes_context=True)
def news_feed_links(context):
    """Feed autodiscovery for every page: the site's news feeds."""
    request = context.get("request")
    root = site_root(request) if request else None
    if root is None:
        return {}

    def links():
        index = NewsIndexPage.objects.live().public().descendant_of(root).first()
        if index is None:
            return {}
        url = index.get_url(request)
        return {
            "index": url,
            "rss": url + index.reverse_subpage("feed"),
            "atom": url + index.reverse_subpage("atom_feed"),
            "title": index.title,
        }

    return cached(f"news-feed-links:{root.pk}", links)


@register.simple_tag(takes_context=True)
def news_index_url(context):
    """The address of the site's news list ('' if it has none)."""
    return news_feed_links(context).get("index", "")
