"""Every block in the shared library renders through its own template, in a real page."""

import datetime

from django.core.files.base import ContentFile

import pytest
import wagtail_factories

from home.blocks import BodyStreamBlock, StandardBodyStreamBlock
from members.models import MembershipPitch, MembershipReason
from tests.factories import NewsItemPageFactory


@pytest.fixture
def image(db):
    return wagtail_factories.ImageFactory(title="Protest in Lima", description="Marchers in Lima")


@pytest.fixture
def document(db):
    return wagtail_factories.DocumentFactory(
        title="Oxfam report", file=ContentFile(b"%PDF-1.4 test", name="defenders.pdf")
    )


@pytest.fixture
def pitch(db):
    pitch = MembershipPitch(heading="Why join the PSG?", cta_label="Become a member")
    pitch.reasons = [MembershipReason(text="Support the work of the Peru Support Group")]
    pitch.save()
    pitch.save_revision().publish()
    return pitch


def table_value():
    return {
        "caption": "Deaths in social conflicts",
        "columns": [{"type": "text", "heading": "Region"}, {"type": "number", "heading": "Deaths"}],
        "rows": [{"values": ["Apurímac", "1"]}, {"values": ["La Libertad", "2"]}],
    }


def samples(image, document, page, pitch):
    """A raw value for each block and what a reader must see when it renders."""
    return {
        "heading": (
            {"text": "Background to the dispute", "level": "h3"},
            ['<h3 class="block-heading">Background to the dispute</h3>'],
        ),
        "paragraph": (
            "<p>Pipeline breaks in <b>Loreto</b>.</p>",
            ["<p>Pipeline breaks in <b>Loreto</b>.</p>"],
        ),
        "image": (
            {
                "image": {"image": image.pk, "decorative": False, "alt_text": "Marchers in Lima"},
                "caption": "Saramurillo leaders in Lima",
                "credit": "PSG",
            },
            [
                'alt="Marchers in Lima"',
                "<figcaption>Saramurillo leaders in Lima",
                "<picture",
                'loading="lazy"',
                'width="',
                'height="',
                "srcset=",
            ],
        ),
        "quote": (
            {"text": "We want answers.", "attribution": "Miguel Manihuari"},
            ["<blockquote><p>We want answers.</p></blockquote>", "Miguel Manihuari"],
        ),
        "embed": (
            "https://www.youtube.com/watch?v=abc",
            ['href="https://www.youtube.com/watch?v=abc"', "Saramurillo march in Lima", "YouTube"],
        ),
        "document": (
            {"document": document.pk, "label": "Read the report"},
            [f'href="{document.url}"', "Read the report", "PDF"],
        ),
        "call_to_action": (
            {"label": "Read the news", "page": page.pk, "url": ""},
            [f'<a class="button" href="{page.url}">Read the news</a>'],
        ),
        "citation": (
            {
                "publication": "The Guardian",
                "headline": "Mercury crisis in Madre de Dios",
                "url": "https://www.theguardian.com/example",
                "date": "2016-11-20",
            },
            ["<cite>", "Mercury crisis in Madre de Dios", "The Guardian", 'datetime="2016-11-20"'],
        ),
        "membership_pitch": (
            pitch.pk,
            ["<h2", "Why join the PSG?", "<li>Support the work of the Peru Support Group</li>"],
        ),
        "table": (
            table_value(),
            [
                "<caption>Deaths in social conflicts</caption>",
                '<th scope="col">Region</th>',
                "Apurímac",
            ],
        ),
    }


def test_every_block_renders_in_a_page(client, news_index, image, document, pitch):
    target = NewsItemPageFactory(parent=news_index, title="Target")
    cases = samples(image, document, target, pitch)
    assert set(cases) == set(BodyStreamBlock.base_blocks), "every block needs a sample here"
    item = NewsItemPageFactory(parent=news_index, title="Every block")
    item.body = [{"type": name, "value": raw} for name, (raw, _) in cases.items()]
    item.save_revision().publish()
    html = client.get(item.url).content.decode()
    for name, (_, expected) in cases.items():
        for fragment in expected:
            assert fragment in html, f"{name}: {fragment!r} missing"
    assert "<iframe" not in html  # embeds never load the provider's player by themselves


@pytest.mark.parametrize("name", list(StandardBodyStreamBlock.base_blocks))
def test_each_block_is_described_for_editors(db, name):
    block = StandardBodyStreamBlock.base_blocks[name]
    assert block.meta.icon and block.meta.icon != "placeholder"
    assert block.meta.template == f"blocks/{block.meta.template.split('/')[-1]}"
    assert block.meta.description
    # The preview editors see in the block chooser renders without error.
    block.render(block.get_preview_value())


def test_the_privacy_notice_details_are_offered_on_plain_pages_only_and_once():
    assert set(StandardBodyStreamBlock.base_blocks) - set(BodyStreamBlock.base_blocks) == {
        "privacy_notice"
    }
    assert StandardBodyStreamBlock().meta.block_counts == {"privacy_notice": {"max_num": 1}}


def test_rich_text_offers_no_top_level_heading():
    features = BodyStreamBlock.base_blocks["paragraph"].features
    assert {"bold", "link", "ul"} <= set(features)
    assert "h1" not in features
    assert "image" not in features  # images go through the image block, which asks for alt text


def test_call_to_action_needs_exactly_one_destination(news_index):
    from wagtail.blocks import StructBlockValidationError

    block = BodyStreamBlock.base_blocks["call_to_action"]
    with pytest.raises(StructBlockValidationError):
        block.clean(block.to_python({"label": "Join", "page": None, "url": ""}))
    with pytest.raises(StructBlockValidationError):
        block.clean(
            block.to_python({"label": "Join", "page": news_index.pk, "url": "https://x.org/"})
        )
    assert block.clean(block.to_python({"label": "Join", "page": None, "url": "https://x.org/"}))


def test_decorative_image_has_empty_alt(client, news_index, image):
    item = NewsItemPageFactory(parent=news_index)
    item.body = [{"type": "image", "value": {"image": {"image": image.pk, "decorative": True}}}]
    item.save_revision().publish()
    assert 'alt=""' in client.get(item.url).content.decode()


def test_citation_date_is_a_date():
    block = BodyStreamBlock.base_blocks["citation"]
    value = block.to_python({"publication": "The Guardian", "headline": "H", "date": "2016-11-20"})
    assert value["date"] == datetime.date(2016, 11, 20)
