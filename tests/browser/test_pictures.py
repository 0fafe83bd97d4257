"""Pictured lists in a real browser: the home page with ten pictured news items stays under
150 KB on a first visit; pictured cards pass axe and reflow at 320 px; a phone fetches the
card's small picture."""

import io
import random

from django.core.files.images import ImageFile
from django.core.management import call_command

from wagtail.images import get_image_model

import pytest
from PIL import Image as PILImage
from PIL import ImageFilter

from news.models import NewsItemPage
from tests.browser.test_accessibility import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def photograph(seed):
    """A 1600 × 1000 JPEG that compresses like a photograph: shapes, shading and grain."""
    rng = random.Random(seed)
    small = PILImage.new("RGB", (64, 40))
    small.putdata([tuple(rng.randrange(256) for _ in range(3)) for _ in range(64 * 40)])
    image = small.resize((1600, 1000), PILImage.BICUBIC).filter(ImageFilter.GaussianBlur(6))
    grain = PILImage.effect_noise((1600, 1000), 24).convert("RGB")
    image = PILImage.blend(image, grain, 0.15)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return get_image_model().objects.create(
        title=f"Photograph {seed}", file=ImageFile(buffer, name=f"photograph-{seed}.jpg")
    )


@pytest.fixture
def pictured_site(home_page):
    call_command("load_demo_content", verbosity=0)
    return home_page


def picture_the_news():
    for number, item in enumerate(NewsItemPage.objects.filter(locale__language_code="en-gb")):
        item.listing_image = photograph(number)
        item.listing_image_alt = f"Photograph {number} of the story"
        item.save_revision().publish()


def first_visit_weight(browser, url):
    """Bytes of every response a first visit to `url` fetches, at 1280 × 800."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    sizes = {}
    page.on("response", lambda response: sizes.__setitem__(response.url, len(response.body())))
    page.goto(url, wait_until="networkidle")
    context.close()
    return sum(sizes.values()), sizes


def test_the_home_page_with_ten_pictured_items_weighs_under_150_kb(
    browser, live_server, pictured_site
):
    without, _ = first_visit_weight(browser, f"{live_server.url}/")
    picture_the_news()
    # A reader's first visit makes the renditions; the weight is what the next reader gets.
    first_visit_weight(browser, f"{live_server.url}/")
    weight, sizes = first_visit_weight(browser, f"{live_server.url}/")
    pictures = {url: size for url, size in sizes.items() if "/media/images/" in url}
    # Positive control: the measurement counts the pictures a reader sees.
    assert pictures and all(url.endswith(".webp") for url in pictures), sizes
    assert weight > without + 10_000
    assert weight < 150_000, f"the home page weighs {weight} bytes: {sizes}"


def test_pictured_cards_pass_axe_and_reflow_at_320_px(browser, live_server, pictured_site):
    picture_the_news()
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    for path in ("/", "/news/", "/news/mercury-poisoning-in-madre-de-dios/"):
        page.goto(f"{live_server.url}{path}")
        assert page.locator("picture").count() >= 1, path
        count, report = axe_violations(page)
        assert not count, f"{path}:\n{report}"
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path
    context.close()


def card_pictures_fetched(browser, url, **context_options):
    """The addresses of the card pictures the browser chose (loaded ones only)."""
    context = browser.new_context(**context_options)
    page = context.new_page()
    page.goto(url, wait_until="networkidle")
    sources = page.eval_on_selector_all(
        ".card__picture", "imgs => imgs.map(img => img.currentSrc).filter(Boolean)"
    )
    context.close()
    return sources


def test_a_phone_fetches_the_small_card_picture(browser, live_server, pictured_site):
    picture_the_news()
    url = f"{live_server.url}/news/"
    phone = card_pictures_fetched(
        browser, url, viewport={"width": 360, "height": 2000}, device_scale_factor=1.5
    )
    laptop = card_pictures_fetched(
        browser, url, viewport={"width": 1280, "height": 2000}, device_scale_factor=2
    )
    # The card's picture is 6rem wide on a phone: 144 device pixels, so the 160-pixel one.
    assert phone and all("160x90" in src for src in phone), phone
    # Positive control: a high-density laptop screen gets the 320-pixel one.
    assert laptop and all("320x180" in src for src in laptop), laptop
