"""Related stories at the foot of news items and briefings: the editor's choice if any, else
the newest items sharing a region or theme, else the newest items; never drafts, private pages
or the page itself."""

import datetime
import re

from wagtail.models import PageViewRestriction

import pytest

from news.models import NewsItemPageRelated
from regions.models import Region
from tests.conftest import translate
from tests.factories import BriefingPageFactory, NewsItemPageFactory, ThemeFactory


def related(client, page):
    """The titles under "Related stories" on `page`, in order ([] if there is no such part)."""
    html = client.get(page.url).content.decode()
    if 'id="related-heading"' not in html:
        return []
    section = html[html.index('id="related-heading"') :]
    section = section[: section.index("</section>")]
    return re.findall(r'class="card__title"><a href="[^"]*">([^<]*)</a>', section)


def tag(page, *, themes=(), regions=()):
    page.themes.set(themes)
    page.regions.set(regions)
    page.save_revision().publish()
    return page


@pytest.fixture
def loreto(db):
    return Region.objects.get(slug="loreto")


@pytest.fixture
def mining(home_page):
    return ThemeFactory(name="Mining", slug="mining")


def day(n):
    return datetime.date(2016, 11, 27) - datetime.timedelta(days=n)


def test_newest_items_sharing_a_region_or_theme(client, news_index, loreto, mining):
    story = tag(
        NewsItemPageFactory(parent=news_index, title="Story", date=day(5)), regions=[loreto]
    )
    tag(NewsItemPageFactory(parent=news_index, title="Same region", date=day(3)), regions=[loreto])
    tag(NewsItemPageFactory(parent=news_index, title="Older", date=day(30)), regions=[loreto])
    tag(
        NewsItemPageFactory(parent=news_index, title="Both", date=day(1)),
        themes=[mining],
        regions=[loreto],
    )
    tag(NewsItemPageFactory(parent=news_index, title="Unrelated", date=day(0)), themes=[mining])
    # Positive control: the unrelated item is the newest, yet it is not shown.
    assert related(client, story) == ["Both", "Same region", "Older"]
    story.themes.set([mining])
    story.save_revision().publish()
    # Sharing the theme now, the newest of four: three are shown, each once.
    assert related(client, story) == ["Unrelated", "Both", "Same region"]


def test_never_a_draft_a_private_page_or_itself(client, news_index, loreto):
    story = tag(
        NewsItemPageFactory(parent=news_index, title="Story", date=day(5)), regions=[loreto]
    )
    tag(NewsItemPageFactory(parent=news_index, title="Public", date=day(4)), regions=[loreto])
    draft = NewsItemPageFactory(parent=news_index, title="Draft", date=day(0))
    tag(draft, regions=[loreto])
    draft.unpublish()
    private = tag(
        NewsItemPageFactory(parent=news_index, title="Private", date=day(0)), regions=[loreto]
    )
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
    members = tag(
        NewsItemPageFactory(parent=news_index, title="Members", date=day(0)), regions=[loreto]
    )
    PageViewRestriction.objects.create(page=members, restriction_type="login")
    assert related(client, story) == ["Public"]


def test_the_editors_choice_comes_first_and_alone(client, news_index, briefing_index, loreto):
    story = tag(
        NewsItemPageFactory(parent=news_index, title="Story", date=day(5)), regions=[loreto]
    )
    tag(NewsItemPageFactory(parent=news_index, title="Automatic", date=day(1)), regions=[loreto])
    briefing = BriefingPageFactory(parent=briefing_index, title="Chosen briefing")
    chosen = NewsItemPageFactory(parent=news_index, title="Chosen item", date=day(40))
    draft = NewsItemPageFactory(parent=news_index, title="Chosen draft", date=day(2), live=False)
    assert related(client, story) == ["Automatic"]
    for order, page in enumerate([chosen, draft, briefing]):
        NewsItemPageRelated.objects.create(source=story, page=page, sort_order=order)
    story.save_revision().publish()
    # In the editor's order, the draft left out, the automatic choice gone.
    assert related(client, story) == ["Chosen item", "Chosen briefing"]


def test_nothing_shared_the_newest_other_stories(client, news_index, loreto, mining):
    """No dead end: a story sharing nothing shows the newest others, never itself or a draft."""
    story = tag(NewsItemPageFactory(parent=news_index, title="Story", date=day(0)), themes=[mining])
    for n in range(1, 5):
        tag(
            NewsItemPageFactory(parent=news_index, title=f"Other {n}", date=day(n)),
            regions=[loreto],
        )
    NewsItemPageFactory(parent=news_index, title="Draft", date=day(0), live=False)
    assert related(client, story) == ["Other 1", "Other 2", "Other 3"]
    # Positive control: once one story shares its theme, it alone is shown.
    tag(NewsItemPageFactory(parent=news_index, title="Old mining", date=day(40)), themes=[mining])
    assert related(client, story) == ["Old mining"]


def test_nothing_shared_in_spanish_the_newest_spanish_stories(
    client, news_index, spanish, spanish_home
):
    story = NewsItemPageFactory(parent=news_index, title="Story", date=day(5))
    NewsItemPageFactory(parent=news_index, title="Newest English", date=day(0))
    older = NewsItemPageFactory(parent=news_index, title="Older", date=day(9))
    translate(news_index, spanish, title="Noticias", slug="noticias")
    story_es = translate(story, spanish, title="Nota", slug="nota")
    translate(older, spanish, title="Nota anterior", slug="nota-anterior")
    assert related(client, story_es) == ["Nota anterior"]
    assert related(client, story) == ["Newest English", "Older"]


def test_a_site_of_one_story_has_no_section(client, news_index):
    story = NewsItemPageFactory(parent=news_index, title="Story")
    html = client.get(story.url).content.decode()
    assert "Related stories" not in html
    # Positive control: a second story gives it one.
    NewsItemPageFactory(parent=news_index, title="Other")
    assert related(client, story) == ["Other"]


def test_briefings_show_news_sharing_their_themes(client, news_index, briefing_index, mining):
    briefing = tag(
        BriefingPageFactory(parent=briefing_index, title="Mining briefing"), themes=[mining]
    )
    tag(NewsItemPageFactory(parent=news_index, title="Mining news"), themes=[mining])
    NewsItemPageFactory(parent=news_index, title="Other news")
    assert related(client, briefing) == ["Mining news"]


def test_spanish_pages_show_spanish_stories(client, news_index, spanish, spanish_home, loreto):
    story = tag(
        NewsItemPageFactory(parent=news_index, title="Story", date=day(5)), regions=[loreto]
    )
    other = tag(
        NewsItemPageFactory(parent=news_index, title="Other", date=day(1)), regions=[loreto]
    )
    translate(news_index, spanish, title="Noticias", slug="noticias")
    story_es = translate(story, spanish, title="Nota", slug="nota")
    # Positive control: until the other item is translated, the Spanish page has none.
    assert related(client, story_es) == []
    translate(other, spanish, title="Otra nota", slug="otra-nota")
    assert related(client, story_es) == ["Otra nota"]
    assert related(client, story) == ["Other"]
