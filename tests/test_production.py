"""Production behaviour: headers, sign-in lockout, failing politely, health, the page cache
(backups: tests/test_backups.py)."""

import logging
import os
import sys
from unittest import mock

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection
from django.test import Client

from wagtail.models import PageViewRestriction

import pytest

from core.logging import OneLineFormatter
from home.models import SiteSettings
from news.models import NewsItemPage
from tests.factories import NewsItemPageFactory, ThemeFactory


def directives(policy):
    return dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";") if part.strip()
    )


class TestSecurityHeaders:
    def test_public_pages(self, client, home_page):
        response = client.get("/")
        csp = directives(response["Content-Security-Policy"])
        assert csp["script-src"] == "'self'"
        assert "unsafe-inline" not in csp["script-src"] and "unsafe-eval" not in csp["script-src"]
        assert csp["object-src"] == "'none'"
        assert csp["frame-ancestors"] == "'none'"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert response["X-Frame-Options"] == "DENY"
        assert "camera=()" in response["Permissions-Policy"]
        assert "geolocation=()" in response["Permissions-Policy"]

    def test_admin_pages_are_never_cached_and_allow_the_admins_scripts(self, admin_client):
        response = admin_client.get("/admin/")
        assert response.status_code == 200
        assert response["Cache-Control"] == "no-store, private"
        csp = directives(response["Content-Security-Policy"])
        assert csp["frame-ancestors"] == "'self'"

    def test_preview_may_be_framed_by_the_admin_only(self, admin_client, home_page):
        response = admin_client.get(f"/admin/pages/{home_page.pk}/edit/preview/")
        assert response["X-Frame-Options"] == "SAMEORIGIN"

    def test_hsts_and_https_redirect_in_production(self, client, home_page, settings):
        settings.SECURE_HSTS_SECONDS = 31_536_000
        settings.SECURE_SSL_REDIRECT = True
        settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
        insecure = client.get("/")
        assert insecure.status_code == 301
        assert insecure["Location"] == "https://testserver/"
        secure = client.get("/", HTTP_X_FORWARDED_PROTO="https")
        assert secure.status_code == 200
        assert secure["Strict-Transport-Security"].startswith("max-age=31536000")
        assert "upgrade-insecure-requests" in secure["Content-Security-Policy"]

    def test_security_txt(self, client, home_page):
        assert client.get("/.well-known/security.txt").status_code == 404
        site_settings = SiteSettings.for_site(home_page.get_site())
        site_settings.security_contact = "security@example.org"
        site_settings.save()
        response = client.get("/.well-known/security.txt")
        assert response.status_code == 200
        text = response.content.decode()
        assert "Contact: mailto:security@example.org\n" in text
        assert "Expires: 20" in text and text.count("Expires:") == 1


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_user(
        "editor", "editor@example.org", "a-long-and-good-passphrase", is_superuser=True
    )


def sign_in(client, username, password, ip="203.0.113.5"):
    return client.post(
        "/admin/login/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )


class TestSignInProtection:
    LOCKED = "Too many failed sign-in attempts"

    def test_a_username_is_locked_after_five_failures(self, client, editor):
        for _ in range(5):
            response = sign_in(client, "editor", "wrong")
            assert response.status_code == 200
            assert self.LOCKED not in response.content.decode()
        # Even the right password is refused now, with a clear message.
        response = sign_in(client, "editor", "a-long-and-good-passphrase")
        assert response.status_code == 200
        assert self.LOCKED in response.content.decode()
        assert "_auth_user_id" not in client.session

    def test_an_address_is_locked_after_twenty_failures(self, client, editor):
        for n in range(20):
            sign_in(client, f"someone-{n}", "wrong")
        response = sign_in(client, "editor", "a-long-and-good-passphrase")
        assert self.LOCKED in response.content.decode()
        # Another address may still sign in.
        response = sign_in(Client(), "editor", "a-long-and-good-passphrase", ip="198.51.100.7")
        assert response.status_code == 302

    def test_success_clears_the_count(self, client, editor):
        for _ in range(4):
            sign_in(client, "editor", "wrong")
        assert sign_in(client, "editor", "a-long-and-good-passphrase").status_code == 302
        client.logout()
        for _ in range(4):
            sign_in(client, "editor", "wrong")
        assert sign_in(client, "editor", "a-long-and-good-passphrase").status_code == 302

    def test_lockout_ends(self, client, editor, settings):
        settings.LOGIN_LOCKOUT_SECONDS = 1
        for _ in range(5):
            sign_in(client, "editor", "wrong")
        import time

        time.sleep(1.2)
        assert sign_in(client, "editor", "a-long-and-good-passphrase").status_code == 302

    def test_passwords_must_be_strong(self):
        for weak in ("short1", "password1234", "123456789012"):
            with pytest.raises(ValidationError):
                validate_password(weak)
        validate_password("Saramurillo-march-2016")


class TestFailingPolitely:
    def test_bad_host_is_a_400_without_traceback(self, home_page):
        response = Client().get("/", HTTP_HOST="attacker.example")
        assert response.status_code == 400
        html = response.content.decode()
        assert "Sorry, we could not understand that request" in html
        assert "Traceback" not in html and "DisallowedHost" not in html

    def test_site_styled_403(self, client, home_page):
        from django.test import RequestFactory
        from django.views.defaults import permission_denied

        response = permission_denied(RequestFactory().get("/"), exception=None)
        assert response.status_code == 403
        assert b"You do not have access to this page" in response.content

    def test_500_renders_with_the_database_down(self, home_page):
        client = Client(raise_request_exception=False)
        with mock.patch.object(
            connection, "ensure_connection", side_effect=OperationalError("database is down")
        ):
            response = client.get("/")
        assert response.status_code == 500
        html = response.content.decode()
        assert "Sorry, something went wrong" in html
        assert "database is down" not in html and "Traceback" not in html

    def test_health(self, client, db):
        response = client.get("/health/")
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "database": "ok"}
        assert "no-store" in response["Cache-Control"]

    def test_health_without_the_database(self, client, db):
        with mock.patch.object(
            connection, "cursor", side_effect=OperationalError("could not connect")
        ):
            response = client.get("/health/")
        assert response.status_code == 503
        assert response.json()["database"] == "unreachable"
        assert "no-store" in response["Cache-Control"]

    def test_logs_are_one_line_with_path_and_status(self, rf):
        request = rf.get("/news/?page=2")
        try:
            raise RuntimeError("first line\nsecond line")
        except RuntimeError:
            record = logging.LogRecord(
                "django.request",
                logging.ERROR,
                __file__,
                1,
                "Internal Server Error: %s",
                ("/news/",),
                sys.exc_info(),
            )
        record.request = request
        record.status_code = 500
        line = OneLineFormatter().format(record)
        assert "\n" not in line
        assert "path=/news/" in line and "status=500" in line
        assert "RuntimeError: first line ⏎ second line" in line


@pytest.fixture
def page_cache(settings, home_page):
    settings.PAGE_CACHE_SECONDS = 300
    settings.PAGE_CACHE_PROXY_SECONDS = 10
    # The site's settings row is made on the first visit ever, and making it is a change.
    SiteSettings.for_site(home_page.get_site())


class TestPageCache:
    def test_anonymous_readers_get_cached_pages(self, client, news_index, page_cache):
        NewsItemPageFactory(parent=news_index, title="Las Bambas")
        first = client.get("/news/")
        assert first["X-Cache"] == "miss"
        assert "s-maxage=10" in first["Cache-Control"] and "public" in first["Cache-Control"]
        second = client.get("/news/")
        assert second["X-Cache"] == "hit"
        assert second.content == first.content
        # Headers added on the way out are there on a hit too.
        assert "Content-Security-Policy" in second

    def test_publishing_shows_at_once(self, client, news_index, page_cache):
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

    def test_moving_and_deleting_pages_show_at_once(self, client, news_index, page_cache):
        item = NewsItemPageFactory(parent=news_index, title="Fire strikes twice")
        client.get("/news/")
        NewsItemPage.objects.get(pk=item.pk).delete()
        assert b"Fire strikes twice" not in client.get("/news/").content

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

    def test_never_for_pages_with_forms_private_pages_posts_or_search(
        self, client, news_index, page_cache
    ):
        private = NewsItemPageFactory(parent=news_index, title="Private")
        PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
        for _ in range(2):
            response = client.get(private.url)
            assert "X-Cache" not in response or response["X-Cache"] != "hit"
        assert b"Private" not in client.get("/news/").content
        assert "X-Cache" not in client.post("/news/", {})
        assert "X-Cache" not in client.get("/search/?query=x")
        # Unknown query parameters are served but never stored (no cache flooding).
        client.get("/news/?utm_source=x")
        assert "X-Cache" not in client.get("/news/?utm_source=x")

    def test_redis_down_is_a_miss_not_an_error(self, client, home_page, page_cache, settings):
        from django.core.cache import caches

        settings.CACHES = {
            "default": {
                "BACKEND": "core.caching.store.ResilientRedisCache",
                "LOCATION": "redis://127.0.0.1:1/0",
                "OPTIONS": {"socket_connect_timeout": 0.1, "socket_timeout": 0.1},
            }
        }
        assert caches["default"].__class__.__name__ == "ResilientRedisCache"
        for _ in range(2):
            response = client.get("/")
            assert response.status_code == 200
            assert response["X-Cache"] == "miss"


@pytest.fixture
def redis_cache(settings, news_index):
    """The shared Redis cache of several app servers (a test database of its own), emptied
    before and after, with the site's settings already created."""
    settings.CACHES = {
        "default": {
            "BACKEND": "core.caching.store.ResilientRedisCache",
            "LOCATION": os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15"),
            "KEY_PREFIX": "psg-tests",
        }
    }
    from django.core.cache import cache

    cache.clear()
    SiteSettings.for_site(news_index.get_site())
    yield cache
    cache.clear()


def count_redis_commands(monkeypatch):
    """Names of the Redis commands sent from now on."""
    import redis

    commands = []
    execute = redis.Redis.execute_command
    monkeypatch.setattr(
        redis.Redis,
        "execute_command",
        lambda self, *args, **options: commands.append(args[0]) or execute(self, *args, **options),
    )
    return commands


def test_pages_are_shared_through_redis_and_invalidated_there(
    client, news_index, settings, redis_cache
):
    """Several app servers share one Redis: a publish anywhere clears pages everywhere."""
    settings.PAGE_CACHE_SECONDS = 300
    item = NewsItemPageFactory(parent=news_index, title="Saramurillo takes protest to Lima")
    assert client.get("/news/")["X-Cache"] == "miss"
    assert client.get("/news/")["X-Cache"] == "hit"
    item.title = "Saramurillo leaders meet the prime minister"
    item.save_revision().publish()
    response = client.get("/news/")
    assert response["X-Cache"] == "miss"
    assert b"meet the prime minister" in response.content


def test_a_cache_hit_is_one_round_trip_to_redis(client, settings, monkeypatch, redis_cache):
    """A cached page costs one Redis command (the content version and the page together), on
    a client kept from earlier requests rather than built again."""
    import redis

    settings.PAGE_CACHE_SECONDS = 300
    assert client.get("/news/")["X-Cache"] == "miss"
    clients = []
    build = redis.Redis.__init__
    commands = count_redis_commands(monkeypatch)
    monkeypatch.setattr(
        redis.Redis,
        "__init__",
        lambda self, *args, **kwargs: clients.append(1) or build(self, *args, **kwargs),
    )
    response = client.get("/news/")
    assert response["X-Cache"] == "hit"
    assert commands == ["MGET"]
    assert clients == []


def test_fragments_come_from_the_process_once_used(
    client, news_index, settings, monkeypatch, redis_cache
):
    """With Redis, a page not in the page cache reads the content version from Redis and its
    navigation, footer, counts and routing from the process: one round trip, not a dozen."""
    settings.PAGE_CACHE_SECONDS = 0
    item = NewsItemPageFactory(parent=news_index, title="Saramurillo takes protest to Lima")
    client.get("/news/")
    commands = count_redis_commands(monkeypatch)
    assert "Saramurillo takes protest" in client.get("/news/").content.decode()
    assert commands == ["GET"]
    # A publish elsewhere (another server, here the same Redis) shows at once.
    item.title = "Saramurillo leaders meet the prime minister"
    item.save_revision().publish()
    assert "meet the prime minister" in client.get("/news/").content.decode()


def test_a_fresh_search_reads_only_the_content_version_from_redis(
    client, news_index, settings, monkeypatch, redis_cache
):
    """Search results not kept: a search ranks afresh in the database, but which pages a
    reader may see and the cards of the pages found come from the process once used (one
    Redis round trip); a publish elsewhere still shows in the next search."""
    settings.SEARCH_RESULTS_SECONDS = 0
    item = NewsItemPageFactory(parent=news_index, title="Saramurillo takes protest to Lima")
    client.get("/search/", {"query": "Saramurillo"})
    commands = count_redis_commands(monkeypatch)
    response = client.get("/search/", {"query": "Saramurillo"})
    assert "Saramurillo takes protest to Lima" in response.content.decode()
    assert commands == ["GET"]
    item.title = "Saramurillo leaders meet the prime minister"
    item.save_revision().publish()
    html = client.get("/search/", {"query": "Saramurillo"}).content.decode()
    assert "meet the prime minister" in html and "takes protest" not in html
