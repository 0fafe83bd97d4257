"""The register of membership applications in the Wagtail admin (wagtail-modeladmin): the list,
its filters and search, the inspect view, CSV and XLSX exports, and who may see any of it."""

import csv
import datetime
import html
import io
import re
from decimal import Decimal

from django.contrib.auth.models import Group, Permission, User
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.models import Site

import openpyxl
import pytest

from members.models import (
    ApplicationEmail,
    MembershipApplication,
    MembershipSettings,
)
from tests.factories import MembershipApplicationFactory, MembershipTierFactory

URL = "/admin/members/membershipapplication/"
NO_PERMISSION = "Sorry, you do not have permission to access this area."


def received(application, moment):
    """created_at is auto_now_add: set it afterwards."""
    MembershipApplication.objects.filter(pk=application.pk).update(created_at=moment)
    application.refresh_from_db()
    return application


def text(fragment):
    """What a person reads in an HTML fragment: tags dropped, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def rows(response):
    """The register's rows as {column: text}, in the order shown."""
    page = response.content.decode()
    result = []
    for row in re.findall(r'<tr class="(?:odd|even)" data-object-pk="\d+">(.*?)</tr>', page, re.S):
        cells = dict(re.findall(r'<td class="field-(\w+)[^"]*">(.*?)</td>', row, re.S))
        name = re.search(r'<div class="title-wrapper"><a [^>]*>(.*?)</a>', cells["full_name"])
        result.append(
            {"full_name": text(name.group(1))}
            | {field: text(value) for field, value in cells.items() if field != "full_name"}
        )
    return result


def names(response):
    return [row["full_name"] for row in rows(response)]


def filter_links(response):
    """{link text: query string} for the links in the filter sidebar."""
    page = response.content.decode()
    sidebar = page[page.index('class="changelist-filter') :]
    return {
        text(label): html.unescape(href)
        for href, label in re.findall(r'<a href="(\?[^"]*)"[^>]*>([^<]*)</a>', sidebar)
    }


def csv_rows(response):
    assert response["Content-Type"] == "text/csv"
    raw = b"".join(response.streaming_content)
    # The byte order mark tells spreadsheet programs the file is UTF-8.
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def xlsx_rows(response):
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    heading, *data = workbook.active.iter_rows(values_only=True)
    return [dict(zip(heading, row, strict=True)) for row in data]


def export(client, export_format, query=""):
    """The rows of an export of the register, with the filter/search in `query` applied."""
    response = client.get(f"{URL}?{query + '&' if query else ''}export={export_format}")
    assert response.status_code == 200
    return csv_rows(response) if export_format == "csv" else xlsx_rows(response)


@pytest.fixture
def individual(db):
    return MembershipTierFactory(name="Individual", annual_fee=Decimal("25.00"))


@pytest.fixture
def unwaged(db):
    return MembershipTierFactory(name="Unwaged", annual_fee=Decimal("12.50"))


@pytest.fixture
def jose(individual):
    application = MembershipApplicationFactory(
        full_name="José Núñez Quispe",
        email="jose@quispe.example",
        address="1 Calle Lima\nLondon",
        country="Perú",
        tier=individual,
        heard_about="A friend",
        gift_aid=True,
        gift_aid_wording="I want to Gift Aid my fee.",
        status=MembershipApplication.Status.DECLINED,
    )
    return received(application, datetime.datetime(2025, 3, 4, 10, 0, tzinfo=datetime.UTC))


@pytest.fixture
def ann(unwaged):
    application = MembershipApplicationFactory(
        full_name="Ann Smith", email="ann@smith.example", tier=unwaged, heard_about="Twitter"
    )
    return received(application, datetime.datetime(2025, 3, 5, 9, 0, tzinfo=datetime.UTC))


def make_user(username, *codenames, via_group=False):
    """A user of the admin with exactly these permissions (directly or through a group)."""
    user = User.objects.create_user(username, password="x", is_staff=True)
    permissions = Permission.objects.filter(codename__in=("access_admin", *codenames))
    assert permissions.count() == len(codenames) + 1
    if via_group:
        group = Group.objects.create(name=f"{username} group")
        group.permissions.set(permissions)
        user.groups.add(group)
    else:
        user.user_permissions.set(permissions)
    return user


@pytest.fixture
def staff_client(client, db):
    """Can use the Wagtail admin; no permission on membership applications."""
    client.force_login(make_user("editor"))
    return client


@pytest.fixture
def secretary_client(client, db):
    """The membership secretary: may view applications, through a group."""
    client.force_login(make_user("secretary", "view_membershipapplication", via_group=True))
    return client


class TestRegister:
    def test_lists_applications_newest_first_with_their_columns(self, admin_client, jose, ann):
        response = admin_client.get(URL)
        assert response.status_code == 200
        headings = re.findall(
            r'<th scope="col"[^>]*>\s*<a [^>]*>([^<]*)</a>', response.content.decode()
        )
        assert [heading.strip() for heading in headings] == [
            "Full name",
            "Email",
            "Tier",
            "Status",
            "Received",
        ]
        first, second = rows(response)
        assert first["full_name"] == "Ann Smith"
        assert first["email"] == "ann@smith.example"
        assert first["tier"] == "Unwaged (£12.50 a year)"
        assert first["status_label"] == "New"
        assert first["created_at"].startswith("5 Mar 2025")
        assert second["full_name"] == "José Núñez Quispe"
        assert second["status_label"] == "Declined"
        assert second["created_at"].startswith("4 Mar 2025")

    def test_status_filter(self, admin_client, jose, ann):
        links = filter_links(admin_client.get(URL))
        assert links["Declined"] == "?status__exact=declined"
        assert names(admin_client.get(URL + links["Declined"])) == ["José Núñez Quispe"]
        assert names(admin_client.get(URL + links["New"])) == ["Ann Smith"]
        assert names(admin_client.get(URL + links["Lapsed"])) == []
        # The shorter form a secretary might bookmark or type gives the same list.
        assert names(admin_client.get(URL, {"status": "declined"})) == ["José Núñez Quispe"]

    def test_tier_filter(self, admin_client, jose, ann, unwaged):
        links = filter_links(admin_client.get(URL))
        assert links["Unwaged (£12.50 a year)"] == f"?tier__id__exact={unwaged.pk}"
        assert names(admin_client.get(URL + links["Unwaged (£12.50 a year)"])) == ["Ann Smith"]
        assert names(admin_client.get(URL + links["Individual (£25 a year)"])) == [
            "José Núñez Quispe"
        ]

    def test_date_filter(self, admin_client, jose):
        recent = MembershipApplicationFactory(full_name="Recent Applicant")
        links = filter_links(admin_client.get(URL))
        assert links["Past 7 days"].startswith("?created_at__gte=")
        assert "&created_at__lt=" in links["Past 7 days"]
        assert names(admin_client.get(URL + links["Past 7 days"])) == [recent.full_name]
        assert names(admin_client.get(URL + links["Any date"])) == [
            "Recent Applicant",
            "José Núñez Quispe",
        ]

    @pytest.mark.parametrize(
        "query, expected",
        [
            ("Núñez", ["José Núñez Quispe"]),
            ("ann smith", ["Ann Smith"]),
            ("jose@quispe", ["José Núñez Quispe"]),
            ("SMITH.EXAMPLE", ["Ann Smith"]),
            ("example", ["Ann Smith", "José Núñez Quispe"]),
            ("nobody-by-this-name", []),
        ],
    )
    def test_search_by_name_or_email(self, admin_client, jose, ann, query, expected):
        response = admin_client.get(URL, {"q": query})
        assert response.status_code == 200
        assert names(response) == expected

    def test_hostile_name_is_shown_escaped_in_the_list(self, admin_client, individual):
        MembershipApplicationFactory(full_name="<script>alert(1)</script>", tier=individual)
        page = admin_client.get(URL).content.decode()
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page

    def test_query_count_does_not_grow_with_applications(self, admin_client, individual):
        tiers = [individual, MembershipTierFactory(name="Unwaged")]
        for n in range(3):
            MembershipApplicationFactory(tier=tiers[n % 2])
        admin_client.get(URL)  # fills the caches both requests below then read
        with CaptureQueriesContext(connection) as few:
            assert admin_client.get(URL).status_code == 200
        for n in range(27):
            MembershipApplicationFactory(tier=tiers[n % 2])
        with CaptureQueriesContext(connection) as many:
            response = admin_client.get(URL)
        assert len(rows(response)) == 30
        assert len(few) == len(many)


class TestInspect:
    def test_shows_every_field(self, admin_client, jose):
        response = admin_client.get(f"{URL}inspect/{jose.pk}/")
        assert response.status_code == 200
        fields = {
            text(label): text(value)
            for label, value in re.findall(
                r"<dt[^>]*>(.*?)</dt>\s*<dd>(.*?)</dd>", response.content.decode(), re.S
            )
        }
        assert fields["full name"] == "José Núñez Quispe"
        assert fields["email"] == "jose@quispe.example"
        assert fields["home address"] == "1 Calle Lima London"
        assert fields["postcode"] == "-"  # Wagtail's sign for an empty field
        assert fields["country"] == "Perú"
        assert fields["tier"] == "Individual (£25 a year)"
        assert fields["how they heard of us"] == "A friend"
        assert fields["Gift Aid declaration"] == "True"
        assert fields["Gift Aid declaration as made"] == "I want to Gift Aid my fee."
        assert fields["consented to data being held"] == "True"
        assert fields["status"] == "Declined"
        assert fields["received"].startswith("4 Mar 2025")

    def test_hostile_name_is_shown_escaped(self, admin_client, individual):
        hostile = MembershipApplicationFactory(
            full_name="<script>alert(1)</script>",
            heard_about='<img src=x onerror="alert(2)">',
            tier=individual,
        )
        page = admin_client.get(f"{URL}inspect/{hostile.pk}/").content.decode()
        assert "<script>alert(1)</script>" not in page
        assert "<img src=x" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "&lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in page

    def test_unknown_application_is_a_404(self, admin_client, db):
        known = MembershipApplicationFactory()
        assert admin_client.get(f"{URL}inspect/{known.pk}/").status_code == 200
        assert admin_client.get(f"{URL}inspect/999999/").status_code == 404


FORMATS = ["csv", "xlsx"]


class TestExports:
    @pytest.mark.parametrize("export_format", FORMATS)
    def test_contains_every_application_with_readable_headings(
        self, admin_client, jose, ann, export_format
    ):
        newest, oldest = export(admin_client, export_format)
        assert list(newest) == [
            "Full Name",
            "Email",
            "Home Address",
            "Postcode",
            "Country",
            "Tier",
            "How They Heard Of Us",
            "Gift Aid Declaration",
            "Consented To Data Being Held",
            "Status",
            "Language",
            "Received",
        ]
        assert newest["Full Name"] == "Ann Smith"
        assert newest["Tier"] == "Unwaged (£12.50 a year)"
        assert oldest["Email"] == "jose@quispe.example"
        assert oldest["Home Address"] == "1 Calle Lima\nLondon"
        assert oldest["How They Heard Of Us"] == "A friend"
        assert oldest["Status"] == "declined"
        assert oldest["Language"] == "en-gb"
        assert oldest["Gift Aid Declaration"] == "Yes"
        if export_format == "csv":
            assert oldest["Received"] == "2025-03-04 10:00:00+00:00"
        else:
            assert oldest["Received"] == datetime.datetime(2025, 3, 4, 10, 0)

    def test_downloads_as_named_attachments(self, admin_client, jose):
        csv_response = admin_client.get(URL, {"export": "csv"})
        assert csv_response["Content-Disposition"] == (
            'attachment; filename="membership-applications.csv"'
        )
        xlsx_response = admin_client.get(URL, {"export": "xlsx"})
        assert xlsx_response["Content-Disposition"] == (
            'attachment; filename="membership-applications.xlsx"'
        )

    @pytest.mark.parametrize("export_format", FORMATS)
    @pytest.mark.parametrize(
        "field, column, value",
        [
            ("heard_about", "How They Heard Of Us", '=HYPERLINK("http://evil.example","x")'),
            ("full_name", "Full Name", "+44 123"),
            ("full_name", "Full Name", "-1+1"),
            ("full_name", "Full Name", "@SUM(A1)"),
            ("country", "Country", "\t=1+2"),
            ("address", "Home Address", "=cmd|' /C calc'!A0"),
            ("postcode", "Postcode", "=1+1"),
        ],
    )
    def test_cells_a_spreadsheet_would_run_are_escaped(
        self, admin_client, individual, export_format, field, column, value
    ):
        MembershipApplicationFactory(tier=individual, **{field: value})
        [row] = export(admin_client, export_format)
        assert row[column] == "'" + value

    @pytest.mark.parametrize("export_format", FORMATS)
    def test_accented_names_round_trip_and_plain_text_is_untouched(
        self, admin_client, jose, export_format
    ):
        [row] = export(admin_client, export_format)
        assert row["Full Name"] == "José Núñez Quispe"
        assert row["Country"] == "Perú"
        assert row["Tier"] == "Individual (£25 a year)"

    @pytest.mark.parametrize("export_format", FORMATS)
    @pytest.mark.parametrize(
        "query, expected",
        [
            ("status__exact=declined", ["José Núñez Quispe"]),
            ("status__exact=new", ["Ann Smith"]),
            ("q=N%C3%BA%C3%B1ez", ["José Núñez Quispe"]),
            ("q=smith.example", ["Ann Smith"]),
            ("q=example&status__exact=approved", []),
        ],
    )
    def test_respect_the_active_filter_and_search(
        self, admin_client, jose, ann, export_format, query, expected
    ):
        exported = export(admin_client, export_format, query)
        assert [row["Full Name"] for row in exported] == expected

    @pytest.mark.parametrize("export_format", FORMATS)
    def test_tier_filter_applies_to_the_export(
        self, admin_client, jose, ann, unwaged, export_format
    ):
        exported = export(admin_client, export_format, f"tier__id__exact={unwaged.pk}")
        assert [row["Full Name"] for row in exported] == ["Ann Smith"]


@pytest.mark.parametrize("export_format", FORMATS)
def test_no_gift_aid_and_blank_cells_are_exported_plainly(admin_client, individual, export_format):
    MembershipApplicationFactory(
        tier=individual, address="", heard_about="", gift_aid=False, consent=True
    )
    [row] = export(admin_client, export_format)
    assert row["Gift Aid Declaration"] == "No"
    assert row["Consented To Data Being Held"] == "Yes"
    assert row["Home Address"] in {None, ""}
    assert row["Postcode"] in {None, ""}
    assert row["How They Heard Of Us"] in {None, ""}


def test_a_control_character_in_an_address_does_not_break_the_xlsx_export(
    admin_client, jose, individual
):
    MembershipApplicationFactory(
        full_name="Escape Artist", tier=individual, address="1 Calle\x1bLima"
    )
    exported = export(admin_client, "xlsx")
    assert [row["Full Name"] for row in exported] == ["Escape Artist", "José Núñez Quispe"]


SCHEDULE = f"{URL}gift-aid-schedule/"
HMRC_COLUMNS = [
    "Title",
    "First name",
    "Last name",
    "House name or number",
    "Postcode",
    "Aggregated donations",
    "Sponsored event",
    "Donation date",
    "Amount",
]


def schedule(client, export_format="csv"):
    response = client.get(SCHEDULE, {"export": export_format})
    assert response.status_code == 200
    return csv_rows(response) if export_format == "csv" else xlsx_rows(response)


class TestGiftAidSchedule:
    """HMRC's Charities Online schedule of the approved members who declared Gift Aid."""

    @pytest.fixture
    def members(self, individual, unwaged):
        def member(full_name, status="approved", **fields):
            fields.setdefault("tier", individual)
            made = MembershipApplicationFactory(full_name=full_name, status=status, **fields)
            moment = datetime.datetime(2025, 3, 4, 10, 0, tzinfo=datetime.UTC)
            return received(made, moment - datetime.timedelta(days=made.pk))

        member(
            "Ann Smith",
            gift_aid=True,
            address="12A High Street\nLondon",
            postcode="SW1A 1AA",
            tier=unwaged,
        )
        member("Dr Mary Ann Jones", gift_aid=True, address="Rose Cottage, Main Street\nYork")
        member("José Núñez Quispe", gift_aid=True, address="Av. Larco 123\nLima", country="Perú")
        # Not claimed for: no declaration, or not (or not yet) a member.
        member("No Declaration", gift_aid=False, address="1 Way", postcode="EC1A 1BB")
        member("Still New", status="new", gift_aid=True, address="2 Way", postcode="EC1A 1BB")
        member("Declined", status="declined", gift_aid=True, address="3 Way", postcode="M1 1AE")

    @pytest.mark.parametrize("export_format", FORMATS)
    def test_has_hmrcs_columns_for_approved_members_who_declared(
        self, admin_client, members, export_format
    ):
        rows_ = schedule(admin_client, export_format)
        assert list(rows_[0])[:9] == HMRC_COLUMNS
        assert list(rows_[0])[9:] == ["Full name as given", "Declaration date"]
        blank = {None, ""}
        ann, mary, jose = sorted(rows_, key=lambda row: row["Full name as given"])
        assert (ann["First name"], ann["Last name"], ann["Title"] or "") == ("Ann", "Smith", "")
        assert (ann["House name or number"], ann["Postcode"]) == ("12A", "SW1A 1AA")
        assert ann["Amount"] == "12.50"
        assert (mary["Title"], mary["First name"], mary["Last name"]) == ("Dr", "Mary Ann", "Jones")
        assert mary["House name or number"] == "Rose Cottage"
        assert mary["Amount"] == "25.00"
        # A home abroad is claimed for with the postcode "X".
        assert (jose["House name or number"], jose["Postcode"]) == ("Av. Larco 123", "X")
        assert (jose["First name"], jose["Last name"]) == ("José Núñez", "Quispe")
        for row in rows_:
            # The site records no payments: the membership secretary fills the date in.
            assert row["Donation date"] in blank
            assert row["Aggregated donations"] in blank and row["Sponsored event"] in blank
            assert re.fullmatch(r"\d\d/\d\d/\d\d", row["Declaration date"])

    def test_downloads_as_named_attachments(self, admin_client, members):
        response = admin_client.get(SCHEDULE)
        assert response["Content-Disposition"] == 'attachment; filename="gift-aid-schedule.csv"'
        response = admin_client.get(SCHEDULE, {"export": "xlsx"})
        assert response["Content-Disposition"].endswith('filename="gift-aid-schedule.xlsx"')

    @pytest.mark.parametrize("export_format", FORMATS)
    def test_cells_a_spreadsheet_would_run_are_escaped(
        self, admin_client, individual, export_format
    ):
        MembershipApplicationFactory(
            full_name="=HYPERLINK(x) -1+1",
            address="@SUM(A1)",
            postcode="SW1A 1AA",
            gift_aid=True,
            status="approved",
            tier=individual,
        )
        [row] = schedule(admin_client, export_format)
        assert row["First name"] == "'=HYPERLINK(x)"
        assert row["Last name"] == "'-1+1"
        assert row["House name or number"] == "'@SUM(A1)"

    def test_the_register_offers_it(self, admin_client, members):
        page = admin_client.get(URL).content.decode()
        assert f'href="{SCHEDULE}?export=xlsx"' in page
        assert f'href="{SCHEDULE}?export=csv"' in page

    def test_for_those_who_may_read_the_register_only(
        self, client, staff_client, members, django_user_model
    ):
        response = staff_client.get(SCHEDULE)
        assert response.status_code == 302 and response["Location"] == "/admin/"
        assert "Content-Disposition" not in response
        staff_client.logout()
        assert client.get(SCHEDULE)["Location"].startswith("/admin/login/")
        # The positive control: the membership secretary's view permission opens it.
        client.force_login(make_user("secretary", "view_membershipapplication", via_group=True))
        assert len(schedule(client)) == 3


@pytest.fixture
def bot(individual):
    """Suspected spam: stored by the join form, marked, never emailed on."""
    application = MembershipApplicationFactory(
        full_name="Fast Fingers",
        email="fast@fingers.example",
        tier=individual,
        status=MembershipApplication.Status.SUSPECTED,
        spam_reason=MembershipApplication.SpamReason.TOO_FAST,
    )
    return received(application, datetime.datetime(2025, 3, 6, 9, 0, tzinfo=datetime.UTC))


class TestSuspectedSpam:
    def test_kept_out_of_the_register_until_asked_for(self, admin_client, jose, ann, bot):
        response = admin_client.get(URL)
        assert names(response) == ["Ann Smith", "José Núñez Quispe"]
        links = filter_links(response)
        assert links["All but suspected spam"] == "?"
        assert links["Suspected spam"] == "?status__exact=suspected"
        spam = admin_client.get(URL + links["Suspected spam"])
        assert names(spam) == ["Fast Fingers"]
        [row] = rows(spam)
        assert row["status_label"] == (
            "Suspected spam (sent within seconds of the form being opened)"
        )
        # The short form of the filter, too, and its links lead away from it.
        short = admin_client.get(URL, {"status": "suspected"})
        assert names(short) == ["Fast Fingers"]
        assert filter_links(short)["All but suspected spam"] == "?"
        assert filter_links(short)["New"] == "?status__exact=new"

    def test_a_search_does_not_bring_spam_into_the_register(self, admin_client, ann, bot):
        assert names(admin_client.get(URL, {"q": "example"})) == ["Ann Smith"]
        assert names(admin_client.get(URL, {"q": "fingers", "status__exact": "suspected"})) == [
            "Fast Fingers"
        ]

    @pytest.mark.parametrize("export_format", FORMATS)
    def test_exports_leave_it_out_unless_filtered_for(self, admin_client, ann, bot, export_format):
        assert [row["Full Name"] for row in export(admin_client, export_format)] == ["Ann Smith"]
        [row] = export(admin_client, export_format, "status__exact=suspected")
        assert (row["Full Name"], row["Status"]) == ("Fast Fingers", "suspected")

    def test_inspect_says_why_and_that_nothing_was_sent(self, admin_client, bot):
        fields = inspect_fields(admin_client, bot)
        assert fields["status"] == "Suspected spam"
        assert fields["why it looked like spam"] == "sent within seconds of the form being opened"
        assert fields["email to the membership secretary"] == (
            "Not sent: suspected spam is never emailed on."
        )
        assert fields["confirmation to the applicant"] == (
            "Not sent: suspected spam is never emailed on."
        )

    def test_inspect_shows_what_was_sent_and_when(self, admin_client, ann):
        sent_at = datetime.datetime(2025, 3, 5, 9, 1, tzinfo=datetime.UTC)
        ApplicationEmail.objects.create(
            application=ann,
            kind="secretary",
            recipient="secretary@example.org",
            state="sent",
            attempts=1,
            sent_at=sent_at,
        )
        ApplicationEmail.objects.create(
            application=ann,
            kind="applicant",
            recipient=ann.email,
            attempts=2,
            last_error="SMTPServerDisconnected: Connection unexpectedly closed",
        )
        fields = inspect_fields(admin_client, ann)
        assert fields["email to the membership secretary"] == (
            "Sent to secretary@example.org on 5 March 2025, 09:01 (1 attempt)."
        )
        assert fields["confirmation to the applicant"] == (
            "Waiting to be sent to ann@smith.example (2 attempts so far). Last error: "
            "SMTPServerDisconnected: Connection unexpectedly closed"
        )


def edit_data(application, **changes):
    data = {
        "full_name": application.full_name,
        "email": application.email,
        "address": application.address,
        "country": application.country,
        "tier": application.tier_id,
        "heard_about": application.heard_about,
        "consent": "on",
        "status": application.status,
    }
    data.update(changes)
    return data


class TestReleasing:
    """The secretary releases a genuine application by setting it to New."""

    @pytest.fixture
    def secretary_address(self, db):
        settings = MembershipSettings.for_site(Site.objects.get(is_default_site=True))
        settings.secretary_email = "secretary@example.org"
        settings.save()

    def test_released_application_is_emailed_once_as_if_just_arrived(
        self, admin_client, bot, secretary_address, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(f"{URL}edit/{bot.pk}/", edit_data(bot, status="new"))
        assert response.status_code == 302
        bot.refresh_from_db()
        assert bot.status == "new"
        assert sorted(m.to[0] for m in mail.outbox) == [
            "fast@fingers.example",
            "secretary@example.org",
        ]
        assert names(admin_client.get(URL)) == ["Fast Fingers"]
        # Saving it again sends nothing more.
        with django_capture_on_commit_callbacks(execute=True):
            admin_client.post(f"{URL}edit/{bot.pk}/", edit_data(bot, heard_about="A friend"))
        assert len(mail.outbox) == 2

    def test_spam_set_to_another_status_is_not_emailed(
        self, admin_client, bot, secretary_address, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            admin_client.post(f"{URL}edit/{bot.pk}/", edit_data(bot, status="declined"))
        bot.refresh_from_db()
        assert bot.status == "declined"
        assert mail.outbox == [] and not ApplicationEmail.objects.exists()

    def test_releasing_a_second_open_application_for_one_address_is_refused_clearly(
        self, admin_client, individual, bot
    ):
        MembershipApplicationFactory(email="FAST@fingers.example", tier=individual)
        response = admin_client.post(f"{URL}edit/{bot.pk}/", edit_data(bot, status="new"))
        assert response.status_code == 200
        assert "There is already a new application from this email address." in (
            html.unescape(response.content.decode())
        )
        bot.refresh_from_db()
        assert bot.status == "suspected"
        assert not ApplicationEmail.objects.exists()

    def test_the_status_field_explains_releasing(self, admin_client, bot):
        page = html.unescape(admin_client.get(f"{URL}edit/{bot.pk}/").content.decode())
        assert "If it is genuine, set it to 'New'" in page
        assert 'name="spam_reason"' not in page


def inspect_fields(client, application):
    response = client.get(f"{URL}inspect/{application.pk}/")
    assert response.status_code == 200
    return {
        text(label): text(value)
        for label, value in re.findall(
            r"<dt[^>]*>(.*?)</dt>\s*<dd>(.*?)</dd>", response.content.decode(), re.S
        )
    }


class TestPermissions:
    @pytest.mark.parametrize("path", ["", "inspect/{pk}/", "?export=csv", "?export=xlsx"])
    def test_admin_user_without_permission_is_turned_away(self, staff_client, jose, path):
        response = staff_client.get(URL + path.format(pk=jose.pk))
        assert response.status_code == 302
        assert response["Location"] == "/admin/"
        assert "Content-Disposition" not in response
        followed = staff_client.get(URL + path.format(pk=jose.pk), follow=True)
        page = followed.content.decode()
        assert NO_PERMISSION in page
        assert "Núñez" not in page
        assert "jose@quispe.example" not in page

    def test_anonymous_visitor_is_sent_to_log_in(self, client, jose):
        for path in ["", f"inspect/{jose.pk}/", "?export=csv"]:
            response = client.get(URL + path)
            assert response.status_code == 302
            assert response["Location"].startswith("/admin/login/")

    def test_menu_shows_applications_only_to_those_allowed(self, client, db):
        # The sidebar menu is rendered from JSON props.
        menu_item = re.compile(r'"label": "Applications",.{0,120}?"url": "' + URL + '"')
        client.force_login(make_user("editor"))
        home = client.get("/admin/")
        assert home.status_code == 200
        assert not menu_item.search(home.content.decode())
        client.force_login(make_user("secretary", "view_membershipapplication", via_group=True))
        assert menu_item.search(client.get("/admin/").content.decode())

    def test_view_permission_opens_inspect_but_not_edit_or_delete(self, secretary_client, jose):
        inspect = secretary_client.get(f"{URL}inspect/{jose.pk}/")
        assert inspect.status_code == 200
        assert "José Núñez Quispe" in inspect.content.decode()
        assert f"{URL}edit/{jose.pk}/" not in inspect.content.decode()
        for action in ("edit", "delete"):
            response = secretary_client.get(f"{URL}{action}/{jose.pk}/")
            assert response.status_code == 302
            assert response["Location"] == "/admin/"
        assert MembershipApplication.objects.filter(pk=jose.pk).exists()

    def test_view_permission_through_a_group_opens_the_list_and_exports(
        self, secretary_client, jose
    ):
        response = secretary_client.get(URL)
        assert response.status_code == 200
        assert names(response) == ["José Núñez Quispe"]
        page = response.content.decode()
        assert f"{URL}inspect/{jose.pk}/" in page
        assert f"{URL}edit/{jose.pk}/" not in page
        assert f"{URL}delete/{jose.pk}/" not in page
        for export_format in FORMATS:
            [row] = export(secretary_client, export_format)
            assert row["Email"] == "jose@quispe.example"

    # wagtail-modeladmin's PermissionHelper.user_can_list and user_can_inspect_obj accept *any*
    # permission on the model: whoever may add, change or delete applications may also read and
    # export the whole register.
    @pytest.mark.parametrize(
        "codename",
        [
            "add_membershipapplication",
            "change_membershipapplication",
            "delete_membershipapplication",
        ],
    )
    def test_any_permission_on_applications_opens_the_register(self, client, jose, codename):
        client.force_login(make_user("clerk", codename))
        assert names(client.get(URL)) == ["José Núñez Quispe"]
        assert client.get(f"{URL}inspect/{jose.pk}/").status_code == 200
        [row] = export(client, "csv")
        assert row["Email"] == "jose@quispe.example"
