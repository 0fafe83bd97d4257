from wagtail.admin.ui.tables import Column, DateColumn, NumberColumn
from wagtail.contrib.search_promotions.views.reports import SearchTermsReportView

# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


class NoResultsReportView(SearchTermsReportView):
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

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        # Readers' words, opened in a spreadsheet, must not run as formulas (Wagtail's XLSX
        # export already stores them as text).
        if export_format == self.FORMAT_CSV and str(value).startswith(FORMULA_TRIGGERS):
            return "'" + str(value)
        return value
