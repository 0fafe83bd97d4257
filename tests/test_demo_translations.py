"""demo/translations.py makes the Spanish demo pages (and snippets, once translatable) as
Wagtail translations of the English ones, and is safe to repeat."""

from django.apps import apps
from django.core.management import call_command
from django.utils.text import slugify

from wagtail.models import Page, Site

import pytest

from briefings.models import BriefingIndexPage, BriefingPage
from demo import content as en
from demo import content_es as es
from demo.translations import translate_demo_content
from home.models import HomePage, StandardPage, Theme
from news.models import NewsIndexPage, NewsItemPage
from tests.conftest import shared_across_tests

LANGUAGES = [("en-gb", "English"), ("es", "Español")]


def tree():
    """Everything a reader or editor could tell apart, page by page."""
    return [
        (p.path, p.url_path, p.title, p.slug, p.locale_id, p.translation_key, p.live)
        + (p.latest_revision_id, p.live_revision_id)
        for p in Page.objects.order_by("path")
    ]


@pytest.fixture(scope="module")
def _english_of_the_module(django_db_setup, django_db_blocker):
    # Loaded once for the module: each test's changes are rolled back.
    yield from shared_across_tests(
        django_db_blocker,
        lambda: call_command("load_demo_content", verbosity=0, english_only=True),
    )


@pytest.fixture
def english(_english_of_the_module, db):
    return Site.objects.get(is_default_site=True).root_page.specific


def translation(page, locale):
    found = page.get_translation(locale).specific
    assert found.translation_key == page.translation_key and found.locale == locale
    assert found.live and not found.has_unpublished_changes
    return found


def body_html(page):
    """The body as the demo content writes it: paragraphs, and a heading block as its `<h2>`."""
    return "".join(
        f"<h2>{block.value['text']}</h2>" if block.block_type == "heading" else str(block.value)
        for block in page.body
        if block.block_type in ("heading", "paragraph")
    )


def test_every_english_demo_page_has_its_spanish_translation(english, spanish):
    created = translate_demo_content(spanish)
    # The tree is whole: the Spanish home page knows its children (the menu lists them).
    assert Page.find_problems() == ([], [], [], [], [])

    home = translation(english, spanish)
    assert home.get_parent().is_root() and home.title == english.title
    assert home.aims_heading == es.AIMS_HEADING and home.aims == f"<p>{es.AIMS}</p>"

    news = translation(NewsIndexPage.objects.get(locale=english.locale), spanish)
    assert (news.title, news.slug, news.intro) == (
        es.NEWS_INDEX_TITLE,
        es.NEWS_INDEX_SLUG,
        es.NEWS_INDEX_INTRO,
    )
    assert news.get_parent().specific == home
    for title, date, *_ in en.NEWS:
        item = NewsItemPage.objects.get(locale=english.locale, title=title)
        item_es = translation(item, spanish)
        title_es, date_es, summary_es = es.NEWS[item.slug]
        assert (item_es.title, item_es.slug, item_es.date) == (title_es, slugify(title_es), date)
        assert item_es.summary == summary_es and body_html(item_es) == ""
        # A translation keeps its source's regions, as it keeps its themes.
        assert set(item_es.regions.all()) == set(item.regions.all())
        assert item_es.get_parent().specific == news
        assert item_es.url_path == f"{news.url_path}{item_es.slug}/"

    briefings = translation(BriefingIndexPage.objects.get(locale=english.locale), spanish)
    assert (briefings.title, briefings.slug) == (es.BRIEFINGS_INDEX_TITLE, "informes")
    assert briefings.intro == es.BRIEFINGS_INDEX_INTRO
    for title, _, _ in en.BRIEFINGS:
        briefing = BriefingPage.objects.get(locale=english.locale, title=title)
        briefing_es = translation(briefing, spanish)
        title_es, text_es = es.BRIEFINGS[briefing.slug]
        assert (briefing_es.title, briefing_es.summary) == (title_es, text_es)
        assert body_html(briefing_es) == ""
        assert briefing_es.last_reviewed == briefing.last_reviewed == en.BRIEFINGS_REVIEWED
        assert briefing_es.get_parent().specific == briefings

    for slug, (title_es, slug_es, summary_es, paragraphs_es) in es.STANDARD_PAGES.items():
        page_es = translation(StandardPage.objects.get(locale=english.locale, slug=slug), spanish)
        assert (page_es.title, page_es.slug, page_es.summary) == (title_es, slug_es, summary_es)
        assert body_html(page_es) == "".join(paragraphs_es)
        # The privacy notice's legal details follow the privacy page's words, in Spanish too.
        others = [
            block.block_type
            for block in page_es.body
            if block.block_type not in ("paragraph", "heading")
        ]
        assert others == (["privacy_notice"] if slug == "privacy" else [])
        assert page_es.get_parent().specific == home

    join_model = apps.get_model("members", "JoinPage")
    join = translation(join_model.objects.get(locale=english.locale), spanish)
    assert (join.title, join.slug) == (es.JOIN_TITLE, es.JOIN_SLUG)
    assert (join.intro, join.thank_you_text) == (es.JOIN_INTRO, es.JOIN_THANKS)

    # The home page features the Spanish briefings, in the English page's order.
    featured = [item.page.specific for item in home.featured_briefings.order_by("sort_order")]
    assert [page.title for page in featured] == [
        es.BRIEFINGS[slugify(t)][0] for t, *_ in en.BRIEFINGS
    ]
    assert all(page.locale == spanish for page in featured)

    # One Spanish page for each English one, and nothing else.
    english_pages = Page.objects.filter(locale=english.locale).exclude(depth=1)
    assert Page.objects.filter(locale=spanish).count() == english_pages.count() == 22
    assert created == 22 + len(en.THEMES) + len(en.MEMBERSHIP_TIERS) + 1


def test_snippets_are_translated_and_the_spanish_pages_use_them(english, spanish):
    translate_demo_content(spanish)
    for _, slug in en.THEMES:
        theme_es = translation_snippet(Theme.objects.get(locale=english.locale, slug=slug), spanish)
        # The slug is shared, so ?theme= filters either language's list.
        assert (theme_es.name, theme_es.slug) == (es.THEMES[slug], slug)
    item = NewsItemPage.objects.get(locale=english.locale, slug="mining-output-boosts-exports")
    # A translation keeps its source's themes; readers see their Spanish names.
    assert set(translation(item, spanish).themes.all()) == set(item.themes.all()) != set()
    tier_model = apps.get_model("members", "MembershipTier")
    for name, fee, _, order in en.MEMBERSHIP_TIERS:
        tier_es = translation_snippet(
            tier_model.objects.get(locale=english.locale, name=name), spanish
        )
        assert (tier_es.name, tier_es.description) == es.MEMBERSHIP_TIERS[name]
        assert (str(tier_es.annual_fee), tier_es.sort_order) == (fee, order)
    pitch_model = apps.get_model("members", "MembershipPitch")
    pitch_es = translation_snippet(pitch_model.objects.get(locale=english.locale), spanish)
    assert pitch_es.live and (pitch_es.heading, pitch_es.cta_label) == (
        es.WHY_JOIN_HEADING,
        es.WHY_JOIN_CTA,
    )
    assert [r.text for r in pitch_es.reasons.order_by("sort_order")] == es.WHY_JOIN
    join_es = apps.get_model("members", "JoinPage").objects.get(locale=spanish)
    assert pitch_es.cta_page_id == join_es.pk
    home = translation(english, spanish)
    assert [block.value.pk for block in home.body] == [pitch_es.pk]


def translation_snippet(snippet, locale):
    found = snippet.get_translation(locale)
    assert found.translation_key == snippet.translation_key and found.pk != snippet.pk
    return found


def test_running_again_changes_nothing(english, spanish):
    translate_demo_content(spanish)
    first = tree()
    featured = list(translation(english, spanish).featured_briefings.values_list("pk", "page"))
    themes = list(Theme.objects.order_by("pk").values_list("pk", "name", "slug"))
    assert translate_demo_content(spanish) == 0
    assert tree() == first
    assert list(translation(english, spanish).featured_briefings.values_list("pk", "page")) == (
        featured
    )
    assert list(Theme.objects.order_by("pk").values_list("pk", "name", "slug")) == themes
    # And the English loader, run again beside the Spanish pages, changes nothing either.
    call_command("load_demo_content", verbosity=0)
    assert tree() == first


def test_running_again_keeps_an_editors_translation(english, spanish):
    translate_demo_content(spanish)
    item = NewsItemPage.objects.get(locale=spanish, slug="el-fuego-golpea-dos-veces")
    item.summary = "Corregido por una editora."
    item.save_revision().publish()
    translate_demo_content(spanish)
    item.refresh_from_db()
    assert item.summary == "Corregido por una editora."


def test_an_english_page_an_editor_has_rewritten_is_left_to_the_editors(english, spanish):
    item = NewsItemPage.objects.get(locale=english.locale, slug="fire-strikes-twice")
    item.summary = "Rewritten by an editor."
    item.save_revision().publish()
    translate_demo_content(spanish)
    assert item.get_translation_or_none(spanish) is None
    # Positive control: the other items are translated.
    other = NewsItemPage.objects.get(locale=english.locale, slug="mining-output-boosts-exports")
    assert translation(other, spanish).title == "La producción minera impulsa las exportaciones"


def test_the_english_locale_is_refused(english):
    with pytest.raises(ValueError):
        translate_demo_content(english.locale)
    assert Page.objects.filter(depth=2).count() == 1


def test_spanish_pages_render(english, spanish):
    translate_demo_content(spanish)
    pages = Page.objects.filter(locale=spanish).specific()
    assert len(pages) == 22
    for page in pages:
        response = page.make_preview_request()
        assert response.status_code == 200, page.title
        html = response.content.decode().replace("&#x27;", "'")
        assert page.title in html, page.title
        if isinstance(page, NewsItemPage | BriefingPage):
            assert page.summary in html
            assert page.get_translation(english.locale).title not in html
    home = HomePage.objects.get(locale=spanish).make_preview_request().content.decode()
    assert es.AIMS_HEADING in home and "Panorama histórico" in home
    assert "Historical Overview" not in home and en.WHY_JOIN_HEADING not in home
    assert es.WHY_JOIN_HEADING in home
