"""Fixtures for the Playwright tests: one headless Debian Chromium per session, a fresh page
per test, a screenshot when a test fails, and the page tree rebuilt after a flush."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.conftest import default_home_page

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
    """Live-server tests commit their data: the tree is rebuilt after an earlier one's flush."""
    return default_home_page()
