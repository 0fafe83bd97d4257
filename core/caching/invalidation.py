"""Anything readers can see changed: advance the content version, so every cached page and
fragment is stale at once (core/caching/version.py).

The version is written in the change's own transaction where there is one (Wagtail publishes,
moves and deletes pages, and saves snippets and settings from the admin, inside one), otherwise
straight after the change has committed: either way no reader can cache what it read before the
change under the version that follows it."""

from django.db.models.signals import post_delete, post_save

from wagtail.contrib.search_promotions.models import SearchPromotion
from wagtail.contrib.settings.registry import registry as settings_registry
from wagtail.documents.models import AbstractDocument
from wagtail.images.models import AbstractImage
from wagtail.models import CollectionViewRestriction, Locale, Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move, published, unpublished
from wagtail.snippets.models import get_snippet_models

from .version import advance_content_version

ALWAYS_SHOWN = (
    Site,
    PageViewRestriction,
    CollectionViewRestriction,
    AbstractImage,
    AbstractDocument,
    # Editors' recommended results, kept with the search page's other lookups.
    SearchPromotion,
    # A language added or removed changes every page's switcher and alternates, which pages
    # search lists first and how it indexes them.
    Locale,
)


def shown_on_pages(model: type) -> bool:
    """Snippets, settings and the core models whose changes reach public pages."""
    return (
        issubclass(model, ALWAYS_SHOWN)
        or model in get_snippet_models()
        or model in settings_registry
    )


def content_changed(sender, **kwargs):
    advance_content_version()


def model_saved_or_deleted(sender, instance, **kwargs):
    # A live page saved directly (a shell, a script, an import) changes what readers see; a
    # draft of it saved from the editor does not, but saving is rare next to reading. Wagtail
    # creates aliases without a publish signal, and an alias is private wherever the page it
    # copies is (core/privacy.py).
    if (
        shown_on_pages(type(instance))
        or getattr(instance, "alias_of_id", None)
        or (isinstance(instance, Page) and instance.live)
    ):
        advance_content_version()


def connect() -> None:
    for signal in (page_published, page_unpublished, post_page_move, published, unpublished):
        signal.connect(content_changed, dispatch_uid=f"page-cache-{id(signal)}")
    post_save.connect(model_saved_or_deleted, dispatch_uid="page-cache-save")
    post_delete.connect(model_saved_or_deleted, dispatch_uid="page-cache-delete")
