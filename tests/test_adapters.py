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
