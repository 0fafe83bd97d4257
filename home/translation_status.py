"""Reports → Translations: every live English page and every translatable snippet, with the
state of its translation.

- Missing: no translation yet (an alias, which only mirrors the English page, counts as none).
  The link is wagtail-localize's "Translate" for it; a page whose parent has no translation
  says to translate the parent first, as wagtail-localize would otherwise make the parent an
  alias, showing the English text at a Spanish address.
- Not published yet: the translation exists but its latest text is not live (just started,
  or synced and not yet translated and published). The link opens it in the translation
  editor.
- Stale: the English source has changed since the translation was last synced. For a
  translation wagtail-localize keeps, that is the source's last publication after its
  TranslationSource's `last_updated_at` (when "Translate" or "Sync translated pages" last
  read the source); a snippet without publishing (themes, tiers) is compared by content, as
  wagtail-localize compares it. The link is wagtail-localize's "Sync translated pages" view.
  A translation made outside wagtail-localize (Wagtail's own copy for translation, as the
  demo content does) is stale when the English was published after it; its link opens it
  in the ordinary editor.
- Up to date: none of these.

The whole report costs a fixed number of queries, however many pages there are: three for the
pages and three per translatable snippet model (tests/test_translation_status.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import get_language_info

from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel, get_serializable_data_for_fields
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.models import DraftStateMixin, Locale, Page, TranslatableMixin
from wagtail.permissions import page_permission_policy
from wagtail.snippets.action_menu import ActionMenuItem as SnippetActionMenuItem
from wagtail.snippets.models import get_snippet_models

from wagtail_localize.models import Translation, TranslationSource

from core.i18n import default_locale_id
from core.spreadsheets import SafeSpreadsheetMixin

MISSING = "missing"
NOT_PUBLISHED = "not published"
STALE = "stale"
UP_TO_DATE = "up to date"
STATES = {
    MISSING: "Missing",
    NOT_PUBLISHED: "Not published yet",
    STALE: "Stale",
    UP_TO_DATE: "Up to date",
}
# Wagtail's page paths grow by this many characters a level.
STEPLEN = Page.steplen


def _url(name, args, query=""):
    return reverse(name, args=args) + query


# Addresses are worked out only for the rows shown (a page of the report, or its export has
# none), not for every page of a large site.
url = lazy(_url, str)


@dataclass
class Row:
    """One English page or snippet and the state of its translation."""

    kind: str
    title: str
    edit_url: str  # lazy, like action_url
    state: str
    action: str = ""
    action_url: str = ""
    note: str = ""

    @property
    def state_label(self):
        return STATES[self.state]


def can_see_report(user) -> bool:
    """Editors and above: people who may translate and may publish."""
    return user.has_perm("wagtail_localize.submit_translation") and (
        page_permission_policy.user_has_permission(user, "publish")
    )


def translatable_snippet_models() -> list[type]:
    """Snippets with a translation of their own; inline children (a pitch's reasons) come
    with their parent, so they are left out."""
    return sorted(
        (
            model
            for model in get_snippet_models()
            if issubclass(model, TranslatableMixin)
            and not any(isinstance(field, ParentalKey) for field in model._meta.get_fields())
        ),
        key=lambda model: str(model._meta.verbose_name),
    )


def synced_sources(locale_id: int, target: Locale, keys, content=False) -> dict:
    """The TranslationSources of these translation keys in `locale_id`, by key, each with
    `synced` set if wagtail-localize keeps a translation into `target` from it (and the
    content it read only if asked for)."""
    sources = TranslationSource.objects.filter(locale_id=locale_id, object_id__in=keys)
    if not content:
        sources = sources.defer("content_json")
    sources = sources.annotate(
        synced=Exists(
            Translation.objects.filter(source=OuterRef("pk"), target_locale=target, enabled=True)
        )
    )
    return {source.object_id: source for source in sources}


class TranslationStatus:
    """The rows of the report for translations into `target` of the default language."""

    def __init__(self, target: Locale, next_url: str = ""):
        self.target = target
        self.source_locale_id = default_locale_id()
        self.next_url = next_url

    def rows(self) -> list[Row]:
        if self.source_locale_id is None or self.target.pk == self.source_locale_id:
            return []
        return self.page_rows() + self.snippet_rows()

    # Pages

    def page_rows(self) -> list[Row]:
        english = (
            Page.objects.live()
            .filter(locale_id=self.source_locale_id, depth__gt=1)
            .order_by("path")
            .select_related("content_type")
            .only(
                "pk",
                "title",
                "path",
                "depth",
                "translation_key",
                "last_published_at",
                "content_type",
                "locale",
            )
        )
        keys = english.values("translation_key")
        translated = {
            page.translation_key: page
            for page in Page.objects.filter(locale=self.target, translation_key__in=keys).only(
                "pk", "translation_key", "live", "alias_of", "last_published_at"
            )
        }
        sources = synced_sources(self.source_locale_id, self.target, keys)
        english = list(english)
        by_path = {page.path: page for page in english}

        rows = []
        for page in english:
            translation = translated.get(page.translation_key)
            if translation is not None and translation.alias_of_id:
                translation = None
            model = page.content_type.model_class() or Page
            row = Row(
                kind=str(model._meta.verbose_name).capitalize(),
                title=page.title,
                edit_url=url("wagtailadmin_pages:edit", [page.pk]),
                state=UP_TO_DATE,
            )
            if translation is None:
                row.state = MISSING
                parent = by_path.get(page.path[:-STEPLEN])
                if parent is not None and not self.is_translated(
                    translated.get(parent.translation_key)
                ):
                    row.note = f"Translate “{parent.title}” first."
                else:
                    row.action = "Translate"
                    row.action_url = self.translate_url(
                        "wagtail_localize:submit_page_translation", [page.pk]
                    )
            else:
                self.set_state(
                    row,
                    source=sources.get(page.translation_key),
                    changed_at=page.last_published_at,
                    translation=translation,
                    translation_url=url("wagtailadmin_pages:edit", [translation.pk]),
                    translation_live=translation.live,
                )
            rows.append(row)
        return rows

    @staticmethod
    def is_translated(translation) -> bool:
        return translation is not None and not translation.alias_of_id

    # Snippets

    def snippet_rows(self) -> list[Row]:
        rows = []
        for model in translatable_snippet_models():
            rows += self.rows_for_snippet_model(model)
        return rows

    def rows_for_snippet_model(self, model) -> list[Row]:
        english = model.objects.filter(locale_id=self.source_locale_id)
        keys = english.values("translation_key")
        translated = {
            obj.translation_key: obj
            for obj in model.objects.filter(locale=self.target, translation_key__in=keys)
        }
        draftable = issubclass(model, DraftStateMixin)
        sources = synced_sources(self.source_locale_id, self.target, keys, content=not draftable)
        viewset = model.snippet_viewset
        kind = str(model._meta.verbose_name).capitalize()

        rows = []
        for obj in english:
            translation = translated.get(obj.translation_key)
            row = Row(
                kind=kind,
                title=str(obj),
                edit_url=url(viewset.get_url_name("edit"), [quote(obj.pk)]),
                state=UP_TO_DATE,
            )
            if translation is None:
                row.state = MISSING
                row.action = "Translate"
                row.action_url = self.translate_url(
                    "wagtail_localize:submit_snippet_translation",
                    [model._meta.app_label, model._meta.model_name, quote(obj.pk)],
                )
            else:
                source = sources.get(obj.translation_key)
                self.set_state(
                    row,
                    source=source,
                    changed_at=obj.last_published_at if draftable else None,
                    changed=None if draftable else self.content_changed(obj, source),
                    translation=translation,
                    translation_url=url(viewset.get_url_name("edit"), [quote(translation.pk)]),
                    translation_live=translation.live if draftable else True,
                )
            rows.append(row)
        return rows

    @staticmethod
    def content_changed(obj, source) -> bool:
        """Whether `obj` differs from what its TranslationSource holds, compared as
        wagtail-localize compares them before it updates a source. Without a source (a
        translation made outside wagtail-localize) there is nothing to compare: False."""
        if source is None:
            return False
        if isinstance(obj, ClusterableModel):
            content = json.loads(obj.to_json())
        else:
            content = json.loads(
                json.dumps(get_serializable_data_for_fields(obj), cls=DjangoJSONEncoder)
            )
        return content != json.loads(source.content_json)

    # Both

    def set_state(
        self,
        row,
        *,
        source,
        changed_at,
        translation,
        translation_url,
        translation_live,
        changed=None,
    ):
        synced = source is not None and source.synced
        if synced:
            if changed is None:
                changed = bool(changed_at and changed_at > source.last_updated_at)
            if changed:
                row.state = STALE
                row.action = "Update"
                row.action_url = url(
                    "wagtail_localize:update_translations",
                    [source.pk],
                    self.query(next=self.next_url),
                )
                return
            published_at = getattr(translation, "last_published_at", None)
            behind = isinstance(translation, DraftStateMixin) and (
                published_at is None or published_at < source.last_updated_at
            )
        else:
            published_at = getattr(translation, "last_published_at", None)
            if changed_at and published_at and changed_at > published_at:
                row.state = STALE
                row.action = "Edit translation"
                row.action_url = translation_url
                row.note = "Made without the translation editor: edit it to bring it up to date."
                return
            behind = False
        if not translation_live or behind:
            row.state = NOT_PUBLISHED
            row.action = "Finish translation"
        else:
            row.action = "Edit translation"
        row.action_url = translation_url

    def translate_url(self, name: str, args: list) -> str:
        # The language ticked already; without a `next`, wagtail-localize then opens the new
        # translation in its editor.
        return url(name, args, self.query(select_locale=self.target.language_code))

    @staticmethod
    def query(**params) -> str:
        params = {name: value for name, value in params.items() if value}
        return "?" + urlencode(params) if params else ""


class StateColumn(Column):
    cell_template_name = "home/admin/translation_state_cell.html"


class ActionColumn(Column):
    cell_template_name = "home/admin/translation_action_cell.html"


class TranslationStatusReportView(SafeSpreadsheetMixin, ReportView):
    """Reports → Translations, for editors and above; `?state=` shows one state only."""

    results_template_name = "home/admin/translation_status_results.html"
    index_url_name = "translation_status"
    index_results_url_name = "translation_status_results"
    header_icon = "wagtail-localize-language"
    page_title = "Translations"
    paginate_by = 100
    columns = [
        TitleColumn("title", label="English", get_url=lambda row: row.edit_url),
        Column("kind", label="Type"),
        StateColumn("state", label="Translation"),
        ActionColumn("action", label=""),
    ]
    list_export = ["kind", "title", "state_label"]
    export_headings = {"kind": "Type", "title": "English", "state_label": "Translation"}

    def dispatch(self, request, *args, **kwargs):
        if not can_see_report(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_filename(self):
        return "translations"

    def get_target(self) -> Locale | None:
        """The language reported on: ?locale=, else the first other than English (None if
        there is none yet)."""
        others = Locale.objects.exclude(pk=default_locale_id()).order_by("language_code")
        wanted = self.request.GET.get("locale")
        if not wanted:
            return others.first()
        for locale in others:
            if locale.language_code == wanted:
                return locale
        raise Http404("No such language.")

    @property
    def state(self) -> str:
        state = self.request.GET.get("state", "")
        return state if state in STATES else ""

    def get_queryset(self):
        self.target_locale = self.get_target()
        self.all_rows = []
        if self.target_locale is not None:
            report_url = reverse(self.index_url_name)
            self.all_rows = TranslationStatus(self.target_locale, next_url=report_url).rows()
        if self.state:
            return [row for row in self.all_rows if row.state == self.state]
        return self.all_rows

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = dict.fromkeys(STATES, 0)
        for row in self.all_rows:
            counts[row.state] += 1
        base = reverse(self.index_url_name)
        context["language"] = (
            get_language_info(self.target_locale.language_code)["name"]
            if self.target_locale
            else ""
        )
        context["current_state"] = self.state
        context["counts"] = [
            {
                "state": state,
                "label": label,
                "count": counts[state],
                "url": base + TranslationStatus.query(state=state),
            }
            for state, label in STATES.items()
        ]
        context["all_url"] = base
        context["total"] = len(self.all_rows)
        return context


class TranslationStatusMenuItem(MenuItem):
    def is_shown(self, request):
        return can_see_report(request.user)


class TranslateSnippetMenuItem(SnippetActionMenuItem):
    """A "Translate" item in a translatable snippet's menu (the footer's "More actions"), as
    pages have in theirs: wagtail-localize puts it only in the snippet listings."""

    name = "translate"
    label = "Translate"
    icon_name = "wagtail-localize-language"

    def is_shown(self, context):
        instance = context.get("instance")
        return (
            context["view"] == "edit"
            and isinstance(instance, TranslatableMixin)
            and context["request"].user.has_perm("wagtail_localize.submit_translation")
            and Locale.objects.exclude(
                pk__in=instance.get_translations(inclusive=True).values("locale_id")
            ).exists()
        )

    def get_url(self, parent_context):
        instance = parent_context["instance"]
        meta = instance._meta
        return reverse(
            "wagtail_localize:submit_snippet_translation",
            args=[meta.app_label, meta.model_name, quote(instance.pk)],
        )
