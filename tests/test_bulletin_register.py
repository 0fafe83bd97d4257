"""Peru Update's subscribers in the admin, for the membership secretary: the register, its
filters, search, inspect view and exports (formula cells escaped); corrections that never
subscribe anyone by hand; erasure; the import of an existing list with its consent records; the
suppression list; who may see any of it; retention (purge_subscribers); and the privacy notice's
section on it, in both languages."""

import csv
import datetime
import html
import io
import re

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from wagtail.models import ModelLogEntry

import openpyxl
import pytest

from bulletins import admin_register
from bulletins.models import BulletinDelivery, BulletinSend, Subscriber, Suppression
from tests.factories import BulletinIndexPageFactory, BulletinPageFactory, SubscriberFactory
from tests.test_organisation import pages  # noqa: F401 (fixture)
from tests.test_roles_workflow import editor, logged_in, member, roles, secretary, writer  # noqa: F401

Status = Subscriber.Status
URL = "/admin/subscribers/"
IMPORT_URL = f"{URL}import/"
SUPPRESSION_URL = f"{URL}suppression/"
FORMULA = '=HYPERLINK("http://x")'


def text(fragment):
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def listed(response):
    """The addresses in the register's listing, in the order shown."""
    assert response.status_code == 200
    page = response.content.decode()
    return re.findall(r'<td class="[^"]*title[^"]*">.*?<a [^>]*>\s*([^<\s]+)\s*</a>', page, re.S)


def at(subscriber, **moments):
    """Set timestamps afterwards (created_at has a default; updated_at is auto_now)."""
    Subscriber.objects.filter(pk=subscriber.pk).update(**moments)
    subscriber.refresh_from_db()
    return subscriber


@pytest.fixture
def people(db):
    return {
        "ana": SubscriberFactory(
            email="ana@quispe.pe",
            name="Ana Quispe",
            language="es",
            source=Subscriber.Source.SIGN_UP,
            source_detail="https://psg.example/es/subscribe/",
            consent_wording="Envíenme Peru Update por correo electrónico.",
            consent_at=datetime.datetime(2026, 3, 4, 10, 0, tzinfo=datetime.UTC),
        ),
        "bob": SubscriberFactory(
            email="bob@smith.uk",
            name="Bob Smith",
            language="en-gb",
            source=Subscriber.Source.JOIN,
            consent_at=datetime.datetime(2025, 1, 2, 10, 0, tzinfo=datetime.UTC),
        ),
        "cat": SubscriberFactory(email="cat@jones.uk", name="Cat Jones", status=Status.PENDING),
        "dan": SubscriberFactory(
            email="dan@brown.uk",
            name=FORMULA,
            status=Status.UNSUBSCRIBED,
            consent_at=datetime.datetime(2024, 6, 1, 10, 0, tzinfo=datetime.UTC),
        ),
    }


@pytest.fixture
def sara(secretary):  # noqa: F811
    return logged_in(secretary)


class TestTheRegister:
    def test_the_secretary_sees_every_subscriber_with_their_columns(self, sara, people):
        response = sara.get(URL)
        assert sorted(listed(response)) == sorted(p.email for p in people.values())
        page = text(response.content.decode())
        for heading in ["Email", "Name", "Language", "Status", "Source", "Consent date"]:
            assert heading.lower() in page.lower()
        assert "Ana Quispe" in page and "Sign-up form" in page and "Membership application" in page
        assert "Waiting for confirmation" in page

    def test_filters_by_status_language_source_and_consent_date(self, sara, people):
        assert listed(sara.get(URL, {"status": "pending"})) == ["cat@jones.uk"]
        assert listed(sara.get(URL, {"language": "es"})) == ["ana@quispe.pe"]
        assert listed(sara.get(URL, {"source": "join"})) == ["bob@smith.uk"]
        assert sorted(
            listed(sara.get(URL, {"consent_at_from": "2025-01-01", "consent_at_to": "2026-12-31"}))
        ) == ["ana@quispe.pe", "bob@smith.uk"]
        # The positive control: no filter, everyone.
        assert len(listed(sara.get(URL))) == 4

    def test_searches_by_email_or_name(self, sara, people):
        assert listed(sara.get(URL, {"q": "quispe"})) == ["ana@quispe.pe"]
        assert listed(sara.get(URL, {"q": "Bob"})) == ["bob@smith.uk"]
        assert listed(sara.get(URL, {"q": "nobody-at-all"})) == []

    def test_inspect_shows_the_consent_record(self, sara, people):
        ana = people["ana"]
        Suppression.add("dan@brown.uk", Suppression.Reason.UNSUBSCRIBED)
        page = text(sara.get(f"{URL}inspect/{ana.pk}/").content.decode())
        assert "Envíenme Peru Update por correo electrónico." in page
        assert "https://psg.example/es/subscribe/" in page
        assert "Consent at 4 Mar 2026, 10 a.m." in page
        assert "On the suppression list No" in page
        dan = text(sara.get(f"{URL}inspect/{people['dan'].pk}/").content.decode())
        assert "On the suppression list Yes" in dan

    def test_the_register_is_the_secretarys_only(self, roles, people, writer, editor):  # noqa: F811
        for user in (writer, editor):
            client = logged_in(user)
            for path in (
                URL,
                f"{URL}?export=csv",
                f"{URL}inspect/{people['ana'].pk}/",
                f"{URL}edit/{people['ana'].pk}/",
                f"{URL}delete/{people['ana'].pk}/",
                IMPORT_URL,
                f"{IMPORT_URL}template.csv",
                SUPPRESSION_URL,
            ):
                response = client.get(path)
                assert response.status_code in (302, 403), path
                assert b"ana@quispe.pe" not in response.content
            labels = set(re.findall(r'"label": "([^"]+)"', client.get("/admin/").content.decode()))
            assert "Subscribers" not in labels
        # The positive control: the secretary has the menu item.
        labels = set(
            re.findall(
                r'"label": "([^"]+)"',
                logged_in(member("Membership secretary", "sam")).get("/admin/").content.decode(),
            )
        )
        assert "Subscribers" in labels

    def test_nobody_adds_a_subscriber_by_hand_not_even_a_superuser(self, sara, admin_client, db):
        for client in (sara, admin_client):
            listing = client.get(URL).content.decode()
            assert f'href="{URL}new/"' not in listing
            assert "Import a list" in listing
            response = client.post(
                f"{URL}new/",
                {"email": "new@x.pe", "name": "N", "language": "en-gb", "status": "subscribed"},
            )
            assert response.status_code in (302, 403)
        assert not Subscriber.objects.exists()


class TestCorrections:
    def test_the_name_and_language_are_corrected(self, sara, people):
        bob = people["bob"]
        response = sara.post(
            f"{URL}edit/{bob.pk}/",
            {"name": "Robert Smith", "language": "es", "status": "subscribed"},
        )
        assert response.status_code == 302
        bob.refresh_from_db()
        assert (bob.name, bob.language, bob.status) == ("Robert Smith", "es", Status.SUBSCRIBED)
        assert not Suppression.holds(bob.email)

    def test_a_pending_subscriber_cannot_be_confirmed_by_hand(self, sara, people):
        cat = people["cat"]
        form = sara.get(f"{URL}edit/{cat.pk}/").content.decode()
        assert 'value="unsubscribed"' in form and 'value="subscribed"' not in form
        response = sara.post(
            f"{URL}edit/{cat.pk}/", {"name": "Cat", "language": "en-gb", "status": "subscribed"}
        )
        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()
        cat.refresh_from_db()
        assert cat.status == Status.PENDING and cat.name == "Cat Jones"

    def test_someone_who_left_cannot_be_resubscribed_by_hand(self, sara, people):
        dan = people["dan"]
        sara.post(
            f"{URL}edit/{dan.pk}/", {"name": "Dan", "language": "en-gb", "status": "subscribed"}
        )
        dan.refresh_from_db()
        assert dan.status == Status.UNSUBSCRIBED
        # The name is still correctable (the status field is disabled, not the form).
        assert dan.name == "Dan"

    def test_unsubscribing_by_hand_suppresses_the_address(self, sara, people):
        bob = people["bob"]
        sara.post(
            f"{URL}edit/{bob.pk}/",
            {"name": bob.name, "language": "en-gb", "status": "unsubscribed"},
        )
        bob.refresh_from_db()
        assert bob.status == Status.UNSUBSCRIBED and bob.unsubscribed_at is not None
        assert Suppression.objects.get().reason == Suppression.Reason.MANUAL
        assert Suppression.holds("BOB@SMITH.UK")


class TestErasure:
    def test_deleting_forgets_the_subscriber_and_their_history_without_suppressing(
        self, sara, people
    ):
        bob = people["bob"]
        sara.post(
            f"{URL}edit/{bob.pk}/", {"name": "Robert", "language": "en-gb", "status": "subscribed"}
        )
        assert ModelLogEntry.objects.filter(label="bob@smith.uk").exists()
        page = sara.get(f"{URL}delete/{bob.pk}/").content.decode()
        assert "Also add the address to the suppression list" in page
        response = sara.post(f"{URL}delete/{bob.pk}/")
        assert response.status_code == 302
        assert not Subscriber.objects.filter(email="bob@smith.uk").exists()
        assert not Suppression.holds("bob@smith.uk")
        assert not ModelLogEntry.objects.filter(label__icontains="bob@smith.uk").exists()
        assert ModelLogEntry.objects.filter(
            action="wagtail.delete", label="A subscriber (erased)"
        ).exists()

    def test_deleting_may_suppress_when_chosen(self, sara, people):
        ana = people["ana"]
        sara.post(f"{URL}delete/{ana.pk}/", {"suppress": "on"})
        assert not Subscriber.objects.filter(pk=ana.pk).exists()
        assert Suppression.holds("ana@quispe.pe")


def csv_rows(response):
    assert response["Content-Type"] == "text/csv"
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def xlsx_rows(response):
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    heading, *data = workbook.active.iter_rows(values_only=True)
    return [dict(zip(heading, row, strict=True)) for row in data]


class TestExports:
    @pytest.mark.parametrize("export_format", ["csv", "xlsx"])
    def test_a_formula_in_a_name_is_exported_inert(self, sara, people, export_format):
        response = sara.get(URL, {"export": export_format})
        assert response.status_code == 200
        rows = csv_rows(response) if export_format == "csv" else xlsx_rows(response)
        by_email = {row["Email"]: row for row in rows}
        assert by_email["dan@brown.uk"]["Name"] == "'" + FORMULA
        # The positive control: an ordinary name is exported as it is.
        assert by_email["ana@quispe.pe"]["Name"] == "Ana Quispe"
        assert by_email["ana@quispe.pe"]["Status"] == "Subscribed"
        assert by_email["ana@quispe.pe"]["Language"] == "es"
        assert by_email["ana@quispe.pe"]["What they agreed to"] == (
            "Envíenme Peru Update por correo electrónico."
        )

    def test_the_export_follows_the_filters(self, sara, people):
        rows = csv_rows(sara.get(URL, {"status": "subscribed", "export": "csv"}))
        assert sorted(row["Email"] for row in rows) == ["ana@quispe.pe", "bob@smith.uk"]


def upload(content, name="members-2019.csv"):
    if isinstance(content, str):
        content = content.encode()
    return SimpleUploadedFile(name, content, content_type="text/csv")


HEADER = "email,name,language,consent_date,consent_source\n"


def import_file(client, content, name="members-2019.csv"):
    response = client.post(IMPORT_URL, {"file": upload(content, name)})
    assert response.status_code == 200
    return response


def results(response):
    """{email: result text} from the import's report."""
    page = response.content.decode()
    return {
        text(email): text(result)
        for email, result in re.findall(
            r'<tr class="import-\w+">\s*<td>\d+</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>', page, re.S
        )
    }


def error(response):
    page = response.content.decode()
    assert "What happened to each row" not in page
    return text(page)


class TestImport:
    ROWS = (
        HEADER
        + "new@correo.pe,Rosa Mamani,es,2019-05-31,"
        + '"Ticked ""Send me Peru Update"" on the 2019 form"\n'
        + "other@correo.pe,,EN,31/05/2019,Asked at the AGM\n"
        + "ana@quispe.pe,Ana,es,2019-05-31,2019 form\n"
        + "gone@correo.pe,Gone,en,2019-05-31,2019 form\n"
        + "not-an-address,X,en,2019-05-31,2019 form\n"
        + "nodate@correo.pe,No Date,en,,2019 form\n"
        + "baddate@correo.pe,Bad Date,en,31 May,2019 form\n"
        + "future@correo.pe,Future,en,2999-01-01,2019 form\n"
        + "nosource@correo.pe,No Source,en,2019-05-31,\n"
        + "lang@correo.pe,Lang,fr,2019-05-31,2019 form\n"
    )

    def test_reports_each_row_and_imports_only_those_with_consent(self, sara, people):
        Suppression.add("Gone@Correo.pe", Suppression.Reason.UNSUBSCRIBED)
        report = results(import_file(sara, self.ROWS))
        assert report == {
            "new@correo.pe": "Imported as subscribed",
            "other@correo.pe": "Imported as subscribed",
            "ana@quispe.pe": "Skipped: already on the register (Subscribed)",
            "gone@correo.pe": "Skipped: on the suppression list: only its owner, by signing up "
            "and confirming, can take it off",
            "not-an-address": "Refused: not a valid email address",
            "nodate@correo.pe": "Refused: no consent date: without a record of their consent "
            "they cannot be imported",
            "baddate@correo.pe": "Refused: consent date '31 May' not understood (write it as "
            "2019-05-31)",
            "future@correo.pe": "Refused: consent date 2999-01-01 is in the future",
            "nosource@correo.pe": "Refused: no consent source: say where and how they agreed",
            "lang@correo.pe": "Refused: language not understood (write en or es)",
        }
        rosa = Subscriber.objects.get(email="new@correo.pe")
        assert rosa.status == Status.SUBSCRIBED and rosa.source == Subscriber.Source.IMPORT
        assert rosa.name == "Rosa Mamani" and rosa.language == "es"
        assert timezone.localtime(rosa.consent_at).date() == datetime.date(2019, 5, 31)
        assert (
            rosa.source_detail == 'members-2019.csv: Ticked "Send me Peru Update" on the 2019 form'
        )
        assert "Imported on" in rosa.consent_wording
        assert "'members-2019.csv'" in rosa.consent_wording
        assert rosa.consent_wording.endswith('Ticked "Send me Peru Update" on the 2019 form')
        other = Subscriber.objects.get(email="other@correo.pe")
        assert other.language == "en-gb"
        assert timezone.localtime(other.consent_at).date() == datetime.date(2019, 5, 31)
        # The suppression list is never overridden, and the existing subscriber is untouched.
        assert not Subscriber.objects.filter(email__iexact="gone@correo.pe").exists()
        assert Subscriber.objects.get(email="ana@quispe.pe").name == "Ana Quispe"
        assert Subscriber.objects.count() == 4 + 2

    def test_importing_the_same_file_again_changes_nothing(self, sara, db):
        content = HEADER + "new@correo.pe,Rosa,es,2019-05-31,2019 form\n"
        assert results(import_file(sara, content)) == {"new@correo.pe": "Imported as subscribed"}
        before = list(Subscriber.objects.values())
        assert results(import_file(sara, content)) == {
            "new@correo.pe": "Skipped: already on the register (Subscribed)"
        }
        assert list(Subscriber.objects.values()) == before

    def test_an_address_in_another_case_is_the_same_address(self, sara, people):
        content = HEADER + "ANA@QUISPE.PE,Ana,es,2019-05-31,2019 form\n"
        assert results(import_file(sara, content)) == {
            "ANA@quispe.pe": "Skipped: already on the register (Subscribed)"
        }

    def test_a_byte_order_mark_semicolons_and_missing_optional_columns_are_fine(self, sara, db):
        content = "\ufeffEmail;Consent_date;Consent source\nnew@correo.pe;2019-05-31;2019 form\n"
        assert results(import_file(sara, content)) == {"new@correo.pe": "Imported as subscribed"}
        assert Subscriber.objects.get().language == "en-gb"

    @pytest.mark.parametrize(
        ("content", "name", "message"),
        [
            (b"", "empty.csv", "The submitted file is empty."),
            (b"   \n", "blank.csv", "This file is empty."),
            (b"PK\x03\x04\x14\x00rest-of-a-zip", "list.xlsx", "This is not a CSV file"),
            (
                "email,consent_date,consent_source\nné@x.pe,2019-05-31,y\n".encode("latin-1"),
                "l.csv",
                "not in UTF-8",
            ),
            (
                b"email,name\nnew@correo.pe,Rosa\n",
                "cols.csv",
                "Missing: consent_date, consent_source.",
            ),
            (HEADER.encode(), "header.csv", "has a header row but no subscribers below it"),
            (
                b'email,consent_date,consent_source\n"new@correo.pe,2019-05-31,x\n',
                "q.csv",
                "could not be read as CSV",
            ),
            (
                b"email,email,consent_date,consent_source\n",
                "twice.csv",
                "names a column twice: email",
            ),
        ],
    )
    def test_a_bad_file_is_refused_whole_with_a_clear_message(
        self, sara, db, content, name, message
    ):
        response = sara.post(IMPORT_URL, {"file": upload(content, name)})
        assert response.status_code == 200
        assert message in error(response)
        assert not Subscriber.objects.exists()

    def test_a_file_too_big_or_too_long_is_refused(self, sara, db, monkeypatch):
        content = HEADER + "".join(f"r{n}@correo.pe,R,en,2019-05-31,form\n" for n in range(5))
        monkeypatch.setattr(admin_register, "IMPORT_MAX_ROWS", 4)
        assert "more than 4 rows" in error(import_file(sara, content))
        monkeypatch.setattr(admin_register, "IMPORT_MAX_BYTES", 100)
        assert "This file is too big" in error(import_file(sara, content))
        assert not Subscriber.objects.exists()

    def test_no_file_at_all_is_a_message_not_an_error(self, sara, db):
        response = sara.post(IMPORT_URL, {})
        assert response.status_code == 200
        assert "This field is required" in error(response)

    def test_offers_an_empty_file_with_the_columns(self, sara, db):
        page = sara.get(IMPORT_URL).content.decode()
        assert f'href="{IMPORT_URL}template.csv"' in page
        response = sara.get(f"{IMPORT_URL}template.csv")
        assert response["Content-Type"] == "text/csv"
        assert response.content.decode("utf-8-sig").strip() == HEADER.strip()

    def test_only_those_who_may_import_can(self, roles, editor, db):  # noqa: F811
        user = get_user_model().objects.create_user("viewer", "v@x.org", "pw")
        user.user_permissions.add(
            *admin_register.Permission.objects.filter(
                codename__in=["access_admin", "view_subscriber"]
            )
        )
        client = logged_in(user)
        assert client.get(URL).status_code == 200
        assert "Import a list" not in client.get(URL).content.decode()
        response = client.post(
            IMPORT_URL, {"file": upload(HEADER + "n@correo.pe,N,en,2019-05-31,f\n")}
        )
        assert response.status_code in (302, 403)
        assert not Subscriber.objects.exists()


class TestSuppressionList:
    def test_checks_an_address_without_listing_any(self, sara, db):
        Suppression.add("gone@correo.pe", Suppression.Reason.BOUNCED)
        Suppression.add("left@correo.pe", Suppression.Reason.UNSUBSCRIBED)
        page = text(sara.get(SUPPRESSION_URL).content.decode())
        assert "On the list: 2" in page
        assert "Bounced (the address does not exist) 1" in page
        assert "Unsubscribed 1" in page and "Added by the membership secretary 0" in page
        assert "gone@correo.pe" not in page
        found = text(sara.post(SUPPRESSION_URL, {"check-email": "GONE@correo.pe"}).content.decode())
        assert "GONE@correo.pe is on the suppression list, since" in found
        assert "Bounced (the address does not exist)." in found
        # The positive control: an address not on it.
        absent = text(
            sara.post(SUPPRESSION_URL, {"check-email": "here@correo.pe"}).content.decode()
        )
        assert "here@correo.pe is not on the suppression list." in absent
        bad = text(sara.post(SUPPRESSION_URL, {"check-email": "nonsense"}).content.decode())
        assert "Enter a valid email address." in bad

    def test_adds_an_address_by_hand_and_unsubscribes_its_subscriber(self, sara, people):
        response = sara.post(SUPPRESSION_URL, {"add-email": "Bob@Smith.uk"}, follow=True)
        page = text(response.content.decode())
        assert "Bob@smith.uk is now on the suppression list." in page
        assert "were on the register (Subscribed) and are now marked unsubscribed" in page
        assert Suppression.objects.get().reason == Suppression.Reason.MANUAL
        bob = Subscriber.objects.get(email="bob@smith.uk")
        assert bob.status == Status.UNSUBSCRIBED and bob.unsubscribed_at is not None
        # Again: already there, and nothing changes.
        page = text(
            sara.post(SUPPRESSION_URL, {"add-email": "bob@smith.uk"}, follow=True).content.decode()
        )
        assert "bob@smith.uk was already on the suppression list." in page
        assert Suppression.objects.count() == 1
        # An address nobody subscribed with is suppressed too, with no register change.
        sara.post(SUPPRESSION_URL, {"add-email": "stranger@correo.pe"})
        assert Suppression.holds("stranger@correo.pe")
        assert Subscriber.objects.filter(status=Status.SUBSCRIBED).count() == 1


class TestPurgeSubscribers:
    @pytest.fixture
    def old_and_new(self, home_page, db):
        now = timezone.now()
        days = datetime.timedelta(days=1)
        rows = {
            "old pending": at(SubscriberFactory(status=Status.PENDING), created_at=now - 31 * days),
            "re-asked pending": at(
                SubscriberFactory(status=Status.PENDING),
                created_at=now - 40 * days,
                confirmation_sent_at=now - 2 * days,
            ),
            "new pending": at(SubscriberFactory(status=Status.PENDING), created_at=now - 29 * days),
            "old left": at(
                SubscriberFactory(status=Status.UNSUBSCRIBED, email="left@correo.pe"),
                unsubscribed_at=now - 31 * days,
            ),
            "old bounced": at(
                SubscriberFactory(status=Status.SUPPRESSED, email="bounced@correo.pe"),
                unsubscribed_at=now - 31 * days,
            ),
            "new left": at(
                SubscriberFactory(status=Status.UNSUBSCRIBED), unsubscribed_at=now - 29 * days
            ),
            "old subscriber": at(
                SubscriberFactory(status=Status.SUBSCRIBED), created_at=now - 3000 * days
            ),
        }
        Suppression.add("left@correo.pe", Suppression.Reason.UNSUBSCRIBED)
        index = BulletinIndexPageFactory(parent=home_page)
        old_send = BulletinSend.objects.create(
            page=BulletinPageFactory(parent=index),
            language="en",
            recipients=2,
            created_at=now - 181 * days,
        )
        new_send = BulletinSend.objects.create(
            page=BulletinPageFactory(parent=index),
            language="en",
            recipients=1,
            created_at=now - 179 * days,
        )
        sub = rows["old subscriber"]
        deliveries = {
            "old sent": BulletinDelivery.objects.create(
                send=old_send, subscriber=sub, recipient="a@correo.pe", state="sent"
            ),
            "old stuck": BulletinDelivery.objects.create(
                send=old_send, subscriber=sub, recipient="b@correo.pe", state="pending"
            ),
            "new sent": BulletinDelivery.objects.create(
                send=new_send, subscriber=sub, recipient="a@correo.pe", state="sent"
            ),
        }
        return rows, deliveries, old_send

    def test_deletes_exactly_what_has_passed_its_period(self, old_and_new):
        rows, deliveries, old_send = old_and_new
        ModelLogEntry.objects.log_action(rows["old left"], "wagtail.edit", title="left@correo.pe")
        out = io.StringIO()
        call_command("purge_subscribers", stdout=out)
        kept = set(Subscriber.objects.values_list("pk", flat=True))
        assert kept == {
            rows[name].pk
            for name in ("re-asked pending", "new pending", "new left", "old subscriber")
        }
        # Those who left stay suppressed, whether or not they were on the list before.
        assert Suppression.holds("left@correo.pe") and Suppression.holds("bounced@correo.pe")
        assert (
            Suppression.objects.get(
                address_hash=admin_register.address_hash("bounced@correo.pe")
            ).reason
            == "bounced"
        )
        assert not ModelLogEntry.objects.filter(label="left@correo.pe").exists()
        assert set(BulletinDelivery.objects.values_list("pk", flat=True)) == {
            deliveries["old stuck"].pk,
            deliveries["new sent"].pk,
        }
        old_send.refresh_from_db()
        assert old_send.recipients == 2
        report = out.getvalue()
        assert "Deleted 1 unconfirmed sign-up(s)" in report
        assert "Deleted 2 subscriber(s) who left" in report
        assert "Deleted 1 delivery record(s)" in report

    def test_a_dry_run_deletes_nothing_and_the_periods_can_be_given(self, old_and_new):
        out = io.StringIO()
        call_command("purge_subscribers", "--dry-run", stdout=out)
        assert Subscriber.objects.count() == 7 and BulletinDelivery.objects.count() == 3
        assert "1 unconfirmed sign-up(s) made before" in out.getvalue()
        call_command(
            "purge_subscribers",
            "--pending-days",
            "1",
            "--unsubscribed-days",
            "1",
            "--delivery-days",
            "1",
            stdout=io.StringIO(),
        )
        assert Subscriber.objects.filter(status=Status.SUBSCRIBED).count() == 1
        assert Subscriber.objects.count() == 1
        assert BulletinDelivery.objects.count() == 1  # the one still waiting to be sent
        with pytest.raises(CommandError):
            call_command("purge_subscribers", "--pending-days", "0")


class TestThePrivacyNotice:
    def text_of(self, client, path):
        return text(client.get(path).content.decode())

    def test_states_what_is_kept_for_peru_update_and_for_how_long(self, client, pages):  # noqa: F811
        notice = self.text_of(client, "/privacy/")
        assert "Peru Update, our bulletin by email" in notice
        assert "a record of your consent (the words you agreed to, when and where)" in notice
        assert "kept on our own server and the emails are sent through our email provider" in notice
        assert "withdraw at any time with the link at the foot of every bulletin" in notice
        for sentence in [
            "Peru Update: a subscription you did not confirm is deleted 30 days after you asked "
            "for it.",
            "Once you leave, or your address stops working, your details are deleted after 30 "
            "days;",
            "The record of each bulletin sent to you is deleted 180 days after it was sent.",
        ]:
            assert sentence in notice
        spanish = self.text_of(client, "/es/privacidad/")
        assert "Peru Update, nuestro boletín por correo electrónico" in spanish
        for sentence in [
            "Peru Update: una suscripción que usted no confirmó se elimina 30 días después de "
            "solicitada.",
            "sus datos se eliminan al cabo de 30 días;",
            "El registro de cada boletín que le enviamos se elimina 180 días después del envío.",
        ]:
            assert sentence in spanish

    def test_follows_the_settings(self, client, pages, settings):  # noqa: F811
        settings.BULLETIN_PENDING_RETENTION_DAYS = 1
        settings.BULLETIN_UNSUBSCRIBED_RETENTION_DAYS = 7
        settings.BULLETIN_DELIVERY_RETENTION_DAYS = 90
        notice = self.text_of(client, "/privacy/")
        assert "did not confirm is deleted 1 day after you asked for it." in notice
        assert "your details are deleted after 7 days;" in notice
        assert "is deleted 90 days after it was sent." in notice
        assert "180 days after it was sent" not in notice
        spanish = self.text_of(client, "/es/privacidad/")
        assert "se elimina 1 día después de solicitada." in spanish
        assert "se eliminan al cabo de 7 días;" in spanish
        assert "se elimina 90 días después del envío." in spanish
