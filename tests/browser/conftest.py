"""Fixtures for the Playwright tests: one headless Debian Chromium per session, a fresh page
per test, a screenshot when a test fails, and the page tree rebuilt after a flush."""

import re
from pathlib import Path

from django.conf import settings

from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Collection, Locale, Page, Site

import pytest
from playwright.sync_api import sync_playwright

from home.models import HomePage

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
SCREENSHOTS = Path(__file__).parent / "screenshots"

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
    """The default site's HomePage, rebuilt if an earlier live-server test flushed it.

    Live-server tests must commit their data, so each one ends by emptying every table,
    including the tree the migrations made. pytest-django runs these transactional tests
    after all others, so only later browser tests need the tree rebuilt.
    """
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    site = Site.objects.filter(is_default_site=True).first()
    if site is not None:
        return site.root_page.specific
    locale = Locale.objects.first() or Locale.objects.create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    root = Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", slug="root", locale=locale)
    )
    home = root.add_child(instance=HomePage(title="Peru Support Group", slug="home"))
    Site.objects.create(hostname="localhost", root_page=home, is_default_site=True)
    return home
