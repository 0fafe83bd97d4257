"""The request's Wagtail site found in the fragment cache, not with a query per request."""

import contextlib

from django.db import DatabaseError
from django.http.request import split_domain_port

from wagtail.models import Site

from core.caching import cached


class SiteMiddleware:
    """Finds the request's Wagtail site in the fragment cache, not with a query per request.

    Wagtail looks the site up once per request (and caches it on the request); the records
    change rarely, and saving a site or publishing its root page changes the content version
    the cached copy is keyed by. Runs after CommonMiddleware, which refuses unknown hosts.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not hasattr(request, "_wagtail_site"):
            hostname = split_domain_port(request.get_host())[0]
            port = request.get_port()
            # Without a database the views decide: /health/ and error pages need no site.
            with contextlib.suppress(DatabaseError):
                request._wagtail_site = cached(
                    f"wagtail-site:{hostname}:{port}", lambda: self.find_site(request)
                )
                # Every page address is built from these; Wagtail keeps them in the cache under
                # a key of its own, one more round trip to Redis per request.
                request._wagtail_cached_site_root_paths = cached(
                    "wagtail-site-root-paths", Site.get_site_root_paths
                )
        return self.get_response(request)

    @staticmethod
    def find_site(request):
        site = Site._find_for_request(request)
        if site is not None:
            # Every page is found by routing from the root page's specific form: keep that
            # too (each request gets its own copy from the cache).
            site.root_page.specific  # noqa: B018
        return site
