from django.urls import path, reverse

from wagtail import hooks
from wagtail.admin.menu import AdminOnlyMenuItem

from .reports import NoResultsReportView, SafeSearchTermsReportView


@hooks.register("register_admin_urls", order=-1)
def replace_search_terms_report():
    """Wagtail's 'Search terms' report with its export escaped: these come before
    wagtail.contrib.search_promotions' own patterns, so the same addresses (and names) serve it."""
    return [
        path("searchpicks/reports/search-terms/", SafeSearchTermsReportView.as_view()),
        path(
            "searchpicks/reports/search-terms/results/",
            SafeSearchTermsReportView.as_view(results_only=True),
        ),
    ]


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path(
            "reports/searches-with-no-results/",
            NoResultsReportView.as_view(),
            name="search_no_results",
        ),
        path(
            "reports/searches-with-no-results/results/",
            NoResultsReportView.as_view(results_only=True),
            name="search_no_results_results",
        ),
    ]


@hooks.register("register_reports_menu_item")
def register_no_results_report_menu_item():
    # Next to Wagtail's own 'Search terms' report, and like it for administrators only.
    return AdminOnlyMenuItem(
        "Searches with no results",
        reverse("search_no_results"),
        name="searches-with-no-results",
        icon_name="search",
        order=1310,
    )
