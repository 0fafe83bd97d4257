"""The admin's "News items" listing: every news item, filterable by date, theme and status."""

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Exists, OuterRef
from django.db.models.functions import Cast
from django.utils.formats import date_format

from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn, RelatedObjectsColumn
from wagtail.admin.ui.tables.pages import BulkActionsColumn, PageStatusColumn, PageTitleColumn
from wagtail.admin.viewsets.pages import PageListingViewSet
from wagtail.models import Page, Revision, WorkflowState
from wagtail.permissions import page_permission_policy

import django_filters

from home.models import Theme

from .models import NewsItemPage


def _workflow_state(status):
    """Whether a page's current workflow state has `status`."""
    return Exists(
        WorkflowState.objects.filter(
            base_content_type=ContentType.objects.get_for_model(Page),
            object_id=Cast(OuterRef("pk"), output_field=CharField()),
            status=status,
        )
    )


def _scheduled():
    """Whether a page has a revision approved to go live later (Wagtail's "Scheduled")."""
    return Exists(
        Revision.page_revisions.filter(
            object_id=Cast(OuterRef("pk"), output_field=CharField()),
            approved_go_live_at__isnull=False,
        )
    )


class StatusFilter(django_filters.ChoiceFilter):
    choices = [
        ("live", "Live"),
        ("changed", "Live, with unpublished changes"),
        ("draft", "Draft (not live)"),
        ("in_review", "In review"),
        ("needs_changes", "Changes requested"),
        ("scheduled", "Scheduled"),
        ("expired", "Expired"),
    ]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", self.choices)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        match value:
            case "live":
                return qs.filter(live=True)
            case "changed":
                return qs.filter(live=True, has_unpublished_changes=True)
            case "draft":
                return qs.filter(live=False, expired=False)
            case "in_review":
                return qs.filter(_workflow_state(WorkflowState.STATUS_IN_PROGRESS))
            case "needs_changes":
                return qs.filter(_workflow_state(WorkflowState.STATUS_NEEDS_CHANGES))
            case "scheduled":
                return qs.filter(_scheduled())
            case "expired":
                return qs.filter(expired=True)
        return qs


class NewsItemFilterSet(WagtailFilterSet):
    date = django_filters.DateFromToRangeFilter(
        label="Publication date", widget=DateRangePickerWidget
    )
    themes = django_filters.ModelMultipleChoiceFilter(
        label="Themes",
        queryset=Theme.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        distinct=True,
    )
    status = StatusFilter(label="Status", empty_label="Any")

    class Meta:
        model = NewsItemPage
        fields = []


class NewsItemIndexView(PageListingViewSet.index_view_class):
    default_ordering = "-date"
    page_title = "News items"

    def get_base_queryset(self):
        return super().get_base_queryset().prefetch_related("themes")


class NewsItemsMenuItem(MenuItem):
    def is_shown(self, request):
        # The same test as the listing itself: anyone who may work on pages.
        return page_permission_policy.user_has_any_permission(
            request.user, NewsItemIndexView.any_permission_required
        )


class NewsItemListingViewSet(PageListingViewSet):
    model = NewsItemPage
    name = "news_items"
    icon = "doc-full"
    menu_label = "News items"
    menu_order = 150
    add_to_admin_menu = True
    menu_item_class = NewsItemsMenuItem
    index_view_class = NewsItemIndexView
    filterset_class = NewsItemFilterSet
    columns = [
        BulkActionsColumn("bulk_actions"),
        PageTitleColumn("title", label="Title", sort_key="title", classname="title"),
        # The date itself ("20 Nov 2016"), not "8 years ago": it is a day, not a moment.
        Column(
            "date",
            label="Publication date",
            sort_key="date",
            width="14%",
            accessor=lambda page: date_format(page.date, "j M Y") if page.date else "",
        ),
        RelatedObjectsColumn("themes", label="Themes", width="18%"),
        PageStatusColumn("status", label="Status", sort_key="live", width="12%"),
        DateColumn(
            "latest_revision_created_at",
            label="Updated",
            sort_key="latest_revision_created_at",
            width="12%",
        ),
    ]


@hooks.register("register_admin_viewset")
def register_news_item_listing():
    return NewsItemListingViewSet()
