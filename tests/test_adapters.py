"""The adapter of a library's private names (core/adapters/) against the library's own public
behaviour: if an upgrade changes what a private name does, one of these fails first."""

from core.adapters import wagtail as wagtail_adapter


class TestWagtail:
    def test_an_unregistered_hook_is_no_longer_returned(self):
        from wagtail import hooks

        def listing_buttons(page, user, next_url=None):
            return []

        with hooks.register_temporarily("register_page_listing_more_buttons", listing_buttons):
            assert listing_buttons in hooks.get_hooks("register_page_listing_more_buttons")
            wagtail_adapter.unregister_hook("register_page_listing_more_buttons", listing_buttons)
            assert listing_buttons not in hooks.get_hooks("register_page_listing_more_buttons")
            # Put back, for register_temporarily to take out again.
            hooks.register("register_page_listing_more_buttons", listing_buttons)
        assert hooks.get_hooks("register_page_listing_more_buttons")  # Wagtail's own remain
        wagtail_adapter.unregister_hook("no_such_hook", listing_buttons)

    def test_the_explorer_menu_item_opens_where_asked_else_where_wagtail_opens_it(
        self, rf, admin_user, home_page, news_index
    ):
        from django.urls import reverse

        from wagtail.admin.menu import admin_menu

        # The admin's URLs first: Wagtail adds its viewsets' menu items as they load, and the
        # menu keeps the items it finds on first reading (later tests' menus would lack them).
        reverse("wagtailadmin_home")
        request = rf.get("/admin/")
        request.user = admin_user
        wagtails = next(
            item for item in admin_menu.registered_menu_items if item.name == "explorer"
        )
        ours = wagtail_adapter.ExplorerMenuItemOpeningOn(wagtails, lambda request: news_index)
        component = ours.render_component(request)
        assert component.js_args()[1] == news_index.pk
        assert (ours.label, ours.url, ours.name, ours.order) == (
            wagtails.label,
            wagtails.url,
            wagtails.name,
            wagtails.order,
        )
        # Without a page of its own, Wagtail's: the root, for an administrator.
        unchanged = wagtail_adapter.ExplorerMenuItemOpeningOn(wagtails, lambda request: None)
        assert unchanged.render_component(request) == wagtails.render_component(request)
        assert unchanged.render_component(request).js_args()[1] == home_page.get_parent().pk
