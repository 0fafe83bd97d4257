"""The cache in front: purged after every change a reader could see, by any process, and never
keeping what belongs to one person (core/frontend_cache.py, deploy/varnish/default.vcl).

The first tests need no Varnish: what `purge_everything()` sends, records and retries. The
rest (marked slow) run the site under gunicorn behind a varnishd of their own, with the
project's VCL, and make changes from another process (`manage.py`)."""

import http.client
import http.cookiejar
import http.server
import os
import re
import sqlite3
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta

from django.core.cache import caches
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import timezone

import psycopg
import pytest
import redis

from core.frontend_cache import PurgeFailed, VarnishBackend, purge_everything
from core.models import FrontendCachePurge
from tests.factories import NewsItemPageFactory
from tests.test_running_site import RunningSite
from tests.varnish import Varnish, free_port

# --- Without Varnish ------------------------------------------------------------------------


class PurgeServer(http.server.ThreadingHTTPServer):
    """Records the PURGE requests it receives and answers them with `status`."""

    def __init__(self):
        self.received = []
        self.status = 200
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_PURGE(self):
                server.received.append((self.command, self.path, self.headers["Host"]))
                self.send_response(server.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"


@pytest.fixture
def purge_server():
    server = PurgeServer()
    yield server
    server.shutdown()
    server.server_close()


def front_cache_at(url):
    return override_settings(
        WAGTAILFRONTENDCACHE={
            "varnish": {"BACKEND": "core.frontend_cache.VarnishBackend", "LOCATION": url}
        },
        ALLOWED_HOSTS=["www.example.org", ".example.org", "*"],
    )


def test_the_varnish_backend_sends_purge_with_the_sites_host(purge_server):
    VarnishBackend({"LOCATION": purge_server.url}).purge("https://www.example.org/news/?page=2")
    assert purge_server.received == [("PURGE", "/news/?page=2", "www.example.org")]


def test_the_varnish_backend_raises_when_the_cache_refuses_or_is_unreachable(purge_server):
    purge_server.status = 405
    with pytest.raises(PurgeFailed, match="405|Not Allowed|Method"):
        VarnishBackend({"LOCATION": purge_server.url}).purge("http://localhost/*")
    with pytest.raises(PurgeFailed, match="http://localhost/\\*"):
        VarnishBackend({"LOCATION": f"http://127.0.0.1:{free_port()}"}).purge("http://localhost/*")


def test_purge_everything_purges_every_site_and_name_once(home_page, purge_server):
    with front_cache_at(purge_server.url):
        assert purge_everything() is True
    # The default site (localhost) and the one concrete name in ALLOWED_HOSTS; wildcards skipped.
    assert sorted(purge_server.received) == [
        ("PURGE", "/*", "localhost"),
        ("PURGE", "/*", "www.example.org"),
    ]
    record = FrontendCachePurge.load()
    assert record.pending_since is None and record.purged_code_version


def test_purge_everything_empties_the_template_fragments(db):
    fragments = caches["template_fragments"]
    fragments.set("navigation", "old")
    assert fragments.get("navigation") == "old"
    assert purge_everything() is True  # no cache in front configured: fragments only
    assert fragments.get("navigation") is None
    assert not FrontendCachePurge.objects.exists()


# A database of these tests' own (test_running_site.py uses 15).
REDIS_URL = os.environ.get("TEST_FRAGMENTS_REDIS_URL", "redis://127.0.0.1:6379/14")


def test_with_redis_only_the_sites_own_fragments_go(db, settings):
    server = redis.Redis.from_url(REDIS_URL)
    server.flushdb()
    settings.CACHES = settings.CACHES | {
        "template_fragments": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "psg:test",
        }
    }
    try:
        caches["template_fragments"].set("navigation", "old")
        server.set("another-site:navigation", "theirs")
        assert purge_everything() is True
        assert caches["template_fragments"].get("navigation") is None
        assert server.get("another-site:navigation") == b"theirs"
    finally:
        server.flushdb()


def test_a_failed_purge_is_recorded_and_retried_until_it_succeeds(home_page, purge_server, caplog):
    down = f"http://127.0.0.1:{free_port()}"
    with front_cache_at(down):
        assert purge_everything() is False
        assert purge_everything() is False
    record = FrontendCachePurge.load()
    assert record.pending_since is not None
    assert record.attempts == 2
    assert "Connection refused" in record.last_error
    # One line a failure, no traceback.
    failures = [r for r in caplog.records if "purge failed" in r.getMessage()]
    assert len(failures) == 2 and not any(r.exc_info for r in failures)
    with front_cache_at(down), pytest.raises(CommandError, match="attempt 3"):
        call_command("purge_frontend_cache", verbosity=0)
    with front_cache_at(purge_server.url):
        call_command("purge_frontend_cache", verbosity=0)
        assert purge_server.received
        record.refresh_from_db()
        assert record.pending_since is None and record.attempts == 0 and not record.last_error
        # Nothing owed: nothing sent.
        purge_server.received.clear()
        call_command("purge_frontend_cache", verbosity=0)
        assert purge_server.received == []
        call_command("purge_frontend_cache", "--all", verbosity=0)
        assert purge_server.received


def test_new_code_is_purged_for_once(home_page, purge_server):
    with front_cache_at(purge_server.url):
        call_command("purge_frontend_cache", verbosity=0)
        assert purge_server.received  # never purged for this code
        purge_server.received.clear()
        call_command("purge_frontend_cache", verbosity=0)
        assert purge_server.received == []
        # Nested, so that leaving it puts back the settings above, not a copy of them.
        with override_settings(CODE_VERSION="a-new-release"):
            call_command("purge_frontend_cache", verbosity=0)
        assert purge_server.received
    assert FrontendCachePurge.load().purged_code_version == "a-new-release"


def test_a_success_does_not_clear_a_failure_recorded_after_it_began(db):
    """A purge covers only the changes committed before it began."""
    FrontendCachePurge.record_failure("down")
    FrontendCachePurge.record_success(timezone.now() - timedelta(seconds=5))
    assert FrontendCachePurge.load().pending_since is not None
    FrontendCachePurge.record_success(timezone.now())
    assert FrontendCachePurge.load().pending_since is None


def test_one_purge_after_a_publish_commits_and_none_for_a_draft(
    news_index, purge_server, django_capture_on_commit_callbacks
):
    item = NewsItemPageFactory(parent=news_index)
    with front_cache_at(purge_server.url):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            item.title = "A draft, autosaved"
            item.save_revision()
        assert purge_server.received == [] and not callbacks
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            item.save_revision().publish()
            assert purge_server.received == []  # not before the commit
        # Several signals (page_published, published), one purge of each name.
        assert len(purge_server.received) == len(set(purge_server.received)) == 2


def test_settings_made_on_first_read_purge_nothing_and_a_setting_saved_purges(
    home_page, purge_server, django_capture_on_commit_callbacks
):
    from home.models import SiteSettings

    site = home_page.get_site()
    with front_cache_at(purge_server.url):
        with django_capture_on_commit_callbacks(execute=True):
            settings_ = SiteSettings.for_site(site)  # Wagtail makes the row, with its defaults
        assert settings_.pk and purge_server.received == []
        with django_capture_on_commit_callbacks(execute=True):
            settings_.charity_number = "1234567"
            settings_.save()
        assert purge_server.received


# --- Through Varnish ------------------------------------------------------------------------


class Site:
    """The site behind Varnish, as a reader (or an editor) reaches it."""

    def __init__(self, running, varnish):
        self.running = running
        self.varnish = varnish

    def get(self, path, cookies=None):
        """(status, headers, body) of a GET through Varnish."""
        request = urllib.request.Request(self.varnish.url + path)
        opener = urllib.request.build_opener(
            NoRedirect,
            *([urllib.request.HTTPCookieProcessor(cookies)] if cookies is not None else []),
        )
        try:
            with opener.open(request, timeout=20) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def post(self, path, data, cookies):
        opener = urllib.request.build_opener(
            NoRedirect, urllib.request.HTTPCookieProcessor(cookies)
        )
        request = urllib.request.Request(
            self.varnish.url + path, data=urllib.parse.urlencode(data).encode()
        )
        try:
            with opener.open(request, timeout=20) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def shell(self, code, **extra):
        self.running.manage("shell", "-c", code, **extra)

    def record(self):
        """FrontendCachePurge's row: (pending_since, attempts, last_error, purged_code_version)."""
        rows = self.running.query(
            "SELECT pending_since, attempts, last_error, purged_code_version "
            "FROM core_frontendcachepurge"
        )
        return rows[0] if rows else None


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class SiteOnTheTestDatabase(RunningSite):
    """RunningSite on the test run's kind of database: its own SQLite file, or on PostgreSQL a
    database of its own beside the test database."""

    def __init__(self, folder):
        url = os.environ.get("DATABASE_URL", "")
        self.database_url = None
        if url.startswith(("postgres://", "postgresql://")):
            server = url.rsplit("/", 1)[0]
            self.database_name = f"psg_front_{os.getpid()}"
            with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
                connection.execute(f"DROP DATABASE IF EXISTS {self.database_name}")
                connection.execute(f"CREATE DATABASE {self.database_name}")
            self.database_url = f"{server}/{self.database_name}"
        super().__init__(folder)

    def manage(self, *args, **extra):
        super().manage(*args, **(self.database() | extra))

    def start(self, **extra):
        super().start(**(self.database() | extra))

    def database(self):
        return {"DATABASE_URL": self.database_url} if self.database_url else {}

    def query(self, sql):
        if self.database_url:
            with psycopg.connect(self.database_url) as connection:
                return connection.execute(sql).fetchall()
        with sqlite3.connect(self.folder / "db.sqlite3") as connection:
            return connection.execute(sql).fetchall()

    def drop(self):
        if self.database_url:
            server = self.database_url.rsplit("/", 1)[0]
            with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
                connection.execute(f"DROP DATABASE IF EXISTS {self.database_name} WITH (FORCE)")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("front")
    running = SiteOnTheTestDatabase(folder / "app")
    varnish = Varnish(folder / "varnish", running.port)
    running.environment |= {
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "FRONTEND_CACHE_PURGE_URL": varnish.url,
    }
    running.manage(
        "shell",
        "-c",
        "from django.contrib.auth import get_user_model; "
        "get_user_model().objects.create_superuser('ed', 'ed@example.org', 'a long password')",
    )
    varnish.start()
    running.start()
    try:
        site = Site(running, varnish)
        # gunicorn's start purges for the new code in the background: wait for it.
        for _ in range(100):
            record = site.record()
            if record and record[3]:
                break
            time.sleep(0.2)
        else:
            raise RuntimeError("the start-up purge did not happen")
        yield site
    finally:
        running.stop()
        varnish.stop()
        running.drop()


def hit(headers):
    return headers["X-Cache"] == "HIT"


@pytest.mark.slow
def test_a_second_anonymous_request_is_a_hit(site):
    status, headers, _ = site.get("/about/")
    assert status == 200 and headers["Cache-Control"] == "public, max-age=60, s-maxage=600"
    status, headers, _ = site.get("/about/")
    assert status == 200 and hit(headers) and "Age" in headers


@pytest.mark.slow
def test_changes_made_by_another_process_show_at_the_next_request(site):
    site.get("/news/")
    status, headers, body = site.get("/news/")
    assert hit(headers) and "Fire strikes twice" in body
    site.shell(
        "from news.models import NewsItemPage; "
        "page = NewsItemPage.objects.get(slug='fire-strikes-twice'); "
        "page.title = 'Larcomar fire: the inquiry opens'; "
        "page.save_revision().publish()"
    )
    status, headers, body = site.get("/news/")
    assert not hit(headers)
    assert "Larcomar fire: the inquiry opens" in body and "Fire strikes twice" not in body
    # Unpublished: gone from the list and its own address.
    item_path = re.search(r'href="(/news/[^"]*fire-strikes-twice/)"', body).group(1)
    assert site.get(item_path)[0] == 200 and hit(site.get(item_path)[1])
    site.shell(
        "from news.models import NewsItemPage; "
        "NewsItemPage.objects.get(slug='fire-strikes-twice').unpublish()"
    )
    assert site.get(item_path)[0] == 404
    assert "Larcomar fire" not in site.get("/news/")[2]


@pytest.mark.slow
def test_a_view_restriction_made_by_another_process_shows_at_the_next_request(site):
    site.get("/about/")
    status, headers, body = site.get("/about/")
    assert hit(headers) and "UK charity" in body
    site.shell(
        "from wagtail.models import Page, PageViewRestriction; "
        "PageViewRestriction.objects.create(page=Page.objects.get(slug='about'), "
        "restriction_type='password', password='letmein')"
    )
    for _ in range(2):
        status, headers, body = site.get("/about/")
        assert status == 200 and not hit(headers)
        assert "UK charity" not in body and 'name="password"' in body
        assert headers["Cache-Control"] == "private, no-store"
    site.shell(
        "from wagtail.models import PageViewRestriction; PageViewRestriction.objects.all().delete()"
    )
    assert "UK charity" in site.get("/about/")[2]


def sign_in(site):
    cookies = http.cookiejar.CookieJar()
    _, _, body = site.get("/admin/login/", cookies)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    status, _, body = site.post(
        "/admin/login/",
        {"csrfmiddlewaretoken": token, "username": "ed", "password": "a long password"},
        cookies,
    )
    assert status == 302, body[:2000]
    assert any(cookie.name == "sessionid" for cookie in cookies)
    return cookies


@pytest.mark.slow
def test_an_editor_is_never_served_a_cached_page_nor_fills_one(site):
    path = "/briefings/"
    site.get(path)
    assert hit(site.get(path)[1])  # readers' copy
    editor = sign_in(site)
    for _ in range(2):
        status, headers, body = site.get(path, editor)
        assert status == 200 and not hit(headers) and "userbar" in body
        assert headers["Cache-Control"] == "private, no-store"
    # Purged (any change); the editor's visits do not refill it.
    site.shell("from core.frontend_cache import purge_everything; assert purge_everything()")
    site.get(path, editor)
    status, headers, body = site.get(path)
    assert not hit(headers) and "userbar" not in body
    # A preview goes through the admin: never kept, never served to readers.
    page_id = re.search(r"/admin/pages/(\d+)/edit/", site.get(path, editor)[2]).group(1)
    preview = f"/admin/pages/{page_id}/edit/preview/"
    for _ in range(2):
        status, headers, _ = site.get(preview, editor)
        assert not hit(headers) and "private" in headers["Cache-Control"]


@pytest.mark.slow
def test_the_join_form_and_any_response_setting_a_cookie_are_never_kept(site):
    for _ in range(3):
        status, headers, body = site.get("/join/")
        assert status == 200 and 'name="csrfmiddlewaretoken"' in body
        assert not hit(headers) and headers["Set-Cookie"]
        assert headers["Cache-Control"] == "private, no-store"
    for _ in range(2):
        status, headers, _ = site.get("/_util/login/")
        assert headers["Set-Cookie"] and not hit(headers)


@pytest.mark.slow
def test_tracking_and_junk_parameters_make_no_new_objects(site):
    site.varnish.purge_all()
    site.get("/briefings/")
    assert hit(site.get("/briefings/")[1])
    assert site.varnish.counter(expected=1) == 1
    for junk in (
        "?",
        "?utm_source=newsletter&utm_medium=email",
        "?fbclid=abc",
        "?gclid=1&msclkid=2",
        "?mc_cid=1&mc_eid=2&_ga=3",
        "?utm_campaign",
    ):
        status, headers, _ = site.get(f"/briefings/{junk}")
        assert status == 200 and hit(headers), junk
    assert site.varnish.counter() == 1
    # Parameters the site reads are kept, in any order: one object for both orders.
    site.get("/news/?page=2&region=lima")
    assert site.varnish.counter(expected=2) == 2
    assert hit(site.get("/news/?region=lima&utm_source=x&page=2")[1])
    assert site.varnish.counter() == 2


@pytest.mark.slow
def test_a_failed_purge_is_recorded_then_retried(site):
    site.get("/about/")
    assert hit(site.get("/about/")[1])
    site.shell(
        "from wagtail.models import Page; "
        "page = Page.objects.get(slug='about').specific; "
        "page.title = 'About the group'; page.save_revision().publish()",
        FRONTEND_CACHE_PURGE_URL=f"http://127.0.0.1:{free_port()}",
    )
    pending_since, attempts, last_error, _ = site.record()
    # (At least once: a publish sends two signals, each purging when nothing is left to commit.)
    assert pending_since and attempts >= 1 and "refused" in last_error
    # Stale until the retry: s-maxage is the worst case.
    _, headers, body = site.get("/about/")
    assert hit(headers) and "<title>About the group" not in body
    site.running.manage("purge_frontend_cache")
    assert site.record()[:3] == (None, 0, "")
    _, headers, body = site.get("/about/")
    assert not hit(headers) and "About the group" in body


@pytest.mark.slow
def test_an_archive_address_in_other_digits_is_not_a_page(site):
    assert site.get(urllib.parse.quote("/news/٢٠١٦/"))[0] == 404
    assert site.get("/news/2016/")[0] == 200


@pytest.mark.slow
def test_only_the_application_servers_may_purge(site):
    def purge_from(address):
        connection = http.client.HTTPConnection(
            "127.0.0.1", site.varnish.port, timeout=10, source_address=(address, 0)
        )
        connection.request("PURGE", "/*", headers={"Host": "127.0.0.1"})
        status = connection.getresponse().status
        connection.close()
        return status

    site.get("/briefings/")
    assert hit(site.get("/briefings/")[1])
    assert purge_from("127.0.0.2") == 405  # any other address
    assert hit(site.get("/briefings/")[1])
    assert purge_from("127.0.0.1") == 200
    assert not hit(site.get("/briefings/")[1])
