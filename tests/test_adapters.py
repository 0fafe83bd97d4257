"""Each adapter of a library's private names (core/adapters/) against the library's own public
behaviour: if an upgrade changes what a private name does, one of these fails first."""

from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from wagtail.admin.viewsets.pages import PageListingViewSet
from wagtail.models import Page, Site

from core.adapters import treebeard as treebeard_adapter
from core.adapters import wagtail as wagtail_adapter
from tests.factories import NewsItemPageFactory


class TestWagtail:
    def request(self, host="localhost"):
        return RequestFactory().get("/", HTTP_HOST=host)

    def test_the_uncached_lookup_finds_wagtails_site(self, home_page, settings):
        settings.ALLOWED_HOSTS = ["localhost", "elsewhere.example"]
        assert wagtail_adapter.find_site(self.request()) == Site.find_for_request(self.request())
        assert wagtail_adapter.find_site(self.request()).root_page_id == home_page.pk
        # Wagtail's fallback: an unknown host gets the default site, as with the public call.
        assert wagtail_adapter.find_site(self.request("elsewhere.example")) == (
            Site.find_for_request(self.request("elsewhere.example"))
        )

    def test_a_remembered_site_is_what_wagtail_answers_without_a_query(self, news_index):
        request = self.request()
        assert not wagtail_adapter.has_site(request)
        site = Site.objects.get(is_default_site=True)
        wagtail_adapter.remember_site(request, site, Site.get_site_root_paths())
        assert wagtail_adapter.has_site(request)
        page = Page.objects.get(pk=news_index.pk)
        with CaptureQueriesContext(connection) as queries:
            assert Site.find_for_request(request) is site
            assert page.get_url(request) == "/news/"
        assert len(queries) == 0

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

    def test_the_page_listing_view_is_the_one_wagtails_viewset_uses(self):
        assert PageListingViewSet.index_view_class is wagtail_adapter.PageIndexView


class TestTreebeard:
    def test_a_remembered_parent_is_get_parent_without_a_query(self, news_index):
        item = NewsItemPageFactory(parent=news_index)
        fresh = Page.objects.get(pk=item.pk)
        parent = Page.objects.get(pk=news_index.pk)
        assert fresh.get_parent() == parent  # what treebeard finds by itself
        fresh = Page.objects.get(pk=item.pk)
        treebeard_adapter.remember_parent(fresh, parent)
        with CaptureQueriesContext(connection) as queries:
            assert fresh.get_parent() is parent
        assert len(queries) == 0
