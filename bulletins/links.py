"""Absolute addresses for emails: a mail program has no page to resolve a relative link
against. The site's root address is the default Site's (Settings → Sites in the admin), so
it is right in a command run by cron as in a request."""

from django.urls import reverse
from django.utils import translation

from wagtail.models import Site


def site_root_url() -> str:
    site = Site.objects.filter(is_default_site=True).first()
    return site.root_url if site else "http://localhost"


def absolute(path: str, root: str | None = None) -> str:
    return (root or site_root_url()).rstrip("/") + path


def subscription_url(name: str, language: str, root: str | None = None, **kwargs) -> str:
    """The address of one of the subscription pages (bulletins/urls.py) in `language`."""
    with translation.override(language):
        return absolute(reverse(f"bulletins:{name}", kwargs=kwargs), root)


def manage_url(subscriber, root: str | None = None) -> str:
    """The subscriber's own page: change language, or leave. Also the one-click unsubscribe
    address of RFC 8058 (a POST of `List-Unsubscribe=One-Click` to it)."""
    return subscription_url("manage", subscriber.language, root, key=subscriber.key)
