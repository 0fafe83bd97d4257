"""Every page type previews; news items and briefings also preview as their listing card and
as a shared link, from the same title, description and image the page publishes."""

import io
import re

from django.core.files.images import ImageFile
from django.test import Client
from django.urls import reverse

from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page, Site, get_page_models
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

import pytest
from PIL import Image as PILImage
from PIL import ImageDraw

from briefings.models import BriefingPage
from home.models import SiteSettings
from members.models import JoinPage
from news.models import NewsItemPage
from tests.factories import (
    BriefingIndexPageFactory,
    BriefingPageFactory,
    BulletinIndexPageFactory,
    BulletinPageFactory,
    ContactPageFactory,
    JoinPageFactory,
    NewsIndexPageFactory,
    NewsItemPageFactory,
    StandardPageFactory,
    ThemeFactory,
)
from tests.test_pages import (
    briefing_data,
    form_data,
    home_data,
    news_item_data,
    standard_data,
)

LISTED_MODES = ["", "card", "share"]


class EveryPageTypePreviews(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home = Site.objects.get(is_default_site=True).root_page.specific
        cls.news_index = NewsIndexPageFactory(parent=cls.home)
        cls.briefing_index = BriefingIndexPageFactory(parent=cls.home)
        cls.theme = ThemeFactory(name="Mining and oil", slug="mining-and-oil")
        cls.item = NewsItemPageFactory(parent=cls.news_index, slug="mercury-poisoning")
        cls.briefing = BriefingPageFactory(parent=cls.briefing_index, slug="historical-overview")
        cls.standard = StandardPageFactory(parent=cls.home, slug="privacy")
        cls.join = JoinPageFactory(parent=cls.home)
        cls.contact = ContactPageFactory(parent=cls.home)
        cls.bulletin_index = BulletinIndexPageFactory(parent=cls.home)
        cls.bulletin = BulletinPageFactory(parent=cls.bulletin_index, slug="update-134")
        cls.pages = {
            type(page): page
            for page in [
                cls.home,
                cls.news_index,
                cls.item,
                cls.briefing_index,
                cls.briefing,
                cls.standard,
                cls.join,
                cls.contact,
                cls.bulletin_index,
                cls.bulletin,
            ]
        }
        cls.data = {
            cls.home: form_data(home_data()),
            cls.news_index: None,
            cls.item: form_data(news_item_data(slug=cls.item.slug), [cls.theme]),
            cls.briefing_index: None,
            cls.briefing: form_data(briefing_data(slug=cls.briefing.slug)),
            cls.standard: form_data(standard_data(slug=cls.standard.slug)),
            cls.join: nested_form_data(
                {
                    "title": "Join us",
                    "slug": "join",
                    "intro": rich_text("<p>Open to all.</p>"),
                    "thank_you_text": rich_text("<p>Thank you.</p>"),
                }
            ),
            cls.contact: form_data(standard_data(slug="contact")),
            cls.bulletin_index: None,
            cls.bulletin: nested_form_data(
                {
                    "title": "Update 134",
                    "slug": "update-134",
                    "number": "134",
                    "date": "2016-11-30",
                    "summary": "",
                    "editorial": streamfield([("paragraph", rich_text("<p>From the editor.</p>"))]),
                    "stories": streamfield([("story", cls.item.pk)]),
                }
            ),
        }

    def test_the_test_covers_every_page_type(self):
        self.assertEqual(
            set(get_page_models()) - {Page}, set(self.pages), "a page type has no preview test"
        )

    def test_every_page_type_previews_in_every_mode(self):
        for page, data in self.data.items():
            self.assertTrue(page.preview_modes, f"{type(page).__name__} cannot be previewed")
            for mode, _label in page.preview_modes:
                with self.subTest(page=type(page).__name__, mode=mode):
                    self.assertPageIsPreviewable(page, mode=mode, post_data=data)

    def test_news_items_and_briefings_have_the_extra_modes(self):
        for model in (NewsItemPage, BriefingPage):
            self.assertEqual(
                model().preview_modes,
                [("", "Page"), ("card", "Listing card"), ("share", "Shared link")],
            )
        self.assertEqual([mode for mode, _ in JoinPage().preview_modes], [""])


@pytest.fixture
def editor_client(db):
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.create_superuser("ed", "ed@example.org", "pw"))
    return client


def preview(client, url, data, mode):
    response = client.post(url, data)
    assert response.json() == {"is_valid": True, "is_available": True}
    response = client.get(url, {"mode": mode})
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def share_image(home_page):
    image = Image.objects.create(
        title="Sharing card",
        description="Peru Support Group",
        file=get_test_image_file(size=(1600, 900)),
        focal_point_x=1200,
        focal_point_y=300,
        focal_point_width=100,
        focal_point_height=100,
    )
    site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    site_settings.default_share_image = image
    site_settings.save()
    return image


class TestListingCard:
    def test_a_new_news_item_previews_as_its_card_before_it_is_saved(
        self, editor_client, news_index
    ):
        url = reverse(
            "wagtailadmin_pages:preview_on_add", args=("news", "newsitempage", news_index.pk)
        )
        data = form_data(news_item_data(title="Oil spill reaches the Marañón", slug="oil-spill"))
        html = preview(editor_client, url, data, "card")
        assert "How this news item is listed" in html
        assert html.count('class="card__title"') == 2  # as on /news/ and on the home page
        assert html.count("Oil spill reaches the Marañón") >= 2
        assert html.count('<p class="card__summary">Studies quantify exposure to mercury.</p>') == 2
        assert '<time datetime="2016-11-20">20 November 2016</time>' in html
        assert 'href="/news/oil-spill/"' in html

    def test_a_draft_without_a_summary_still_previews(self, editor_client, news_index):
        item = NewsItemPageFactory(parent=news_index)
        url = reverse("wagtailadmin_pages:preview_on_edit", args=(item.pk,))
        data = form_data(news_item_data(slug=item.slug, summary=""))
        html = preview(editor_client, url, data, "card")
        assert html.count('<p class="card__summary"></p>') == 2

    def test_briefing_card(self, editor_client, briefing_index):
        briefing = BriefingPageFactory(parent=briefing_index)
        url = reverse("wagtailadmin_pages:preview_on_edit", args=(briefing.pk,))
        html = preview(editor_client, url, form_data(briefing_data(slug=briefing.slug)), "card")
        assert "How this briefing is listed" in html
        summary = "A century of autocratic governments and a civil war."
        assert html.count(f'<p class="card__summary">{summary}</p>') == 2


class TestSharedLink:
    def test_shows_the_title_description_image_and_address_the_page_publishes(
        self, editor_client, news_index, share_image
    ):
        item = NewsItemPageFactory(parent=news_index)
        url = reverse("wagtailadmin_pages:preview_on_edit", args=(item.pk,))
        data = form_data(news_item_data(slug=item.slug, seo_title="Mercury in the Amazon's rivers"))
        html = preview(editor_client, url, data, "share")
        rendition = share_image.get_rendition("fill-1200x630|format-jpeg")
        assert "How a shared link to this page looks" in html
        assert '<p class="share-card__title">Mercury in the Amazon&#x27;s rivers</p>' in html
        assert "Studies quantify exposure to mercury." in html
        assert f'src="{rendition.url}"' in html
        assert 'width="1200" height="630"' in html
        assert 'alt="Peru Support Group"' in html
        assert f"http://localhost/news/{item.slug}/" in html
        # The same values as the page's own Open Graph tags.
        assert '<meta property="og:title" content="Mercury in the Amazon&#x27;s rivers">' in html
        assert f'<meta property="og:image" content="http://localhost{rendition.url}">' in html

    def test_says_what_is_missing(self, editor_client, briefing_index):
        briefing = BriefingPageFactory(parent=briefing_index)
        url = reverse("wagtailadmin_pages:preview_on_edit", args=(briefing.pk,))
        html = preview(
            editor_client, url, form_data(briefing_data(slug=briefing.slug, summary="")), "share"
        )
        assert "Write a summary" in html
        assert "Choose a sharing image in Settings" in html


def test_the_sharing_image_is_cropped_around_its_focal_point(client, news_index):
    """A tall picture whose subject, marked as the focal point, is a red band at the top: the
    1200 × 630 sharing card keeps it (a crop from the centre would show only blue)."""
    picture = PILImage.new("RGB", (1200, 1600), "blue")
    ImageDraw.Draw(picture).rectangle((0, 0, 1199, 299), fill="red")
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    image = Image.objects.create(
        title="Tall",
        file=ImageFile(buffer, name="tall.png"),
        focal_point_x=600,
        focal_point_y=150,
        focal_point_width=400,
        focal_point_height=200,
    )
    site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    site_settings.default_share_image = image
    site_settings.save()

    item = NewsItemPageFactory(parent=news_index)
    html = client.get(item.url).content.decode()
    url = re.search(r'<meta property="og:image" content="https?://[^/"]+([^"]+)">', html)[1]
    rendition = image.renditions.get(file__endswith=url.rsplit("/", 1)[1])
    with rendition.file.open() as file:
        card = PILImage.open(file)
        card.load()
    assert card.size == (1200, 630)
    red, _, blue = card.convert("RGB").getpixel((600, 100))
    assert red > 200 and blue < 60


def test_the_admin_may_frame_previews(editor_client, news_index):
    """Wagtail renders a preview through the middleware with a dummy request for the page's
    public address; the preview panel can show it only with the admin's framing rules."""
    item = NewsItemPageFactory(parent=news_index)
    url = reverse("wagtailadmin_pages:preview_on_edit", args=(item.pk,))
    editor_client.post(url, form_data(news_item_data(slug=item.slug)))
    for mode in LISTED_MODES:
        response = editor_client.get(url, {"mode": mode})
        assert "frame-ancestors 'self'" in response["Content-Security-Policy"], mode
        assert response["X-Frame-Options"] == "SAMEORIGIN"
        assert "no-store" in response["Cache-Control"]
    # The page itself, to readers, still refuses to be framed.
    assert "frame-ancestors 'none'" in Client().get(item.url)["Content-Security-Policy"]


def test_a_home_page_draft_previews_though_readers_get_the_kept_page(
    client, editor_client, home_page
):
    # Readers' visits keep the home page's content as a fragment; a preview must not use it.
    heading = '<h2 id="aims">Our aims in 2026</h2>'
    assert heading not in client.get("/").content.decode()
    url = reverse("wagtailadmin_pages:preview_on_edit", args=(home_page.pk,))
    html = preview(editor_client, url, form_data(home_data(aims_heading="Our aims in 2026")), "")
    assert heading in html
    assert heading not in client.get("/").content.decode()
