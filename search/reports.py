from wagtail.admin.ui.tables import Column, DateColumn, NumberColumn
from wagtail.contrib.search_promotions.views.reports import SearchTermsReportView

from core.spreadsheets import SafeSpreadsheetMixin


class SafeSearchTermsReportView(SafeSpreadsheetMixin, SearchTermsReportView):
    """Wagtail's 'Search terms' report, whose export holds what anonymous readers typed: served
    at Wagtail's own address in its place (search/wagtail_hooks.py)."""


class NoResultsReportView(SafeSearchTermsReportView):
    """Wagtail's 'Search terms' report, limited to searches that last found nothing.

    These are the searches to answer: with new content, or with a promoted result
    (Settings → Promoted search results).
    """

    page_title = "Searches with no results"
    index_url_name = "search_no_results"
    index_results_url_name = "search_no_results_results"
    columns = [
        Column("query_string", label="Search term(s)", sort_key="query_string"),
        NumberColumn("_hits", label="Views", sort_key="_hits"),
        DateColumn("outcome.searched_at", label="Last searched", sort_key="outcome__searched_at"),
    ]
    export_headings = {
        "query_string": "Search term(s)",
        "_hits": "Views",
        "outcome.searched_at": "Last searched",
    }
    list_export = ["query_string", "_hits", "outcome.searched_at"]

    def get_base_queryset(self):
        return super().get_base_queryset().filter(outcome__result_count=0).select_related("outcome")
