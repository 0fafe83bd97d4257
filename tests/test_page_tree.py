"""Editors can only put pages where they belong, and the singletons stay single."""

from wagtail.models import Page, Site
from wagtail.test.utils import WagtailPageTestCase

from briefings.models import BriefingIndexPage, BriefingPage
from bulletins.models import BulletinIndexPage, BulletinPage
from contact.models import ContactPage
from home.models import HomePage, StandardPage
from members.models import JoinPage
from news.models import NewsIndexPage, NewsItemPage
from tests.factories import BriefingIndexPageFactory, JoinPageFactory, NewsIndexPageFactory

PAGE_TYPES = (
    HomePage,
    StandardPage,
    NewsIndexPage,
    NewsItemPage,
    BriefingIndexPage,
    BriefingPage,
    BulletinIndexPage,
    BulletinPage,
    JoinPage,
    ContactPage,
)


class PageTreeRulesTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home = Site.objects.get(is_default_site=True).root_page.specific
        cls.news_index = NewsIndexPageFactory(parent=cls.home)
        cls.briefing_index = BriefingIndexPageFactory(parent=cls.home)

    def test_the_default_site_is_rooted_at_the_home_page(self):
        self.assertIsInstance(self.home, HomePage)

    def test_home_page_children(self):
        self.assertAllowedSubpageTypes(
            HomePage,
            {
                NewsIndexPage,
                BriefingIndexPage,
                BulletinIndexPage,
                JoinPage,
                StandardPage,
                ContactPage,
            },
        )
        self.assertAllowedParentPageTypes(HomePage, {Page})

    def test_news_index_takes_only_news_items(self):
        self.assertAllowedSubpageTypes(NewsIndexPage, {NewsItemPage})
        self.assertAllowedParentPageTypes(NewsIndexPage, {HomePage})
        self.assertAllowedParentPageTypes(NewsItemPage, {NewsIndexPage})
        self.assertAllowedSubpageTypes(NewsItemPage, set())

    def test_briefing_index_takes_only_briefings(self):
        self.assertAllowedSubpageTypes(BriefingIndexPage, {BriefingPage})
        self.assertAllowedParentPageTypes(BriefingIndexPage, {HomePage})
        self.assertAllowedParentPageTypes(BriefingPage, {BriefingIndexPage})
        self.assertAllowedSubpageTypes(BriefingPage, set())

    def test_peru_update_takes_only_bulletins(self):
        self.assertAllowedSubpageTypes(BulletinIndexPage, {BulletinPage})
        self.assertAllowedParentPageTypes(BulletinIndexPage, {HomePage})
        self.assertAllowedParentPageTypes(BulletinPage, {BulletinIndexPage})
        self.assertAllowedSubpageTypes(BulletinPage, set())
        self.assertCanNotCreateAt(NewsIndexPage, BulletinPage)

    def test_standard_pages_live_under_home(self):
        self.assertAllowedParentPageTypes(StandardPage, {HomePage, StandardPage})
        self.assertCanCreateAt(HomePage, StandardPage)
        self.assertCanNotCreateAt(NewsIndexPage, StandardPage)

    def test_one_contact_page_under_each_home_page_and_nothing_below_it(self):
        self.assertAllowedParentPageTypes(ContactPage, {HomePage})
        self.assertAllowedSubpageTypes(ContactPage, set())
        self.assertCanCreateAt(HomePage, ContactPage)
        self.assertCanNotCreateAt(StandardPage, ContactPage)
        self.home.add_child(instance=ContactPage(title="Contact", slug="contact"))
        self.assertFalse(ContactPage.can_create_at(self.home))

    def test_items_cannot_be_put_in_the_wrong_place(self):
        self.assertCanCreateAt(NewsIndexPage, NewsItemPage)
        self.assertCanNotCreateAt(HomePage, NewsItemPage)
        self.assertCanNotCreateAt(BriefingIndexPage, NewsItemPage)
        self.assertCanCreateAt(BriefingIndexPage, BriefingPage)
        self.assertCanNotCreateAt(NewsIndexPage, BriefingPage)
        self.assertCanNotCreateAt(HomePage, BriefingPage)

    def test_join_page_is_a_single_child_of_home(self):
        self.assertAllowedParentPageTypes(JoinPage, {HomePage})
        self.assertAllowedSubpageTypes(JoinPage, set())
        self.assertCanCreateAt(HomePage, JoinPage)
        JoinPageFactory(parent=self.home)
        self.assertFalse(JoinPage.can_create_at(self.home))

    def test_singletons_cannot_be_added_twice(self):
        self.assertFalse(NewsIndexPage.can_create_at(self.home))
        self.assertFalse(BriefingIndexPage.can_create_at(self.home))
        self.assertFalse(HomePage.can_create_at(Page.get_first_root_node()))

    def test_every_page_type_describes_itself_to_editors(self):
        for model in PAGE_TYPES:
            with self.subTest(model=model.__name__):
                self.assertTrue(model.page_description)

    def test_every_field_editors_see_has_help_text(self):
        page_fields = {field.name for field in Page._meta.get_fields()}
        for model in PAGE_TYPES:
            for field in model._meta.get_fields():
                if field.name in page_fields or not getattr(field, "editable", False):
                    continue
                if field.auto_created or field.name.endswith("_ptr"):
                    continue
                with self.subTest(model=model.__name__, field=field.name):
                    self.assertTrue(field.help_text, f"{model.__name__}.{field.name}")
