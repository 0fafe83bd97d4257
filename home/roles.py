"""A page's translation is worked on by the same people as the page itself.

Each language has its own page tree, and Wagtail's page permissions and workflows are given on
a page and everything below it; the Spanish home page, made by translating the English one, is
a sibling at the top of the tree and would otherwise start with no permissions at all: no
editor could edit or publish the translation they had just made. So whenever a page is copied
for translation (wagtail-localize's "Translate", including the parents it makes on the way),
the copy gets the group page permissions and the workflow given directly on its source. Later
changes are made by `setup_roles`, which covers every translation that exists.
"""

from wagtail.models import GroupPagePermission, Page, WorkflowPage
from wagtail.signals import copy_for_translation_done


def share_page_permissions(sender, source_obj, target_obj, **kwargs):
    if not isinstance(target_obj, Page):
        return  # a snippet: its permissions are per model, in every language
    GroupPagePermission.objects.bulk_create(
        [
            GroupPagePermission(group_id=group_id, page=target_obj, permission_id=permission_id)
            for group_id, permission_id in GroupPagePermission.objects.filter(
                page_id=source_obj.pk
            ).values_list("group_id", "permission_id")
        ],
        ignore_conflicts=True,
    )
    workflow_id = (
        WorkflowPage.objects.filter(page_id=source_obj.pk)
        .values_list("workflow_id", flat=True)
        .first()
    )
    if workflow_id is not None:
        WorkflowPage.objects.get_or_create(
            page_id=target_obj.pk, defaults={"workflow_id": workflow_id}
        )


def connect():
    copy_for_translation_done.connect(
        share_page_permissions, dispatch_uid="home.share_page_permissions"
    )
