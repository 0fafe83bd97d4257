"""The register of Peru Update's subscribers in the admin, for the membership secretary: the list
with its filters, search, inspect view and exports (formula cells escaped); corrections (a name,
a language, unsubscribing someone); erasure; the import of an existing list with its consent
records; and the suppression list, which can be checked and added to but not listed, as it
keeps each address as a hash only.

Nobody becomes a confirmed subscriber by hand: there is no form to add one, the status can be
changed to "Unsubscribed" only, and an import takes a row only with its consent record and never
over the suppression list.

Permissions: the model's own. "view", "change" and "delete" a subscriber are the register;
"add" a subscriber is importing a list (the only way to add one here); "view" and "add" a
suppression are checking the suppression list and adding to it.
"""

import csv
import dataclasses
import datetime
import io
import os

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import FormView, TemplateView

from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry
from wagtail.permissions import ModelPermissionPolicy

import django_filters

from core.forms import no_control_characters
from core.spreadsheets import SafeSpreadsheetMixin

from .models import Subscriber, Suppression, normalise_email
from .models.subscribers import address_hash

Status = Subscriber.Status

# An import is a list of members, not a database, and it runs within one request: 5,000 rows
# take some 10 seconds, well inside the server's timeout (config/gunicorn.py).
IMPORT_MAX_BYTES = 1024 * 1024
IMPORT_MAX_ROWS = 5_000
IMPORT_COLUMNS = ["email", "name", "language", "consent_date", "consent_source"]
IMPORT_REQUIRED = ["email", "consent_date", "consent_source"]
# How a consent date may be written: ISO first; then the UK's day/month/year, as spreadsheets
# in the UK save it.
DATE_FORMATS = ["%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y"]


def forget_history(subscriber):
    """Drop the admin's history of a subscriber: its entries are labelled with the address."""
    ModelLogEntry.objects.for_instance(subscriber).delete()


def unsubscribe_by_hand(subscriber, now=None):
    """The membership secretary marks someone unsubscribed (they asked, by letter or phone): no
    more bulletins, and no sign-up or import brings the address back without its owner
    confirming again."""
    subscriber.status = Status.UNSUBSCRIBED
    subscriber.unsubscribed_at = now or timezone.now()
    Suppression.add(subscriber.email, Suppression.Reason.MANUAL)


class SubscriberPermissionPolicy(ModelPermissionPolicy):
    """The model's permissions, except that nobody may add a subscriber through a form (not
    even a superuser): "add" only lets one import a list, with its consent records."""

    def user_has_permission(self, user, action):
        if action in ("add", "copy"):
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


def may_import(user):
    return user.is_active and user.has_perm("bulletins.add_subscriber")


class SubscriberForm(WagtailAdminModelForm):
    """A correction: the name and the language. The status may only become "Unsubscribed":
    nobody is subscribed without confirming it themselves."""

    class Meta:
        model = Subscriber
        fields = ["name", "language", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].validators.append(no_control_characters)
        current = self.instance.status
        allowed = {current}
        if current in (Status.PENDING, Status.SUBSCRIBED):
            allowed.add(Status.UNSUBSCRIBED)
        status = self.fields["status"]
        status.choices = [(value, label) for value, label in Status.choices if value in allowed]
        if len(allowed) == 1:
            status.disabled = True
            status.help_text = (
                "Only the subscriber can change this, by signing up and confirming again."
            )
        else:
            status.help_text = (
                "Choose 'Unsubscribed' if they asked to stop receiving Peru Update: their "
                "address goes on the suppression list, so no sign-up or import brings it back "
                "unless they confirm again."
            )

    def save(self, commit=True):
        subscriber = super().save(commit=False)
        if "status" in self.changed_data and subscriber.status == Status.UNSUBSCRIBED:
            unsubscribe_by_hand(subscriber)
        if commit:
            subscriber.save()
        return subscriber


class SubscriberFilterSet(WagtailFilterSet):
    consent_at = django_filters.DateFromToRangeFilter(
        label="Consent date", widget=DateRangePickerWidget
    )

    class Meta:
        model = Subscriber
        fields = ["status", "language", "source"]


class SubscriberIndexView(SafeSpreadsheetMixin, generic.IndexView):
    def to_row_dict(self, item):
        row = super().to_row_dict(item)
        # Words, not codes, for the status and source; the language stays a code ("en"), as
        # an import takes it.
        row["status"] = item.get_status_display()
        row["source"] = item.get_source_display()
        return row

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        user = self.request.user
        if may_import(user):
            buttons.append(
                HeaderButton("Import a list", url=reverse("subscribers:import"), icon_name="upload")
            )
        if user.has_perm("bulletins.view_suppression"):
            buttons.append(
                HeaderButton(
                    "Suppression list", url=reverse("subscribers:suppression"), icon_name="cross"
                )
            )
        return buttons


class SubscriberEditView(generic.EditView):
    def save_instance(self):
        with transaction.atomic():
            return super().save_instance()


class EraseForm(forms.Form):
    suppress = forms.BooleanField(
        required=False,
        label="Also add the address to the suppression list",
        help_text="Tick this if they asked never to be written to again: the list keeps a "
        "one-way code of the address (not the address), so that no sign-up or import adds it "
        "unless they confirm again. Leave it unticked to forget them entirely.",
    )


class SubscriberDeleteView(generic.DeleteView):
    """Erasure: the subscriber and the admin's history of them, which names the address; the
    deletion itself is recorded without it."""

    form_class = EraseForm
    success_message = "The subscriber was deleted."

    def form_valid(self, form):
        self.suppress = form.cleaned_data["suppress"]
        return super().form_valid(form)

    def get_success_message(self):
        if self.suppress:
            return "The subscriber was deleted and their address added to the suppression list."
        return self.success_message

    def delete_action(self):
        subscriber = self.object
        with transaction.atomic():
            if self.suppress:
                Suppression.add(subscriber.email, Suppression.Reason.MANUAL)
            forget_history(subscriber)
            log(instance=subscriber, action="wagtail.delete", title="A subscriber (erased)")
            subscriber.delete()


class SubscriberInspectView(generic.InspectView):
    def get_field_label(self, field_name, field):
        if field_name == "on_suppression_list":
            return "On the suppression list"
        return super().get_field_label(field_name, field)

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        return "—" if value is None else value

    def get_on_suppression_list_display_value(self):
        return "Yes" if Suppression.holds(self.object.email) else "No"


# ---- Import -------------------------------------------------------------------------------


class ImportFileError(Exception):
    """A file that cannot be imported at all; its message says why, for the secretary."""


@dataclasses.dataclass
class RowOutcome:
    IMPORTED = "imported"
    ALREADY = "already"
    SUPPRESSED = "suppressed"
    REFUSED = "refused"

    line: int
    email: str
    outcome: str
    reason: str = ""


def read_import(upload):
    """The rows of an uploaded CSV file as (line number, {column: text}), or ImportFileError."""
    if upload.size > IMPORT_MAX_BYTES:
        raise ImportFileError(
            f"This file is too big ({filesizeformat(upload.size)}). The largest accepted is "
            f"{filesizeformat(IMPORT_MAX_BYTES)}: split the list into smaller files."
        )
    raw = upload.read()
    if not raw.strip():
        raise ImportFileError("This file is empty.")
    if raw.startswith(b"PK\x03\x04") or b"\x00" in raw:
        raise ImportFileError(
            "This is not a CSV file (a spreadsheet saved as XLSX, perhaps). In the spreadsheet "
            "program, choose Save As, then 'CSV UTF-8 (comma delimited)'."
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            "This file is not in UTF-8, so accented names would be garbled. In the spreadsheet "
            "program, choose Save As, then 'CSV UTF-8 (comma delimited)'."
        ) from None
    first_line = text.split("\n", 1)[0]
    # Spreadsheets in some languages separate CSV columns with semicolons.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows = []
    try:
        header = [heading.strip().lower().replace(" ", "_") for heading in next(reader, [])]
        missing = [column for column in IMPORT_REQUIRED if column not in header]
        if missing:
            raise ImportFileError(
                "The first row must name the columns: "
                f"{', '.join(IMPORT_COLUMNS)} (name and language may be left out). "
                f"Missing: {', '.join(missing)}."
            )
        repeated = sorted({column for column in header if column and header.count(column) > 1})
        if repeated:
            raise ImportFileError(f"The first row names a column twice: {', '.join(repeated)}.")
        for record in reader:
            if not any(cell.strip() for cell in record):
                continue
            if len(rows) == IMPORT_MAX_ROWS:
                raise ImportFileError(
                    f"This file has more than {IMPORT_MAX_ROWS:,} rows: split it into smaller "
                    "files."
                )
            rows.append((reader.line_num, dict(zip(header, record, strict=False))))
    except csv.Error as error:
        raise ImportFileError(
            f"Line {reader.line_num} could not be read as CSV ({error}). Check its quotation "
            "marks, or save the file again as 'CSV UTF-8'."
        ) from None
    if not rows:
        raise ImportFileError("This file has a header row but no subscribers below it.")
    return rows


def _language(value):
    """One of the site's language codes from 'es', 'en', 'en-GB', 'Spanish' or 'Español';
    empty means the site's own; None for anything else."""
    value = value.strip().lower()
    if not value:
        return settings.LANGUAGE_CODE
    names = {"english": "en", "inglés": "en", "ingles": "en", "spanish": "es", "español": "es"}
    names["espanol"] = "es"
    names.update((str(name).lower(), code) for code, name in settings.LANGUAGES)
    try:
        return get_supported_content_language_variant(names.get(value, value))
    except LookupError:
        return None


def _consent_moment(value):
    """The consent date as an aware datetime (midnight, UK time, for a date alone), or None."""
    value = value.strip()
    for date_format in DATE_FORMATS:
        try:
            moment = datetime.datetime.strptime(value, date_format)
        except ValueError:
            continue
        return timezone.make_aware(moment)
    return None


def _refusal(record, now):
    """Why a row cannot be imported, or None; with the cleaned values."""
    email = normalise_email(record.get("email") or "")
    cleaned = {"email": email}
    if not email:
        return "no email address", cleaned
    try:
        validate_email(email)
    except ValidationError:
        return "not a valid email address", cleaned
    name = " ".join((record.get("name") or "").split())
    try:
        no_control_characters(name)
    except ValidationError:
        return "the name contains hidden characters", cleaned
    if len(name) > 200:
        return "the name is longer than 200 characters", cleaned
    language = _language(record.get("language") or "")
    if language is None:
        codes = " or ".join(code.split("-")[0] for code, _ in settings.LANGUAGES)
        return f"language not understood (write {codes})", cleaned
    raw_date = (record.get("consent_date") or "").strip()
    if not raw_date:
        return "no consent date: without a record of their consent they cannot be imported", cleaned
    consent_at = _consent_moment(raw_date)
    if consent_at is None:
        return f"consent date '{raw_date}' not understood (write it as 2019-05-31)", cleaned
    if consent_at > now:
        return f"consent date {raw_date} is in the future", cleaned
    consent_source = " ".join((record.get("consent_source") or "").split())
    if not consent_source:
        return "no consent source: say where and how they agreed", cleaned
    try:
        no_control_characters(consent_source)
    except ValidationError:
        return "the consent source contains hidden characters", cleaned
    cleaned.update(
        name=name, language=language, consent_at=consent_at, consent_source=consent_source
    )
    return None, cleaned


def import_rows(rows, filename, *, now=None):
    """Each row added as a confirmed subscriber with its consent record, or skipped or refused,
    and why. Importing the same rows again changes nothing."""
    now = now or timezone.now()
    outcomes = []
    for line, record in rows:
        reason, cleaned = _refusal(record, now)
        email = cleaned["email"]
        if reason:
            outcomes.append(RowOutcome(line, email, RowOutcome.REFUSED, reason))
            continue
        if Suppression.holds(email):
            outcomes.append(
                RowOutcome(
                    line,
                    email,
                    RowOutcome.SUPPRESSED,
                    "on the suppression list: only its owner, by signing up and confirming, "
                    "can take it off",
                )
            )
            continue
        existing = Subscriber.objects.filter(email__iexact=email).first()
        if existing is not None:
            outcomes.append(
                RowOutcome(line, email, RowOutcome.ALREADY, existing.get_status_display())
            )
            continue
        consent_source = cleaned["consent_source"]
        try:
            with transaction.atomic():
                Subscriber.objects.create(
                    email=email,
                    name=cleaned["name"],
                    language=cleaned["language"],
                    status=Status.SUBSCRIBED,
                    source=Subscriber.Source.IMPORT,
                    source_detail=f"{filename}: {consent_source}"[:255],
                    consent_at=cleaned["consent_at"],
                    consent_wording=(
                        f"Imported on {timezone.localdate(now):%Y-%m-%d} from the list "
                        f"'{filename}', which records their consent as: {consent_source}"
                    ),
                    created_at=now,
                )
        except IntegrityError:
            # Signed up while the file was being read.
            outcomes.append(RowOutcome(line, email, RowOutcome.ALREADY, "just signed up"))
            continue
        outcomes.append(RowOutcome(line, email, RowOutcome.IMPORTED))
    return outcomes


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text=f"UTF-8 CSV with a header row, at most {filesizeformat(IMPORT_MAX_BYTES)}.",
    )


def clean_filename(name):
    name = os.path.basename(name or "").strip() or "unnamed file"
    return "".join(char for char in name if char.isprintable())[:100]


class ImportView(generic.WagtailAdminTemplateMixin, FormView):
    form_class = ImportForm
    template_name = "bulletins/admin/register_import.html"
    page_title = "Import a list of subscribers"
    header_icon = "upload"

    def dispatch(self, request, *args, **kwargs):
        if not may_import(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("subscribers:index"), "label": "Subscribers"},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            columns=IMPORT_COLUMNS,
            template_url=reverse("subscribers:import_template"),
            languages=settings.LANGUAGES,
            max_rows=IMPORT_MAX_ROWS,
        )
        return context

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        filename = clean_filename(upload.name)
        try:
            rows = read_import(upload)
        except ImportFileError as error:
            form.add_error("file", str(error))
            return self.form_invalid(form)
        with transaction.atomic():
            outcomes = import_rows(rows, filename)
        counts = {
            kind: sum(1 for outcome in outcomes if outcome.outcome == kind)
            for kind in (
                RowOutcome.IMPORTED,
                RowOutcome.ALREADY,
                RowOutcome.SUPPRESSED,
                RowOutcome.REFUSED,
            )
        }
        return self.render_to_response(
            self.get_context_data(
                form=self.form_class(), filename=filename, outcomes=outcomes, counts=counts
            )
        )


def import_template(request):
    """The header row an import expects, to fill in."""
    if not may_import(request.user):
        raise PermissionDenied
    response = HttpResponse("\ufeff" + ",".join(IMPORT_COLUMNS) + "\r\n", content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="peru-update-import.csv"'
    return response


# ---- The suppression list -----------------------------------------------------------------


class AddressForm(forms.Form):
    email = forms.EmailField(label="Email address", max_length=254)


class SuppressionView(generic.WagtailAdminTemplateMixin, TemplateView):
    """Check an address, add one; the counts by reason. Addresses are kept as hashes, so there
    is nothing to list."""

    template_name = "bulletins/admin/register_suppression.html"
    page_title = "Suppression list"
    header_icon = "cross"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("bulletins.view_suppression"):
            raise PermissionDenied
        self.may_add = request.user.has_perm("bulletins.add_suppression")
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("subscribers:index"), "label": "Subscribers"},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = dict(Suppression.objects.order_by().values_list("reason").annotate(n=Count("pk")))
        context.setdefault("check_form", AddressForm(prefix="check"))
        if self.may_add:
            context.setdefault("add_form", AddressForm(prefix="add"))
        context["counts"] = [
            (label, counts.get(value, 0)) for value, label in Suppression.Reason.choices
        ]
        context["total"] = sum(counts.values())
        return context

    def post(self, request):
        if "add-email" in request.POST:
            return self.add(request)
        form = AddressForm(request.POST, prefix="check")
        context = {"check_form": form}
        if form.is_valid():
            email = normalise_email(form.cleaned_data["email"])
            entry = Suppression.objects.filter(address_hash=address_hash(email)).first()
            context["checked"] = {"email": email, "entry": entry}
        return self.render_to_response(self.get_context_data(**context))

    def add(self, request):
        if not self.may_add:
            raise PermissionDenied
        form = AddressForm(request.POST, prefix="add")
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(add_form=form))
        email = normalise_email(form.cleaned_data["email"])
        if Suppression.holds(email):
            messages.info(request, f"{email} was already on the suppression list.")
            return redirect("subscribers:suppression")
        with transaction.atomic():
            Suppression.add(email, Suppression.Reason.MANUAL)
            subscriber = Subscriber.objects.select_for_update().filter(email__iexact=email).first()
            was = subscriber.get_status_display() if subscriber else None
            if subscriber and subscriber.status in (Status.PENDING, Status.SUBSCRIBED):
                unsubscribe_by_hand(subscriber)
                subscriber.save()
            else:
                was = None
        note = f" They were on the register ({was}) and are now marked unsubscribed." if was else ""
        messages.success(request, f"{email} is now on the suppression list.{note}")
        return redirect("subscribers:suppression")


# ---- Registration -------------------------------------------------------------------------


class SubscriberViewSet(ModelViewSet):
    model = Subscriber
    name = "subscribers"
    icon = "mail"
    menu_label = "Subscribers"
    menu_order = 310  # beside Applications (300)
    add_to_admin_menu = True
    index_view_class = SubscriberIndexView
    edit_view_class = SubscriberEditView
    delete_view_class = SubscriberDeleteView
    inspect_view_class = SubscriberInspectView
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = [
        "email",
        "name",
        Column("language", label="Language", accessor="get_language_display"),
        Column("status", label="Status", accessor="get_status_display", sort_key="status"),
        Column("source", label="Source", accessor="get_source_display", sort_key="source"),
        DateColumn("consent_at", label="Consent date", sort_key="consent_at"),
    ]
    filterset_class = SubscriberFilterSet
    search_fields = ["email", "name"]
    search_backend_name = None  # the database: Subscriber is not in the search index
    ordering = ["-created_at", "-pk"]
    list_per_page = 50
    list_export = [
        "email",
        "name",
        "language",
        "status",
        "source",
        "source_detail",
        "consent_wording",
        "consent_at",
        "created_at",
        "unsubscribed_at",
    ]
    export_headings = {
        "source_detail": "Where they agreed",
        "consent_wording": "What they agreed to",
        "consent_at": "Consent date",
        "created_at": "Added",
        "unsubscribed_at": "Left",
    }
    export_filename = "peru-update-subscribers"
    inspect_view_fields = [
        "email",
        "name",
        "language",
        "status",
        "on_suppression_list",
        "source",
        "source_detail",
        "consent_wording",
        "consent_at",
        "created_at",
        "confirmation_sent_at",
        "unsubscribed_at",
        "updated_at",
    ]
    delete_template_name = "bulletins/admin/register_confirm_delete.html"

    @property
    def permission_policy(self):
        return SubscriberPermissionPolicy(self.model)

    def get_form_class(self, for_update=False):
        return SubscriberForm

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("import/", ImportView.as_view(), name="import"),
            path("import/template.csv", import_template, name="import_template"),
            path("suppression/", SuppressionView.as_view(), name="suppression"),
        ]


@hooks.register("register_admin_viewset")
def register_subscribers():
    return SubscriberViewSet()


@hooks.register("register_permissions")
def suppression_permissions():
    # Checking the suppression list, and adding to it, in Settings → Groups.
    return Permission.objects.filter(
        content_type__app_label="bulletins",
        codename__in=["view_suppression", "add_suppression"],
    )
