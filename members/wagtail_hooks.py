from django.utils.html import format_html

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from wagtail_modeladmin.options import ModelAdmin, modeladmin_register
from wagtail_modeladmin.views import IndexView

from .models import MembershipApplication, MembershipPitch, MembershipTier

# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value):
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


class ApplicationIndexView(IndexView):
    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        return escape_formula(value) if isinstance(value, str) else value


class MembershipApplicationAdmin(ModelAdmin):
    model = MembershipApplication
    menu_label = "Applications"
    menu_icon = "form"
    menu_order = 300
    add_to_settings_menu = False
    index_view_class = ApplicationIndexView
    list_display = ("full_name", "email", "tier", "status_label", "created_at")
    list_filter = ("status", "tier", "created_at")
    search_fields = ("full_name", "email")
    inspect_view_enabled = True
    inspect_view_fields = (
        "full_name",
        "email",
        "address",
        "country",
        "tier",
        "heard_about",
        "gift_aid",
        "consent",
        "status",
        "created_at",
        "updated_at",
    )
    list_export = (
        "full_name",
        "email",
        "address",
        "country",
        "tier",
        "heard_about",
        "gift_aid",
        "consent",
        "status",
        "created_at",
    )
    export_filename = "membership-applications"
    form_fields_exclude = ("created_at", "updated_at")

    def status_label(self, obj):
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
