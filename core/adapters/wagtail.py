"""Wagtail's private names: where a request keeps its site and the sites' root paths, the
uncached site lookup, the module the admin's page listing view lives in, and the registry of
hooks (which has no public way to take one out).

Checked by tests/test_adapters.py::TestWagtail. If Wagtail renames these, the site lookup
shortcut (core/sites.py) can be switched off with ROUTING_SHORTCUTS = False meanwhile.
"""

from __future__ import annotations

from django.http import HttpRequest

from wagtail import hooks
from wagtail.admin.views.pages.listing import IndexView as PageIndexView
from wagtail.models import Site

__all__ = ["PageIndexView", "find_site", "has_site", "remember_site", "unregister_hook"]


def find_site(request: HttpRequest) -> Site | None:
    """The site for the request's host and port, looked up in the database (as
    Site.find_for_request does before it caches the answer on the request)."""
    return Site._find_for_request(request)


def has_site(request: HttpRequest) -> bool:
    return hasattr(request, "_wagtail_site")


def remember_site(request: HttpRequest, site: Site | None, root_paths: list) -> None:
    """Make Site.find_for_request(request) answer `site`, and page addresses built for the
    request use `root_paths` (Site.get_site_root_paths()), without a query."""
    request._wagtail_site = site
    request._wagtail_cached_site_root_paths = root_paths


def unregister_hook(hook_name: str, fn) -> None:
    """Take `fn` out of the functions registered for `hook_name` (hooks.get_hooks no longer
    returns it); nothing happens if it was not registered."""
    hooks._hooks[hook_name] = [
        (registered, order)
        for registered, order in hooks._hooks.get(hook_name, [])
        if registered is not fn
    ]
