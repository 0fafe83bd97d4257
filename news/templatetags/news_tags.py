import datetime

from django import template

from home.pictures import with_listing_images
from home.seo import site_root
from news.models import NewsIndexPage, NewsItemPage

register = template.Library()


@register.simple_tag(takes_context=True)
def latest_news(context, count=10):
    """The newest live, public news items on the current site."""
    request = context.get("request")
    root = site_root(request) if request else None
    items = NewsItemPage.objects.live().public()
    if root is not None:
        items = items.descendant_of(root)
    return list(with_listing_images(items.defer_streamfields().order_by("-date", "-pk"))[:count])


@register.inclusion_tag("includes/feed_links.html", takes_context=True)
def news_feed_links(context):
    """Feed autodiscovery for every page: the site's news feeds."""
    request = context.get("request")
    root = site_root(request) if request else None
    if root is None:
        return {}

    if not hasattr(request, "news_feed_links"):
        # Asked for by the head and the page's own links: read once per request.
        index = NewsIndexPage.objects.live().public().descendant_of(root).first()
        url = index.get_url(request) if index else None
        request.news_feed_links = url and {
            "index": url,
            "rss": url + index.reverse_subpage("feed"),
            "atom": url + index.reverse_subpage("atom_feed"),
            "title": index.title,
        }
    return request.news_feed_links or {}


@register.simple_tag(takes_context=True)
def news_index_url(context):
    """The address of the site's news list ('' if it has none)."""
    return news_feed_links(context).get("index", "")


@register.simple_tag
def news_region_path(region):
    """A region's page below the news list's address ({% news_index_url %})."""
    return NewsIndexPage.region_path(region)


@register.simple_tag
def news_month_path(date):
    """The month of `date` in the archive, below the news list's address."""
    return NewsIndexPage.archive_path(date.year, date.month)


@register.simple_tag(takes_context=True)
def news_months(context):
    """The months with news on this news list, newest first, by year, with their counts and
    addresses (for news/includes/news_months_nav.html)."""
    request, page, archive = context.get("request"), context.get("page"), context.get("archive")
    if request is None or not isinstance(page, NewsIndexPage) or not page.pk:
        return []
    base, years = page.get_url(request), {}
    for year, month, count in page.archive_months():
        if year not in years:
            years[year] = {
                "year": year,
                "url": base + page.archive_path(year),
                "current": bool(archive) and (archive["year"], archive["month"]) == (year, None),
                "months": [],
            }
        years[year]["months"].append(
            {
                "date": datetime.date(year, month, 1),
                "count": count,
                "url": base + page.archive_path(year, month),
                "current": bool(archive) and (archive["year"], archive["month"]) == (year, month),
            }
        )
    return list(years.values())
