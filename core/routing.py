"""Routing to a child page without a query when the cache has it, and in one query otherwise.

Wagtail finds the child by its slug in `wagtailcore_page` and then fetches the child's specific
form with a second query, about 1.3 ms each here; unpickling a cached page takes 0.01 ms. The
cached page is keyed by the content version, which publishing, unpublishing, moving or deleting
any page changes, so it is the page as published now. (A draft saved since changes nothing a
reader sees; privacy is checked on every request, core/privacy.py.) ROUTING_SHORTCUTS = False
leaves routing to Wagtail; with the site lookup (core/sites.py) it saves 40 to 65 % of an
uncached page's time at 10,000 news items on SQLite.

On a miss, the child's type is known in advance when the section holds one type of page (the
news list, the briefings) or from the cache; it is only a hint: when it misses, Wagtail's own
lookup decides, so a stale hint costs a query, never a page.
"""

from __future__ import annotations

import hashlib
import re

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.http import Http404

from wagtail.models import Page

from core.adapters.treebeard import remember_parent
from core.caching import cached

PLAIN = re.compile(r"[a-z0-9_-]{1,64}")
# Pages are kept for an hour at most: thousands of news items are each read now and then.
PAGE_SECONDS = 3600


class ChildRoutingMixin:
    """For page types with children. Place it after RoutablePageMixin, before Page, so that a
    routable page's own sub-routes are tried first."""

    def route(self, request, path_components):
        if not path_components or not settings.ROUTING_SHORTCUTS:
            return super().route(request, path_components)
        slug = path_components[0]
        # Any text can arrive here: a short, plain key for it. An unknown slug is not kept
        # (None), so probing for addresses fills no cache.
        key = slug if PLAIN.fullmatch(slug) else hashlib.sha256(slug.encode()).hexdigest()
        child = cached(f"child-page:{self.pk}:{key}", lambda: self.find_child(slug), PAGE_SECONDS)
        if child is None:
            raise Http404
        remember_parent(child, self)
        return child.route(request, path_components[1:])

    def find_child(self, slug: str) -> Page | None:
        """The child page with `slug` in its specific form, or None."""
        model = self.child_type_hint(slug)
        if model is not None:
            child = model.objects.child_of(self).filter(slug=slug).first()
            if child is not None:
                return child
        child = Page.objects.child_of(self).filter(slug=slug).first()
        return child.specific if child is not None else None

    def child_type_hint(self, slug: str) -> type[Page] | None:
        """The page type the child with `slug` probably has, or None: only a hint."""
        allowed = type(self).clean_subpage_models()
        if len(allowed) == 1:
            return allowed[0]
        types = cached(
            f"child-types:{self.pk}",
            lambda: dict(Page.objects.child_of(self).values_list("slug", "content_type_id")),
        )
        if slug not in types:
            return None
        return ContentType.objects.get_for_id(types[slug]).model_class()
