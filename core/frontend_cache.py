"""Anything a reader could see changed: purge the whole site, after the change commits.

One receiver for every change (`connect()`), one function (`purge_everything()`): it empties
the shared template-fragment cache, then purges every site from each cache in front
(WAGTAILFRONTENDCACHE: Varnish through FRONTEND_CACHE_PURGE_URL, Cloudflare). The site is
small, so a whole-site purge costs less than working out which lists, feeds, archives and
maps a change reaches. A purge that fails is logged, recorded (FrontendCachePurge) and retried
every minute by `manage.py purge_frontend_cache`, which also purges once for each new version
of the code (a deploy). Draft saves and autosaves purge nothing.
"""

from __future__ import annotations

import logging
import threading
from urllib.error import URLError
from urllib.parse import urlsplit, urlunsplit
from urllib.request import urlopen

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from wagtail import __version__ as version
from wagtail.contrib.frontend_cache.backends import CloudflareBackend as WagtailCloudflareBackend
from wagtail.contrib.frontend_cache.backends import HTTPBackend
from wagtail.contrib.frontend_cache.backends.http import PurgeRequest
from wagtail.contrib.frontend_cache.utils import get_backends
from wagtail.contrib.redirects.models import Redirect
from wagtail.contrib.search_promotions.models import SearchPromotion
from wagtail.contrib.settings.registry import registry as settings_registry
from wagtail.documents.models import AbstractDocument
from wagtail.images.models import AbstractImage
from wagtail.models import (
    CollectionViewRestriction,
    DraftStateMixin,
    Locale,
    Page,
    PageViewRestriction,
    Site,
)
from wagtail.signals import page_published, page_unpublished, post_page_move, published, unpublished
from wagtail.snippets.models import get_snippet_models

import requests

logger = logging.getLogger(__name__)


class PurgeFailed(Exception):
    """A cache in front did not confirm a purge."""


class VarnishBackend(HTTPBackend):
    """Wagtail's HTTPBackend (PURGE to LOCATION with the page's Host), raising on failure where
    Wagtail's only logs. deploy/varnish/default.vcl bans a whole host for an address ending in
    `*`."""

    def purge(self, url):
        parsed = urlsplit(url)
        request = PurgeRequest(
            url=urlunsplit(
                (self.cache_scheme, self.cache_netloc, parsed.path or "/", parsed.query, "")
            ),
            headers={"Host": parsed.netloc, "User-Agent": f"Wagtail-frontendcache/{version}"},
        )
        try:
            with urlopen(request, timeout=settings.FRONTEND_CACHE_PURGE_TIMEOUT):
                pass
        except (URLError, OSError) as exc:
            raise PurgeFailed(f"{url}: {getattr(exc, 'reason', exc)}") from None


class CloudflareBackend(WagtailCloudflareBackend):
    """Wagtail's, purging the whole zone for an address ending in `*`, and raising on failure."""

    def purge_batch(self, urls):
        if any(url.endswith("*") for url in urls):
            self.post({"purge_everything": True})
        else:
            for start in range(0, len(urls), self.CHUNK_SIZE):
                self.post({"files": urls[start : start + self.CHUNK_SIZE]})

    def purge(self, url):
        self.purge_batch([url])

    def post(self, data):
        headers = {"Authorization": f"Bearer {self.cloudflare_token}"}
        if not self.cloudflare_token:
            headers = {"X-Auth-Email": self.cloudflare_email, "X-Auth-Key": self.cloudflare_api_key}
        try:
            response = requests.post(
                self.cloudflare_purge_endpoint_url,
                json=data,
                headers=headers,
                timeout=settings.FRONTEND_CACHE_PURGE_TIMEOUT,
            )
            if not response.json().get("success"):
                raise PurgeFailed(f"Cloudflare: {response.status_code} {response.text[:200]}")
        except (requests.RequestException, ValueError) as exc:
            raise PurgeFailed(f"Cloudflare: {exc}") from None


def whole_site_urls() -> list[str]:
    """`<root>/*` for every site, and for each name the default site answers to (ALLOWED_HOSTS),
    since a cache keeps a page under the name it was asked for."""
    urls = {f"{site.root_url}/*" for site in Site.objects.all()}
    scheme = "https" if settings.SECURE_SSL_REDIRECT else "http"
    urls.update(
        f"{scheme}://{host}/*"
        for host in settings.ALLOWED_HOSTS
        if host and not host.startswith(".") and "*" not in host
    )
    return sorted(urls)


def clear_fragments() -> None:
    fragments = caches["template_fragments"]
    if hasattr(fragments, "delete_pattern"):
        # django-redis: only this site's keys (KEY_PREFIX), not the whole Redis database.
        fragments.delete_pattern("*")
    else:
        fragments.clear()


def purge_everything() -> bool:
    """Empty the template fragments, then purge every site from every cache in front. Returns
    whether the caches in front confirmed; a failure is recorded for `purge_frontend_cache`."""
    from .models import FrontendCachePurge

    clear_fragments()
    backends = get_backends()
    if not backends:
        return True
    started = timezone.now()
    try:
        urls = whole_site_urls()
        for backend in backends.values():
            # A backend may serve only some hosts (Wagtail's HOSTNAMES option).
            mine = [url for url in urls if backend.invalidates_hostname(urlsplit(url).hostname)]
            if mine:
                backend.purge_batch(mine)
    except PurgeFailed as exc:
        logger.warning("Front-cache purge failed; purge_frontend_cache retries it: %s", exc)
        FrontendCachePurge.record_failure(str(exc))
        return False
    FrontendCachePurge.record_success(started)
    return True


# Many signals for one change (a page tree deleted, a page and its translations published):
# one purge per commit. Each signal takes a number; the first callback to run after the commit
# purges for every number taken so far, the others have nothing left to do.
_numbers = threading.local()


def _purge_after_commit(**kwargs) -> None:
    # At once as well, so the process making the change never reads its own old fragments,
    # even before the commit (a script that publishes, then renders; a test).
    clear_fragments()
    taken = getattr(_numbers, "taken", 0) + 1
    _numbers.taken = taken

    def purge():
        if taken <= getattr(_numbers, "done", 0):
            return
        _numbers.done = _numbers.taken
        purge_everything()

    transaction.on_commit(purge, robust=True)


def _shown_on_pages(model) -> bool:
    # A snippet readers never see (messages sent to the charity) says so.
    if not getattr(model, "shown_on_pages", True):
        return False
    return issubclass(
        model,
        (
            Site,
            Locale,
            PageViewRestriction,
            CollectionViewRestriction,
            AbstractImage,
            AbstractDocument,
            SearchPromotion,
            Redirect,
        ),
    ) or (model in get_snippet_models() or model in settings_registry)


# Fields Wagtail fills in lazily while serving an image or document: not a change.
_BOOKKEEPING = {"file_size", "file_hash"}


def _saved(sender, instance, created=False, update_fields=None, **kwargs) -> None:
    if isinstance(instance, Page):
        # Wagtail creates aliases, and a script or an import can create a live page, without a
        # publish signal; the admin creates pages as drafts and publishes them.
        if created and (instance.alias_of_id or instance.live):
            _purge_after_commit()
        return
    if not _shown_on_pages(sender):
        return
    if created and sender in settings_registry and _holds_only_defaults(instance):
        return  # Wagtail makes a site's settings on first read: what pages showed already
    if isinstance(instance, DraftStateMixin):
        return  # drafts of snippets: `published` and `unpublished` say when readers see them
    if update_fields and set(update_fields) <= _BOOKKEEPING:
        return
    _purge_after_commit()


def _holds_only_defaults(instance) -> bool:
    return all(
        getattr(instance, field.attname) == field.get_default()
        for field in instance._meta.concrete_fields
        if not field.primary_key and field.name != "site"
    )


def _deleted(sender, instance, **kwargs) -> None:
    if isinstance(instance, Page) or _shown_on_pages(sender):
        _purge_after_commit()


def connect() -> None:
    for signal in (page_published, page_unpublished, post_page_move, published, unpublished):
        signal.connect(_purge_after_commit, dispatch_uid=f"frontend-cache-{id(signal)}")
    post_save.connect(_saved, dispatch_uid="frontend-cache-save")
    post_delete.connect(_deleted, dispatch_uid="frontend-cache-delete")
