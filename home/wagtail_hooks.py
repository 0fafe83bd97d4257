"""Editor guard rails, dashboard panels, reports and menus that apply to every page type."""

from django.conf import settings
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.userbar import ContentCheckerItem
from wagtail.models import Locale, Page, Site
from wagtail.permission_policies.pages import PagePermissionPolicy

from wagtail_localize import wagtail_hooks as localize_hooks

from core.adapters.wagtail import ExplorerMenuItemOpeningOn, unregister_hook

from . import launch
from .guide import EditorsGuideView, guide_image
from .models import SiteSettings
from .translation_status import (
    TranslateSnippetMenuItem,
    TranslationStatusMenuItem,
    TranslationStatusReportView,
)

# Every WCAG 2.0, 2.1 and 2.2 level A and AA rule axe-core has (the site's own browser tests use
# the same set).
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# The site's own content checks. Each rule names a check, whose JavaScript lives in
# static/js/admin/content-checks.js; the options tell it what to look for.
CONTENT_RULES = [
    {
        "id": "psg-news-summary",
        "impact": "serious",
        "selector": "[data-content-check='news-item']",
        "tags": ["psg-content"],
        "any": ["psg-has-summary"],
        "enabled": True,
    },
    {
        "id": "psg-news-themes",
        "impact": "moderate",
        "selector": "[data-content-check='news-item']",
        "tags": ["psg-content"],
        "any": ["psg-has-themes"],
        "enabled": True,
    },
    {
        "id": "psg-image-alt",
        "impact": "serious",
        "selector": "main img",
        "tags": ["psg-content"],
        "any": ["psg-image-alt"],
        "enabled": True,
    },
    {
        "id": "psg-link-text",
        "impact": "serious",
        "selector": "main a[href]",
        "tags": ["psg-content"],
        "any": ["psg-link-text"],
        "enabled": True,
    },
]
CONTENT_CHECKS = [
    {"id": "psg-has-summary", "options": {"selector": "[data-content-check-summary]"}},
    {"id": "psg-has-themes", "options": {"selector": "[data-content-check-themes] li"}},
    # An empty alt is right only for an image the editor marked as decorative.
    {"id": "psg-image-alt", "options": {"decorative": "[data-decorative]"}},
    # Compared with the link's text, lower-cased, spaces squeezed and end punctuation dropped.
    {
        "id": "psg-link-text",
        "options": {"pattern": "^(click|click here|here|link|more|read more|this link)$"},
    },
]
CONTENT_MESSAGES = {
    "psg-news-summary": {
        "error_name": "News item without a summary",
        "help_text": "Write one or two sentences: listings, search results and shared links "
        "show them.",
    },
    "psg-news-themes": {
        "error_name": "News item without themes",
        "help_text": "Choose at least one theme so readers can follow the subject.",
    },
    "psg-image-alt": {
        "error_name": "Image without alt text",
        "help_text": "Describe the image for people who cannot see it, or tick 'Image is "
        "decorative' if it adds nothing to the text.",
    },
    "psg-link-text": {
        "error_name": "Link that says only 'click here'",
        "help_text": "Make the link text say where it goes, e.g. 'the full report (PDF)'.",
    },
}


class SiteContentChecker(ContentCheckerItem):
    """Wagtail's checker with every WCAG 2.2 AA rule on, plus the site's content checks.

    Used by the userbar on the site and in previews, and by the Checks panel in the editor.
    """

    axe_run_only = WCAG_22_AA
    # Wagtail's own checks are best-practice rules outside those tags: switched on by name.
    axe_rules = {
        rule: {"enabled": True}
        for rule in [*ContentCheckerItem.axe_run_only, *(r["id"] for r in CONTENT_RULES)]
    }
    axe_custom_rules = ContentCheckerItem.axe_custom_rules + CONTENT_RULES
    axe_custom_checks = ContentCheckerItem.axe_custom_checks + CONTENT_CHECKS
    axe_messages = {**ContentCheckerItem.axe_messages, **CONTENT_MESSAGES}

    def get_axe_rules(self, request):
        rules = dict(super().get_axe_rules(request))
        if self.in_editor:
            # The editor's preview frame is resized and scaled as it reloads, so axe measures
            # tap targets wrongly there (the site passes target-size at every real width, and
            # the userbar on the site still checks it).
            rules["target-size"] = {"enabled": False}
        return rules

    class Media:
        js = ["js/admin/content-checks.js"]


@hooks.register("construct_wagtail_userbar")
def use_site_content_checker(request, items, page):
    for index, item in enumerate(items):
        if isinstance(item, ContentCheckerItem) and not isinstance(item, SiteContentChecker):
            items[index] = SiteContentChecker(in_editor=item.in_editor)


@hooks.register("insert_global_admin_js")
def character_count_js():
    # Every text area with a maximum length (summaries, intros) shows its count as one types.
    return format_html('<script src="{}" defer></script>', static("js/admin/character-count.js"))


@hooks.register("insert_editor_js")
def hold_submit_for_autosave_js():
    return format_html(
        '<script src="{}" defer></script>', static("js/admin/hold-submit-for-autosave.js")
    )


class RecentlyPublishedPanel(Component):
    """The pages most recently published among those the user may work on: the newest few in
    each language, so that a batch of translations does not hide the English (or the other way
    round), newest first, each with its language."""

    name = "recently_published"
    template_name = "home/admin/recently_published_panel.html"
    order = 230
    per_language = 5

    def get_context_data(self, parent_context):
        request = parent_context["request"]
        context = super().get_context_data(parent_context)
        workable = PagePermissionPolicy().instances_user_has_any_permission_for(
            request.user, ["add", "change", "publish"]
        )
        newest_first = [F("last_published_at").desc(), F("pk").desc()]
        context["pages"] = (
            Page.objects.live()
            .filter(pk__in=workable.values("pk"), last_published_at__isnull=False)
            .annotate(rank=Window(RowNumber(), partition_by=F("locale_id"), order_by=newest_first))
            .filter(rank__lte=self.per_language)
            .order_by(*newest_first)
            .specific(defer=True)
            .select_related("content_type")
        )
        context["request"] = request
        return context


@hooks.register("construct_homepage_panels")
def add_recently_published_panel(request, panels):
    panels.append(RecentlyPublishedPanel())


@hooks.register("construct_homepage_panels")
def add_before_you_launch_panel(request, panels):
    launch.add_panel(request, panels)


@hooks.register(launch.HOOK)
def organisation_launch_checks(request, site):
    """The charity's own details: its registered name (the privacy notice's data controller),
    its contact details and its charity number."""
    organisation = SiteSettings.for_site(site)
    wanted = [
        (
            "legal_name",
            "Registered name",
            "the privacy notice names it as the data controller, who is responsible for the "
            "personal data the site collects (until then, by the site's name, "
            f"{settings.WAGTAIL_SITE_NAME}).",
        ),
        (
            "contact_email",
            "Contact email",
            "shown on the contact page and in the privacy notice; contact form messages are "
            "emailed here (until then they are only kept in Messages).",
        ),
        (
            "postal_address",
            "Postal address",
            "shown on the contact page and in the privacy notice as the data controller's address.",
        ),
        (
            "charity_number",
            "Registered charity number",
            "shown in every page's footer and in the privacy notice.",
        ),
    ]
    return [
        launch.Missing(label, where, launch.setting_url(SiteSettings, site, name))
        for name, label, where in wanted
        if not getattr(organisation, name).strip()
    ]


@hooks.register("register_admin_urls")
def register_translation_status_urls():
    return [
        path(
            "reports/translations/",
            TranslationStatusReportView.as_view(),
            name="translation_status",
        ),
        path(
            "reports/translations/results/",
            TranslationStatusReportView.as_view(results_only=True),
            name="translation_status_results",
        ),
    ]


@hooks.register("register_reports_menu_item")
def register_translation_status_menu_item():
    return TranslationStatusMenuItem(
        "Translations",
        reverse("translation_status"),
        name="translation-status",
        icon_name="wagtail-localize-language",
        order=300,
    )


@hooks.register("construct_reports_menu")
def hide_wagtail_localize_report(request, menu_items):
    """wagtail-localize's own "Translations" report lists translations already begun, for
    everyone who can reach the admin; the site's (above) is the one editors need, with what is
    missing or stale, so only that one is in the menu (the other still answers at its address)."""
    theirs = reverse("wagtail_localize:translations_report")
    menu_items[:] = [item for item in menu_items if item.url != theirs]


@hooks.register("register_snippet_action_menu_item")
def register_translate_snippet_menu_item(model):
    return TranslateSnippetMenuItem(order=90)


# wagtail-localize adds "Translate this page" and "Sync translated pages" to every row of every
# page listing (the explorer, News items) for those who may translate, at two or three
# queries a row, so a listing of 30 pages would cost 60 more than one of 3. They stay in each
# page's own Actions menu, and Reports → Translations lists every page with its button.
unregister_hook("register_page_listing_more_buttons", localize_hooks.page_listing_more_buttons)


@hooks.register("register_admin_urls")
def register_editors_guide_urls():
    return [
        path("guide/", EditorsGuideView.as_view(), name="editors_guide"),
        path("guide/images/<str:name>", guide_image, name="editors_guide_image"),
    ]


@hooks.register("register_help_menu_item")
def register_editors_guide_menu_item():
    return MenuItem(
        "Editors' guide", reverse("editors_guide"), name="editors-guide", icon_name="help", order=1
    )


@hooks.register("construct_help_menu")
def only_this_sites_guide(request, menu_items):
    """Wagtail's own guide and release notes, on another site, describe Wagtail in general;
    this site's guide (above) says how to run this site. Wagtail's keyboard shortcuts stay."""
    menu_items[:] = [
        item
        for item in menu_items
        if item.name != "editor-guide" and not item.name.startswith("whats-new-in-wagtail")
    ]


def explorer_start_page(request):
    """The home page in the editor's language (the admin's), where the editor may explore it;
    otherwise None, for Wagtail's choice (the highest page they may explore)."""
    explorable = PagePermissionPolicy().explorable_root_instance(request.user)
    site = Site.find_for_request(request)
    if explorable is None or site is None:
        return None
    home = site.root_page.get_translation_or_none(Locale.get_active()) or site.root_page
    if home.pk == explorable.pk or home.is_descendant_of(explorable):
        return home
    return None


@hooks.register("construct_main_menu")
def open_the_explorer_on_the_home_page(request, menu_items):
    """Wagtail opens "Pages" on the highest page the editor may explore: the tree's root, above
    both languages' home pages, with a note on configuring sites. Editors start from the home
    page of their own language instead (its translations are a click away there)."""
    menu_items[:] = [
        ExplorerMenuItemOpeningOn(item, explorer_start_page) if item.name == "explorer" else item
        for item in menu_items
    ]
