"""The caches never show a reader something stale, private or meant for another request.

Pages and fragments are keyed by the code's version and the content version
(core/caching/): a change anywhere is seen at the next request, a request can only be stored
under its own canonical address, and a Redis fault is a miss, never an error.
"""

import os
import random
import shutil
import socket
import string
import subprocess
import time

from django.core.cache import caches
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from wagtail.models import Page, PageViewRestriction

import pytest
import redis

from config.caches import cache_settings
from config.release import code_version
from core.caching import advance_content_version, cached, content_version
from core.caching.version import _finish_request, _start_request
from core.models import ContentVersion
from home.models import SiteSettings
from news.models import NewsItemPage
from tests.factories import NewsItemPageFactory, StandardPageFactory, ThemeFactory
from tests.layers import needs, needs_all

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
VERSION_SQL = "SELECT value FROM core_contentversion WHERE id = 1"


@pytest.fixture
def page_cache(settings, home_page):
    settings.PAGE_CACHE_SECONDS = 300
    # The site's settings row is made on the first visit ever, and making it is a change.
    SiteSettings.for_site(home_page.get_site())


def cards(response):
    html = response.content.decode()
    return [
        title for title in NewsItemPage.objects.values_list("title", flat=True) if title in html
    ]


class TestPageCache:
    def test_anonymous_readers_get_cached_pages(self, client, news_index, page_cache, settings):
        settings.PAGE_CACHE_PROXY_SECONDS = 10
        NewsItemPageFactory(parent=news_index, title="Las Bambas")
        first = client.get("/news/")
        assert first["X-Cache"] == "miss"
        assert "s-maxage=10" in first["Cache-Control"] and "public" in first["Cache-Control"]
        second = client.get("/news/")
        assert second["X-Cache"] == "hit"
        assert second.content == first.content
        # Headers added on the way out are there on a hit too.
        assert "Content-Security-Policy" in second

    def test_no_proxy_may_keep_a_page_by_default(self, client, home_page, page_cache):
        assert "s-maxage=0" in client.get("/")["Cache-Control"]

    def test_publishing_and_unpublishing_show_at_once(self, client, news_index, page_cache):
        item = NewsItemPageFactory(parent=news_index, title="Las Bambas")
        client.get("/news/")
        assert client.get("/news/")["X-Cache"] == "hit"
        item.title = "Las Bambas: dialogue resumes"
        item.save_revision().publish()
        response = client.get("/news/")
        assert response["X-Cache"] == "miss"
        assert b"Las Bambas: dialogue resumes" in response.content
        item.unpublish()
        assert b"Las Bambas" not in client.get("/news/").content

    def test_a_moved_page_leaves_its_old_place_at_once(self, client, home_page, page_cache):
        campaigns = StandardPageFactory(
            parent=home_page, title="Campaigns", slug="campaigns", show_in_menus=True
        )
        about = StandardPageFactory(parent=home_page, title="About", slug="about")
        client.get("/")
        home = client.get("/")
        assert home["X-Cache"] == "hit"
        assert 'href="/campaigns/"' in home.content.decode()
        assert client.get("/campaigns/").status_code == 200

        Page.objects.get(pk=campaigns.pk).move(about, pos="last-child")

        assert 'href="/campaigns/"' not in client.get("/").content.decode()
        assert client.get("/about/campaigns/").status_code == 200
        # Its old address now leads to the new one (Wagtail's automatic redirect).
        moved = client.get("/campaigns/")
        assert (moved.status_code, moved["Location"]) == (301, "/about/campaigns/")

    def test_a_deleted_page_leaves_at_once(self, client, news_index, page_cache):
        item = NewsItemPageFactory(parent=news_index, title="Fire strikes twice")
        client.get("/news/")
        assert cards(client.get("/news/")) == ["Fire strikes twice"]
        NewsItemPage.objects.get(pk=item.pk).delete()
        assert b"Fire strikes twice" not in client.get("/news/").content
        assert client.get(item.url).status_code == 404

    def test_editing_a_snippet_shows_at_once(self, client, news_index, page_cache):
        theme = ThemeFactory(name="Mining", slug="mining")
        NewsItemPageFactory(parent=news_index, themes=[theme])
        assert b">Mining<" in client.get("/news/").content
        theme.name = "Mining and oil"
        theme.save()
        assert b">Mining and oil<" in client.get("/news/").content

    def test_editing_a_setting_shows_at_once(self, client, home_page, page_cache):
        client.get("/")
        site_settings = SiteSettings.for_site(home_page.get_site())
        site_settings.twitter_handle = "perusupport"
        site_settings.save()
        assert b'content="@perusupport"' in client.get("/").content

    def test_never_for_signed_in_users(self, admin_client, home_page, page_cache):
        admin_client.get("/")
        response = admin_client.get("/")
        assert "X-Cache" not in response
        assert "private" in response["Cache-Control"]

    def test_never_for_private_pages_posts_or_search(self, client, news_index, page_cache):
        private = NewsItemPageFactory(parent=news_index, title="Private")
        PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
        for _ in range(2):
            response = client.get(private.url)
            assert response.get("X-Cache") != "hit"
        assert b"Private" not in client.get("/news/").content
        assert client.get("/news/")["X-Cache"] == "hit"  # a public page is cached
        assert "X-Cache" not in client.post("/news/", {})
        assert "X-Cache" not in client.get("/search/?query=x")


class TestOnlyCanonicalPagesAreStored:
    @pytest.fixture
    def mining_news(self, news_index, page_cache):
        mining = ThemeFactory(name="Mining and oil", slug="mining-and-oil")
        NewsItemPageFactory(parent=news_index, title="Las Bambas protest", themes=[mining])
        NewsItemPageFactory(parent=news_index, title="Mercury in Madre de Dios")
        return mining

    def test_an_encoded_ampersand_cannot_poison_a_themes_list(self, client, mining_news):
        for _ in range(2):
            response = client.get("/news/?page=1%26theme%3Dmining-and-oil")
            assert response.status_code == 200
            assert response.get("X-Cache") != "hit"
        assert sorted(cards(response)) == ["Las Bambas protest", "Mercury in Madre de Dios"]
        themed = client.get("/news/?theme=mining-and-oil")
        assert themed["X-Cache"] == "miss"
        assert cards(themed) == ["Las Bambas protest"]
        assert client.get("/news/?theme=mining-and-oil")["X-Cache"] == "hit"

    def test_the_same_query_in_another_order_is_the_same_page(
        self, client, news_index, mining_news
    ):
        for n in range(10):
            NewsItemPageFactory(parent=news_index, themes=[mining_news], title=f"Mining {n}")
        assert client.get("/news/?theme=mining-and-oil&page=2")["X-Cache"] == "miss"
        assert client.get("/news/?page=2&theme=mining-and-oil")["X-Cache"] == "hit"

    def test_unknown_or_default_parameters_are_served_but_never_stored(self, client, mining_news):
        for query in ("?utm_source=x", "?page=1", "?page=abc", "?page=99", "?theme="):
            for _ in range(2):
                response = client.get("/news/" + query)
                assert response.status_code == 200, query
                assert response.get("X-Cache") != "hit", query
        # A page without parameters is stored only without them.
        assert client.get("/about/?page=2").status_code == 404  # no such page: not stored
        assert client.get("/news/")["X-Cache"] == "miss"
        assert client.get("/news/")["X-Cache"] == "hit"


class TestContentVersion:
    def test_a_request_reads_it_once_from_the_database(self, client, news_index):
        NewsItemPageFactory(parent=news_index)
        client.get("/news/")
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/news/").status_code == 200
        reads = [q["sql"] for q in queries.captured_queries if "core_contentversion" in q["sql"]]
        assert reads == [VERSION_SQL]

    def test_what_a_request_caches_is_stored_under_the_version_it_read_first(self, db):
        _start_request()
        read_first = content_version()
        # Another process publishes meanwhile: its change and its new version commit together.
        ContentVersion.objects.update(value=read_first + 1)
        cached("listing", lambda: "the listing before the publish")
        _finish_request()
        _start_request()
        assert content_version() == read_first + 1
        assert cached("listing", lambda: "the listing after it") == "the listing after it"
        _finish_request()

    @needs("fragment cache")
    def test_a_change_in_another_process_is_seen_at_the_next_request(self, client, news_index):
        # What another process's publish leaves behind: the row changed and, in the same
        # transaction, the version advanced (its signals run in that process only).
        item = NewsItemPageFactory(parent=news_index, title="Saramurillo takes protest to Lima")
        assert "takes protest" in client.get("/news/").content.decode()
        NewsItemPage.objects.filter(pk=item.pk).update(title="Saramurillo leaders meet Zavala")
        assert "takes protest" in client.get("/news/").content.decode()  # cached
        advance_content_version()
        assert "meet Zavala" in client.get("/news/").content.decode()

    def test_a_number_taken_by_a_rolled_back_change_is_never_given_again(self, db):
        before = content_version()
        with pytest.raises(RuntimeError), transaction.atomic():
            advance_content_version()
            taken = content_version()
            raise RuntimeError("the change failed")
        assert content_version() == before
        advance_content_version()
        assert content_version() not in (before, taken)

    def test_a_lost_row_starts_again_above_any_number_given(self, db):
        before = content_version()
        ContentVersion.objects.all().delete()
        assert content_version() > before

    def test_the_table_is_the_one_read_with_plain_sql(self):
        assert ContentVersion._meta.db_table == "core_contentversion"


class TestCodeVersion:
    def test_any_change_to_what_pages_are_made_of_changes_it(self, tmp_path):
        (tmp_path / "templates").mkdir()
        template = tmp_path / "templates" / "base.html"
        template.write_text("<h1>Peru Support Group</h1>")
        (tmp_path / "docs").mkdir()
        first = code_version(tmp_path)
        assert code_version(tmp_path) == first
        (tmp_path / "docs" / "notes.md").write_text("not served")
        assert code_version(tmp_path) == first
        template.write_text("<h1>Peru Support Group</h1><p>New footer</p>")
        assert code_version(tmp_path) != first

    def test_every_cache_key_carries_it(self, settings, db):
        for alias in settings.CACHES:
            assert settings.CODE_VERSION in caches[alias].make_key("x"), alias


@pytest.fixture
def redis_pages(settings, news_index):
    """The shared Redis of several app servers (a test database of its own), emptied before
    and after, with the site's settings already created."""
    settings.CACHES = cache_settings(code_version="tests", redis_url=REDIS_URL)
    settings.PAGE_CACHE_SECONDS = 300
    server = redis.Redis.from_url(REDIS_URL)
    server.flushdb()
    SiteSettings.for_site(news_index.get_site())
    yield server
    server.flushdb()


def count_redis_commands(monkeypatch):
    """Names of the Redis commands sent from now on."""
    commands = []
    execute = redis.Redis.execute_command
    monkeypatch.setattr(
        redis.Redis,
        "execute_command",
        lambda self, *args, **options: commands.append(args[0]) or execute(self, *args, **options),
    )
    return commands


class TestRedis:
    def test_pages_are_shared_and_a_publish_clears_them_for_everyone(self, client, redis_pages):
        index = Page.objects.get(slug="news")
        item = NewsItemPageFactory(parent=index, title="Saramurillo takes protest to Lima")
        assert client.get("/news/")["X-Cache"] == "miss"
        assert client.get("/news/")["X-Cache"] == "hit"
        item.title = "Saramurillo leaders meet the prime minister"
        item.save_revision().publish()
        response = client.get("/news/")
        assert response["X-Cache"] == "miss"
        assert b"meet the prime minister" in response.content

    def test_a_hit_is_one_redis_command(self, client, monkeypatch, redis_pages):
        assert client.get("/news/")["X-Cache"] == "miss"
        commands = count_redis_commands(monkeypatch)
        assert client.get("/news/")["X-Cache"] == "hit"
        assert commands == ["GET"]

    @needs_all
    def test_fragments_stay_in_the_process(self, client, settings, monkeypatch, redis_pages):
        settings.PAGE_CACHE_SECONDS = 0
        client.get("/news/")
        commands = count_redis_commands(monkeypatch)
        assert client.get("/news/").status_code == 200
        assert commands == []

    def test_made_up_page_numbers_add_no_keys(self, client, redis_pages):
        index = Page.objects.get(slug="news")
        for n in range(25):
            NewsItemPageFactory(parent=index, title=f"Item {n}")
        client.get("/news/")
        keys = redis_pages.dbsize()
        junk = ["abc", "-1", "0", "1", "999", "1&theme=x", "2.0", "²"]
        for _ in range(40):
            junk.append("".join(random.choices(string.ascii_letters + string.digits, k=8)))
        for value in junk:
            assert client.get("/news/", {"page": value}).status_code == 200, value
        assert redis_pages.dbsize() == keys
        client.get("/news/?page=2")  # positive control: a real page is stored
        assert redis_pages.dbsize() == keys + 1

    def test_redis_down_is_a_miss_not_an_error(self, client, home_page, page_cache, settings):
        settings.CACHES = cache_settings(code_version="tests", redis_url="redis://127.0.0.1:1/0")
        for _ in range(2):
            response = client.get("/")
            assert response.status_code == 200
            assert response["X-Cache"] == "miss"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def full_redis(tmp_path):
    """A Redis server of its own that refuses writes once its 2 MB are used (noeviction)."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    port = free_port()
    process = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
            "--maxmemory",
            "2mb",
            "--maxmemory-policy",
            "noeviction",
        ],
        stdout=subprocess.DEVNULL,
    )
    server = redis.Redis(port=port)
    for _ in range(50):
        try:
            server.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.1)
    yield server, f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(timeout=10)


def test_a_redis_refusing_writes_leaves_every_page_up(client, news_index, settings, full_redis):
    server, url = full_redis
    settings.CACHES = cache_settings(code_version="tests", redis_url=url)
    settings.PAGE_CACHE_SECONDS = 300
    NewsItemPageFactory(parent=news_index, title="Las Bambas")
    SiteSettings.for_site(news_index.get_site())
    client.get("/news/")
    assert client.get("/news/")["X-Cache"] == "hit"  # positive control: it caches
    with pytest.raises(redis.exceptions.OutOfMemoryError):
        for n in range(10_000):
            server.set(f"filler:{n}", "x" * 10_000)
    # Well over the limit, so that no write slips in under it.
    server.config_set("maxmemory", "1mb")
    advance_content_version()
    for url in ("/", "/news/", "/news/?page=2", "/no-such-page/", "/search/?query=Bambas"):
        for _ in range(2):
            response = client.get(url)
            assert response.status_code in (200, 404), url
            assert response.get("X-Cache") != "hit", url
