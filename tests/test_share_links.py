"""Share links on news items and briefings: plain links to email, WhatsApp and the common
networks' own share pages, carrying the page's title and address, properly encoded; named in
the reader's language; nothing loaded from any network; the page stays the same for everyone."""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import translate
from tests.factories import BriefingPageFactory, NewsItemPageFactory

# A title with what an address must encode: an ampersand, a question mark, a hash, quotes,
# accents and spaces.
TITLE = "Oil & mining: who pays? #Loreto “Perú” 100%"
TITLE_ES = "Petróleo y minería: ¿quién paga? #Loreto “Perú” 100%"

LINK = re.compile(
    r'<a class="share__link share__link--(\w+)" href="([^"]+)" aria-label="([^"]+)">([^<]+)</a>'
)


def share_links(response):
    """{network: (href, accessible name, visible text)} of the page's share links."""
    html = response.content.decode()
    section = re.search(r'<section class="share".*?</section>', html, re.S)
    assert section, "no share links on the page"
    return {
        network: (unescape(href), unescape(name), unescape(text))
        for network, href, name, text in LINK.findall(section.group(0))
    }


def query(href):
    """The decoded query of a share address, one value per name."""
    parts = urlsplit(href)
    # '+' would read as a space in a query but not in a mailto: address; spaces are %20.
    assert "+" not in parts.query and " " not in parts.query, href
    return {name: values[0] for name, values in parse_qs(parts.query, strict_parsing=True).items()}


def expected(title, address):
    """Each network's share address and the title and page address it must carry."""
    return {
        "email": ("mailto:", {"subject": title, "body": address}),
        "whatsapp": ("https://wa.me/", {"text": f"{title} {address}"}),
        "x": ("https://x.com/intent/tweet", {"text": title, "url": address}),
        "facebook": ("https://www.facebook.com/sharer/sharer.php", {"u": address}),
        "linkedin": ("https://www.linkedin.com/sharing/share-offsite/", {"url": address}),
        "bluesky": ("https://bsky.app/intent/compose", {"text": f"{title} {address}"}),
    }


def assert_shares(links, title, address):
    want = expected(title, address)
    # Email first, then WhatsApp (how people in Peru share most), then the networks.
    assert list(links) == list(want)
    for network, (start, params) in want.items():
        href = links[network][0]
        assert href.split("?")[0] == start, href
        assert query(href) == params, network


@pytest.mark.parametrize("kind", ["news item", "briefing"])
def test_share_links_carry_the_title_and_address_encoded(client, news_index, briefing_index, kind):
    if kind == "news item":
        page = NewsItemPageFactory(parent=news_index, title=TITLE, slug="oil-and-mining")
    else:
        page = BriefingPageFactory(parent=briefing_index, title=TITLE, slug="oil-and-mining")
    response = client.get(page.url)
    links = share_links(response)
    assert_shares(links, TITLE, f"http://testserver{page.url}")
    # Encoded, not merely passed through: the raw address holds no '&' or '#' of the title.
    raw = re.search(r'share__link--x" href="([^"]+)"', response.content.decode()).group(1)
    assert "%26" in raw and "%23" in raw and "%3F" in raw and "%E2%80%9C" in raw
    assert [name for _, name, _ in links.values()] == [
        "Share by email",
        "Share on WhatsApp",
        "Share on X (Twitter)",
        "Share on Facebook",
        "Share on LinkedIn",
        "Share on Bluesky",
    ]
    # Each accessible name holds the words the link shows (for those who speak to click).
    assert all(text.lower() in name.lower() for _, name, text in links.values())


def test_in_spanish_the_spanish_title_address_and_names(
    client, news_index, briefing_index, spanish, spanish_home
):
    page = NewsItemPageFactory(parent=news_index, title=TITLE, slug="oil-and-mining")
    translate(news_index, spanish, title="Noticias", slug="noticias")
    page_es = translate(page, spanish, title=TITLE_ES, slug="petroleo-y-mineria")
    response = client.get(page_es.url)
    assert page_es.url == "/es/noticias/petroleo-y-mineria/"
    links = share_links(response)
    assert_shares(links, TITLE_ES, "http://testserver/es/noticias/petroleo-y-mineria/")
    assert [(name, text) for _, name, text in links.values()] == [
        ("Compartir por correo electrónico", "Correo electrónico"),
        ("Compartir en WhatsApp", "WhatsApp"),
        ("Compartir en X (Twitter)", "X"),
        ("Compartir en Facebook", "Facebook"),
        ("Compartir en LinkedIn", "LinkedIn"),
        ("Compartir en Bluesky", "Bluesky"),
    ]
    html = response.content.decode()
    assert '<h2 id="share-heading" class="share__heading">Compartir esta página</h2>' in html
    assert ">Copiar enlace</button>" in html
    # Positive control: the English page shares its own title and address.
    assert_shares(
        share_links(client.get(page.url)), TITLE, "http://testserver/news/oil-and-mining/"
    )


def test_nothing_of_any_network_is_loaded_and_the_page_stays_cacheable(client, news_index):
    page = NewsItemPageFactory(parent=news_index, title=TITLE, slug="oil-and-mining")
    first = client.get(page.url)
    html = first.content.decode()
    assert share_links(first)
    # The site's own script only; no frame; the links open in the same tab.
    assert re.findall(r"<script[^>]* src=\"([^\"]+)\"", html) == ["/static/js/share.js"]
    assert "<iframe" not in html and 'target="_blank"' not in html
    # The copy button waits for that script: hidden without it.
    assert re.search(r'<li class="share__copy" hidden>\s*<button type="button"', html)
    # The same page for every reader, which the cache in front may keep.
    assert first["Cache-Control"].startswith("public")
    assert "Set-Cookie" not in first.headers and "csrftoken" not in html
    client.cookies.clear()
    assert client.get(page.url, HTTP_ACCEPT_LANGUAGE="es").content.decode() == html


def test_other_pages_have_no_share_links(client, news_index, briefing_index):
    NewsItemPageFactory(parent=news_index)
    # Positive control for the look-up: a news item has them.
    item = NewsItemPageFactory(parent=news_index)
    assert 'class="share"' in client.get(item.url).content.decode()
    for address in ["/", "/news/", "/briefings/", "/no-such-page/"]:
        assert 'class="share"' not in client.get(address).content.decode(), address
