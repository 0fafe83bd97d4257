"""The request's Wagtail site from the fragment cache, not with a query per request.

Wagtail looks the site up once per request (and keeps it on the request), then reads every
site's root path from the default cache to build page addresses. The records change rarely,
and saving a site or publishing its root page advances the content version they are cached
under. ROUTING_SHORTCUTS = False leaves both to Wagtail: measured with child routing
(core/routing.py) at 10,000 news items on SQLite, the pair saves 40 to 65 % of an uncached
page's time (2.5 to 4.6 ms; the 404 page 1.7 ms).
"""

from __future__ import annotations

import contextlib

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port

from wagtail.models import Page, Site

from core.adapters import wagtail as wagtail_adapter
from core.caching import cached


def find_site(request: HttpRequest) -> Site | None:
    site = wagtail_adapter.find_site(request)
    if site is not None:
        # Every page is found by routing from the root page's specific form (in the reader's
        # language: `localized`, core/i18n.py), so the site carries that form.
        site.root_page = site.root_page.specific
    return site


class SiteMiddleware:
    """Runs after CommonMiddleware, which refuses unknown hosts."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.ROUTING_SHORTCUTS and not wagtail_adapter.has_site(request):
            hostname = split_domain_port(request.get_host())[0]
            port = request.get_port()
            # Without a database the views decide: /health/ and error pages need no site.
            with contextlib.suppress(DatabaseError):
                site = cached(f"wagtail-site:{hostname}:{port}", lambda: find_site(request))
                root_paths = cached("wagtail-site-root-paths", Site.get_site_root_paths)
                wagtail_adapter.remember_site(request, site, root_paths)
        return self.get_response(request)


def site_root(request: HttpRequest) -> Page | None:
    """The home page of the request's site in the reader's language (the English one until a
    translation is published), or None when no site answers the request."""
    site = Site.find_for_request(request)
    if site is None:
        return None
    return site.root_page.specific.localized


def site_roots(request: HttpRequest) -> list[Page]:
    """The home page of the request's site in every language it has been published in."""
    site = Site.find_for_request(request)
    if site is None:
        return []
    return cached(
        f"site-roots:{site.pk}",
        lambda: list(
            Page.objects.filter(translation_key=site.root_page.translation_key)
            .live()
            .select_related("locale")
        ),
    )
