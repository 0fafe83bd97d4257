"""Every page type renders, previews and can be created (or edited) through the admin."""

import datetime

from django.contrib.auth import get_user_model

from wagtail.models import Site
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from briefings.models import BriefingIndexPage, BriefingPage
from home.models import StandardPage
from members.models import JoinPage
from news.models import NewsIndexPage, NewsItemPage
from tests.factories import (
    BriefingIndexPageFactory,
    BriefingPageFactory,
    NewsIndexPageFactory,
    NewsItemPageFactory,
    StandardPageFactory,
    ThemeFactory,
)


def body_data():
    return streamfield(
        [
            ("heading", {"text": "Background", "level": "h2"}),
            ("paragraph", rich_text("<p>Communities in <b>Loreto</b> marched on Lima.</p>")),
            ("quote", {"text": "We want answers.", "attribution": "Miguel Manihuari"}),
        ]
    )


def form_data(fields, themes=()):
    """Admin form data; multi-valued fields are added after nested_form_data flattens lists."""
    data = nested_form_data(fields)
    if themes:
        data["themes"] = [theme.pk for theme in themes]
    return data


def news_item_data(**overrides):
    return {
        "title": "Mercury poisoning in Madre de Dios",
        "slug": "mercury-poisoning",
        "date": "2016-11-20",
        "summary": "Studies quantify exposure to mercury.",
        "body": body_data(),
        "related_pages": inline_formset([]),
        **overrides,
    }


def briefing_data(**overrides):
    return {
        "title": "Historical Overview",
        "slug": "historical-overview",
        "summary": "A century of autocratic governments and a civil war.",
        "last_reviewed": "2016-11-27",
        "body": body_data(),
        "related_pages": inline_formset([]),
        **overrides,
    }


def standard_data(**overrides):
    return {
        "title": "Privacy",
        "slug": "privacy",
        "summary": "What we record.",
        "body": body_data(),
        **overrides,
    }


def home_data(**overrides):
    return {
        "title": "Peru Support Group",
        "slug": "home",
        "aims_heading": "PSG Aims",
        "aims": rich_text("<p>To promote social inclusion.</p>"),
        "news_count": 5,
        "featured_briefings": inline_formset([]),
        "body": body_data(),
        **overrides,
    }


class PageRenderingTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home = Site.objects.get(is_default_site=True).root_page.specific
        cls.news_index = NewsIndexPageFactory(parent=cls.home)
        cls.briefing_index = BriefingIndexPageFactory(parent=cls.home)
        cls.theme = ThemeFactory(name="Mining and oil", slug="mining-and-oil")
        cls.item = NewsItemPageFactory(
            parent=cls.news_index,
            title="Saramurillo takes protest to Lima",
            date=datetime.date(2016, 11, 20),
            themes=[cls.theme],
        )
        cls.briefing = BriefingPageFactory(parent=cls.briefing_index, title="Human Rights")
        cls.standard = StandardPageFactory(parent=cls.home, title="About")
        cls.pages = [
            cls.home,
            cls.news_index,
            cls.item,
            cls.briefing_index,
            cls.briefing,
            cls.standard,
        ]
        cls.editor = get_user_model().objects.create_superuser("editor", "e@example.org", "pw")

    def setUp(self):
        self.client.force_login(self.editor)

    def test_every_page_type_renders(self):
        for page in self.pages:
            with self.subTest(page=type(page).__name__):
                self.assertPageIsRenderable(page)

    def test_every_page_type_previews(self):
        # StreamFields are drawn by JavaScript, so the edit form's data is given explicitly.
        post_data = {
            self.home: form_data(home_data()),
            self.news_index: None,
            self.item: form_data(news_item_data(slug=self.item.slug), [self.theme]),
            self.briefing_index: None,
            self.briefing: form_data(briefing_data(slug=self.briefing.slug)),
            self.standard: form_data(standard_data(slug=self.standard.slug)),
        }
        for page, data in post_data.items():
            with self.subTest(page=type(page).__name__):
                self.assertPageIsPreviewable(page, post_data=data)

    def test_news_item_shows_its_date_summary_and_themes(self):
        self.client.logout()
        response = self.client.get(self.item.url)
        self.assertContains(response, "<h1", count=1)
        self.assertContains(response, '<time datetime="2016-11-20">20 November 2016</time>')
        self.assertContains(response, self.item.summary)
        self.assertContains(response, 'href="/news/?theme=mining-and-oil"')

    def test_admin_creates_a_news_item_with_a_body(self):
        self.assertCanCreate(
            self.news_index,
            NewsItemPage,
            form_data(news_item_data(), [self.theme]),
        )
        page = NewsItemPage.objects.get(slug="mercury-poisoning")
        self.assertTrue(page.live)
        self.assertEqual(page.date, datetime.date(2016, 11, 20))
        self.assertEqual(
            [block.block_type for block in page.body], ["heading", "paragraph", "quote"]
        )
        self.assertIn("Loreto", str(page.body[1].value))
        self.assertEqual(list(page.themes.all()), [self.theme])

    def test_admin_rejects_a_news_item_without_date_or_summary(self):
        response = self.client.post(
            f"/admin/pages/add/news/newsitempage/{self.news_index.pk}/",
            form_data(news_item_data(slug="no-date", date="", summary="")),
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "This field is required", status_code=200)
        self.assertFalse(NewsItemPage.objects.filter(slug="no-date").exists())

    def test_admin_rejects_a_summary_over_600_characters(self):
        response = self.client.post(
            f"/admin/pages/add/news/newsitempage/{self.news_index.pk}/",
            form_data(news_item_data(slug="too-long", summary="x" * 601)),
        )
        self.assertContains(response, "at most 600 characters")
        self.assertFalse(NewsItemPage.objects.filter(slug="too-long").exists())

    def test_admin_creates_a_briefing_with_a_body(self):
        self.assertCanCreate(
            self.briefing_index,
            BriefingPage,
            form_data(briefing_data(), [self.theme]),
        )
        page = BriefingPage.objects.get(slug="historical-overview")
        self.assertEqual(page.last_reviewed, datetime.date(2016, 11, 27))
        self.assertEqual(len(page.body), 3)
        self.assertEqual(list(page.themes.all()), [self.theme])

    def test_admin_creates_a_standard_page_with_a_body(self):
        self.assertCanCreate(
            self.home,
            StandardPage,
            form_data(standard_data()),
        )
        self.assertEqual(len(StandardPage.objects.get(slug="privacy").body), 3)

    def test_admin_creates_the_index_pages(self):
        self.news_index.delete()
        self.briefing_index.delete()
        self.home.refresh_from_db()
        self.assertCanCreate(
            self.home,
            NewsIndexPage,
            nested_form_data({"title": "News", "slug": "news", "intro": "From Peru."}),
        )
        self.assertCanCreate(
            self.home,
            BriefingIndexPage,
            nested_form_data({"title": "Briefings", "slug": "briefings", "intro": ""}),
        )

    def test_admin_creates_the_join_page_which_renders_and_previews(self):
        self.assertCanCreate(
            self.home,
            JoinPage,
            nested_form_data(
                {
                    "title": "Join us",
                    "slug": "join",
                    "intro": rich_text("<p>Membership is open to all.</p>"),
                    "thank_you_text": rich_text("<p>Thank you.</p>"),
                }
            ),
        )
        join = JoinPage.objects.get()
        self.assertPageIsRenderable(join)
        self.assertPageIsRenderable(join, route_path="/thanks/")
        self.assertPageIsPreviewable(join)

    def test_admin_edits_the_home_page(self):
        response = self.client.post(
            f"/admin/pages/{self.home.pk}/edit/",
            form_data(
                home_data(
                    featured_briefings=inline_formset([{"page": self.briefing.pk}]),
                    **{"action-publish": "publish"},
                )
            ),
        )
        self.assertEqual(response.status_code, 302, response.content[:2000])
        self.home.refresh_from_db()
        self.assertEqual(self.home.news_count, 5)
        self.assertIn("social inclusion", self.home.aims)
        self.assertEqual(len(self.home.body), 3)
        self.assertEqual(
            [item.page_id for item in self.home.featured_briefings.all()], [self.briefing.pk]
        )
        public = self.client_class().get("/")
        self.assertContains(public, "To promote social inclusion.")
        self.assertContains(public, "Human Rights")
