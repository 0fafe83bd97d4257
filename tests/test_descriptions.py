"""Every page tells search engines and shared links what it is about: the editor's search
description, or else the page's own summary, introduction or aims."""

import html as html_lib
import re

import pytest

from demo import content as demo
from demo import content_es
from home.models import HomePage
from news.models import NewsItemPage


def description(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    found = re.findall(r'<meta name="description" content="([^"]*)">', response.content.decode())
    assert len(found) <= 1, url
    return html_lib.unescape(found[0]) if found else None


@pytest.fixture
def site(demo_site):
    return demo_site


@pytest.mark.parametrize(
    "url, start",
    [
        ("/", demo.AIMS[:60]),
        ("/news/", demo.NEWS_INDEX_INTRO),
        ("/news/mercury-poisoning-in-madre-de-dios/", demo.NEWS[5][2][:60]),
        ("/briefings/", demo.BRIEFINGS_INDEX_INTRO),
        ("/briefings/human-rights/", demo.BRIEFINGS[1][1][:60]),
        ("/about/", demo.STANDARD_PAGES[0][3]),
        ("/join/", "Membership of the Peru Support Group is open to everyone"),
        ("/es/", content_es.AIMS[:60]),
        ("/es/noticias/", content_es.NEWS_INDEX_INTRO),
        ("/es/afiliese/", "La afiliación al"),
    ],
)
def test_every_page_type_has_a_description(client, site, url, start):
    text = description(client, url)
    assert text and text.startswith(start), (url, text)
    # Plain text, one line, short enough for a result snippet.
    assert "<" not in text and "\n" not in text and len(text) <= 300


def test_the_editors_search_description_comes_first(client, site):
    item = NewsItemPage.objects.get(slug="mercury-poisoning-in-madre-de-dios")
    assert description(client, item.url).startswith("In a piece published by The Guardian")
    item.search_description = "Mercury in the rivers of Madre de Dios, measured."
    item.save_revision().publish()
    assert description(client, item.url) == "Mercury in the rivers of Madre de Dios, measured."


def test_a_page_with_no_words_of_its_own_has_none(client, site):
    home = HomePage.objects.get(locale__language_code="en-gb")
    home.aims = ""
    home.save_revision().publish()
    # Positive control above: with aims, the home page had one; an empty tag is never written.
    assert description(client, "/") is None
