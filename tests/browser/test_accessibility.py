"""What only a browser shows: WCAG 2.2 AA (axe-core) on every page type, reflow at 320 px,
keyboard order, no request to any other host, and the home page's weight."""

from urllib.parse import urlsplit

from django.core.management import call_command

from wagtail.models import Site

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from home.models import SiteSettings
from news.models import NewsIndexPage
from tests.factories import NewsItemPageFactory

# A live server and a real browser: slow as well. The tests read one site, built once.
pytestmark = [pytest.mark.browser, pytest.mark.slow]

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# Every page type a reader can reach, by address.
PAGES = [
    "/",
    "/news/",
    "/news/?theme=environment",
    "/news/?page=2",
    "/news/mercury-poisoning-in-madre-de-dios/",
    "/news/2016/",
    "/news/2016/11/",
    "/briefings/",
    "/briefings/human-rights/",
    "/about/",
    "/accessibility/",
    "/join/",
    "/join/thanks/",
    "/contact/",
    "/contact/thanks/",
    "/privacy/",
    "/peru-update/",
    "/peru-update/2016/",
    "/peru-update/news-from-november-2016/",
    "/no-such-page/",
    "/es/",
    "/es/noticias/",
    "/es/noticias/intoxicacion-por-mercurio-en-madre-de-dios/",
    "/es/noticias/2016/11/",
    "/es/informes/derechos-humanos/",
    "/es/peru-update/noticias-de-noviembre-de-2016/",
    "/es/afiliese/",
    "/es/contacto/",
    "/es/privacidad/",
    "/es/no-existe/",
]


@pytest.fixture(scope="module")
def demo_site(site_for_the_module):
    call_command("load_demo_content", verbosity=0)
    # Enough older news for a second page of /news/.
    news_index = NewsIndexPage.objects.get(locale__language_code="en-gb")
    NewsItemPageFactory.create_batch(5, parent=news_index)


def axe_violations(page):
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    return results.violations_count, results.generate_report()


def visit_join_form_with_errors(page, base_url):
    page.goto(f"{base_url}/join/")
    page.wait_for_timeout(3000)  # a person takes longer than the form's minimum time
    page.get_by_role("button", name="Send my application").click()
    expect(page.get_by_role("alert")).to_be_visible()


def visit_contact_form_with_errors(page, base_url):
    page.goto(f"{base_url}/contact/")
    page.get_by_role("button", name="Send my message").click()
    expect(page.get_by_role("alert")).to_be_visible()


def test_every_page_type_passes_axe(page, live_site, demo_site):
    failures = []
    for path in PAGES:
        page.goto(f"{live_site.url}{path}")
        count, report = axe_violations(page)
        if count:
            failures.append(f"{path}:\n{report}")
    visit_join_form_with_errors(page, live_site.url)
    count, report = axe_violations(page)
    if count:
        failures.append(f"/join/ with errors:\n{report}")
    visit_contact_form_with_errors(page, live_site.url)
    count, report = axe_violations(page)
    if count:
        failures.append(f"/contact/ with errors:\n{report}")
    # With every detail of the charity filled in: the contact details, the footer's numbers
    # and Donate link, the privacy notice's controller.
    organisation = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    as_the_demo_has_it = SiteSettings.objects.filter(pk=organisation.pk).values().get()
    organisation.legal_name = "Peru Support Group"
    organisation.charity_number = "1234567"
    organisation.company_number = "01234567"
    organisation.postal_address = "1 Example Street\nLondon\nN1 1AA"
    organisation.contact_email = "office@psg.example"
    organisation.phone = "+44 20 7946 0000"
    organisation.donate_url = "https://give.example.org/psg"
    organisation.facebook_url = "https://www.facebook.com/psg.example"
    organisation.save()
    for path in ("/contact/", "/es/privacidad/"):
        page.goto(f"{live_site.url}{path}")
        count, report = axe_violations(page)
        if count:
            failures.append(f"{path} with the charity's details:\n{report}")
    # The module's other tests read the demo as it was.
    SiteSettings.objects.filter(pk=organisation.pk).update(**as_the_demo_has_it)
    assert not failures, "\n\n".join(failures)


def test_pages_reflow_at_320_css_pixels(browser, live_site, demo_site):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    too_wide = []
    for path in PAGES:
        page.goto(f"{live_site.url}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            too_wide.append(f"{path} is {width}px wide")
    context.close()
    assert not too_wide


def test_skip_link_is_the_first_tab_stop(page, live_site, demo_site):
    page.goto(f"{live_site.url}/news/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    # The next Tab goes into the page's content, not back to the header.
    page.keyboard.press("Tab")
    focused_in_main = page.evaluate(
        "document.querySelector('main').contains(document.activeElement)"
    )
    assert focused_in_main


def test_one_h1_and_headings_in_order(page, live_site, demo_site):
    problems = []
    for path in PAGES:
        page.goto(f"{live_site.url}{path}")
        levels = page.evaluate(
            "Array.from(document.querySelectorAll('h1,h2,h3,h4,h5,h6')).map(h => +h.tagName[1])"
        )
        if levels.count(1) != 1 or levels[0] != 1:
            problems.append(f"{path}: headings {levels}")
        for before, after in zip(levels, levels[1:], strict=False):
            if after > before + 1:
                problems.append(f"{path}: h{before} followed by h{after}")
    assert not problems


def test_no_request_leaves_the_site_and_home_page_is_light(page, live_site, demo_site):
    own_host = urlsplit(live_site.url).netloc
    elsewhere, sizes = [], {}

    def on_response(response):
        if urlsplit(response.url).netloc == own_host:
            sizes[response.url] = len(response.body())

    page.on(
        "request",
        lambda request: urlsplit(request.url).netloc == own_host or elsewhere.append(request.url),
    )
    page.on("response", on_response)
    for path in PAGES:
        page.goto(f"{live_site.url}{path}")
    assert not elsewhere

    sizes.clear()
    page.context.clear_cookies()
    page.goto(f"{live_site.url}/", wait_until="networkidle")
    total = sum(sizes.values())
    assert total < 100 * 1024, f"home page weighs {total} bytes: {sizes}"


def test_pages_work_without_javascript(browser, live_site, demo_site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_site.url}/news/")
    page.get_by_role("link", name="Mining and oil").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("News: Mining and oil")
    page.get_by_role("link", name="Mining output boosts exports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mining output boosts exports")
    context.close()


def test_news_item_prints_title_date_body_and_address_without_navigation(
    page, live_site, demo_site
):
    path = "/news/mercury-poisoning-in-madre-de-dios/"
    page.goto(f"{live_site.url}{path}")
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Breadcrumb")).to_be_hidden()
    expect(page.locator("footer")).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator(".article__meta time")).to_have_text("20 November 2016")
    # The related stories are for reading on, not for the printed page.
    expect(page.get_by_role("heading", name="Related stories")).to_be_hidden()
    expect(page.get_by_text(f"Printed from {live_site.url}{path}")).to_be_visible()
    page.emulate_media(media="screen")
    expect(page.get_by_text("Printed from")).to_be_hidden()
    expect(page.get_by_role("heading", name="Related stories")).to_be_visible()
