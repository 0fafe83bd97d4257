"""Whatever is cached (template fragments, Wagtail's own site root paths) must never show a
reader a stale site, a wrong page count or a private page after a change."""

import datetime
import re
import warnings

from django.core.cache.backends.base import CacheKeyWarning

from wagtail.models import PageViewRestriction, Site

from tests.factories import NewsItemPageFactory, StandardPageFactory


def served_publicly(client, url):
    return client.get(url).status_code == 200


def titles(response):
    return re.findall(r'class="card__title"><a href="[^"]*">([^<]*)</a>', response.content.decode())


def publish(page):
    page.save_revision().publish()
    return page


class TestPrivacy:
    def test_a_restriction_applies_at_once_and_lifting_it_too(self, client, news_index):
        item = publish(NewsItemPageFactory(parent=news_index, title="Defenders at risk"))
        assert served_publicly(client, item.url)  # fills the cache
        restriction = PageViewRestriction.objects.create(page=item, restriction_type="login")
        assert not served_publicly(client, item.url)
        assert "Defenders at risk" not in titles(client.get("/news/"))
        assert "Defenders at risk" not in titles(client.get("/"))
        restriction.delete()
        assert served_publicly(client, item.url)
        assert "Defenders at risk" in titles(client.get("/news/"))

    def test_a_restricted_section_covers_the_pages_below_it(self, client, news_index):
        item = publish(NewsItemPageFactory(parent=news_index, title="Defenders at risk"))
        assert served_publicly(client, item.url)
        PageViewRestriction.objects.create(page=news_index, restriction_type="login")
        assert not served_publicly(client, item.url)
        assert not served_publicly(client, "/news/")
        assert "Defenders at risk" not in titles(client.get("/"))

    def test_an_alias_of_a_private_page_is_private(self, client, home_page, news_index):
        item = publish(NewsItemPageFactory(parent=news_index, slug="defenders"))
        PageViewRestriction.objects.create(page=item, restriction_type="login")
        section = publish(StandardPageFactory(parent=home_page, slug="elsewhere"))
        assert served_publicly(client, section.url)  # fills the cache before the alias exists
        alias = item.create_alias(parent=section, update_slug="defenders-copy")
        assert alias.live
        assert not served_publicly(client, alias.url)

    def test_a_page_below_an_alias_of_a_private_section(self, client, home_page):
        section = publish(StandardPageFactory(parent=home_page, slug="members-area"))
        publish(StandardPageFactory(parent=section, slug="minutes"))
        PageViewRestriction.objects.create(page=section, restriction_type="login")
        assert served_publicly(client, "/")
        copy = section.create_alias(update_slug="members-area-copy", recursive=True)
        assert not served_publicly(client, copy.url)
        assert not served_publicly(client, copy.url + "minutes/")


class TestSite:
    def test_a_new_root_page_is_served_at_once(self, client, home_page):
        assert client.get("/").status_code == 200  # fills the cache
        other = publish(StandardPageFactory(parent=home_page, title="Campaign microsite"))
        site = Site.objects.get(is_default_site=True)
        site.root_page = other
        site.save()
        assert "Campaign microsite" in client.get("/").content.decode()

    def test_an_unknown_host_is_still_refused(self, client, home_page, settings):
        settings.ALLOWED_HOSTS = ["www.example.org"]
        assert client.get("/", HTTP_HOST="attacker.example").status_code == 400


class TestRouting:
    """Pages found by address: a change shows at once."""

    def test_an_edit_a_new_address_and_unpublishing_show_at_once(self, client, news_index):
        item = publish(NewsItemPageFactory(parent=news_index, slug="lima-march", title="Old"))
        assert "Old" in client.get("/news/lima-march/").content.decode()  # fills the cache
        item.title = "New headline"
        publish(item)
        assert "New headline" in client.get("/news/lima-march/").content.decode()
        item.slug = "lima-march-2016"
        publish(item)
        assert client.get("/news/lima-march/").status_code == 404
        assert client.get("/news/lima-march-2016/").status_code == 200
        item.unpublish()
        assert client.get("/news/lima-march-2016/").status_code == 404

    def test_a_deleted_section_is_gone_at_once(self, client, home_page):
        section = publish(StandardPageFactory(parent=home_page, slug="campaigns"))
        publish(StandardPageFactory(parent=section, slug="mining"))
        assert served_publicly(client, "/campaigns/mining/")
        section.delete()
        assert client.get("/campaigns/mining/").status_code == 404
        assert client.get("/campaigns/").status_code == 404

    def test_a_page_of_another_type_in_a_single_type_section(self, client, news_index):
        # A page of a type the section does not allow (moved there by a script) is found.
        other = StandardPageFactory.build(title="About our news", slug="about-news")
        news_index.add_child(instance=other)
        publish(other)
        assert "About our news" in client.get("/news/about-news/").content.decode()

    def test_a_page_added_without_a_publish_signal_is_found(self, client, home_page):
        assert client.get("/added-by-script/").status_code == 404  # no cached 'missing'
        home_page.add_child(
            instance=StandardPageFactory.build(slug="added-by-script", title="From a script")
        )
        assert "From a script" in client.get("/added-by-script/").content.decode()

    def test_any_address_is_a_plain_404_with_no_cache_key_warning(self, client, news_index):
        with warnings.catch_warnings():
            warnings.simplefilter("error", CacheKeyWarning)
            assert client.get("/news/").status_code == 200
            for path in ["/" + "x" * 300 + "/", "/news/two words/", "/news/caf%C3%A9/"]:
                assert client.get(path).status_code == 404, path


class TestNewsCount:
    def test_publishing_an_eleventh_item_adds_a_second_page(self, client, news_index):
        for n in range(10):
            publish(NewsItemPageFactory(parent=news_index, date=datetime.date(2016, 11, 1 + n)))
        assert len(titles(client.get("/news/?page=2"))) == 10  # the last page is the first
        publish(
            NewsItemPageFactory(
                parent=news_index, title="Oldest item", date=datetime.date(2016, 10, 1)
            )
        )
        assert titles(client.get("/news/?page=2")) == ["Oldest item"]

    def test_unpublishing_takes_an_item_out_of_the_count(self, client, news_index):
        items = [
            publish(NewsItemPageFactory(parent=news_index, date=datetime.date(2016, 11, 1 + n)))
            for n in range(11)
        ]
        assert len(titles(client.get("/news/?page=2"))) == 1
        items[5].unpublish()
        assert len(titles(client.get("/news/?page=2"))) == 10  # one page only, so the first
