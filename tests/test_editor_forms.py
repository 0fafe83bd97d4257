"""Every demo page, snippet and setting, in both languages, saves unchanged through the admin's
own form: an editor who opens one and presses "Save draft" (or "Save") meets no error the site
set, such as a limit shorter than the charity's own texts."""

import json
import re

from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse

from wagtail import blocks
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.contrib.settings.registry import registry as settings_registry
from wagtail.models import Page, RevisionMixin, Site
from wagtail.snippets.models import get_snippet_models
from wagtail.test.utils import WagtailTestUtils

import pytest

from news.models import NewsItemPage

pytestmark = pytest.mark.slow

BLOCK_KEY = re.compile(r' data-block-key=\\*"[^"\\]*\\*"')


@pytest.fixture
def editor_client(demo_site, client):
    user = get_user_model().objects.create_superuser("forms", "forms@example.org", "x")
    client.force_login(user)
    client.user = user
    return client


def block_form_data(block, state, prefix):
    """The fields Wagtail's JavaScript adds to the form for a StreamField (or any block-based
    field) rendered with `state`, as a browser submits them."""
    if isinstance(block, blocks.StreamBlock | blocks.ListBlock):
        data = {f"{prefix}-count": str(len(state))}
        for i, child in enumerate(state):
            item = f"{prefix}-{i}"
            data |= {f"{item}-id": child.get("id") or "", f"{item}-deleted": ""}
            data[f"{item}-order"] = str(i)
            if isinstance(block, blocks.StreamBlock):
                data[f"{item}-type"] = child["type"]
                child_block = block.child_blocks[child["type"]]
            else:
                child_block = block.child_block
            data |= block_form_data(child_block, child["value"], f"{item}-value")
        return data
    if isinstance(block, blocks.StructBlock):
        data = {}
        for name, child_block in block.child_blocks.items():
            data |= block_form_data(child_block, state.get(name), f"{prefix}-{name}")
        return data
    # A field: a chooser's state describes the chosen object, a checkbox sends "on" if ticked,
    # a drop-down list its one chosen value (its state is a list).
    if isinstance(block, blocks.ChoiceBlock) and isinstance(state, list):
        return {prefix: state[0] if state else ""}
    if isinstance(state, dict):
        return {prefix: state["id"] if "id" in state else json.dumps(state)}
    if isinstance(state, bool):
        return {prefix: "on"} if state else {}
    return {prefix: "" if state is None else state}


def block_fields(form):
    """{name in the form: block} for every block-based field of `form` and its formsets."""
    found = {
        bound.html_name: bound.field.block
        for bound in form
        if isinstance(getattr(bound.field, "block", None), blocks.Block)
    }
    for formset in getattr(form, "formsets", {}).values():
        for child in formset.forms:
            found |= block_fields(child)
    return found


def form_fields(form):
    """The fields a browser sends from `form` (a parsed <form>), by name: what each input,
    text area and list shows; a ticked box's value, "on" if it has none."""
    data = {}
    for element in form.find_all(["input", "textarea", "select"]):
        name, kind = element.get("name"), element.get("type", "text")
        if not name or element.has_attr("disabled") or kind in ("submit", "button", "file"):
            continue
        if element.name == "textarea":
            # The HTML parser drops the newline that starts a text area's content.
            values = [element.get_text().removeprefix("\n")]
        elif element.name == "select":
            options = element.find_all("option")
            chosen = [option for option in options if option.has_attr("selected")]
            if not chosen and options and not element.has_attr("multiple"):
                chosen = options[:1]
            values = [option.get("value", option.get_text()) for option in chosen]
        elif kind in ("checkbox", "radio"):
            values = [element.get("value", "on")] if element.has_attr("checked") else []
        else:
            values = [element.get("value", "")]
        data.setdefault(name, []).extend(values)
    data.pop("csrfmiddlewaretoken", None)
    return data


def filled_in(response):
    """What a browser sends when the editor presses the form's default button (Save draft, or
    Save) without changing anything: every field as the page rendered it, the block-based ones
    as Wagtail's JavaScript fills them in."""
    soup = WagtailTestUtils.get_soup(response.content.decode())
    data = form_fields(soup.select_one("form[data-edit-form]"))
    for name, block in block_fields(response.context["form"]).items():
        widget = soup.find(id=name, attrs={"data-controller": "w-block"})
        state, _error = json.loads(widget["data-w-block-arguments-value"])
        for key, value in block_form_data(block, state, name).items():
            data[key] = [value]
    return data


def errors_shown(response):
    """The error messages an editor would read on the page, as text."""
    soup = WagtailTestUtils.get_soup(response.content.decode())
    shown = soup.select(".error-message, .messages .error, .help-critical")
    return [" ".join(element.get_text().split()) for element in shown]


def fields_of(obj):
    """An object's fields as its revisions keep them (for one without revisions: its own)."""
    if hasattr(obj, "serializable_data"):
        return obj.serializable_data()
    return {field.name: field.value_from_object(obj) for field in obj._meta.concrete_fields}


def saved(obj):
    """What `obj` holds now: its newest draft, if it keeps revisions."""
    fresh = type(obj).objects.get(pk=obj.pk)
    if isinstance(fresh, RevisionMixin):
        return fresh.get_latest_revision().content
    return fields_of(fresh)


def parsed(value):
    """A StreamField as data: its stored JSON text keeps the database's key order (PostgreSQL's
    jsonb sorts them), which is no change an editor made."""
    if isinstance(value, str) and value.startswith("["):
        try:
            return json.loads(value)
        except ValueError:
            pass
    return value


def comparable(data, names):
    """The fields `names` of `data`, as text to compare: Draftail gives each paragraph a
    key of its own when it turns the editor's content back into HTML."""
    return {
        name: BLOCK_KEY.sub(
            "", json.dumps(parsed(data.get(name)), sort_keys=True, cls=DjangoJSONEncoder)
        )
        for name in names
    }


def describe(obj):
    locale = getattr(obj, "locale", None)
    return f"{type(obj).__name__} '{obj}' ({locale.language_code if locale else 'no locale'})"


def save_unchanged(client, obj, edit_url):
    """Open `obj`'s edit view and submit it untouched, as a browser would. What went wrong,
    or None: the form refused (with the errors it shows), or what it saved is not `obj`."""
    before = fields_of(obj)
    shown = client.get(edit_url)
    assert shown.status_code == 200, edit_url
    form = shown.context["form"]
    response = client.post(edit_url, filled_in(shown))
    if response.status_code != 302:
        return (describe(obj), response.status_code, errors_shown(response))
    names = [*form.fields, *getattr(form, "formsets", {})]
    if comparable(before, names) != comparable(saved(obj), names):
        return (describe(obj), "saved something else")
    return None


def test_every_demo_page_saves_as_a_draft_unchanged_in_both_languages(editor_client):
    pages = [page.specific for page in Page.objects.filter(depth__gt=1).order_by("path")]
    assert {page.locale.language_code for page in pages} == {"en-gb", "es"}
    assert len(pages) >= 40  # the whole demo site, in both languages
    problems = [
        save_unchanged(editor_client, page, reverse("wagtailadmin_pages:edit", args=(page.pk,)))
        for page in pages
    ]
    assert [problem for problem in problems if problem] == []


def test_every_demo_snippet_and_setting_saves_unchanged(editor_client):
    finder = AdminURLFinder(editor_client.user)
    snippets = [obj for model in get_snippet_models() for obj in model.objects.all()]
    assert {type(obj).__name__ for obj in snippets} >= {
        "Theme",
        "MembershipTier",
        "MembershipPitch",
    }
    assert {obj.locale.language_code for obj in snippets} == {"en-gb", "es"}
    site = Site.objects.get(is_default_site=True)
    problems = [save_unchanged(editor_client, obj, finder.get_edit_url(obj)) for obj in snippets]
    for model in settings_registry:
        meta = model._meta
        url = reverse("wagtailsettings:edit", args=(meta.app_label, meta.model_name, site.pk))
        problems.append(save_unchanged(editor_client, model.for_site(site), url))
    assert [problem for problem in problems if problem] == []


def test_an_over_long_summary_is_refused_with_the_limit(editor_client):
    item = NewsItemPage.objects.get(slug="saramurillo-takes-protest-to-lima")
    edit_url = reverse("wagtailadmin_pages:edit", args=(item.pk,))
    shown = editor_client.get(edit_url)
    data = filled_in(shown)
    data["summary"] = ["x" * 601]
    revisions = item.revisions.count()
    response = editor_client.post(edit_url, data)
    assert response.status_code == 200
    assert "Ensure this value has at most 600 characters (it has 601)." in errors_shown(response)
    assert item.revisions.count() == revisions
    # The same form, with the summary as it was, saves: only the summary was wrong.
    data["summary"] = [item.summary]
    assert editor_client.post(edit_url, data).status_code == 302
    assert item.revisions.count() == revisions + 1
