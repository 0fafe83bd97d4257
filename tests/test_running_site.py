"""The site as an operator runs it: gunicorn with two workers on a copy of this checkout, its
own database, changes made by a second process, and new code deployed with a restart."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import redis

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
COPIED = shutil.ignore_patterns(
    ".git",
    ".venv*",
    "media",
    "staticfiles",
    "backups",
    "*.sqlite3*",
    "__pycache__",
    "bench",
    "test-artifacts",
)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RunningSite:
    """A copy of the checkout with its demo content in a SQLite database of its own."""

    def __init__(self, folder: Path):
        self.folder = folder
        shutil.copytree(ROOT, folder, ignore=COPIED)
        self.port = free_port()
        self.environment = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO", "DATABASE", "REDIS"))
        } | {
            "DJANGO_SETTINGS_MODULE": "config.settings.dev",
            "DEBUG": "false",
            "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
            "MEDIA_ROOT": str(folder / "media"),
            "ALLOWED_HOSTS": "127.0.0.1",
            "LOG_LEVEL": "WARNING",
        }
        self.server = None
        self.manage("migrate", "--noinput", "-v0")
        self.manage("load_demo_content", "--no-admin", "-v0")

    def manage(self, *args, **extra):
        subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=self.folder,
            env=self.environment | extra,
            check=True,
            capture_output=True,
            timeout=300,
        )

    def start(self, **extra):
        self.server = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "-c", "config/gunicorn.py"],
            cwd=self.folder,
            env=self.environment
            | {"GUNICORN_BIND": f"127.0.0.1:{self.port}", "GUNICORN_WORKERS": "2"}
            | extra,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                self.get("/health/")
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer")

    def stop(self):
        if self.server is not None:
            self.server.terminate()
            self.server.wait(timeout=30)
            self.server = None

    def get(self, path):
        """(status, body) of a fresh connection's GET: each may reach either worker."""
        url = f"http://127.0.0.1:{self.port}{path}"
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    running = RunningSite(tmp_path_factory.mktemp("site") / "app")
    yield running
    running.stop()


@pytest.fixture
def shared_redis():
    server = redis.Redis.from_url(REDIS_URL)
    server.flushdb()
    yield REDIS_URL
    server.flushdb()


def test_a_change_from_a_second_process_shows_in_the_next_request(site):
    """No Redis: no worker keeps fragments of its own, so each sees the change at once."""
    site.start()
    try:
        for _ in range(6):
            status, body = site.get("/news/")
            assert status == 200 and "Fire strikes twice" in body
        site.manage(
            "shell",
            "-c",
            "from news.models import NewsItemPage; "
            "page = NewsItemPage.objects.get(slug='fire-strikes-twice'); "
            "page.title = 'Larcomar fire: the inquiry opens'; "
            "page.save_revision().publish()",
        )
        for _ in range(6):
            _, body = site.get("/news/")
            assert "Larcomar fire: the inquiry opens" in body
            assert "Fire strikes twice" not in body
    finally:
        site.stop()


def test_new_code_shows_after_a_restart_with_redis(site, shared_redis):
    server = redis.Redis.from_url(shared_redis)
    site.start(REDIS_URL=shared_redis)
    try:
        assert site.get("/about/")[0] == 200
        kept = set(server.scan_iter())
        assert kept  # the fragments are in Redis
    finally:
        site.stop()
    # A restart alone keeps what Redis holds: the same code, the same fragments.
    site.start(REDIS_URL=shared_redis)
    try:
        assert site.get("/about/")[0] == 200
        assert set(server.scan_iter()) == kept
    finally:
        site.stop()
    # New code: the footer's links (a cached fragment) are built again with it.
    footer = site.folder / "templates" / "includes" / "footer_nav.html"
    footer.write_text(footer.read_text().replace("</ul>", "<li>Registered charity</li></ul>"))
    site.start(REDIS_URL=shared_redis)
    try:
        status, body = site.get("/about/")
        assert status == 200
        assert "Registered charity" in body
    finally:
        site.stop()
