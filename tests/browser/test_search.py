"""A reader searches from the header box on the home page and opens a result."""

import datetime

from wagtail.models import Locale

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.factories import NewsIndexPageFactory, NewsItemPageFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    # The live server runs in another thread, so the data must be committed.
    pytest.mark.django_db(transaction=True),
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def test_reader_searches_from_the_header_and_opens_a_result(page, live_server, home_page):
    news_index = NewsIndexPageFactory(parent=home_page)
    NewsItemPageFactory(
        parent=news_index,
        title="Saramurillo takes protest to Lima",
        date=datetime.date(2016, 11, 20),
        summary="Leaders from Saramurillo, in Loreto, took to the streets in Lima.",
        body=[{"type": "paragraph", "value": "<p>The march reached the Congress.</p>"}],
    )
    NewsItemPageFactory(parent=news_index, title="University Law battle intensifies")

    page.goto(f"{live_server.url}/")
    search = page.get_by_role("search", name="Search this site")
    box = search.get_by_label("Search this site")
    box.fill("Saramurillo")
    box.press("Enter")

    expect(page).to_have_url(f"{live_server.url}/search/?query=Saramurillo")
    expect(page.get_by_role("main").get_by_role("heading", level=2)).to_have_text(
        "1 result for ‘Saramurillo’"
    )
    result = page.get_by_role("main").get_by_role("heading", level=3)
    expect(result).to_have_text(["Saramurillo takes protest to Lima"])
    expect(page.get_by_role("main").get_by_text("News item · 20 November 2016")).to_be_visible()

    result.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Saramurillo takes protest to Lima")
    expect(page.get_by_text("The march reached the Congress.")).to_be_visible()


def test_search_form_filters_without_javascript(browser, live_server, home_page):
    news_index = NewsIndexPageFactory(parent=home_page)
    NewsItemPageFactory(parent=news_index, title="Copper exports rise")
    context = browser.new_context(java_script_enabled=False, viewport={"width": 320, "height": 640})
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/search/?query=copper")
        page.get_by_label("Type").select_option("briefings")
        page.get_by_role("button", name="Search", exact=True).last.click()
        expect(page.get_by_role("main").get_by_role("heading", level=2)).to_have_text(
            "No results for ‘copper’ in briefings"
        )
        # Nothing overflows a 320 px wide screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
    finally:
        context.close()


def test_search_pages_pass_axe(page, live_server, home_page):
    news_index = NewsIndexPageFactory(parent=home_page)
    for n in range(12):
        NewsItemPageFactory(parent=news_index, title=f"Copper exports {n}")
    # A story only in Spanish: its card, on the second page, speaks Spanish.
    spanish = Locale.objects.get_or_create(language_code="es")[0]
    NewsItemPageFactory(parent=news_index, title="El cobre del sur", locale=spanish)
    failures = []
    paths = (
        "/search/",
        "/search/?query=copper",
        "/search/?query=cobre",
        "/search/?query=copper&page=2",
        "/search/?query=zzyzx&type=news",
    )
    for path in paths:
        page.goto(f"{live_server.url}{path}")
        if path == "/search/?query=cobre":
            card = page.locator("article.search-result")
            expect(card).to_have_attribute("lang", "es")
            expect(card.locator(".card__meta")).to_contain_text("In Spanish")
        results = Axe().run(
            page,
            options={"runOnly": {"type": "tag", "values": WCAG_TAGS}},
        )
        if results.violations_count:
            failures.append(f"{path}:\n{results.generate_report()}")
    assert not failures, "\n\n".join(failures)
