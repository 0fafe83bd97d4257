from urllib.parse import urlsplit

from wagtail.contrib.sitemaps import Sitemap


class PageSitemap(Sitemap):
    """Wagtail's sitemap of live, public pages, with addresses on the host that was asked.

    One site serves one domain, so the request's host (checked against ALLOWED_HOSTS) is the
    right one even when the Site record still says 'localhost'.
    """

    def _urls(self, page, protocol, domain):
        urls = super()._urls(page, protocol, domain)
        for url in urls:
            parts = urlsplit(url["location"])
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            url["location"] = self.request.build_absolute_uri(path)
        return urls
