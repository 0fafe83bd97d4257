"""`load_demo_content` builds the charity's site from the seed facts, and is safe to repeat."""

import datetime
import re

from django.contrib.auth import get_user_model
from django.core.management import call_command

from wagtail.models import Page, Site

import pytest

from briefings.models import BriefingPage
from demo import content as demo_content
from home.models import HomePage, StandardPage, Theme
from news.models import NewsItemPage

SEED_NEWS = [
    ("Detainees freed in Cordillera del Condor", "2016-11-27"),
    ("Peru invites UN and IACHR specialists to visit the sites of oil spills", "2016-11-27"),
    ("Experts share views on climate change and the problem of water scarcity", "2016-11-27"),
    ("University Law battle intensifies", "2016-11-20"),
    ("Saramurillo takes protest to Lima", "2016-11-20"),
    ("Mercury poisoning in Madre de Dios", "2016-11-20"),
    ("Fire strikes twice", "2016-11-20"),
    ("Mining: more protests, more deaths, some dialogue", "2016-11-13"),
    ("Mining output boosts exports", "2016-11-13"),
    ("Defending the defenders: human rights defenders at risk", "2016-11-06"),
]


def tree():
    """Everything a reader or editor could tell apart, page by page."""
    return [
        (p.path, p.title, p.slug, p.content_type_id, p.live, p.latest_revision_id)
        for p in Page.objects.order_by("path")
    ]


@pytest.fixture
def demo(demo_site):
    return demo_site


def test_running_twice_gives_the_same_tree(demo):
    first = tree()
    themes = list(Theme.objects.values_list("pk", "slug"))
    call_command("load_demo_content", verbosity=0)
    assert tree() == first
    assert list(Theme.objects.values_list("pk", "slug")) == themes
    assert Site.objects.count() == 1


def test_rerun_keeps_an_editors_changes(demo):
    item = NewsItemPage.objects.get(slug="fire-strikes-twice")
    item.summary = "Edited by an editor."
    item.save_revision().publish()
    home = HomePage.objects.get(locale__language_code="en-gb")
    home.aims = "<p>Edited aims.</p>"
    home.save_revision().publish()
    call_command("load_demo_content", verbosity=0)
    assert NewsItemPage.objects.get(slug="fire-strikes-twice").summary == "Edited by an editor."
    assert HomePage.objects.get(locale__language_code="en-gb").aims == "<p>Edited aims.</p>"


def test_news_items_match_the_seed(demo, client):
    html = client.get("/news/").content.decode()
    titles = re.findall(r'class="card__title"><a href="[^"]*">([^<]*)</a>', html)
    assert titles == [title for title, _ in SEED_NEWS]
    for title, date in SEED_NEWS:
        item = NewsItemPage.objects.get(title=title)
        assert item.live
        assert item.date == datetime.date.fromisoformat(date)
        assert item.summary
        # The seed's one paragraph is the summary, shown once as the lede, not again as body.
        assert not item.body
        page = client.get(item.url).content.decode()
        article = page[page.index("<article") : page.index("</article>")]
        assert article.count(item.summary[:60]) == 1
    assert '<time datetime="2016-11-06">6 November 2016</time>' in html


def test_home_page_shows_the_seed_page(demo, client):
    html = client.get("/").content.decode()
    assert "PSG Aims" in html
    assert "The Peru Support Group exists to promote social inclusion" in html
    assert html.count('class="card__title"') == 10 + 2  # ten news items, two briefings
    assert "Historical Overview" in html and "Human Rights" in html


def test_home_page_shows_the_seeds_membership_pitch(demo, client):
    html = client.get("/").content.decode()
    pitch = html.split('class="panel pitch"')[1].split("</section>")[0]
    assert "Why join the PSG?" in pitch
    assert re.findall(r"<li>([^<]+)</li>", pitch) == demo_content.WHY_JOIN
    assert '<a class="button" href="/join/">Become a member</a>' in pitch
    join = client.get("/join/").content.decode()
    assert "Individual" in join and "<form" in join


def test_briefings_and_standard_pages(demo, client):
    assert set(
        BriefingPage.objects.live()
        .filter(locale__language_code="en-gb")
        .values_list("title", flat=True)
    ) == {
        "Historical Overview",
        "Human Rights",
    }
    assert (
        "nearly 70,000 people died"
        in client.get("/briefings/historical-overview/").content.decode()
    )
    slugs = set(
        StandardPage.objects.live()
        .filter(locale__language_code="en-gb")
        .values_list("slug", flat=True)
    )
    assert slugs == {"about", "contact", "privacy", "accessibility"}
    for slug in slugs:
        response = client.get(f"/{slug}/")
        assert response.status_code == 200
    footer = client.get("/").content.decode().split('class="site-footer"')[1]
    assert 'href="/accessibility/"' in footer and 'href="/privacy/"' in footer


def test_main_navigation(demo, client):
    nav = client.get("/").content.decode().split('aria-label="Main"')[1].split("</nav>")[0]
    labels = re.findall(r">([^<>]+)</a>", nav)
    assert labels == ["Home", "News", "Briefings", "About", "Join us"]


def test_every_page_links_to_past_bulletins_from_its_footer(demo, client):
    for address, words, link in [
        ("/", "Past bulletins", 'href="/peru-update/"'),
        ("/es/", "Boletines anteriores", 'href="/es/peru-update/"'),
    ]:
        footer = client.get(address).content.decode().split("<footer")[1]
        assert words in footer and link in footer


def test_default_site_points_at_the_home_page(demo):
    site = Site.objects.get(is_default_site=True)
    assert isinstance(site.root_page.specific, HomePage)
    assert site.site_name == "Peru Support Group"


def test_no_invented_news(demo):
    assert (
        NewsItemPage.objects.filter(locale__language_code="en-gb").count()
        == len(demo_content.NEWS)
        == 10
    )
    # and each has its Spanish translation, nothing more
    assert NewsItemPage.objects.filter(locale__language_code="es").count() == 10


def test_demo_admin_only_with_debug(demo, settings):
    settings.DEBUG = False
    settings.DEMO_ADMIN_PASSWORD = "changeme"
    call_command("load_demo_content", verbosity=0)
    assert not get_user_model().objects.filter(username="admin").exists()

    settings.DEBUG = True
    call_command("load_demo_content", verbosity=0)
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.check_password("changeme")

    admin.set_password("a-better-password")
    admin.save()
    call_command("load_demo_content", verbosity=0)
    admin.refresh_from_db()
    assert admin.check_password("a-better-password")


def test_news_items_are_tagged_with_the_regions_their_text_names(demo):
    def regions(title):
        return {region.name for region in NewsItemPage.objects.get(title=title).regions.all()}

    assert regions("Detainees freed in Cordillera del Condor") == {"Amazonas"}
    assert regions("Saramurillo takes protest to Lima") == {"Loreto", "Lima (city)"}
    assert regions("Mercury poisoning in Madre de Dios") == {"Madre de Dios"}
    assert regions("Mining: more protests, more deaths, some dialogue") == {
        "Apurímac",
        "La Libertad",
    }
    # Positive control: an item that names no region of Peru has none.
    assert regions("University Law battle intensifies") == set()
