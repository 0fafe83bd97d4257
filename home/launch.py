"""Dashboard → "Before you launch": every setting and page a launch needs that is still empty.

Each app says what it needs with the `register_launch_checks` hook: a function taking the
request and returning the `Missing` items it finds (none once all is in place). The panel shows
them with a link to where each is filled in, to users who may change settings, and hides itself
when nothing is missing. The site itself never invents a value: the demo leaves them all empty.
"""

from dataclasses import dataclass

from django.urls import reverse

from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.contrib.settings.registry import registry as settings_registry
from wagtail.models import Site

HOOK = "register_launch_checks"


@dataclass(frozen=True)
class Missing:
    label: str  # what is missing, e.g. "Contact email"
    where: str  # what needs it, e.g. "Shown on the contact page …"
    url: str  # where it is filled in


def setting_url(model, site, field_name=None) -> str:
    """The admin page where `model`'s setting for `site` is edited (at the field, if named)."""
    url = reverse(
        "wagtailsettings:edit", args=[model._meta.app_label, model._meta.model_name, site.pk]
    )
    return f"{url}#id_{field_name}" if field_name else url


def may_change_settings(user) -> bool:
    """Whether the user may change any of the site's settings (Settings → …)."""
    return any(
        user.has_perm(f"{model._meta.app_label}.change_{model._meta.model_name}")
        for model in settings_registry
    )


def missing_items(request) -> list[Missing]:
    site = Site.find_for_request(request) or Site.objects.filter(is_default_site=True).first()
    if site is None:
        return []
    return [item for check in hooks.get_hooks(HOOK) for item in check(request, site)]


class BeforeYouLaunchPanel(Component):
    name = "before_you_launch"
    template_name = "home/admin/before_you_launch_panel.html"
    # Above Wagtail's own panels: it is the first thing a new site needs.
    order = 50

    def __init__(self, items):
        self.items = items

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["items"] = self.items
        return context


def add_panel(request, panels):
    if not may_change_settings(request.user):
        return
    items = missing_items(request)
    if items:
        panels.append(BeforeYouLaunchPanel(items))
