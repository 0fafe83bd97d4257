"""Create the editorial roles and the "Editorial review" workflow. Safe to run again.

Each run resets the three groups to exactly the permissions below (so a permission removed
here is removed from the site too) and leaves every other group alone. Users are never
added to or removed from groups: that is done in Settings → Users.

Each language has its own page tree (the Spanish home page is a sibling of the English one),
so the page permissions and the workflow are given on every translation of the home page and
of the News and Briefings lists that exists when this runs. A translation made later gets its
source's page permissions and workflow when it is made (home/roles.py), so a new language's
tree needs no new run.
"""

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand
from django.db import transaction

from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from core.i18n import default_locale_id

WRITERS = "Writers"
EDITORS = "Editors"
SECRETARY = "Membership secretary"
WORKFLOW = "Editorial review"
TASK = "Editor approval"

# Page permissions, on a page and everything below it. "add" and "change" let writers draft
# and submit; only "publish" makes a page public, and only editors have it.
WRITER_PAGES = ["add_page", "change_page"]
EDITOR_PAGES = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]

# Images and documents, in the root collection (so in every collection). With "add", writers
# may also edit and delete what they uploaded themselves.
WRITER_MEDIA = ["add_image", "choose_image", "add_document", "choose_document"]
EDITOR_MEDIA = [
    f"{action}_{model}"
    for model in ("image", "document")
    for action in ("add", "change", "choose", "delete")
]

# "app_label.codename"; snippets, the membership register and the admin itself.
ACCESS_ADMIN = "wagtailadmin.access_admin"
# wagtail-localize's "Translate" and "Sync translated pages": it makes the translation (a
# draft) and opens the translation editor; publishing it needs "publish" on the translated
# page, as for any page, and a snippet's translation needs the right to edit that snippet.
SUBMIT_TRANSLATION = "wagtail_localize.submit_translation"
WRITER_MODELS = [ACCESS_ADMIN, SUBMIT_TRANSLATION]
EDITOR_MODELS = [
    ACCESS_ADMIN,
    SUBMIT_TRANSLATION,
    "home.add_theme",
    "home.change_theme",
    "home.delete_theme",
    "members.add_membershippitch",
    "members.change_membershippitch",
    "members.publish_membershippitch",
    "members.add_membershiptier",
    "members.change_membershiptier",
    "members.delete_membershiptier",
    # Messages sent with the contact form: read, and deleted when a sender asks.
    "contact.view_contactmessage",
    "contact.delete_contactmessage",
]
# Promoted search results, when the search promotions app is installed.
EDITOR_SEARCH_PROMOTIONS = [
    "wagtailsearchpromotions.add_searchpromotion",
    "wagtailsearchpromotions.change_searchpromotion",
    "wagtailsearchpromotions.delete_searchpromotion",
]
# The registers hold personal data: the secretary may read, update and export them (export
# comes with "view"); nobody else below superuser sees them.
SECRETARY_MODELS = [
    ACCESS_ADMIN,
    "members.view_membershipapplication",
    "members.change_membershipapplication",
    # Peru Update's subscribers (bulletins/admin_register.py): the register; "add" is the
    # import of a list, as nobody is added by hand; checking and adding to the suppression list.
    "bulletins.view_subscriber",
    "bulletins.add_subscriber",
    "bulletins.change_subscriber",
    "bulletins.delete_subscriber",
    "bulletins.view_suppression",
    "bulletins.add_suppression",
]


def translations(*pages):
    """Each page given (None for one that does not exist) and its translations, in every
    language, aliases included (a tree's parent made by wagtail-localize starts as one)."""
    keys = [page.translation_key for page in pages if page is not None]
    return list(Page.objects.filter(translation_key__in=keys).order_by("path"))


class Command(BaseCommand):
    help = "Create the Writers, Editors and Membership secretary groups and the review workflow."

    @transaction.atomic
    def handle(self, *args, **options):
        self.verbosity = options["verbosity"]
        home = self.home_page()
        news = self.only_page("news", "NewsIndexPage")
        briefings = self.only_page("briefings", "BriefingIndexPage")
        root_collection = Collection.get_first_root_node()

        self.group(
            WRITERS,
            models=WRITER_MODELS,
            pages=dict.fromkeys(translations(news, briefings), WRITER_PAGES),
            media=WRITER_MEDIA,
            collection=root_collection,
        )
        editor_models = EDITOR_MODELS
        if apps.is_installed("wagtail.contrib.search_promotions"):
            editor_models = EDITOR_MODELS + EDITOR_SEARCH_PROMOTIONS
        editors = self.group(
            EDITORS,
            models=editor_models,
            pages=dict.fromkeys(translations(home), EDITOR_PAGES),
            media=EDITOR_MEDIA,
            collection=root_collection,
        )
        self.group(SECRETARY, models=SECRETARY_MODELS)
        self.workflow(editors, translations(news, briefings))
        if self.verbosity:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Roles ready: {WRITERS}, {EDITORS}, {SECRETARY}; workflow '{WORKFLOW}'."
                )
            )

    def warn(self, message):
        if self.verbosity:
            self.stderr.write(message)

    def home_page(self):
        site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        if site is None:
            self.warn("No default site yet: the Editors' page permissions are skipped.")
            return None
        return site.root_page

    def only_page(self, app_label, model_name):
        """The page of this type in the default language (its translations are siblings in
        their own trees)."""
        model = apps.get_model(app_label, model_name)
        page = model.objects.filter(locale_id=default_locale_id()).first()
        if page is None:
            self.warn(f"No {model_name} yet: its permissions and workflow are skipped.")
        return page

    def group(self, name, *, models, pages=None, media=(), collection=None):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set([self.permission(label) for label in models])

        wanted_pages = {
            (page.pk, self.permission(f"wagtailcore.{codename}").pk)
            for page, codenames in (pages or {}).items()
            for codename in codenames
        }
        self.sync(GroupPagePermission, group, "page_id", wanted_pages)

        wanted_media = set()
        if collection is not None:
            wanted_media = {
                (collection.pk, self.media_permission(codename).pk) for codename in media
            }
        self.sync(GroupCollectionPermission, group, "collection_id", wanted_media)
        return group

    @staticmethod
    def sync(model, group, target_field, wanted):
        """Make `group`'s rows of `model` exactly the (target id, permission id) pairs wanted."""
        existing = {
            (target, permission): pk
            for pk, target, permission in model.objects.filter(group=group).values_list(
                "pk", target_field, "permission_id"
            )
        }
        stale = [pk for pair, pk in existing.items() if pair not in wanted]
        model.objects.filter(pk__in=stale).delete()
        model.objects.bulk_create(
            model(group=group, **{target_field: target}, permission_id=permission)
            for target, permission in sorted(wanted - existing.keys())
        )

    @staticmethod
    def permission(label):
        app_label, codename = label.split(".")
        return Permission.objects.get(content_type__app_label=app_label, codename=codename)

    def media_permission(self, codename):
        app_label = "wagtailimages" if codename.endswith("_image") else "wagtaildocs"
        return self.permission(f"{app_label}.{codename}")

    def workflow(self, editors, pages):
        task = GroupApprovalTask.objects.filter(name=TASK).first()
        if task is None:
            task = GroupApprovalTask.objects.create(name=TASK)
        task.active = True
        task.save()
        task.groups.set([editors])

        workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW)
        if not workflow.active:
            workflow.active = True
            workflow.save()
        WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})

        for page in pages:
            WorkflowPage.objects.update_or_create(
                page=Page.objects.get(pk=page.pk), defaults={"workflow": workflow}
            )
