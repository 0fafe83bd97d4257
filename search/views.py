"""The site search page: every live, public page on the site in any of its languages, the
reader's language first (search/languages.py), with filters, the results editors recommend
for a query (search promotions) and a log of what readers look for."""

import contextlib
import functools
import logging
import operator
from dataclasses import dataclass
from functools import reduce

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import DateField, F, Q
from django.db.models.functions import Coalesce, TruncDate
from django.shortcuts import render
from django.template import Context
from django.template.loader import get_template
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.contrib.search_promotions.models import Query, QueryDailyHits, SearchPromotion
from wagtail.models import Page, Site
from wagtail.search.backends.base import OrderByFieldError
from wagtail.search.utils import normalise_query_string

from core.caching import cached, cached_many
from core.privacy import public
from core.sites import site_roots
from home.models import Theme, localize_themes, source_language_themes

from .caching import cached_until_expiry
from .languages import FirstThenRest, locale_languages, preferred_locales
from .models import QueryOutcome
from .query import MAX_LENGTH, MAX_TERMS, clean_query

logger = logging.getLogger(__name__)

RESULTS_PER_PAGE = 10

# The ?type= filter: a reader-facing key, its label and the page model it shows.
TYPES = {
    "news": (_("News"), "news.NewsItemPage"),
    "briefings": (_("Briefings"), "briefings.BriefingPage"),
}
ORDERS = {"": _("Most relevant first"), "newest": _("Newest first")}
# Pages dated by a field of their own; every other page by the day it was first published.
DATE_FIELDS = {"news.NewsItemPage": "date"}


def visible_pages(request):
    """Every page a reader may see on this site, in any language: live, public and not past
    its expiry."""
    pages = public(Page.objects.live())
    roots = site_roots(request)
    if roots:
        # The site in every language: readers find pages in either.
        pages = pages.filter(
            reduce(operator.or_, (Q(path__startswith=root.path) for root in roots))
        )
    # An expired page stays live until the publish_scheduled command next runs.
    # (Search backends filter on indexed fields only, so this is a subquery on the primary key;
    # migration 0003 indexes the few pages with an expiry date.)
    expired = Page.objects.filter(expire_at__lte=timezone.now()).values("pk")
    return pages.exclude(pk__in=expired)


def with_theme(pages, theme):
    """The pages tagged with `theme`, whatever their type."""
    tagged = [
        Q(
            pk__in=relation.related_model.objects.filter(
                **{f"{relation.field.name}__translation_key": theme.translation_key}
            ).values("pk")
        )
        for relation in Theme._meta.related_objects
        if relation.many_to_many and issubclass(relation.related_model, Page)
    ]
    return pages.filter(reduce(operator.or_, tagged)) if tagged else pages.none()


def listing_date():
    """The date 'newest first' sorts by, for pages of any type (see `add_listing_dates`)."""
    own_dates = [
        F(f"{apps.get_model(label)._meta.model_name}__{name}")
        for label, name in DATE_FIELDS.items()
    ]
    return Coalesce(*own_dates, TruncDate("first_published_at"), output_field=DateField())


def add_listing_dates(pages):
    """Give each page the date shown with it as a result, as `listing_date()` computes it.

    Done in Python for the ten pages shown, not in SQL for every page the words match."""
    for page in pages:
        if page is None or getattr(page, "listing_date", None) is not None:
            continue
        field = DATE_FIELDS.get(page._meta.label)
        if field:
            page.listing_date = getattr(page, field)
        elif page.first_published_at:
            page.listing_date = timezone.localdate(page.first_published_at)
        else:
            page.listing_date = None
    return pages


def run_search(pages, search_query, order, scope):
    """Lazy search results of specific pages, ordered as the reader asked, the pages in the
    reader's language first. `scope` tells `pages` apart from the other sets of pages searched
    (see search/ranking.py)."""
    locales = preferred_locales()
    if not locales or set(locales) >= set(locale_languages()):
        # Every page is in the reader's language, or none is: nothing to put first.
        return search_in_order(pages, search_query, order, scope)
    if order != "newest":
        results = search_in_order(pages, search_query, order, scope)
        # The one-pass ranking puts them first itself, in the same one ranking.
        first = Page.objects.filter(locale__in=locales)
        if hasattr(results, "prefer") and results.prefer(("locales", *locales), first):
            return results
    # Otherwise two searches, one after the other.
    return FirstThenRest(
        search_in_order(
            pages.filter(locale__in=locales), search_query, order, (*scope, "in", *locales)
        ),
        search_in_order(
            pages.exclude(locale__in=locales), search_query, order, (*scope, "out", *locales)
        ),
    )


def search_in_order(pages, search_query, order, scope):
    """Lazy search results of specific pages among `pages`, ordered as the reader asked."""
    if order != "newest":
        results = pages.specific().defer_streamfields().search(search_query)
        # Which pages a reader may see changes only with the content version and with a
        # page's expiry: the backends that rank once cache it.
        if hasattr(results, "cache_visible"):
            results.cache_visible(scope)
        return results
    pages = pages.annotate(listing_date=listing_date()).specific().defer_streamfields()
    newest = pages.order_by(F("listing_date").desc(nulls_last=True), "-first_published_at", "-id")
    try:
        return newest.search(search_query, order_by_relevance=False)
    except OrderByFieldError:
        # Elasticsearch and OpenSearch sort only on indexed fields of Page itself.
        newest = pages.order_by("-first_published_at", "-id")
        return newest.search(search_query, order_by_relevance=False)


def in_savepoint():
    """Within a transaction, a savepoint, so that on PostgreSQL a failed query leaves it usable.
    Not otherwise: on SQLite a transaction would wait for writers."""
    return transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext()


@dataclass
class ResultPage:
    """One page of a search's results, rendered, and how many results there are in all.

    Many readers search for the same words when a story breaks, and finding and ranking
    thousands of matches is the dearest thing the site does, so a page of results is cached for a
    minute (SEARCH_RESULTS_SECONDS), keyed by the content version: publishing, unpublishing,
    moving or deleting a page, or changing a restriction, shows in the next search. The minute
    is cut short by the next expiry date of a live page, so an expired page leaves search
    results at once too.
    """

    count: int
    number: int
    html: str

    @classmethod
    def cached(cls, request, key, number, search):
        # Anything but a page number is page 1, as Paginator.get_page() would serve it.
        number = number if isinstance(number, str) and number.isdigit() else "1"
        return cached_until_expiry(
            "search-results",
            (*key, number),
            lambda: cls.build(request, number, search),
            settings.SEARCH_RESULTS_SECONDS,
        )

    @classmethod
    def build(cls, request, number, search):
        with in_savepoint():
            paginator = Paginator(search(), RESULTS_PER_PAGE)
            page_obj = paginator.get_page(number)
            cards = result_cards(request, page_obj.object_list)
        # Kept rendered: the same words bring the same list, links included (the key has the
        # site).
        html = render_plainly("search/results.html", {"cards": cards})
        return cls(count=paginator.count, number=page_obj.number, html=html)


def render_plainly(template_name, context):
    """A template that needs nothing of the request but what `context` gives it, rendered
    without the context processors every page runs."""
    return get_template(template_name).template.render(Context(context))


def result_cards(request, results):
    """Each of a page of results rendered as a card (includes/search_result.html).

    A card depends only on its page and the site, so it is cached like a fragment: a search
    finding pages that earlier searches showed renders none of them again, and, with results
    that name their pages before loading them (search/ranking.py), loads none of them either.
    """
    page_keys = results.page_keys() if hasattr(results, "page_keys") else None
    if page_keys is None:
        return [render_card(request, page) for page in add_listing_dates(list(results))]
    site = Site.find_for_request(request)
    keys = {pk: f"search-card:{site.pk if site else ''}:{pk}" for pk in page_keys}

    def build(missing):
        pages = add_listing_dates(results.load([pk for pk, key in keys.items() if key in missing]))
        return {keys[page.pk]: render_card(request, page) for page in pages}

    cards = cached_many(list(keys.values()), build)
    return [cards[key] for key in keys.values() if key in cards]


def render_card(request, page):
    return render_plainly(
        "includes/search_result.html", {"result": page, "promotion": None, "request": request}
    )


def promoted(query, pages, filtered):
    """The editors' recommendations for `query` that the reader may see, in their order."""
    if query is None:
        return []
    promotions = list(
        SearchPromotion.objects.filter(query=query)
        .filter(Q(page__isnull=True) | Q(page__in=pages.values("pk")))
        .order_by("sort_order", "pk")
    )
    page_ids = [promotion.page_id for promotion in promotions if promotion.page_id]
    specific = {}
    if page_ids:
        found = pages.filter(pk__in=page_ids).specific().defer_streamfields()
        specific = {page.pk: page for page in add_listing_dates(list(found))}
    return [
        {"promotion": promotion, "page": specific.get(promotion.page_id)}
        for promotion in promotions
        # An external link is no answer to a search filtered by type or theme.
        if (promotion.page_id and promotion.page_id in specific)
        or (not promotion.page_id and not filtered)
    ]


def recommended(scope, text, pages, filtered):
    """The query as logged, if it ever was, and its promotions (see `promoted`) among
    `pages()`.

    Cached like a fragment, so a repeated search costs no lookups: a promotion saved or deleted
    changes the content version (core/caching/invalidation.py), and, like results, promotions
    are cached no later than the next page expiry. A query first logged meanwhile needs no new
    value: it has no promotions until an editor adds one.
    """
    normalised = normalise_query_string(text)

    def build():
        query = Query.objects.filter(query_string=normalised).first()
        return query, promoted(query, pages(), filtered)

    return cached_until_expiry(
        "search-promotions", (*scope, normalised), build, settings.FRAGMENT_CACHE_SECONDS
    )


def log_search(text, query, result_count):
    """Count the search in Wagtail's query log and, given a result count, keep it for the
    'no results' report. A failure here never costs the reader their results."""
    try:
        with in_savepoint():
            if connection.vendor == "postgresql":
                log_in_one_statement(text, result_count)
            else:
                log_with_the_orm(text, query, result_count)
    except DatabaseError:
        logger.warning("Could not log the search %r", text, exc_info=True)


def log_with_the_orm(text, query, result_count):
    with transaction.atomic():
        query = query or Query.get(text)
        # As Query.add_hit, in one statement for a query already seen today.
        today = timezone.now().date()
        hits = QueryDailyHits.objects.filter(query=query, date=today)
        if not hits.update(hits=F("hits") + 1):
            try:
                with transaction.atomic():
                    QueryDailyHits.objects.create(query=query, date=today, hits=1)
            except IntegrityError:
                # Another reader's search created today's row first.
                hits.update(hits=F("hits") + 1)
        if result_count is not None:
            outcome = {"result_count": result_count, "searched_at": timezone.now()}
            if not QueryOutcome.objects.filter(query=query).update(**outcome):
                QueryOutcome.objects.update_or_create(query=query, defaults=outcome)


# The same as log_with_the_orm (and Wagtail's Query.get().add_hit()) in one round trip: every
# search is logged, so it is on the path of every search. Measured on PostgreSQL here: 0.5 ms
# wall and 0.15 ms of CPU per search, against 6 to 8 ms and 1.6 to 2.5 ms for Query.add_hit
# and the outcome's update, as long as a fresh search itself. ON CONFLICT settles readers
# racing to log the same words first. A count lost in a crash costs nothing, so the commit
# does not wait for the disk (synchronous_commit).
LOG_SQL = """
WITH query AS (
    INSERT INTO {query} (query_string) VALUES (%(text)s)
    ON CONFLICT (query_string) DO UPDATE SET query_string = EXCLUDED.query_string
    RETURNING id
), hits AS (
    INSERT INTO {hits} (query_id, date, hits) SELECT id, %(today)s, 1 FROM query
    ON CONFLICT (query_id, date) DO UPDATE SET hits = {hits}.hits + 1
), outcome AS (
    INSERT INTO {outcome} (query_id, result_count, searched_at)
    SELECT id, %(count)s, %(now)s FROM query WHERE %(count)s::integer IS NOT NULL
    ON CONFLICT (query_id) DO UPDATE
    SET result_count = EXCLUDED.result_count, searched_at = EXCLUDED.searched_at
)
SELECT set_config('synchronous_commit', 'off', true)
"""


def log_in_one_statement(text, result_count):
    sql = LOG_SQL.format(
        query=Query._meta.db_table,
        hits=QueryDailyHits._meta.db_table,
        outcome=QueryOutcome._meta.db_table,
    )
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "text": normalise_query_string(text),
                "today": now.date(),
                "count": result_count,
                "now": now,
            },
        )


def search(request):
    cleaned = clean_query(request.GET.get("query", ""))
    themes = cached(
        "themes", lambda: localize_themes(Theme.objects.filter(source_language_themes()))
    )
    type_key = request.GET.get("type", "")
    type_key = type_key if type_key in TYPES else ""
    theme_slug = request.GET.get("theme", "")
    theme = next((theme for theme in themes if theme.slug == theme_slug), None)
    order = request.GET.get("order", "")
    order = order if order in ORDERS else ""
    filtered = bool(type_key or theme)

    context = {
        "query": cleaned.text,
        "shortened": cleaned.shortened,
        "max_length": MAX_LENGTH,
        "max_terms": MAX_TERMS,
        "types": [(key, label) for key, (label, _) in TYPES.items()],
        "type": type_key,
        "type_label": TYPES[type_key][0] if type_key else "",
        "themes": themes,
        "theme": theme,
        "orders": list(ORDERS.items()),
        "order": order,
        "promotions": [],
        "page_obj": None,
        "result_count": 0,
    }
    if not cleaned.text:
        return render(request, "search/search.html", context)

    @functools.cache
    def pages():
        # Built only when something is not cached: a repeated search needs no queryset.
        pages = visible_pages(request)
        if type_key:
            model = apps.get_model(TYPES[type_key][1])
            pages = pages.filter(content_type=ContentType.objects.get_for_model(model))
        if theme is not None:
            pages = with_theme(pages, theme)
        return pages

    site = Site.find_for_request(request)
    # What the site and the filters make of the same words.
    scope = (site.pk if site else None, type_key, theme.pk if theme else None)
    logged_query, promotions = recommended(scope, cleaned.text, pages, filtered)
    page_obj = None
    paginator = Paginator([], RESULTS_PER_PAGE)
    results_html = ""
    failed = False
    if cleaned.search_query is not None:
        # Promoted pages are listed once, first.
        promoted_ids = [item["page"].pk for item in promotions if item["page"]]
        try:
            found = ResultPage.cached(
                request,
                # Everything the results depend on, but the content (the cache's version).
                key=(*scope, order, cleaned.text, tuple(promoted_ids)),
                number=request.GET.get("page"),
                search=lambda: run_search(
                    pages().exclude(pk__in=promoted_ids),
                    cleaned.search_query,
                    order,
                    scope=(*scope, tuple(promoted_ids)),
                ),
            )
        except DatabaseError:
            logger.warning("Search failed for %r", cleaned.text, exc_info=True)
            failed = True
        else:
            paginator = Paginator(range(found.count), RESULTS_PER_PAGE)
            page_obj = paginator.get_page(found.number)
            results_html = found.html
    if page_obj is None:
        page_obj = paginator.get_page(1)

    result_count = len(promotions) + paginator.count
    # Logged once per search, not again for each page of its results.
    if "page" not in request.GET:
        # Only an unfiltered, successful search says whether the words find anything.
        verdict = None if filtered or failed else result_count
        log_search(cleaned.text, logged_query, verdict)
    context.update(
        {
            "promotions": promotions if page_obj.number == 1 else [],
            "page_obj": page_obj,
            "results_html": results_html,
            "page_range": paginator.get_elided_page_range(page_obj.number),
            "result_count": result_count,
        }
    )
    return render(request, "search/search.html", context)
