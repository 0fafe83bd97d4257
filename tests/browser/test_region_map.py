"""The tile map of Peru in a browser: WCAG 2.2 AA (axe-core), the keyboard, and 320 px."""

from django.core.management import call_command

import pytest
from playwright.sync_api import expect

from tests.browser.test_accessibility import axe_violations

# A live server and a real browser: slow as well. The tests read one site, built once.
pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGES = [
    "/news/regions/",
    "/news/regions/loreto/",
    "/news/regions/tacna/",
    "/news/?region=apurimac",
    "/es/noticias/regions/lima-city/",
]


@pytest.fixture(scope="module")
def demo_site(site_for_the_module):
    call_command("load_demo_content", verbosity=0)


def test_region_pages_pass_axe(page, live_site, demo_site):
    failures = []
    for path in PAGES:
        assert page.goto(f"{live_site.url}{path}").status == 200, path
        count, report = axe_violations(page)
        if count:
            failures.append(f"{path}:\n{report}")
    assert not failures, "\n\n".join(failures)


def test_tab_reaches_the_map_and_enter_follows_a_region(page, live_site, demo_site):
    page.goto(f"{live_site.url}/news/regions/")
    tumbes = page.locator(".region-map__svg a").first
    # Tab from the top of the page until the map's first region has the focus.
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('svg') !== null"):
            break
    expect(tumbes).to_be_focused()
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == (
        "Tumbes, TUM: no news yet"
    )
    # The focus is visible: the tile's outline changes.
    stroke = page.evaluate("getComputedStyle(document.activeElement.querySelector('rect')).stroke")
    assert stroke == "rgb(11, 87, 208)"
    page.keyboard.press("Tab")
    amazonas = page.locator('.region-map__svg a[href="/news/regions/amazonas/"]')
    expect(amazonas).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_site.url}/news/regions/amazonas/")
    expect(page.get_by_role("heading", level=1)).to_have_text("News from Amazonas")
    current = page.locator('.region-map__svg a[aria-current="page"]')
    expect(current).to_have_attribute("href", "/news/regions/amazonas/")
    # The current region's outline is thicker than the others'.
    widths = page.evaluate(
        "Array.from(document.querySelectorAll('.region-map__svg rect'))"
        ".map(r => parseFloat(getComputedStyle(r).strokeWidth))"
    )
    assert sorted(widths)[-1] > sorted(widths)[-2]


def test_readable_without_scrolling_sideways_at_320_px(browser, live_site, demo_site):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    problems = []
    for path in PAGES:
        assert page.goto(f"{live_site.url}{path}").status == 200, path
        page.locator(".region-map").first.scroll_into_view_if_needed()
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            problems.append(f"{path} is {width}px wide")
        # Each tile's abbreviation as drawn: its font size scaled as the map is.
        sizes = page.evaluate(
            """Array.from(document.querySelectorAll('.region-map__abbreviation')).map(t => {
                const svg = t.ownerSVGElement;
                const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
                return parseFloat(getComputedStyle(t).fontSize) * scale;
            })"""
        )
        if len(sizes) != 26 or min(sizes) < 12:
            problems.append(f"{path}: tile labels of {sizes} px")
        heights = page.evaluate(
            "Array.from(document.querySelectorAll('.region-map__count'))"
            ".map(t => t.getBoundingClientRect().height)"
        )
        if min(heights) < 11:
            problems.append(f"{path}: tile counts {heights} px high")
    context.close()
    assert not problems
