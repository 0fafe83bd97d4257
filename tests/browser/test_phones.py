"""Phones first: on every kind of page, in both languages, from 320 px to a desktop, the site's
name never breaks inside a word, the header's parts never overlap, and on a phone the header
takes at most a quarter of the screen; the call to join is within two screens of the home page.

Each page is photographed at 320, 375 and 1280 px into test-artifacts/screenshots/ (not kept
in git), for a person to look at."""

import datetime
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

import pytest
from playwright.sync_api import expect

from demo import content as en
from demo import content_es as es
from news.models import NewsIndexPage
from tests.factories import NewsItemPageFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
UNTRANSLATED = "/news/not-yet-in-spanish/"

# Every kind of page a reader meets: (kind, English address, Spanish address).
PAGES = [
    ("home", "/", "/es/"),
    ("news-list", "/news/", "/es/noticias/"),
    (
        "news-item",
        "/news/university-law-battle-intensifies/",
        "/es/noticias/se-intensifica-la-batalla-por-la-ley-universitaria/",
    ),
    # A story not translated yet: the language switcher adds its note (the name broke here).
    ("news-item-untranslated", UNTRANSLATED, None),
    ("briefing-list", "/briefings/", "/es/informes/"),
    ("briefing", "/briefings/human-rights/", "/es/informes/derechos-humanos/"),
    ("region", "/news/regions/madre-de-dios/", "/es/noticias/regions/madre-de-dios/"),
    ("archive-month", "/news/2016/11/", "/es/noticias/2016/11/"),
    ("about", "/about/", "/es/quienes-somos/"),
    ("join", "/join/", "/es/afiliese/"),
    ("search-results", "/search/?query=Lima", "/es/search/?query=Lima"),
    ("not-found", "/no-such-page/", "/es/no-existe/"),
]
PHONE_WIDTHS = [320, 375, 414, 480]
SCREENSHOT_WIDTHS = {320, 375, 1280}
SCREEN_HEIGHT = 812
# A quarter of an 812 px-high phone screen.
MAX_HEADER_HEIGHT = SCREEN_HEIGHT / 4

# What the header looks like to a reader, measured in the page: the site name's words (a word
# broken across lines has parts on more than one line), how many lines the name takes, and
# the boxes of the header and of its parts.
MEASURE_HEADER = """() => {
    const box = (element) => {
        if (!element) return null;
        const r = element.getBoundingClientRect();
        return {left: r.left, top: r.top, right: r.right, bottom: r.bottom, height: r.height};
    };
    const name = document.querySelector(".site-name");
    const words = [];
    const walker = document.createTreeWalker(name, NodeFilter.SHOW_TEXT);
    for (let text = walker.nextNode(); text; text = walker.nextNode()) {
        for (const match of text.data.matchAll(/\\S+/g)) {
            const range = document.createRange();
            range.setStart(text, match.index);
            range.setEnd(text, match.index + match[0].length);
            const lines = new Set(
                Array.from(range.getClientRects())
                    .filter((r) => r.width > 0)
                    .map((r) => Math.round(r.top))
            );
            words.push({word: match[0], lines: lines.size});
        }
    }
    return {
        words: words,
        nameLines: Math.round(
            name.getBoundingClientRect().height / parseFloat(getComputedStyle(name).lineHeight)
        ),
        header: box(document.querySelector(".site-header")),
        parts: {
            name: box(name),
            "language switcher": box(document.querySelector(".language-switcher")),
            search: box(document.querySelector(".site-search")),
            navigation: box(document.querySelector(".main-nav")),
        },
        viewportWidth: document.documentElement.clientWidth,
    };
}"""


@pytest.fixture(scope="module")
def demo_site(site_for_the_module):
    """The demo in both languages and one story not yet in Spanish, read by every test."""
    call_command("load_demo_content", verbosity=0)
    news_index = NewsIndexPage.objects.get(locale__language_code="en-gb")
    NewsItemPageFactory(
        parent=news_index,
        title="A story not yet in Spanish",
        slug="not-yet-in-spanish",
        date=datetime.date(2016, 11, 28),
    )


def overlaps(a, b, tolerance=0.5):
    return (
        a["left"] < b["right"] - tolerance
        and b["left"] < a["right"] - tolerance
        and a["top"] < b["bottom"] - tolerance
        and b["top"] < a["bottom"] - tolerance
    )


def header_problems(measured, width):
    """What a reader would see wrong in the header, in words ([] if nothing)."""
    problems = [
        f"'{word['word']}' of the site name is broken over {word['lines']} lines"
        for word in measured["words"]
        if word["lines"] != 1
    ]
    if not 1 <= measured["nameLines"] <= 2:
        problems.append(f"the site name takes {measured['nameLines']} lines")
    parts = measured["parts"]
    names = [name for name, found in parts.items() if found]
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            if overlaps(parts[first], parts[second]):
                problems.append(f"the {first} overlaps the {second}")
    for name in names:
        if parts[name]["right"] > measured["viewportWidth"] + 0.5:
            problems.append(f"the {name} runs off the screen")
    if width <= max(PHONE_WIDTHS) and measured["header"]["height"] > MAX_HEADER_HEIGHT:
        problems.append(f"the header is {measured['header']['height']:.0f}px high")
    return problems


def addresses():
    for kind, english, spanish in PAGES:
        yield kind, "en", english
        if spanish:
            yield kind, "es", spanish


def test_the_header_on_every_page_kind_from_320px_to_a_desktop(browser, live_site, demo_site):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems = []
    widths = [*PHONE_WIDTHS, 1280]
    context = browser.new_context(viewport={"width": widths[0], "height": SCREEN_HEIGHT})
    page = context.new_page()
    # Each page is loaded once, on the narrowest phone, then the window widens: the header's
    # layout is CSS alone, so it is the same as a page loaded at each width.
    for kind, language, address in addresses():
        page.set_viewport_size({"width": widths[0], "height": SCREEN_HEIGHT})
        response = page.goto(f"{live_site.url}{address}")
        assert response.status == (404 if kind == "not-found" else 200), address
        for width in widths:
            page.set_viewport_size({"width": width, "height": SCREEN_HEIGHT})
            # The switcher's note, where the page is not translated, is the hardest case.
            if kind in ("news-item-untranslated", "not-found"):
                expect(page.locator(".language-switcher__note")).to_be_visible()
            measured = page.evaluate(MEASURE_HEADER)
            assert measured["words"], "the site name has no words to measure"
            assert page.evaluate("window.innerWidth") == width
            problems += [
                f"{address} at {width}px: {problem}" for problem in header_problems(measured, width)
            ]
            if width in SCREENSHOT_WIDTHS:
                page.screenshot(path=SCREENSHOTS / f"{kind}-{language}-{width}.png", full_page=True)
    context.close()
    assert not problems, "\n".join(problems)


def test_the_checks_see_a_broken_name_and_overlapping_parts(browser, live_site, demo_site):
    """Positive control: the header as it was (the switcher floated beside the name, its note
    squeezing the name into 'P / er / u') and a search box pulled over the name fail the
    checks above."""
    context = browser.new_context(viewport={"width": 375, "height": SCREEN_HEIGHT})
    page = context.new_page()
    page.goto(f"{live_site.url}{UNTRANSLATED}")
    assert header_problems(page.evaluate(MEASURE_HEADER), 375) == []
    page.add_style_tag(
        content=".site-header { padding-top: 1rem; }"
        ".language-switcher { float: right; margin-left: 1rem; font-size: 0.95rem; }"
        ".language-switcher ul { display: flex; gap: 0.75rem; }"
        ".language-switcher li { display: block; margin: 0; }"
        ".language-switcher__note { display: block; font-size: 0.85rem; max-width: 14rem; }"
        ".site-name { display: inline; margin: 0; font-size: 1.5rem; line-height: 1.6;"
        " overflow-wrap: break-word; }"
        ".site-tagline { display: block; margin: 0.25rem 0 0.75rem; }"
    )
    problems = header_problems(page.evaluate(MEASURE_HEADER), 375)
    assert any("'Peru' of the site name is broken" in problem for problem in problems), problems
    assert any("the header is" in problem for problem in problems), problems
    page.evaluate(
        """() => {
            const search = document.querySelector(".site-search");
            const name = document.querySelector(".site-name").getBoundingClientRect();
            search.style.position = "relative";
            search.style.top = `${name.top - search.getBoundingClientRect().top}px`;
        }"""
    )
    problems = header_problems(page.evaluate(MEASURE_HEADER), 375)
    assert "the name overlaps the search" in problems, problems
    context.close()


@pytest.mark.parametrize(("address", "label"), [("/", en.WHY_JOIN_CTA), ("/es/", es.WHY_JOIN_CTA)])
def test_the_call_to_join_is_within_two_screens_of_a_phone(
    browser, live_site, demo_site, address, label
):
    context = browser.new_context(viewport={"width": 375, "height": SCREEN_HEIGHT})
    page = context.new_page()
    page.goto(f"{live_site.url}{address}")
    call = page.get_by_role("link", name=label)
    expect(call).to_be_visible()
    top = call.evaluate("element => element.getBoundingClientRect().top + window.scrollY")
    height = page.evaluate("document.documentElement.scrollHeight")
    # Positive control: the page is long enough for the order to matter.
    assert height > 3 * SCREEN_HEIGHT
    assert top + call.bounding_box()["height"] <= 2 * SCREEN_HEIGHT, f"{label} at {top}px"
    # The latest news is not pushed out of reach either: it starts within two screens too.
    news = page.locator("#latest-news")
    assert news.evaluate("element => element.getBoundingClientRect().top + window.scrollY") <= (
        2 * SCREEN_HEIGHT
    )
    context.close()


@pytest.mark.parametrize("width", [375, 1280])
def test_headings_and_edges_line_up(browser, live_site, demo_site, width):
    context = browser.new_context(viewport={"width": width, "height": SCREEN_HEIGHT})
    page = context.new_page()

    # The home page's one heading is its own, not the site's name again.
    for address in ("/", "/es/"):
        page.goto(f"{live_site.url}{address}")
        headings = page.get_by_role("heading", level=1)
        expect(headings).to_have_count(1)
        assert headings.inner_text().strip() != settings.WAGTAIL_SITE_NAME
        expect(page.locator(".site-name")).to_have_text(settings.WAGTAIL_SITE_NAME)

    # A date heading is no wider than the cards under it.
    page.goto(f"{live_site.url}/news/")
    date = page.locator(".date-group__date").first.bounding_box()
    card = page.locator(".card").first.bounding_box()
    assert date["width"] <= card["width"] + 0.5, (date, card)

    # An article starts where its breadcrumbs do.
    page.goto(f"{live_site.url}/news/university-law-battle-intensifies/")
    crumbs = page.get_by_role("navigation", name="Breadcrumb").get_by_role("link").first
    title = page.get_by_role("heading", level=1)
    assert abs(crumbs.bounding_box()["x"] - title.bounding_box()["x"]) <= 0.5

    # About's "Why join the PSG?" is a heading, styled as one.
    for address, heading in [("/about/", en.WHY_JOIN_HEADING), ("/es/quienes-somos/", None)]:
        page.goto(f"{live_site.url}{address}")
        why = page.get_by_role("heading", level=2, name=heading or es.WHY_JOIN_HEADING)
        expect(why).to_be_visible()
        style = why.evaluate(
            "element => [getComputedStyle(element).fontWeight,"
            " getComputedStyle(element).fontSize, getComputedStyle(document.body).fontSize]"
        )
        weight, size, body_size = int(style[0]), float(style[1][:-2]), float(style[2][:-2])
        assert weight >= 600 and size > body_size
    context.close()
