"""Data retention: `purge_applications` deletes each application once the period for its status
has passed (new, declined and suspected spam counted from when it arrived, lapsed from when it
was last changed) and keeps approved ones, the memberships themselves."""

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


def application(status, received, changed=None):
    """An application with this status, received at one moment and last changed at another
    (by default when it was received: created_at and updated_at are set by Django)."""
    created = MembershipApplicationFactory(status=status)
    MembershipApplication.objects.filter(pk=created.pk).update(
        created_at=received, updated_at=changed or received
    )
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
        "new, 2 years ago": application(Status.NEW, at(2023, 3, 1)),
        "new, just over a year ago": application(Status.NEW, at(2024, 3, 31, 11, 59)),
        "new, just under a year ago": application(Status.NEW, at(2024, 3, 31, 12, 1)),
        "new, last week": application(Status.NEW, at(2025, 3, 24)),
        "lapsed 7 years ago": application(Status.LAPSED, at(2010, 1, 1), at(2018, 3, 1)),
        "lapsed just over 6 years ago": application(
            Status.LAPSED, at(2010, 1, 1), at(2019, 3, 31, 11, 59)
        ),
        "lapsed just under 6 years ago": application(
            Status.LAPSED, at(2010, 1, 1), at(2019, 3, 31, 12, 1)
        ),
        "lapsed long ago, edited last month": application(
            Status.LAPSED, at(2010, 1, 1), at(2025, 2, 28)
        ),
        "approved 15 years ago": application(Status.APPROVED, at(2010, 1, 1)),
        "approved last week": application(Status.APPROVED, at(2025, 3, 24)),
    }


def names(register, *keys):
    return {register[key].full_name for key in keys}


NEVER_PURGED = ("approved 15 years ago", "approved last week")
KEPT_BY_DEFAULT = (
    "declined just under a year ago",
    "declined last week",
    "spam just under 30 days ago",
    "spam yesterday",
    "new, just under a year ago",
    "new, last week",
    "lapsed just under 6 years ago",
    "lapsed long ago, edited last month",
    *NEVER_PURGED,
)
# What one month (one week for spam, one year for lapsed memberships) leaves.
KEPT_BY_SHORTER_PERIODS = (
    "new, last week",
    "declined last week",
    "spam yesterday",
    "lapsed long ago, edited last month",
)


class TestPurge:
    def test_each_status_is_kept_for_its_default_period_and_no_longer(self, register):
        assert remaining() == set(names(register, *register))  # the positive control
        output = purge()
        assert remaining() == names(register, *KEPT_BY_DEFAULT)
        assert output == (
            "Deleted 2 new application(s) received before 31 March 2024.\n"
            "Deleted 2 declined application(s) received before 31 March 2024.\n"
            "Deleted 2 suspected spam application(s) received before 1 March 2025.\n"
            "Deleted 2 lapsed application(s) last changed before 31 March 2019.\n"
        )

    def test_the_periods_follow_the_settings(self, register, settings):
        settings.MEMBERSHIP_NEW_RETENTION_MONTHS = 1
        settings.MEMBERSHIP_DECLINED_RETENTION_MONTHS = 1
        settings.MEMBERSHIP_SUSPECTED_RETENTION_DAYS = 7
        settings.MEMBERSHIP_LAPSED_RETENTION_YEARS = 1
        purge()
        assert remaining() == names(register, *KEPT_BY_SHORTER_PERIODS, *NEVER_PURGED)

    def test_shorter_retention(self, register):
        output = purge(
            "--new-months", "1", "--declined-months", "1", "--spam-days", "7", "--lapsed-years", "1"
        )
        assert remaining() == names(register, *KEPT_BY_SHORTER_PERIODS, *NEVER_PURGED)
        # 31 March minus one month is the last day of February.
        assert output == (
            "Deleted 3 new application(s) received before 28 February 2025.\n"
            "Deleted 3 declined application(s) received before 28 February 2025.\n"
            "Deleted 3 suspected spam application(s) received before 24 March 2025.\n"
            "Deleted 3 lapsed application(s) last changed before 31 March 2024.\n"
        )

    def test_longer_spam_retention_keeps_more(self, register):
        purge("--spam-days", "90")
        assert {
            key for key, application in register.items() if application.full_name in remaining()
        } >= {"spam 2 months ago", "spam just over 30 days ago"}

    def test_an_application_exactly_at_the_cutoff_is_kept(self, db, now):
        kept = [
            application(Status.NEW, at(2024, 3, 31, 12, 0)),
            application(Status.DECLINED, at(2024, 3, 31, 12, 0)),
            application(Status.SUSPECTED, at(2025, 3, 1, 12, 0)),
            application(Status.LAPSED, at(2010, 1, 1), at(2019, 3, 31, 12, 0)),
        ]
        purge()
        assert remaining() == {application.full_name for application in kept}

    def test_never_deletes_an_approved_application_however_old(self, db, now):
        application(Status.APPROVED, at(2001, 1, 1))
        output = purge("--new-months", "1", "--declined-months", "1", "--spam-days", "1")
        assert "approved" not in output
        assert MembershipApplication.objects.count() == 1

    def test_a_released_application_is_kept_like_any_new_one(self, db, now):
        released = application(Status.NEW, at(2024, 6, 1))
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
            "2 new application(s) received before 31 March 2024 would be deleted "
            "(dry run: nothing deleted).\n"
            "2 declined application(s) received before 31 March 2024 would be deleted "
            "(dry run: nothing deleted).\n"
            "2 suspected spam application(s) received before 1 March 2025 would be deleted "
            "(dry run: nothing deleted).\n"
            "2 lapsed application(s) last changed before 31 March 2019 would be deleted "
            "(dry run: nothing deleted).\n"
        )

    def test_dry_run_count_matches_what_a_real_run_deletes(self, register):
        options = ("--declined-months", "6", "--spam-days", "7", "--lapsed-years", "1")
        dry = purge("--dry-run", *options).splitlines()
        assert [line.split()[0] for line in dry] == ["2", "3", "3", "3"]
        real = purge(*options).splitlines()
        assert [line.split()[1] for line in real] == ["2", "3", "3", "3"]
        assert MembershipApplication.objects.count() == len(register) - 11

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
            ("--new-months", "0", "--new-months must be between 1 and 1200"),
            ("--lapsed-years", "0", "--lapsed-years must be between 1 and 100"),
            ("--lapsed-years", "101", "--lapsed-years must be between 1 and 100"),
        ],
    )
    def test_no_retention_at_all_or_an_absurd_one_is_refused(
        self, register, option, value, message
    ):
        with pytest.raises(CommandError, match=message):
            purge(option, value)
        assert MembershipApplication.objects.count() == len(register)

    @pytest.mark.parametrize(
        "option", ["--new-months", "--declined-months", "--spam-days", "--lapsed-years"]
    )
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
