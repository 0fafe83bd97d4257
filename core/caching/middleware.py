"""The content version read first, and whole pages cached for anonymous readers."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language_from_path

from .version import content_version

logger = logging.getLogger(__name__)


class ContentVersionMiddleware:
    """Reads the content version before the request reads any content.

    Whatever the request caches is then stored under a version no newer than what it read: a
    change committed meanwhile makes it stale rather than hiding behind the new version.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            content_version()
        except DatabaseError:
            # Without the database nothing cached can be trusted; the view answers as it can
            # (/health/ says 503, a page the static 500 page).
            logger.warning("Content version unreadable: the database is unavailable")
        return self.get_response(request)


def set_canonical_query(request: HttpRequest, params: Mapping[str, object]) -> None:
    """Say which query parameters the page served and their canonical values (already
    validated: an existing theme, a page number within range, never a default such as page 1).

    The page cache stores a response only when the request's query string is exactly this, and
    page_meta builds the canonical link from it. A page that says nothing has no parameters:
    with any query string it is served, never stored.
    """
    request.canonical_query = {key: str(value) for key, value in params.items()}


def canonical_query(request: HttpRequest) -> dict[str, str]:
    return getattr(request, "canonical_query", {})


def query_items(request: HttpRequest) -> list[tuple[str, str]]:
    """The request's query, parsed (so `%26` stays part of a value), sorted."""
    return sorted((key, value) for key in request.GET for value in request.GET.getlist(key))


def unprefixed(path: str) -> str:
    """`path` without its language prefix: /es/search/ is /search/."""
    language = get_language_from_path(path)
    if language and path.startswith(f"/{language}/"):
        return path[len(language) + 1 :]
    return path


class PageCacheMiddleware:
    """Anonymous readers' GETs of public pages, served from the "pages" cache.

    Stored only when nothing about the response belongs to one visitor (no session, so no
    editor, preview or unlocked private page; no cookie set; a 200) and the query string is
    the page's canonical one (`set_canonical_query`), so a request cannot put any other page
    under another's key, nor fill the cache with made-up parameters. Keys carry the code's and
    the content's versions (core/caching/keys.py): any change makes every stored page stale.
    """

    EXCLUDED_PREFIXES = ("/admin/", "/search/", "/health/", "/documents/", "/_util/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self.may_use_cache(request):
            response = self.get_response(request)
            if request.method in ("GET", "HEAD") and not request.path.startswith("/admin/"):
                patch_cache_control(response, private=True, no_cache=True)
            return response
        pages = caches["pages"]
        key = self.key(request)
        response = pages.get(key)
        if response is not None:
            response["X-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if self.may_store(request, response):
            patch_cache_control(
                response, public=True, max_age=0, s_maxage=settings.PAGE_CACHE_PROXY_SECONDS
            )
            response["X-Cache"] = "miss"
            pages.set(key, response, settings.PAGE_CACHE_SECONDS)
        elif not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_cache=True)
        return response

    def may_use_cache(self, request: HttpRequest) -> bool:
        return (
            settings.PAGE_CACHE_SECONDS > 0
            and request.method in ("GET", "HEAD")
            and not unprefixed(request.path).startswith(self.EXCLUDED_PREFIXES)
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
        )

    def may_store(self, request: HttpRequest, response: HttpResponse) -> bool:
        # A cookie set here (a CSRF token for a form, a session) belongs to one visitor.
        cache_control = response.get("Cache-Control", "")
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "private" not in cache_control
            and "no-store" not in cache_control
            and query_items(request) == sorted(canonical_query(request).items())
        )

    def key(self, request: HttpRequest) -> str:
        address = f"{request.get_host()}{request.path}?{urlencode(query_items(request))}"
        return f"page:{request.method}:{hashlib.sha256(address.encode()).hexdigest()}"
