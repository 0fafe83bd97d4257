"""generate_content: invented news items in bulk, published, themed, searchable, removable."""

import re
from io import StringIO

from django.core.management import CommandError, call_command

from wagtail.models import Page
from wagtail.search.models import IndexEntry

import pytest

from news.models import NewsItemPage
from tests.conftest import translate
from tests.factories import NewsItemPageFactory, ThemeFactory


def generate(*args):
    out = StringIO()
    call_command("generate_content", *args, stdout=out)
    return out.getvalue()


def test_adds_items_that_are_live_themed_and_searchable(client, news_index):
    for slug in ("mining-and-oil", "environment", "human-rights", "indigenous-peoples"):
        ThemeFactory(name=slug.replace("-", " ").capitalize(), slug=slug)
    NewsItemPageFactory(parent=news_index, title="Real item")

    assert "Added 30 generated news items" in generate("--news", "30")
    assert "Added 5 generated news items" in generate("--news", "5", "--seed", "2")

    news_index.refresh_from_db()
    assert news_index.numchild == 36
    assert NewsItemPage.objects.child_of(news_index).live().public().count() == 36
    assert Page.find_problems() == ([], [], [], [], [])
    generated = NewsItemPage.objects.filter(slug__startswith="generated-")
    assert generated.count() == 35
    assert generated.filter(themes__isnull=False).exists()

    item = generated.order_by("path").last()
    assert client.get(item.url).status_code == 200
    # Indexed with its body: its title and a word from its first paragraph find it.
    body_word = re.findall(r"[A-Za-z]{6,}", item.body[0].value.source)[-1]
    query = f'"{item.title}" {body_word}'
    assert item.url in client.get("/search/", {"query": query}).content.decode()


def test_remove_deletes_only_generated_items(news_index):
    real = NewsItemPageFactory(parent=news_index, title="Real item")
    generate("--news", "12")
    assert "Removed 12 generated news items" in generate("--remove")
    assert list(NewsItemPage.objects.all()) == [real]
    news_index.refresh_from_db()
    assert news_index.numchild == 1
    assert Page.find_problems() == ([], [], [], [], [])
    indexed = set(IndexEntry.objects.values_list("object_id", flat=True))
    assert str(real.pk) in indexed
    assert not indexed - {str(page.pk) for page in Page.objects.all()}


def test_needs_a_news_index(home_page):
    with pytest.raises(CommandError, match="no news index page"):
        generate("--news", "3")


def test_spanish_items_need_the_spanish_news_list(news_index, spanish_home):
    with pytest.raises(CommandError, match="news list in Spanish"):
        generate("--news", "4", "--spanish", "0.25")
    assert not NewsItemPage.objects.filter(slug__startswith="generated-").exists()


def test_a_share_of_the_items_in_spanish(client, news_index, spanish_home, spanish):
    news_es = translate(news_index, spanish, title="Noticias", slug="noticias")
    assert "Added 20 generated news items" in generate("--news", "20", "--spanish", "0.25")
    generated = NewsItemPage.objects.filter(slug__startswith="generated-")
    spanish = generated.filter(locale__language_code="es")
    assert spanish.count() == 5
    assert generated.filter(locale=news_index.locale).count() == 15
    # Each list numbers its own items.
    steps = sorted(int(slug.split("-")[1]) for slug in spanish.values_list("slug", flat=True))
    assert steps == [1, 2, 3, 4, 5]
    item = spanish.order_by("path").first()
    assert client.get(item.url).status_code == 200
    assert Page.find_problems() == ([], [], [], [], [])
    news_index.refresh_from_db()
    news_es.refresh_from_db()
    assert (news_index.numchild, news_es.numchild) == (15, 5)
    assert item.url.startswith("/es/noticias/")
    # Written in Spanish, and found by its words.
    words = re.findall(r"\w{7,}", item.title)
    assert item.url in client.get("/search/", {"query": " ".join(words)}).content.decode()


def test_the_share_is_checked(news_index):
    with pytest.raises(CommandError, match="share from 0 to 1"):
        generate("--news", "3", "--spanish", "1.5")


def test_items_carry_the_regions_their_text_names(news_index):
    generate("--news", "40")
    tagged = 0
    for item in NewsItemPage.objects.prefetch_related("regions"):
        text = f"{item.title} {item.summary} {item.body}"
        for region in item.regions.all():
            assert region.name.split(" (")[0] in text or region.spanish_name in text
            tagged += 1
    # Positive control: the invented texts do name regions, so some are tagged.
    assert tagged >= 10
