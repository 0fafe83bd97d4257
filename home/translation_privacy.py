"""A sync never makes a translation public.

wagtail-localize copies the source page's privacy onto its translations whenever it syncs or
publishes one (`TranslationSource.sync_view_restrictions`): when the English page has none, it
deletes the translation's, so a Spanish page an editor made private was public again after the
next "Sync translated pages" or "Publish" in the translation editor. It deletes them in bulk
(a queryset of the translation's restrictions); Wagtail's privacy dialog deletes the one
restriction itself, and deleting a page deletes them from the page. So a bulk delete of a
translated page's restrictions is put back, as it was, in the same transaction: no reader ever
sees the page public, and readers who gave its password keep their access. Only an editor, in
the page's own privacy dialog, takes privacy off a translation.
"""

from django.db.models import QuerySet
from django.db.models.signals import post_delete, pre_delete

from wagtail.models import PageViewRestriction

from wagtail_localize.models import TranslationSource


def _deleted_by_sync(restriction, origin):
    if not (isinstance(origin, QuerySet) and issubclass(origin.model, PageViewRestriction)):
        return False
    page = restriction.page
    # A translation: its source is a page in another language.
    return (
        TranslationSource.objects.filter(object_id=page.translation_key)
        .exclude(locale_id=page.locale_id)
        .exists()
    )


def remember(sender, instance, origin=None, **kwargs):
    if _deleted_by_sync(instance, origin):
        instance.kept_group_ids = list(instance.groups.values_list("pk", flat=True))


def put_back(sender, instance, **kwargs):
    group_ids = getattr(instance, "kept_group_ids", None)
    if group_ids is None:
        return
    # bulk_create, not save(): the page's history records no change, as there is none.
    (restored,) = PageViewRestriction.objects.bulk_create(
        [
            PageViewRestriction(
                pk=instance.pk,
                page_id=instance.page_id,
                restriction_type=instance.restriction_type,
                password=instance.password,
            )
        ]
    )
    restored.groups.set(group_ids)


def connect():
    pre_delete.connect(remember, sender=PageViewRestriction, dispatch_uid="home.keep_privacy")
    post_delete.connect(put_back, sender=PageViewRestriction, dispatch_uid="home.keep_privacy")
