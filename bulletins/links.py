"""Absolute addresses for emails: a mail program has no page to resolve a relative link
against. The site's root address is the default Site's (Settings → Sites in the admin), so
it is right in a command run by cron as in a request."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Site


def site_root_url() -> str:
    site = Site.objects.filter(is_default_site=True).first()
    return site.root_url if site else "http://localhost"


def absolute(path: str, root: str | None = None) -> str:
    return (root or site_root_url()).rstrip("/") + path


def subscriber_language(language: str | None) -> str:
    """One of settings.LANGUAGES' codes ("en-gb", "es") for any way of writing a language (an
    imported list may say "en")."""
    try:
        return get_supported_content_language_variant(language or settings.LANGUAGE_CODE)
    except LookupError:
        return settings.LANGUAGE_CODE


def subscription_url(name: str, language: str, root: str | None = None, **kwargs) -> str:
    """The address of one of the subscription pages (bulletins/urls.py) in `language`."""
    with translation.override(subscriber_language(language)):
        return absolute(reverse(f"bulletins:{name}", kwargs=kwargs), root)


def manage_url(subscriber, root: str | None = None) -> str:
    """The subscriber's own page: change language, or leave. Also the one-click unsubscribe
    address of RFC 8058 (a POST of `List-Unsubscribe=One-Click` to it)."""
    return subscription_url("manage", subscriber.language, root, key=subscriber.key)
