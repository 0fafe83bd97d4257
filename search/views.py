"""The site search page: every live, public page on the site in any of its languages, the
reader's language first (search/languages.py), with filters, the results editors recommend
for a query (search promotions) and a log of what readers look for (Wagtail's query log)."""

import contextlib
import logging
import operator
from functools import reduce

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db import DatabaseError, connection, transaction
from django.db.models import DateField, F, Q
from django.db.models.functions import Coalesce, TruncDate
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from wagtail.contrib.search_promotions.models import Query, SearchPromotion
from wagtail.models import Page, Site
from wagtail.search.backends.base import OrderByFieldError

from core.i18n import hreflang
from home.models import Theme, localize_themes, source_language_themes

from .backends import backend_for
from .languages import (
    FirstThenRest,
    language_of,
    locale_languages,
    preferred_locales,
    search_groups,
)
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
# Shown with a result in another language than the reader's.
LANGUAGE_NOTES = {"en": _("In English"), "es": _("In Spanish")}
# Pages dated by a field of their own; every other page by the day it was first published.
DATE_FIELDS = {"news.NewsItemPage": "date"}


def visible_pages(request):
    """Every page a reader may see on this site, in any language: live, public, not past its
    expiry and not an alias."""
    pages = Page.objects.live().public()
    site = Site.find_for_request(request)
    if site is not None:
        # The site in every language: its root page and the root's translations.
        roots = site.root_page.get_translations(inclusive=True).values_list("path", flat=True)
        pages = pages.filter(reduce(operator.or_, (Q(path__startswith=path) for path in roots)))
    # An expired page stays live until the publish_scheduled command next runs.
    # (Search backends filter on indexed fields only, so this is a subquery on the primary key;
    # migration 0003 indexes the few pages with an expiry date.)
    expired = Page.objects.filter(expire_at__lte=timezone.now()).values("pk")
    # An alias (a page shown again elsewhere in the tree, as a translation's untranslated
    # parents are) repeats its original: the original is the result.
    aliases = Page.objects.filter(alias_of__isnull=False).values("pk")
    return pages.exclude(pk__in=expired).exclude(pk__in=aliases)


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
        if getattr(page, "listing_date", None) is not None:
            continue
        field = DATE_FIELDS.get(page._meta.label)
        if field:
            page.listing_date = getattr(page, field)
        elif page.first_published_at:
            page.listing_date = timezone.localdate(page.first_published_at)
        else:
            page.listing_date = None
    return pages


def run_search(pages, search_query, order, groups):
    """Lazy search results of specific pages, ordered as the reader asked: one search per
    language, the reader's first (search/languages.py), each story once.

    A story (the pages sharing a translation key) is answered in the reader's language when
    it is among `pages` there, else in another: the later languages' searches leave out the
    stories an earlier language has, in SQL, so pages of results and counts count stories."""
    if len(groups) <= 1:
        language = groups[0][1] if groups else None
        return search_in_order(pages, search_query, order, language)
    parts, told = [], []
    for locales, language in groups:
        part = pages.filter(locale__in=locales)
        if told:
            # Not the stories an earlier language has among the pages the reader may see.
            stories = pages.filter(locale__in=told).values("translation_key")
            part = part.exclude(translation_key__in=stories)
        parts.append(search_in_order(part, search_query, order, language))
        told += locales
    return reduce(lambda rest, first: FirstThenRest(first, rest), reversed(parts))


def search_in_order(pages, search_query, order, language):
    """Lazy search results of specific pages among `pages`, in `language`, ordered as the
    reader asked."""
    backend = backend_for(language)
    if order != "newest":
        return backend.search(search_query, pages.specific().defer_streamfields())
    pages = pages.annotate(listing_date=listing_date()).specific().defer_streamfields()
    newest = pages.order_by(F("listing_date").desc(nulls_last=True), "-first_published_at", "-id")
    try:
        return backend.search(search_query, newest, order_by_relevance=False)
    except OrderByFieldError:
        # Elasticsearch and OpenSearch sort only on indexed fields of Page itself.
        newest = pages.order_by("-first_published_at", "-id")
        return backend.search(search_query, newest, order_by_relevance=False)


def in_savepoint():
    """Within a transaction, a savepoint, so that on PostgreSQL a failed query leaves it usable.
    Not otherwise: on SQLite a transaction would wait for writers."""
    return transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext()


def promoted(query, pages, filtered, reader_locales):
    """The editors' recommendations for `query` that the reader may see, in their order: each
    story once, in the reader's language where the reader may see it in theirs."""
    promotions = list(
        SearchPromotion.objects.filter(query=query)
        .filter(Q(page__isnull=True) | Q(page__in=pages.values("pk")))
        .order_by("sort_order", "pk")
    )
    page_ids = {promotion.page_id for promotion in promotions if promotion.page_id}
    specific = {}
    if page_ids:
        stories = Page.objects.filter(pk__in=page_ids).values("translation_key")
        found = pages.filter(
            Q(pk__in=page_ids) | Q(translation_key__in=stories, locale__in=reader_locales)
        )
        found = add_listing_dates(list(found.specific().defer_streamfields()))
        readers = {page.translation_key: page for page in found if page.locale_id in reader_locales}
        specific = {
            page.pk: readers.get(page.translation_key, page)
            for page in found
            if page.pk in page_ids
        }
    items, stories_shown = [], set()
    for promotion in promotions:
        page = specific.get(promotion.page_id)
        if promotion.page_id:
            if page is None or page.translation_key in stories_shown:
                continue
            stories_shown.add(page.translation_key)
        elif filtered:
            # An external link is no answer to a search filtered by type or theme.
            continue
        # The editor's description is of the page they chose, in its language.
        chosen = page is None or page.pk == promotion.page_id
        description = promotion.description if chosen else ""
        items.append({"promotion": promotion, "page": page, "description": description})
    return items


def add_languages(pages, languages, reader_language):
    """Mark each page in another language than the reader's with its HTML `lang`, so screen
    readers read it in its own voice. (Both languages run left to right: no `dir` is needed.)"""
    for page in pages:
        code = languages.get(page.locale_id, settings.LANGUAGE_CODE)
        page.lang = page.language_note = ""
        if language_of(code) != language_of(reader_language):
            page.lang = hreflang(code)
            page.language_note = LANGUAGE_NOTES.get(language_of(code), "")
    return pages


def log_search(query, result_count):
    """Count the search in Wagtail's query log and, given a result count, keep it for the
    'no results' report. A failure here never costs the reader their results."""
    try:
        with in_savepoint():
            query.add_hit()
            if result_count is not None:
                outcome = {"result_count": result_count, "searched_at": timezone.now()}
                # One statement for words searched before.
                if not QueryOutcome.objects.filter(query=query).update(**outcome):
                    QueryOutcome.objects.update_or_create(query=query, defaults=outcome)
    except DatabaseError:
        logger.warning("Could not log the search %r", query.query_string, exc_info=True)


def logged_query(text):
    """Wagtail's log entry for `text` (normalised as Wagtail does), made on its first search;
    None if it cannot be read or made (the search goes on without it)."""
    try:
        with in_savepoint():
            return Query.get(text)
    except DatabaseError:
        logger.warning("Could not log the search %r", text, exc_info=True)
        return None


def search(request):
    cleaned = clean_query(request.GET.get("query", ""))
    themes = localize_themes(Theme.objects.filter(source_language_themes()))
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

    pages = visible_pages(request)
    if type_key:
        model = apps.get_model(TYPES[type_key][1])
        pages = pages.filter(content_type=ContentType.objects.get_for_model(model))
    if theme is not None:
        pages = with_theme(pages, theme)

    query = logged_query(cleaned.text)
    languages = locale_languages()
    reader_language = translation.get_language()
    groups = search_groups(reader_language, languages)
    reader_locales = preferred_locales(reader_language, languages)
    promotions = promoted(query, pages, filtered, reader_locales) if query else []
    add_languages([item["page"] for item in promotions if item["page"]], languages, reader_language)
    paginator = Paginator([], RESULTS_PER_PAGE)
    page_obj = paginator.get_page(1)
    failed = False
    if cleaned.search_query is not None:
        # Promoted stories are listed once, first.
        promoted_stories = [item["page"].translation_key for item in promotions if item["page"]]
        try:
            with in_savepoint():
                results = run_search(
                    pages.exclude(translation_key__in=promoted_stories),
                    cleaned.search_query,
                    order,
                    groups,
                )
                paginator = Paginator(results, RESULTS_PER_PAGE)
                page_obj = paginator.get_page(request.GET.get("page"))
                found = add_listing_dates(list(page_obj.object_list))
                page_obj.object_list = add_languages(found, languages, reader_language)
        except DatabaseError:
            logger.warning("Search failed for %r", cleaned.text, exc_info=True)
            failed = True
            paginator = Paginator([], RESULTS_PER_PAGE)
            page_obj = paginator.get_page(1)

    result_count = len(promotions) + paginator.count
    # Logged once per search, not again for each page of its results.
    if query is not None and "page" not in request.GET:
        # Only an unfiltered, successful search says whether the words find anything.
        log_search(query, None if filtered or failed else result_count)
    context.update(
        {
            "promotions": promotions if page_obj.number == 1 else [],
            "page_obj": page_obj,
            "page_range": paginator.get_elided_page_range(page_obj.number),
            "result_count": result_count,
        }
    )
    return render(request, "search/search.html", context)
