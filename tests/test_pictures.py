"""Listing pictures on news items and briefings: on cards, at the top of the page and in
shared links; WebP with a JPEG fallback, sized, described or marked decorative; read with
their lists in a fixed number of queries."""

import json
import re
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from wagtail.models import Site

import pytest
import wagtail_factories

from briefings.models import BriefingPage
from home import pictures
from home.models import SiteSettings
from news.models import NewsItemPage
from tests.factories import BriefingPageFactory, NewsItemPageFactory
from tests.test_pages import form_data, news_item_data
from tests.test_previews import preview
from tests.test_query_budget import BUDGETS


@pytest.fixture
def photo(db):
    return wagtail_factories.ImageFactory(
        title="March in Lima", file__width=1600, file__height=1000
    )


def with_picture(page, photo, alt="Leaders from Saramurillo marching in Lima", decorative=False):
    page.listing_image = photo
    page.listing_image_alt = alt
    page.listing_image_decorative = decorative
    page.save_revision().publish()
    return page


def cards(html):
    return re.findall(r'<article class="card[^"]*">.*?</article>', html, re.S)


def test_a_card_shows_its_picture_in_webp_with_a_sized_jpeg_fallback(client, news_index, photo):
    with_picture(NewsItemPageFactory(parent=news_index, title="Pictured"), photo)
    NewsItemPageFactory(parent=news_index, title="Plain")
    pictured, plain = sorted(cards(client.get("/news/").content.decode()), key=len, reverse=True)
    source = re.search(r"<source [^>]*>", pictured).group(0)
    assert 'type="image/webp"' in source and ".webp 320w" in source
    img = re.search(r"<img [^>]*>", pictured).group(0)
    assert re.search(r'src="[^"]+\.jpg"', img) or re.search(r'src="[^"]+\.jpeg"', img)
    assert 'width="160"' in img and 'height="90"' in img and 'loading="lazy"' in img
    assert 'alt="Leaders from Saramurillo marching in Lima"' in img
    # Positive control: a card without a picture has no picture element at all.
    assert "Plain" in plain and "<picture" not in plain and "<img" not in plain


def test_a_decorative_picture_has_empty_alt_text(client, news_index, photo):
    with_picture(NewsItemPageFactory(parent=news_index), photo, alt="Ignored", decorative=True)
    html = client.get("/news/").content.decode()
    assert 'alt=""' in html and "Ignored" not in html


def test_the_item_page_shows_its_picture_first_and_shares_it(client, news_index, home_page, photo):
    item = with_picture(NewsItemPageFactory(parent=news_index), photo)
    html = client.get(item.url).content.decode()
    article = html[html.index("<article") : html.index("</article>")]
    img = re.search(r'<img [^>]*class="article__picture"[^>]*>', article).group(0)
    assert 'width="640"' in img and "lazy" not in img
    assert 'alt="Leaders from Saramurillo marching in Lima"' in img
    share = re.search(r'<meta property="og:image" content="([^"]+)">', html).group(1)
    assert share.startswith("http://testserver/media/") and "fill-1200x630" in share
    assert '<meta property="og:image:width" content="1200">' in html
    assert (
        '<meta property="og:image:alt" content="Leaders from Saramurillo marching in Lima">' in html
    )
    # Positive control: without its picture the page shares none of its own.
    plain = NewsItemPageFactory(parent=news_index)
    assert "og:image" not in client.get(plain.url).content.decode()


def test_briefings_show_pictures_too(client, briefing_index, photo):
    briefing = with_picture(BriefingPageFactory(parent=briefing_index), photo)
    assert "<picture" in client.get("/briefings/").content.decode()
    assert "article__picture" in client.get(briefing.url).content.decode()


def test_a_picture_needs_alt_text_or_to_be_marked_decorative(news_index, photo):
    item = NewsItemPageFactory(parent=news_index)
    item.listing_image = photo
    item.listing_image_alt = "  "
    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert "Say what the picture shows" in str(error.value)
    item.listing_image_decorative = True
    item.full_clean()
    item.listing_image_decorative, item.listing_image_alt = False, "A march in Lima"
    item.full_clean()


def test_a_list_of_pictured_items_reads_no_rendition_one_by_one(client, news_index, photo):
    def queries_for_the_list_with(count):
        for _ in range(count):
            with_picture(NewsItemPageFactory(parent=news_index), photo)
        # The renditions exist once a reader has seen the list; measured from then on.
        client.get("/news/")
        listing = news_index.get_items()
        with CaptureQueriesContext(connection) as queries:
            for item in listing:
                item.listing_image.get_renditions(*pictures.specs(pictures.CARD))
        return queries

    three = queries_for_the_list_with(3)
    ten = queries_for_the_list_with(7)
    # The list, its images, their renditions: the same for three items as for ten.
    assert len(three) == len(ten) == 3, [q["sql"] for q in ten]


def photograph(name):
    return wagtail_factories.ImageFactory(
        title=name, file__filename=f"{name}.jpg", file__width=1600, file__height=1000
    )


def files_of(image):
    """What every file of `image` is named with: the random start of its original's name."""
    return "/" + PurePosixPath(image.file.name).name[:17]


@pytest.fixture
def site_share_image(home_page):
    image = photograph("site-card")
    site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    site_settings.default_share_image = image
    site_settings.save()
    return image


def shared_image(html):
    return re.search(r'<meta property="og:image" content="([^"]+)">', html).group(1)


def json_ld_images(html):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [data["image"] for data in map(json.loads, blocks) if "image" in data]


def test_a_page_shares_its_own_picture_and_otherwise_the_sites(
    client, news_index, site_share_image
):
    march = photograph("march-in-lima")
    pictured = with_picture(NewsItemPageFactory(parent=news_index), march)
    html = client.get(pictured.url).content.decode()
    assert files_of(march) in shared_image(html) and "fill-1200x630" in shared_image(html)
    assert shared_image(html).endswith(".jpg")
    assert json_ld_images(html) == [[shared_image(html)]]
    assert 'property="og:image:alt" content="Leaders from Saramurillo marching in Lima"' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    # Positive control: a page without a picture shares the site's image, as before.
    plain = client.get(NewsItemPageFactory(parent=news_index).url).content.decode()
    assert files_of(site_share_image) in shared_image(plain)
    assert files_of(march) not in shared_image(plain)
    assert json_ld_images(plain) == [[shared_image(plain)]]


def test_a_decorative_picture_is_shared_without_alt_text(client, news_index, site_share_image):
    river = photograph("river")
    item = with_picture(NewsItemPageFactory(parent=news_index), river, decorative=True)
    html = client.get(item.url).content.decode()
    assert files_of(river) in shared_image(html) and "og:image:alt" not in html


def test_a_picture_added_in_a_draft_is_not_shown_until_it_is_published(client, news_index):
    item = NewsItemPageFactory(parent=news_index, title="Drafted picture")
    draft = NewsItemPage.objects.get(pk=item.pk)
    draft.listing_image = not_yet = photograph("not-yet")
    draft.listing_image_alt = "Not yet published"
    revision = draft.save_revision()
    # A page never published, with a picture: neither it nor its picture is listed.
    unpublished = NewsItemPageFactory(parent=news_index, title="Never published", live=False)
    unpublished.listing_image = never = photograph("never-published")
    unpublished.listing_image_alt = "Never published"
    unpublished.save_revision()
    pages = ["/", "/news/", item.url]
    for url in pages:
        html = client.get(url).content.decode()
        assert "Drafted picture" in html, url
        assert files_of(not_yet) not in html and "Not yet published" not in html, url
        assert files_of(never) not in html and "Never published" not in html, url
        assert "<picture" not in html, url
    # Positive control: once published, the same pages show it.
    revision.publish()
    for url in pages:
        html = client.get(url).content.decode()
        assert "<picture" in html and files_of(not_yet) in html, url


def test_the_editor_is_told_a_picture_needs_alt_text(admin_client, news_index):
    item = NewsItemPageFactory(parent=news_index)
    image = photograph("no-alt")
    url = reverse("wagtailadmin_pages:edit", args=(item.pk,))
    data = form_data(news_item_data(slug=item.slug, listing_image=image.pk, listing_image_alt=""))
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "Say what the picture shows, or tick" in response.content.decode()
    item.refresh_from_db()
    assert item.listing_image_id is None
    # Positive control: the same form with alt text is saved.
    data["listing_image_alt"] = "A march in Lima"
    response = admin_client.post(url, data)
    assert response.status_code == 302
    saved = NewsItemPage.objects.get(pk=item.pk).get_latest_revision_as_object()
    assert saved.listing_image == image


def test_the_shared_link_preview_names_the_picture_it_shows(
    admin_client, news_index, site_share_image
):
    item = NewsItemPageFactory(parent=news_index)
    url = reverse("wagtailadmin_pages:preview_on_edit", args=(item.pk,))
    image = photograph("preview-picture")
    data = form_data(
        news_item_data(slug=item.slug, listing_image=image.pk, listing_image_alt="A march")
    )
    html = preview(admin_client, url, data, "share")
    assert "This page's picture, 1200 × 630 pixels" in html
    assert files_of(image) in html and files_of(site_share_image) not in html
    # Positive control: without one, the preview says the site's image is shared.
    html = preview(admin_client, url, form_data(news_item_data(slug=item.slug)), "share")
    assert "The site's sharing image" in html and files_of(site_share_image) in html
    assert "A picture for this page (the Picture panel) would be shared instead." in html


def test_a_feed_reads_no_pictures(client, news_index):
    items = NewsItemPageFactory.create_batch(3, parent=news_index)

    def counts():
        with CaptureQueriesContext(connection) as listed:
            list(news_index.get_items())
        return len(listed), queries(client, "/news/feed/")

    listed_plain, feed_plain = counts()
    for number, item in enumerate(items):
        with_picture(item, photograph(f"feed-{number}"))
    listed_pictured, feed_pictured = counts()
    # Positive control: the list itself reads the pictures and their renditions.
    assert listed_pictured == listed_plain + 2
    assert feed_pictured == feed_plain


def queries(client, url):
    client.get(url)
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


# Each pictured page of the budget, and pages of lists they are in (a feed shows no pictures
# but reads the same list).
PICTURED_PAGES = [
    "/",
    "/news/",
    "/news/2016/11/",
    "/news/regions/loreto/",
    "/news/mercury-poisoning-in-madre-de-dios/",
    "/news/feed/",
    "/news/regions/loreto/feed/",
    "/briefings/",
    "/briefings/human-rights/",
]


def picture_the_newest_news(number=10):
    """The newest English news items, each with a picture of its own."""
    english = NewsItemPage.objects.filter(locale__language_code="en-gb")
    for item in english.order_by("-date", "-pk")[:number]:
        if not item.listing_image_id:
            with_picture(item, photograph(f"story-{item.pk}"))
    return english


@pytest.mark.slow
def test_pictures_keep_the_query_budget_at_ten_and_three_hundred_items(client, home_page):
    """Measured as tests/test_query_budget.py measures: the third visit, once a reader's first
    visits have made the renditions (which costs more, once per picture) and filled the
    template fragments."""
    call_command("load_demo_content", verbosity=0)
    english = picture_the_newest_news()
    with_picture(BriefingPage.objects.get(slug="human-rights"), photograph("briefing"))
    with_ten = {url: queries(client, url) for url in PICTURED_PAGES}
    assert client.get("/news/").content.decode().count("<picture") == 10
    call_command("generate_content", news=290, verbosity=0)
    assert english.count() == 300
    # The invented items are newer than some of the demo's: the newest ten get pictures too.
    picture_the_newest_news()
    with_three_hundred = {url: queries(client, url) for url in PICTURED_PAGES}
    assert client.get("/news/").content.decode().count("<picture") == 10
    assert with_three_hundred == with_ten
    # Pictures cost no query once the fragments are cached: each page's count without them.
    assert with_ten == {url: BUDGETS[url][0] for url in PICTURED_PAGES}
