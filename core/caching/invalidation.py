"""Anything readers can see changed: make cached pages and fragments stale."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from wagtail.contrib.search_promotions.models import SearchPromotion
from wagtail.contrib.settings.registry import registry as settings_registry
from wagtail.documents.models import AbstractDocument
from wagtail.images.models import AbstractImage
from wagtail.models import CollectionViewRestriction, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move, published, unpublished
from wagtail.snippets.models import get_snippet_models

from core.caching.store import bump_content_version

ALWAYS_SHOWN = (
    Site,
    PageViewRestriction,
    CollectionViewRestriction,
    AbstractImage,
    AbstractDocument,
    # Editors' recommended results, kept with the search page's other lookups.
    SearchPromotion,
)


def shown_on_pages(model):
    """Snippets, settings and the core models whose changes reach public pages."""
    return (
        issubclass(model, ALWAYS_SHOWN)
        or model in get_snippet_models()
        or model in settings_registry
    )


def make_stale():
    bump_content_version()
    # The change is not committed yet: a reader in between renders the old content under the
    # new version and caches it. A second bump once it is committed leaves that copy behind.
    transaction.on_commit(bump_content_version)


def content_changed(sender, **kwargs):
    make_stale()


def model_saved_or_deleted(sender, instance, **kwargs):
    # A page saved as a draft changes nothing public, but the rule stays simple: saving a
    # page is rare next to reading one. Wagtail creates aliases without a publish signal, and
    # an alias is private wherever the page it copies is (home/privacy.py).
    if shown_on_pages(type(instance)) or getattr(instance, "alias_of_id", None):
        make_stale()


def connect():
    for signal in (page_published, page_unpublished, post_page_move, published, unpublished):
        signal.connect(content_changed, dispatch_uid=f"page-cache-{id(signal)}")
    post_save.connect(model_saved_or_deleted, dispatch_uid="page-cache-save")
    post_delete.connect(model_saved_or_deleted, dispatch_uid="page-cache-delete")
