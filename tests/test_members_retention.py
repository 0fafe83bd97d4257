"""Data retention: `purge_applications` deletes declined membership applications older than
--declined-months and suspected spam older than --spam-days, and nothing else."""

import datetime
import io

from django.core.management import CommandError, call_command
from django.utils import timezone

import pytest

from members.management.commands.purge_applications import months_before
from members.models import ApplicationEmail, MembershipApplication
from tests.factories import MembershipApplicationFactory

UTC = datetime.UTC
NOW = datetime.datetime(2025, 3, 31, 12, 0, tzinfo=UTC)
Status = MembershipApplication.Status


def application(status, received):
    """An application with this status, received at this moment (created_at is auto_now_add)."""
    created = MembershipApplicationFactory(status=status)
    MembershipApplication.objects.filter(pk=created.pk).update(created_at=received)
    return created


def at(*args):
    return datetime.datetime(*args, tzinfo=UTC)


def purge(*args):
    out = io.StringIO()
    call_command("purge_applications", *args, stdout=out)
    return out.getvalue()


def remaining():
    return set(MembershipApplication.objects.values_list("full_name", flat=True))


@pytest.fixture
def now(monkeypatch):
    """The command runs at NOW."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


@pytest.fixture
def register(db, now):
    """Applications of every status, some older and some newer than the retention periods."""
    return {
        "declined 2 years ago": application(Status.DECLINED, at(2023, 3, 1)),
        "declined just over a year ago": application(Status.DECLINED, at(2024, 3, 31, 11, 59)),
        "declined just under a year ago": application(Status.DECLINED, at(2024, 3, 31, 12, 1)),
        "declined last week": application(Status.DECLINED, at(2025, 3, 24)),
        "spam 2 months ago": application(Status.SUSPECTED, at(2025, 1, 31)),
        "spam just over 30 days ago": application(Status.SUSPECTED, at(2025, 3, 1, 11, 59)),
        "spam just under 30 days ago": application(Status.SUSPECTED, at(2025, 3, 1, 12, 1)),
        "spam yesterday": application(Status.SUSPECTED, at(2025, 3, 30)),
        "new, 5 years old": application(Status.NEW, at(2020, 1, 1)),
        "approved, 5 years old": application(Status.APPROVED, at(2020, 1, 1)),
        "lapsed, 5 years old": application(Status.LAPSED, at(2020, 1, 1)),
    }


def names(register, *keys):
    return {register[key].full_name for key in keys}


NEVER_PURGED = ("new, 5 years old", "approved, 5 years old", "lapsed, 5 years old")


class TestPurge:
    def test_default_retention_twelve_months_declined_thirty_days_spam(self, register):
        output = purge()
        assert remaining() == names(
            register,
            "declined just under a year ago",
            "declined last week",
            "spam just under 30 days ago",
            "spam yesterday",
            *NEVER_PURGED,
        )
        assert output == (
            "Deleted 2 declined application(s) received before 31 March 2024.\n"
            "Deleted 2 suspected spam application(s) received before 1 March 2025.\n"
        )

    def test_shorter_retention(self, register):
        output = purge("--declined-months", "1", "--spam-days", "7")
        assert remaining() == names(register, "declined last week", "spam yesterday", *NEVER_PURGED)
        # 31 March minus one month is the last day of February.
        assert output == (
            "Deleted 3 declined application(s) received before 28 February 2025.\n"
            "Deleted 3 suspected spam application(s) received before 24 March 2025.\n"
        )

    def test_longer_spam_retention_keeps_more(self, register):
        purge("--spam-days", "90")
        assert {
            key for key, application in register.items() if application.full_name in remaining()
        } >= {"spam 2 months ago", "spam just over 30 days ago"}

    def test_an_application_received_exactly_at_the_cutoff_is_kept(self, db, now):
        declined = application(Status.DECLINED, at(2024, 3, 31, 12, 0))
        spam = application(Status.SUSPECTED, at(2025, 3, 1, 12, 0))
        purge()
        assert remaining() == {declined.full_name, spam.full_name}

    def test_never_deletes_other_statuses_however_old(self, db, now):
        for status in (Status.NEW, Status.APPROVED, Status.LAPSED):
            application(status, at(2001, 1, 1))
        output = purge("--declined-months", "1", "--spam-days", "1")
        assert "Deleted 0 declined application(s)" in output
        assert "Deleted 0 suspected spam application(s)" in output
        assert MembershipApplication.objects.count() == 3

    def test_a_released_application_is_kept_like_any_new_one(self, db, now):
        released = application(Status.NEW, at(2024, 1, 1))
        MembershipApplication.objects.filter(pk=released.pk).update(spam_reason="too_fast")
        purge()
        assert remaining() == {released.full_name}

    def test_an_applications_email_record_goes_with_it(self, db, now):
        spam = application(Status.SUSPECTED, at(2024, 1, 1))
        ApplicationEmail.objects.create(application=spam, kind="applicant", recipient=spam.email)
        assert ApplicationEmail.objects.count() == 1
        purge()
        assert not ApplicationEmail.objects.exists()

    def test_across_the_year_end(self, db, monkeypatch):
        monkeypatch.setattr(timezone, "now", lambda: at(2025, 1, 15, 9, 0))
        application(Status.DECLINED, at(2024, 12, 15, 8, 59))
        newer = application(Status.DECLINED, at(2024, 12, 15, 9, 1))
        output = purge("--declined-months", "1")
        assert remaining() == {newer.full_name}
        assert "received before 15 December 2024." in output

    def test_dry_run_deletes_nothing_and_reports_the_count(self, register):
        output = purge("--dry-run")
        assert MembershipApplication.objects.count() == len(register)
        assert output == (
            "2 declined application(s) received before 31 March 2024 would be deleted "
            "(dry run: nothing deleted).\n"
            "2 suspected spam application(s) received before 1 March 2025 would be deleted "
            "(dry run: nothing deleted).\n"
        )

    def test_dry_run_count_matches_what_a_real_run_deletes(self, register):
        dry = purge("--dry-run", "--declined-months", "6", "--spam-days", "7").splitlines()
        assert [line.split()[0] for line in dry] == ["3", "3"]
        real = purge("--declined-months", "6", "--spam-days", "7").splitlines()
        assert [line.split()[1] for line in real] == ["3", "3"]
        assert MembershipApplication.objects.count() == len(register) - 6

    @pytest.mark.parametrize(
        "option, value, message",
        [
            ("--declined-months", "0", "--declined-months must be between 1 and 1200"),
            ("--declined-months", "-1", "--declined-months must be between 1 and 1200"),
            ("--declined-months", "-12", "--declined-months must be between 1 and 1200"),
            ("--declined-months", "100000", "--declined-months must be between 1 and 1200"),
            ("--spam-days", "0", "--spam-days must be between 1 and 36500"),
            ("--spam-days", "-30", "--spam-days must be between 1 and 36500"),
            ("--spam-days", "99999999", "--spam-days must be between 1 and 36500"),
        ],
    )
    def test_no_retention_at_all_or_an_absurd_one_is_refused(
        self, register, option, value, message
    ):
        with pytest.raises(CommandError, match=message):
            purge(option, value)
        assert MembershipApplication.objects.count() == len(register)

    @pytest.mark.parametrize("option", ["--declined-months", "--spam-days"])
    def test_a_non_number_is_refused(self, register, option):
        with pytest.raises(CommandError, match="invalid int value"):
            purge(option, "twelve")
        assert MembershipApplication.objects.count() == len(register)

    def test_the_old_command_is_gone(self, db):
        with pytest.raises(CommandError, match="Unknown command"):
            call_command("purge_declined_applications")


@pytest.mark.parametrize(
    "moment, months, expected",
    [
        (at(2024, 3, 31), 1, at(2024, 2, 29)),  # leap year
        (at(2023, 3, 31), 1, at(2023, 2, 28)),
        (at(2100, 3, 31), 1, at(2100, 2, 28)),  # 2100 is not a leap year
        (at(2025, 5, 31), 1, at(2025, 4, 30)),
        (at(2025, 1, 31), 2, at(2024, 11, 30)),
        (at(2025, 1, 15), 1, at(2024, 12, 15)),  # across the year end
        (at(2025, 1, 1), 12, at(2024, 1, 1)),
        (at(2025, 3, 10), 27, at(2022, 12, 10)),
        (at(2024, 2, 29), 12, at(2023, 2, 28)),
        (at(2024, 2, 29), 48, at(2020, 2, 29)),
        (at(2025, 12, 31), 11, at(2025, 1, 31)),
        (at(2025, 7, 15), 0, at(2025, 7, 15)),
    ],
)
def test_months_before(moment, months, expected):
    assert months_before(moment, months) == expected


def test_months_before_keeps_the_time_of_day_and_time_zone():
    london = datetime.timezone(datetime.timedelta(hours=1), "BST")
    moment = datetime.datetime(2025, 8, 31, 23, 59, 58, 123456, tzinfo=london)
    result = months_before(moment, 6)
    assert result == datetime.datetime(2025, 2, 28, 23, 59, 58, 123456, tzinfo=london)
    assert result.tzinfo is london
