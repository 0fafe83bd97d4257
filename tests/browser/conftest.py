"""Fixtures for the Playwright tests: one headless Debian Chromium per session, a fresh page
per test, a screenshot when a test fails, and the page tree rebuilt after a flush; for a
module whose tests only read the site, one site and one server for them all
(`site_for_the_module`, `live_site`); for the editors' journeys, the site `make run` builds
(`demo`), a signed-in window per user (`sign_in`) and the editors' guide's screenshots
(`guide_image`)."""

import io
import re
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import setup_databases, teardown_databases

from wagtail.models import Locale

import pytest
from PIL import Image as PILImage
from playwright.sync_api import expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

from tests.conftest import default_home_page

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
SCREENSHOTS = Path(__file__).parent / "screenshots"
PASSWORD = "correct-horse-battery-staple"
GUIDE_IMAGES = Path(settings.BASE_DIR) / "docs" / "images"
VIEWPORT = {"width": 1280, "height": 800}

_report_key = pytest.StashKey[dict]()


@pytest.fixture(scope="session")
def browser():
    # Fail rather than skip: a skipped journey test would hide a broken set-up, and
    # `make test` installs Debian's chromium (Playwright's own download is never used).
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's chromium package (make test does) "
            "to run the browser tests.",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    # Short enough that a wrong selector fails quickly, long enough for a slow CI machine.
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    report = request.node.stash.get(_report_key, {}).get("call")
    if report is not None and report.failed:
        SCREENSHOTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid.split("::", 1)[-1])
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        print(f"Screenshot of the failed page: {path}")
    context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report so the page fixture knows whether the test failed.
    report = yield
    item.stash.setdefault(_report_key, {})[report.when] = report
    return report


@pytest.fixture
def home_page(transactional_db):
    """Live-server tests commit their data: the tree is rebuilt after an earlier one's flush."""
    return default_home_page()


@pytest.fixture(scope="module")
def site_for_the_module(django_db_setup, django_db_blocker):
    """Database access for a module of browser tests that only read the site. The module's own
    fixture builds the site once, committed so that the server sees it, and every table is
    emptied after the module's last test, as pytest-django empties them after each live-server
    test; loading the demo again for each test would cost seconds a test."""
    with django_db_blocker.unblock():
        # pytest-django makes the test database only for a run with a test that asks for it:
        # these tests do not (they would be emptied one by one), so a run of this module alone
        # makes it here.
        made_here = not on_the_test_database()
        made = setup_databases(verbosity=0, interactive=False) if made_here else None
        # What the migrations made and an earlier live-server test's flush took away.
        default_home_page()
        Locale.objects.get_or_create(language_code="es")
        yield
        call_command("flush", interactive=False, verbosity=0)
        close_connections_left_behind()
        if made_here:
            teardown_databases(made, verbosity=0)


def close_connections_left_behind():
    """On PostgreSQL, end this process's sessions on the test database. Playwright runs the
    tests in a context of its own, with a connection of its own, and the earlier tests'
    connection is left open in the context before: pytest-django could not drop the database
    at the end."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
    connection.close()


def on_the_test_database():
    """Whether the connection is to the test database (named by its TEST NAME, or Django's
    "test_" before the name), not to the site's own."""
    name, test_name = connection.settings_dict["NAME"], connection.settings_dict["TEST"]["NAME"]
    return name == test_name if test_name else name.startswith("test_")


@pytest.fixture(scope="module")
def live_site(site_for_the_module):
    """A live server for the module's tests (above): `live_server` would empty the tables after
    each of them."""
    server = LiveServer("localhost")
    yield server
    server.stop()


@pytest.fixture
def demo(home_page, settings):
    """What `make run` builds: the demo content, the roles and the demo accounts."""
    settings.DEBUG = True  # the demo accounts exist only on a development machine
    settings.DEMO_ADMIN_PASSWORD = PASSWORD
    call_command("load_demo_content", verbosity=0)
    settings.DEBUG = False
    return home_page


@pytest.fixture
def sign_in(browser, live_server, request):
    """Opens a browser window of its own for each user, signed in to the admin."""
    windows = []

    def sign_in(username):
        context = browser.new_context(viewport=VIEWPORT, locale="en-GB", accept_downloads=True)
        context.set_default_timeout(10_000)
        # Without DEBUG the live server does not serve uploads; the browser reads them from
        # MEDIA_ROOT itself, so images show as they would on the site.
        context.route("**/media/**", serve_media)
        page = context.new_page()
        windows.append((username, context, page))
        page.goto(f"{live_server.url}/admin/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page).to_have_url(f"{live_server.url}/admin/")
        return page

    yield sign_in
    report = request.node.stash.get(_report_key, {}).get("call")
    for username, context, page in windows:
        if report is not None and report.failed:
            SCREENSHOTS.mkdir(exist_ok=True)
            path = SCREENSHOTS / f"{request.node.name}-{username}.png"
            page.screenshot(path=str(path), full_page=True)
            print(f"Screenshot of {username}'s window: {path}")
        context.close()


def serve_media(route):
    path = Path(settings.MEDIA_ROOT) / urlsplit(route.request.url).path.removeprefix("/media/")
    if path.is_file():
        route.fulfill(path=str(path))
    else:
        route.fulfill(status=404)


def guide_image(page, name):
    """A screenshot for docs/editors.md, in 256 colours: a third of the size, no visible loss."""
    GUIDE_IMAGES.mkdir(parents=True, exist_ok=True)
    shot = PILImage.open(io.BytesIO(page.screenshot(animations="disabled"))).convert("RGB")
    shot = shot.quantize(
        colors=256, method=PILImage.Quantize.MEDIANCUT, dither=PILImage.Dither.NONE
    )
    shot.save(GUIDE_IMAGES / f"{name}.png", optimize=True)


def footer_actions(page):
    """Open the editor's "More actions" menu; its buttons."""
    page.get_by_role("button", name="More actions").click()
    return page.locator("footer").get_by_role("button")


def open_side_panel(page, name):
    """Open one of the editor's side panels (Wagtail remembers which was open last)."""
    toggle = page.locator(f'[data-side-panel-toggle="{name}"]')
    if toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
    expect(page.locator(f'[data-side-panel="{name}"]')).to_be_visible()
