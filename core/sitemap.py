"""sitemap.xml: Wagtail's sitemap of live, public pages, in every language, each address with
its translations as `hreflang` alternates (as search engines ask of a multilingual site)."""

from __future__ import annotations

from collections import defaultdict
from functools import reduce
from operator import or_

from django.conf import settings
from django.db.models import Q

from wagtail.contrib.sitemaps import Sitemap as WagtailSitemap
from wagtail.models import Page, Site

from core.i18n import hreflang, locale_languages


class Sitemap(WagtailSitemap):
    def items(self):
        site = Site.find_for_request(self.request)
        if site is None:
            return super().items()
        roots = list(Page.objects.filter(translation_key=site.root_page.translation_key).live())
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
        # Pages give their translation key and locale (BasePage.get_sitemap_urls).
        languages = locale_languages()
        translations = defaultdict(list)
        for url in urls:
            if "locale_id" in url:
                url["lang_code"] = hreflang(languages.get(url["locale_id"], settings.LANGUAGE_CODE))
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
