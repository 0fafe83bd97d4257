from django.db.models.signals import m2m_changed

from wagtail.search import index
from wagtail.search.tasks import insert_or_update_object_task


def reindex_after_m2m_change(sender, instance, action, reverse, **kwargs):
    """Index a page again once its themes are stored.

    A ParentalManyToManyField (such as `themes`) is written after post_save, when Wagtail has
    already indexed the page, so without this the index would lag one save behind.
    """
    if reverse or action not in ("post_add", "post_remove", "post_clear"):
        return
    if not index.class_is_indexed(type(instance)) or not instance.pk:
        return
    if not getattr(type(instance), "search_auto_update", True):
        return
    insert_or_update_object_task.enqueue(
        instance._meta.app_label, instance._meta.model_name, str(instance.pk)
    )


def register_signal_handlers():
    m2m_changed.connect(reindex_after_m2m_change, dispatch_uid="search_reindex_after_m2m")
