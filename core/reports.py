"""Wagtail's own reports and the redirects listing, with their spreadsheets escaped
(core/spreadsheets.py), at Wagtail's own addresses: their exports hold what editors typed (page
titles, redirect addresses, their own names in the site history), which an administrator then
opens. config/urls.py puts these patterns before Wagtail's admin, so they answer first."""

from django.urls import path

from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.reports.aging_pages import AgingPagesView
from wagtail.admin.views.reports.audit_logging import LogEntriesView
from wagtail.admin.views.reports.locked_pages import LockedPagesView
from wagtail.admin.views.reports.workflows import WorkflowTasksView, WorkflowView
from wagtail.contrib.redirects.views import IndexView as RedirectsView
from wagtail.utils.urlpatterns import decorate_urlpatterns

from .spreadsheets import SafeSpreadsheetMixin

VIEWS = {
    "reports/locked/": LockedPagesView,
    "reports/workflow/": WorkflowView,
    "reports/workflow_tasks/": WorkflowTasksView,
    "reports/site-history/": LogEntriesView,
    "reports/aging-pages/": AgingPagesView,
    "redirects/": RedirectsView,
}


def _patterns():
    for address, view in VIEWS.items():
        safe = type(view.__name__, (SafeSpreadsheetMixin, view), {"__module__": __name__})
        yield path(address, safe.as_view())
        yield path(f"{address}results/", safe.as_view(results_only=True))


# As Wagtail's admin does for its own: for those who may use the admin only.
urlpatterns = decorate_urlpatterns(list(_patterns()), require_admin_access)
