from django.contrib.admin import RelatedFieldListFilter, SimpleListFilter
from django.contrib.admin.utils import lookup_field
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import path, reverse
from django.utils.html import format_html
from django.views import View

from wagtail import hooks
from wagtail.admin.views.mixins import SpreadsheetExportMixin
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from wagtail_modeladmin.options import ModelAdmin, modeladmin_register
from wagtail_modeladmin.views import EditView, IndexView

from core.spreadsheets import SafeSpreadsheetMixin
from home import launch
from home.blocks import PRIVACY_NOTICE_BLOCK

from . import gift_aid
from .models import MembershipApplication, MembershipPitch, MembershipSettings, MembershipTier
from .notifications import queue_emails

Status = MembershipApplication.Status


class ApplicationIndexView(SafeSpreadsheetMixin, IndexView):
    def to_row_dict(self, item):
        # Real values rather than the list view's "-" placeholder, so "no Gift Aid" and
        # "not given" can be told apart.
        row = {}
        for field in self.list_export:
            _, _, value = lookup_field(field, item, self.model_admin)
            if isinstance(value, bool):
                value = "Yes" if value else "No"
            row[field] = "" if value is None else value
        return row


class GiftAidScheduleView(SafeSpreadsheetMixin, SpreadsheetExportMixin, View):
    """HMRC's Gift Aid schedule of the approved members who made a declaration, as CSV or (with
    ?export=xlsx) XLSX, for whoever may read the register (members/gift_aid.py)."""

    model_admin = None
    list_export = list(gift_aid.COLUMNS)
    export_headings = gift_aid.COLUMNS
    export_filename = "gift-aid-schedule"

    def get(self, request):
        if not self.model_admin.permission_helper.user_can_list(request.user):
            raise PermissionDenied
        applications = (
            MembershipApplication.objects.filter(status=Status.APPROVED, gift_aid=True)
            .select_related("tier")
            .order_by("created_at", "pk")
        )
        export_format = request.GET.get("export")
        if export_format not in self.FORMATS:
            export_format = self.FORMAT_CSV
        return self.as_spreadsheet(applications, export_format)

    def to_row_dict(self, item):
        return gift_aid.schedule_row(item)


class ApplicationEditView(EditView):
    def form_valid(self, form):
        released = (
            form.initial.get("status") == Status.SUSPECTED
            and form.cleaned_data["status"] == Status.NEW
        )
        with transaction.atomic():
            response = super().form_valid(form)
            if released:
                # Released from suspected spam: emailed as if it had just arrived.
                secretary = MembershipSettings.for_request(self.request).secretary_email
                queue_emails(self.instance, secretary_email=secretary)
        return response


class StatusFilter(SimpleListFilter):
    """By status, with suspected spam kept out of the register (and its exports) unless asked
    for, so the secretary finds it in one place and mails nobody by mistake."""

    title = "status"
    parameter_name = "status__exact"
    default_label = "All but suspected spam"

    def __init__(self, request, params, model, model_admin):
        # The shorter form a secretary might bookmark or type.
        if "status" in params and self.parameter_name not in params:
            params[self.parameter_name] = params.pop("status")
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        return Status.choices

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset.exclude(status=Status.SUSPECTED)
        return queryset.filter(status=self.value())

    def choices(self, changelist):
        yield {
            "selected": self.value() is None,
            # "status" removes both spellings of the filter.
            "query_string": changelist.get_query_string(remove=["status"]),
            "display": self.default_label,
        }
        for value, label in self.lookup_choices:
            yield {
                "selected": self.value() == str(value),
                "query_string": changelist.get_query_string(
                    {self.parameter_name: value}, remove=["status"]
                ),
                "display": label,
            }


class TierFilter(RelatedFieldListFilter):
    """Tiers in their own order; Django's version asks the Django admin, not installed here."""

    def field_admin_ordering(self, field, request, model_admin):
        return ()


class MembershipApplicationAdmin(ModelAdmin):
    model = MembershipApplication
    menu_label = "Applications"
    menu_icon = "form"
    menu_order = 300
    add_to_settings_menu = False
    index_view_class = ApplicationIndexView
    edit_view_class = ApplicationEditView
    list_display = ("full_name", "email", "tier", "status_label", "created_at")
    list_filter = (StatusFilter, ("tier", TierFilter), "language", "created_at")
    search_fields = ("full_name", "email")
    inspect_view_enabled = True
    inspect_view_fields = (
        *MembershipApplication.APPLICANT_FIELDS,
        "gift_aid_wording",
        "status",
        "spam_reason",
        "language",
        "created_at",
        "updated_at",
        "secretary_email_record",
        "applicant_email_record",
    )
    list_export = (*MembershipApplication.APPLICANT_FIELDS, "status", "language", "created_at")
    export_filename = "membership-applications"
    # Set by the join form, never by hand: the inspect view and exports show it.
    form_fields_exclude = (
        "spam_reason",
        "language",
        "gift_aid_wording",
        "created_at",
        "updated_at",
    )
    index_template_name = "members/admin/application_index.html"

    def get_admin_urls_for_registration(self):
        schedule = path(
            f"{self.url_helper.base_url_path}/gift-aid-schedule/",
            GiftAidScheduleView.as_view(model_admin=self),
            name=self.url_helper.get_action_url_name("gift_aid_schedule"),
        )
        return (*super().get_admin_urls_for_registration(), schedule)

    def status_label(self, obj):
        if obj.is_suspected and obj.spam_reason:
            return format_html(
                '<span class="w-status">{}</span> ({})',
                obj.get_status_display(),
                obj.get_spam_reason_display(),
            )
        return format_html('<span class="w-status">{}</span>', obj.get_status_display())

    status_label.short_description = "Status"
    status_label.admin_order_field = "status"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("tier")


modeladmin_register(MembershipApplicationAdmin)


class MembershipPitchViewSet(SnippetViewSet):
    model = MembershipPitch
    icon = "group"
    menu_label = "Why join?"
    list_display = ["heading", "cta_label"]


class MembershipTierViewSet(SnippetViewSet):
    model = MembershipTier
    icon = "tag"
    menu_label = "Membership tiers"
    list_display = ["name", "annual_fee", "description", "sort_order"]


class MembershipSnippets(SnippetViewSetGroup):
    items = (MembershipPitchViewSet, MembershipTierViewSet)
    menu_icon = "group"
    menu_label = "Membership"
    menu_name = "membership"


register_snippet(MembershipSnippets)


@hooks.register(launch.HOOK)
def membership_launch_checks(request, site):
    """Who hears of new applications, and the privacy notice the forms link to."""
    membership_settings = MembershipSettings.for_site(site)
    missing = []
    if not membership_settings.secretary_email.strip():
        missing.append(
            launch.Missing(
                "Membership secretary's email",
                "new membership applications are sent here; until then they are only kept in "
                "Applications.",
                launch.setting_url(MembershipSettings, site, "secretary_email"),
            )
        )
    page = membership_settings.privacy_page
    if page is None or not page.live:
        missing.append(
            launch.Missing(
                "Privacy notice",
                "choose the published page that explains how personal data is used; the join "
                "and contact forms link to it.",
                launch.setting_url(MembershipSettings, site, "privacy_page"),
            )
        )
    elif PRIVACY_NOTICE_BLOCK not in {
        block.block_type for block in getattr(page.specific, "body", None) or []
    }:
        missing.append(
            launch.Missing(
                "Privacy notice: the legal details",
                "add the 'Privacy notice details' block to the privacy page: it states who the "
                "data controller is, why and for how long each kind of data is kept, people's "
                "rights and how to complain to the ICO.",
                reverse("wagtailadmin_pages:edit", args=[page.pk]),
            )
        )
    return missing
