"""The caches: Wagtail's own ("default") and the template fragments, kept in a store every
process shares (Redis) or not at all, under the code's version; a Redis fault is a miss, never
an error. (That a change clears the fragments is core/frontend_cache.py's, tested with it.)
"""

import logging
import os
import random
import re
import shutil
import socket
import string
import subprocess
import time

from django.core.cache import caches

import pytest
import redis

from config.caches import cache_settings
from config.release import code_version
from core import logging as core_logging
from tests.factories import NewsItemPageFactory

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


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


class TestSettings:
    def test_without_redis_no_process_keeps_fragments_of_its_own(self):
        caches = cache_settings(code_version="v1")
        assert caches["template_fragments"]["BACKEND"].endswith("DummyCache")
        assert caches["default"]["BACKEND"].endswith("LocMemCache")

    def test_with_redis_every_process_shares_both(self):
        caches = cache_settings(code_version="v1", redis_url=REDIS_URL)
        for alias in ("default", "template_fragments"):
            assert caches[alias]["BACKEND"] == "django_redis.cache.RedisCache", alias
            assert caches[alias]["LOCATION"] == REDIS_URL
            assert caches[alias]["OPTIONS"]["IGNORE_EXCEPTIONS"] is True

    def test_without_redis_pages_are_built_afresh(self, client, news_index, settings):
        settings.CACHES = cache_settings(code_version="tests")
        item = NewsItemPageFactory(parent=news_index, title="Las Bambas")
        assert b"Las Bambas" in client.get("/news/").content
        # Changed without a signal: only a cache could still show the old title.
        type(item).objects.filter(pk=item.pk).update(title="Saramurillo")
        assert b"Saramurillo" in client.get("/news/").content


@pytest.fixture
def redis_fragments(settings, news_index):
    """The shared Redis of several app servers (a test database of its own), emptied before
    and after."""
    settings.CACHES = cache_settings(code_version="tests", redis_url=REDIS_URL)
    server = redis.Redis.from_url(REDIS_URL)
    try:
        server.flushdb()
    except redis.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    yield server
    server.flushdb()


class TestRedis:
    def test_fragments_are_kept_there_for_every_process(self, client, redis_fragments):
        item = NewsItemPageFactory(parent=news_index_page(), title="Las Bambas")
        assert redis_fragments.dbsize() == 0
        assert b"Las Bambas" in client.get("/news/").content
        keys = [key.decode() for key in redis_fragments.scan_iter()]
        assert any("template.cache" in key for key in keys), keys
        # Changed without a signal, so nothing clears the store: what was kept is served.
        type(item).objects.filter(pk=item.pk).update(title="Saramurillo")
        assert b"Las Bambas" in client.get("/news/").content
        caches["template_fragments"].clear()  # what core/frontend_cache.py does on a change
        assert b"Saramurillo" in client.get("/news/").content

    def test_made_up_page_numbers_add_no_keys(self, client, redis_fragments):
        index = news_index_page()
        for n in range(25):
            NewsItemPageFactory(parent=index, title=f"Item {n}")
        client.get("/news/")
        first = redis_fragments.dbsize()
        for number in (2, 3):
            client.get("/news/", {"page": number})
        keys = redis_fragments.dbsize()
        assert keys > first  # positive control: each real page's list is kept
        junk = ["abc", "-1", "0", "1", "999", "1&theme=x", "2.0", "²", "٢"]
        for _ in range(40):
            junk.append("".join(random.choices(string.ascii_letters + string.digits, k=8)))
        for value in junk:
            assert client.get("/news/", {"page": value}).status_code == 200, value
        assert redis_fragments.dbsize() == keys

    def test_redis_down_is_a_miss_not_an_error(self, client, news_index, settings):
        settings.CACHES = cache_settings(code_version="tests", redis_url="redis://127.0.0.1:1/0")
        NewsItemPageFactory(parent=news_index, title="Las Bambas")
        for url in ("/", "/news/"):
            for _ in range(2):
                response = client.get(url)
                assert response.status_code == 200
                assert b"Las Bambas" in response.content


@pytest.fixture
def redis_down(settings, monkeypatch):
    """Redis unreachable (nothing listens on port 1), and a clock to move on."""
    settings.CACHES = cache_settings(code_version="tests", redis_url="redis://127.0.0.1:1/0")
    logger = logging.getLogger("django_redis.cache")
    [faults] = [f for f in logger.filters if isinstance(f, core_logging.RedisFaults)]
    clock = [time.monotonic() + 10_000]
    monkeypatch.setattr(core_logging.time, "monotonic", lambda: clock[0])
    return faults, clock


def redis_records(caplog):
    return [record for record in caplog.records if record.name.startswith("django_redis")]


def test_redis_down_logs_one_warning_a_minute(client, news_index, redis_down, caplog):
    faults, clock = redis_down
    with caplog.at_level(logging.DEBUG):
        for _ in range(3):
            assert client.get("/news/").status_code == 200
        [warning] = redis_records(caplog)
        assert warning.levelno == logging.WARNING and warning.exc_info is None
        assert warning.getMessage().startswith("Redis unavailable, cache skipped (")
        assert "Connection" in warning.getMessage() and "\n" not in warning.getMessage()
        # A minute on: one more, saying how many were left out meanwhile.
        caplog.clear()
        clock[0] += 61
        client.get("/news/")
        client.get("/news/")
        [warning] = redis_records(caplog)
        assert re.search(r"; [1-9]\d* more faults since the last warning$", warning.getMessage())
        # Control: without the filter, every cache operation logs an error with a traceback.
        caplog.clear()
        logging.getLogger("django_redis.cache").removeFilter(faults)
        try:
            client.get("/news/")
        finally:
            logging.getLogger("django_redis.cache").addFilter(faults)
        errors = redis_records(caplog)
        assert len(errors) > 1
        assert all(r.levelno == logging.ERROR and r.exc_info for r in errors)


def news_index_page():
    from news.models import NewsIndexPage

    return NewsIndexPage.objects.get()


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
    NewsItemPageFactory(parent=news_index, title="Las Bambas")
    client.get("/news/")
    assert server.dbsize() > 0  # positive control: it keeps fragments
    server.flushdb()
    with pytest.raises(redis.exceptions.OutOfMemoryError):
        for n in range(10_000):
            server.set(f"filler:{n}", "x" * 10_000)
    # Well over the limit, so that no write slips in under it.
    server.config_set("maxmemory", "1mb")
    filled = server.dbsize()
    for url in ("/", "/news/", "/news/?page=2", "/no-such-page/"):
        for _ in range(2):
            response = client.get(url)
            assert response.status_code in (200, 404), url
            assert b"Las Bambas" in response.content or response.status_code == 404, url
    assert server.dbsize() == filled
