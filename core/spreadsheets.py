"""Spreadsheet exports (Wagtail's `SpreadsheetExportMixin`) that are safe to open.

Whatever a reader, an applicant or an editor typed can reach an export: a cell that a
spreadsheet program would run as a formula (`=HYPERLINK(...)`, `=cmd|...`) is written with a
leading apostrophe, which spreadsheets show as text. Every export the site offers uses
`SafeSpreadsheetMixin`: its own (the register, the Gift Aid schedule, the search and translation
reports) and Wagtail's, served escaped at their own addresses (core/reports.py, and
search/wagtail_hooks.py for the Search terms report).
"""

import re

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

# What a spreadsheet runs as a formula: a cell starting with =, +, - or @ (or their full-width
# and small forms, which Excel reads as the ASCII ones), even after spaces, no-break spaces or
# invisible characters it trims; or starting with a tab, a carriage return or a line break.
FORMULA = re.compile(
    r"[\s\u00a0\u200b-\u200d\u2060\ufeff]*[=+\-@\u2212\uff1d\uff0b\uff0d\uff20\ufe62\ufe63\ufe66\ufe6b]"
    r"|[\t\r\n]"
)


def escape_formula(value):
    """`value` as text a spreadsheet shows rather than runs."""
    text = "" if value is None else str(value)
    return "'" + text if FORMULA.match(text) else text


class SafeSpreadsheetMixin:
    """For a view with Wagtail's SpreadsheetExportMixin (put it first): no cell a spreadsheet
    would run as a formula, no character that breaks an XLSX file, and a CSV that spreadsheet
    programs read as UTF-8."""

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        if not isinstance(value, str):
            return value
        if export_format == self.FORMAT_XLSX:
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        return escape_formula(value)

    def stream_csv(self, queryset):
        # A byte order mark, so spreadsheet programs read accented names as UTF-8.
        yield "\ufeff"
        yield from super().stream_csv(queryset)
