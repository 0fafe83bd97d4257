"""Every spreadsheet the admin offers is safe to open: a cell a spreadsheet program would run
as a formula (whatever a reader, an applicant or an editor typed) is shown as text.

Each export is downloaded as a secretary would and read as text: every formula form comes back
with a leading apostrophe, and plain words come back as they were typed."""

import csv
import io

from django.test import RequestFactory
from django.urls import resolve
from django.utils import timezone

from wagtail.contrib.search_promotions.models import Query
from wagtail.contrib.search_promotions.views.reports import SearchTermsReportView

import pytest

from contact.models import ContactMessage
from core import reports
from core.spreadsheets import SafeSpreadsheetMixin, escape_formula
from search.models import QueryOutcome
from tests.factories import MembershipApplicationFactory, MembershipTierFactory, StandardPageFactory

# What a spreadsheet runs: the ASCII triggers, after spaces and no-break spaces, full-width.
FORMULAS = [
    "=1+1",
    "+1+1",
    "-1+1",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    " =1+1",
    "\u00a0=1+1",
    "\u3000=1+1",
    "＝1+1",
    "＋1+1",
    "－1+1",
    "＠SUM(A1)",
]
PLAIN = ["José Núñez Quispe", "12 High Street", "1+1", "a=b", ""]


def runs_as_formula(cell):
    """What LibreOffice and Excel run: a formula sign first, leading blanks aside (full-width
    forms included), or a tab or a carriage return first."""
    return cell[:1] in "\t\r" or cell.lstrip(" \u00a0\u3000")[:1] in "=+-@＝＋－＠"


def cells(response, column):
    """The column of a CSV download, read as text."""
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    raw = b"".join(response.streaming_content).decode("utf-8-sig")
    return [row[column] for row in csv.DictReader(io.StringIO(raw, newline=""))]


def assert_escaped(values, typed=FORMULAS):
    assert sorted(values) == sorted("'" + formula for formula in typed)
    assert not any(runs_as_formula(value) for value in values)


@pytest.mark.parametrize("value", FORMULAS)
def test_every_formula_form_is_escaped(value):
    assert runs_as_formula(value)  # control: as typed, a spreadsheet runs it
    assert escape_formula(value) == "'" + value
    assert not runs_as_formula(escape_formula(value))


@pytest.mark.parametrize("value", PLAIN)
def test_plain_text_is_untouched(value):
    assert escape_formula(value) == value


@pytest.fixture
def formulas_applied(db):
    tier = MembershipTierFactory(name="Individual")
    for formula in FORMULAS:
        MembershipApplicationFactory(
            full_name=formula, tier=tier, status="approved", gift_aid=True, address="1 Calle"
        )


def test_the_register_export(admin_client, formulas_applied):
    response = admin_client.get("/admin/members/membershipapplication/", {"export": "csv"})
    assert_escaped(cells(response, "Full Name"))


def test_the_gift_aid_schedule(admin_client, formulas_applied):
    response = admin_client.get("/admin/members/membershipapplication/gift-aid-schedule/")
    assert_escaped(cells(response, "Full name as given"))


@pytest.fixture
def formulas_searched(db):
    """What readers typed into search, none of it found, as the search log keeps it (Wagtail
    trims the spaces around a search, so some forms arrive as others)."""
    for formula in FORMULAS:
        query = Query.get(formula)
        query.add_hit()
        QueryOutcome.objects.update_or_create(
            query=query, defaults={"result_count": 0, "searched_at": timezone.now()}
        )
    kept = list(Query.objects.values_list("query_string", flat=True))
    assert {"=1+1", "＝1+1", "@sum(a1)"} <= set(kept)
    return kept


def test_the_searches_with_no_results_report(admin_client, formulas_searched):
    response = admin_client.get("/admin/reports/searches-with-no-results/", {"export": "csv"})
    assert_escaped(cells(response, "Search term(s)"), formulas_searched)


def test_wagtails_search_terms_report(admin_client, admin_user, formulas_searched):
    response = admin_client.get("/admin/searchpicks/reports/search-terms/", {"export": "csv"})
    assert_escaped(cells(response, "Search term(s)"), formulas_searched)
    # Control: Wagtail's own view, at its address before, writes what readers typed as it is.
    request = RequestFactory().get("/", {"export": "csv"})
    request.user = admin_user
    raw = cells(SearchTermsReportView.as_view()(request), "Search term(s)")
    assert sorted(raw) == sorted(formulas_searched)
    assert all(runs_as_formula(value) for value in raw)


def test_the_translations_report(admin_client, home_page, spanish_home):
    for formula in FORMULAS:
        StandardPageFactory(parent=home_page, title=formula)
    response = admin_client.get("/admin/reports/translations/", {"export": "csv"})
    titles = [title for title in cells(response, "English") if title.startswith("'")]
    assert_escaped(titles)


def test_contact_messages_are_not_exported(admin_client, db):
    """Messages offer no download; asked for one anyway, Wagtail's listing writes no column."""
    ContactMessage.objects.create(name="=1+1 Rosa", email="rosa@example.org", message="=1+1")
    listing = admin_client.get("/admin/snippets/contact/contactmessage/")
    assert "Rosa" in listing.content.decode()  # control: the message is listed
    assert "export=csv" not in listing.content.decode()
    response = admin_client.get("/admin/snippets/contact/contactmessage/", {"export": "csv"})
    assert b"".join(response.streaming_content).strip() == b""


def test_the_site_history_report(admin_client, admin_user, home_page, django_user_model):
    """Any editor may set their own name (Account → Name), and the site history an
    administrator downloads shows it beside each change."""
    from wagtail.admin.views.reports.audit_logging import LogEntriesView
    from wagtail.log_actions import log

    for formula in FORMULAS:
        editor = django_user_model.objects.create_user(
            f"editor{len(formula)}{ord(formula[0])}", first_name=formula
        )
        log(home_page, "wagtail.edit", user=editor)
    response = admin_client.get("/admin/reports/site-history/", {"export": "csv"})
    names = cells(response, "User")
    assert_escaped(names, [name.strip() for name in FORMULAS])  # Wagtail trims names
    # Control: Wagtail's own view writes the names as typed.
    request = RequestFactory().get("/", {"export": "csv"})
    request.user = admin_user
    raw = cells(LogEntriesView.as_view()(request), "User")
    assert all(runs_as_formula(value) for value in raw)


@pytest.mark.parametrize("address", [*reports.VIEWS, "searchpicks/reports/search-terms/"])
def test_every_wagtail_export_is_served_escaped(address):
    for page in ("", "results/"):
        view = resolve(f"/admin/{address}{page}").func.view_class
        assert issubclass(view, SafeSpreadsheetMixin), address


@pytest.mark.parametrize("address", reports.VIEWS)
def test_the_escaped_reports_are_wagtails_pages_still(admin_client, client, address):
    assert admin_client.get(f"/admin/{address}").status_code == 200
    assert admin_client.get(f"/admin/{address}results/").status_code == 200
    # As Wagtail's admin: no admin access, no report.
    response = client.get(f"/admin/{address}")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
