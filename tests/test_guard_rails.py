"""What keeps editors' content sound: help text, limited rich text, the summary counter and
the content checker's configuration (the browser tests see the checks fire)."""

import json
import re
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from wagtail import blocks
from wagtail.admin.panels import get_edit_handler
from wagtail.admin.userbar import ContentCheckerItem
from wagtail.contrib.settings.registry import registry as settings_registry
from wagtail.fields import RichTextField, StreamField
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page, get_page_models
from wagtail.snippets.models import get_snippet_models

import pytest

from home.blocks import RICH_TEXT_FEATURES, CaptionedImageBlock
from home.wagtail_hooks import CONTENT_CHECKS, CONTENT_RULES, SiteContentChecker
from tests.factories import NewsItemPageFactory

CHECKS_JS = Path(settings.BASE_DIR) / "static" / "js" / "admin" / "content-checks.js"
# Wagtail's own fields, explained where they appear: the schedule dialog and comment settings.
WAGTAIL_FIELDS = {"go_live_at", "expire_at", "comment_notifications"}


def editable_models():
    return [
        *(model for model in get_page_models() if model is not Page),
        *get_snippet_models(),
        *settings_registry,
    ]


def forms_of(model):
    """The admin form for `model` and the forms of its inline panels."""
    handler = model.get_edit_handler() if issubclass(model, Page) else get_edit_handler(model)
    form = handler.get_form_class()()
    yield model.__name__, form
    for name, formset in getattr(form, "formsets", {}).items():
        if name == "comments":  # Wagtail's commenting UI, not a form editors fill in
            continue
        yield f"{model.__name__}.{name}", formset.empty_form


@pytest.mark.parametrize("model", editable_models(), ids=lambda model: model.__name__)
def test_every_field_an_editor_sees_has_help_text(model, db):
    for name, form in forms_of(model):
        missing = [
            field_name
            for field_name, field in form.fields.items()
            if not field.help_text
            and field_name not in WAGTAIL_FIELDS
            and not field.widget.is_hidden
            and field_name not in ("id", "DELETE", "ORDER")
        ]
        assert not missing, f"{name}: no help text on {missing}"


def rich_text_blocks(block):
    if isinstance(block, blocks.RichTextBlock):
        yield block
    for child in getattr(block, "child_blocks", {}).values():
        yield from rich_text_blocks(child)
    if isinstance(block, blocks.ListBlock):
        yield from rich_text_blocks(block.child_block)


def test_rich_text_everywhere_offers_only_the_designed_features():
    found = 0
    for model in editable_models():
        for field in model._meta.get_fields():
            if isinstance(field, RichTextField):
                found += 1
                assert field.features == RICH_TEXT_FEATURES, f"{model.__name__}.{field.name}"
            if isinstance(field, StreamField):
                for block in rich_text_blocks(field.stream_block):
                    found += 1
                    assert block.features == RICH_TEXT_FEATURES, f"{model.__name__}.{field.name}"
    assert found > 5
    assert not {"h1", "image", "embed"} & set(RICH_TEXT_FEATURES)


class TestContentChecker:
    def test_runs_every_wcag_22_aa_rule_and_wagtails_own(self):
        options = SiteContentChecker().get_axe_options(None)
        assert options["runOnly"] == ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
        for rule in ContentCheckerItem.axe_run_only:
            assert options["rules"][rule] == {"enabled": True}

    def test_the_editors_panel_skips_only_target_size(self):
        on_site = SiteContentChecker().get_axe_options(None)
        in_editor = SiteContentChecker(in_editor=True).get_axe_options(None)
        assert "target-size" not in on_site["rules"]
        assert in_editor["rules"] == {**on_site["rules"], "target-size": {"enabled": False}}
        assert in_editor["runOnly"] == on_site["runOnly"]

    def test_each_site_rule_is_enabled_explained_and_has_its_check(self):
        checker = SiteContentChecker()
        spec = checker.get_axe_spec(None)
        check_ids = {check["id"] for check in spec["checks"]}
        registered = set(re.findall(r'registerCheck\("([\w-]+)"', CHECKS_JS.read_text()))
        assert {rule["id"] for rule in CONTENT_RULES} == {
            "psg-news-summary",
            "psg-news-themes",
            "psg-image-alt",
            "psg-link-text",
        }
        for rule in CONTENT_RULES:
            assert rule in spec["rules"]
            assert checker.get_axe_options(None)["rules"][rule["id"]] == {"enabled": True}
            assert set(rule["any"]) <= check_ids
            assert set(rule["any"]) <= registered, "check without JavaScript"
            messages = checker.get_axe_messages(None)[rule["id"]]
            assert messages["error_name"] and messages["help_text"]
        assert {check["id"] for check in CONTENT_CHECKS} <= registered
        # Wagtail's own custom rules are kept.
        assert {"alt-text-quality", "empty-meta-description"} <= {r["id"] for r in spec["rules"]}

    def test_link_text_pattern(self):
        [check] = [c for c in CONTENT_CHECKS if c["id"] == "psg-link-text"]
        pattern = re.compile(check["options"]["pattern"], re.IGNORECASE)
        for text in ["click here", "Click Here", "here", "read more", "more"]:
            assert pattern.search(text), text
        for text in ["the full report", "click here to read the report", "Read more about mining"]:
            assert not pattern.search(text), text

    def test_the_userbar_on_a_page_uses_it(self, news_index):
        item = NewsItemPageFactory(parent=news_index)
        client = Client()
        client.force_login(get_user_model().objects.create_superuser("ed", "ed@x.org", "pw"))
        html = client.get(item.url).content.decode()
        config = json.loads(
            re.search(r'id="checker-axe-configuration"[^>]*>(.*?)</script>', html, re.S)[1]
        )
        assert config["options"]["runOnly"] == [
            "wcag2a",
            "wcag2aa",
            "wcag21a",
            "wcag21aa",
            "wcag22aa",
        ]
        assert "psg-link-text" in {rule["id"] for rule in config["spec"]["rules"]}
        assert 'src="/static/js/admin/content-checks.js"' in html
        # The element the news item checks look at.
        assert 'data-content-check="news-item"' in html
        assert "data-content-check-summary" in html

    def test_the_editors_checks_panel_uses_it(self, news_index, admin_client):
        item = NewsItemPageFactory(parent=news_index)
        html = admin_client.get(reverse("wagtailadmin_pages:edit", args=(item.pk,))).content
        config = json.loads(
            re.search(r'id="checker-axe-configuration"[^>]*>(.*?)</script>', html.decode(), re.S)[1]
        )
        assert "psg-news-summary" in {rule["id"] for rule in config["spec"]["rules"]}

    def test_readers_get_no_checker(self, news_index, client, admin_client):
        item = NewsItemPageFactory(parent=news_index)
        assert "checker-axe-configuration" in admin_client.get(item.url).content.decode()
        html = client.get(item.url).content.decode()
        assert "checker-axe-configuration" not in html
        assert "content-checks.js" not in html


def test_the_summary_counter_is_on_every_admin_page_and_summaries_have_a_limit(
    news_index, admin_client
):
    item = NewsItemPageFactory(parent=news_index)
    html = admin_client.get(reverse("wagtailadmin_pages:edit", args=(item.pk,))).content.decode()
    assert re.search(r'<script src="/static/js/admin/character-count.js" defer>', html)
    summary = re.search(r"<textarea[^>]*name=\"summary\"[^>]*>", html)[0]
    assert 'maxlength="600"' in summary


def test_a_decorative_image_is_marked_so_the_alt_text_check_allows_it(db):
    image = Image.objects.create(title="Pattern", file=get_test_image_file())
    block = CaptionedImageBlock()

    def render(decorative, alt_text):
        value = block.to_python(
            {"image": {"image": image.pk, "decorative": decorative, "alt_text": alt_text}}
        )
        return block.render(value)

    decorative = render(True, "")
    assert "data-decorative" in decorative and 'alt=""' in decorative
    described = render(False, "Women marching in Lima")
    assert "data-decorative" not in described and 'alt="Women marching in Lima"' in described
