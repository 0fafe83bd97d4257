"""Wagtail's private names: the registry of hooks, which has no public way to take one out, and
the admin menu's "Pages" item, which has no public way to choose where the explorer opens.

Checked by tests/test_adapters.py::TestWagtail.
"""

from __future__ import annotations

from wagtail import hooks
from wagtail.admin.ui.sidebar import PageExplorerMenuItem as PageExplorerMenuItemComponent
from wagtail.admin.wagtail_hooks import ExplorerMenuItem

__all__ = ["ExplorerMenuItemOpeningOn", "unregister_hook"]


def unregister_hook(hook_name: str, fn) -> None:
    """Take `fn` out of the functions registered for `hook_name` (hooks.get_hooks no longer
    returns it); nothing happens if it was not registered."""
    hooks._hooks[hook_name] = [
        (registered, order)
        for registered, order in hooks._hooks.get(hook_name, [])
        if registered is not fn
    ]


class ExplorerMenuItemOpeningOn(ExplorerMenuItem):
    """Wagtail's "Pages" menu item (`item`, from the construct_main_menu hook), opening the
    page explorer on the page `start_page(request)` gives, or where Wagtail opens it (the
    highest page the user may explore) when that is None."""

    def __init__(self, item, start_page):
        super().__init__(
            item.label,
            item.url,
            name=item.name,
            classname=item.classname,
            icon_name=item.icon_name,
            attrs=item.attrs,
            order=item.order,
        )
        self.start_page = start_page

    def render_component(self, request):
        page = self.start_page(request)
        if page is None:
            return super().render_component(request)
        return PageExplorerMenuItemComponent(
            self.name,
            self.label,
            self.url,
            page.pk,
            icon_name=self.icon_name,
            classname=self.classname,
        )
