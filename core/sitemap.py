"""sitemap.xml: Wagtail's sitemap of live, public pages, in every language, each address with
its translations as `hreflang` alternates (as search engines ask of a multilingual site)."""

from __future__ import annotations

from collections import defaultdict
from functools import reduce
from operator import or_

from django.db.models import Q

from wagtail.contrib.sitemaps import Sitemap as WagtailSitemap
from wagtail.models import Page

from core.sites import site_roots


class Sitemap(WagtailSitemap):
    def items(self):
        roots = site_roots(self.request)
        if not roots:
            return super().items()
        # Every language's home page and what lies under it.
        return (
            Page.objects.filter(reduce(or_, (Q(path__startswith=root.path) for root in roots)))
            .live()
            .public()
            .order_by("path")
            .defer_streamfields()
            .specific()
        )

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page, site, protocol)
        # Pages give their translation key and language (BasePage.get_sitemap_urls).
        translations = defaultdict(list)
        for url in urls:
            if url.get("translation_key"):
                translations[url["translation_key"]].append(url)
        for group in translations.values():
            if len(group) > 1:
                alternates = [
                    {"lang_code": u["lang_code"], "location": u["location"]} for u in group
                ]
                for url in group:
                    url["alternates"] = alternates
        return urls
