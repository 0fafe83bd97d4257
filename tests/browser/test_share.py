"""The share links' "Copy link" button: the site's own script shows it and copies the page's
address, saying so; without JavaScript it is not there, and the share links still are."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.conftest import translate
from tests.factories import NewsIndexPageFactory, NewsItemPageFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def story(home_page):
    news_index = NewsIndexPageFactory(parent=home_page)
    return NewsItemPageFactory(parent=news_index, title="Oil & mining: who pays?")


def test_copy_link_copies_the_address_and_says_so(browser, live_server, story):
    context = browser.new_context(locale="en-GB")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{live_server.url}{story.url}")
    share = page.get_by_role("region", name="Share this page")
    share.get_by_role("button", name="Copy link").click()
    expect(share.get_by_role("status")).to_have_text("Link copied")
    assert page.evaluate("navigator.clipboard.readText()") == f"{live_server.url}{story.url}"
    # Nothing was asked of any network: every request went to the site itself.
    own = urlsplit(live_server.url).netloc
    assert requests and all(urlsplit(url).netloc == own for url in requests), requests
    expect(share.get_by_role("link", name="Share on WhatsApp")).to_be_visible()
    context.close()


def test_without_javascript_no_copy_button_and_the_links_still_work(browser, live_server, story):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}{story.url}")
    share = page.get_by_role("region", name="Share this page")
    expect(share.get_by_role("link")).to_have_count(6)
    expect(share.get_by_role("button", name="Copy link")).to_have_count(0)
    context.close()


def test_in_spanish(browser, live_server, story, spanish, spanish_home):
    translate(story.get_parent(), spanish, title="Noticias", slug="noticias")
    story_es = translate(story, spanish, title="Petróleo y minería", slug="petroleo-y-mineria")
    context = browser.new_context(locale="es-PE")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    page.goto(f"{live_server.url}{story_es.url}")
    share = page.get_by_role("region", name="Compartir esta página")
    share.get_by_role("button", name="Copiar enlace").click()
    expect(share.get_by_role("status")).to_have_text("Enlace copiado")
    assert page.evaluate("navigator.clipboard.readText()") == f"{live_server.url}{story_es.url}"
    context.close()
