"""Data retention: `purge_declined_applications` deletes declined membership applications older
than --months, and nothing else."""

import datetime
import io

from django.core.management import CommandError, call_command
from django.utils import timezone

import factory
import pytest

from members.management.commands.purge_declined_applications import months_before
from members.models import MembershipApplication, MembershipTier

UTC = datetime.UTC
NOW = datetime.datetime(2025, 3, 31, 12, 0, tzinfo=UTC)
Status = MembershipApplication.Status


class TierFactory(factory.django.DjangoModelFactory):
    name = "Individual"
    annual_fee = "25.00"

    class Meta:
        model = MembershipTier
        django_get_or_create = ("name",)


class ApplicationFactory(factory.django.DjangoModelFactory):
    full_name = factory.Sequence(lambda n: f"Applicant {n}")
    email = factory.Sequence(lambda n: f"applicant{n}@example.org")
    country = "United Kingdom"
    tier = factory.SubFactory(TierFactory)
    consent = True

    class Meta:
        model = MembershipApplication


def application(status, received):
    """An application with this status, received at this moment (created_at is auto_now_add)."""
    created = ApplicationFactory(status=status)
    MembershipApplication.objects.filter(pk=created.pk).update(created_at=received)
    return created


def at(*args):
    return datetime.datetime(*args, tzinfo=UTC)


def purge(*args):
    out = io.StringIO()
    call_command("purge_declined_applications", *args, stdout=out)
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
    """Applications of every status, some older and some newer than 12 months."""
    return {
        "declined 2 years ago": application(Status.DECLINED, at(2023, 3, 1)),
        "declined just over a year ago": application(Status.DECLINED, at(2024, 3, 31, 11, 59)),
        "declined just under a year ago": application(Status.DECLINED, at(2024, 3, 31, 12, 1)),
        "declined last week": application(Status.DECLINED, at(2025, 3, 24)),
        "new, 5 years old": application(Status.NEW, at(2020, 1, 1)),
        "approved, 5 years old": application(Status.APPROVED, at(2020, 1, 1)),
        "lapsed, 5 years old": application(Status.LAPSED, at(2020, 1, 1)),
    }


def names(register, *keys):
    return {register[key].full_name for key in keys}


class TestPurge:
    def test_deletes_declined_older_than_twelve_months_by_default(self, register):
        output = purge()
        assert remaining() == names(
            register,
            "declined just under a year ago",
            "declined last week",
            "new, 5 years old",
            "approved, 5 years old",
            "lapsed, 5 years old",
        )
        assert output == "Deleted 2 declined application(s) received before 31 March 2024.\n"

    def test_shorter_retention(self, register):
        output = purge("--months", "1")
        assert remaining() == names(
            register,
            "declined last week",
            "new, 5 years old",
            "approved, 5 years old",
            "lapsed, 5 years old",
        )
        # 31 March minus one month is the last day of February.
        assert output == "Deleted 3 declined application(s) received before 28 February 2025.\n"

    def test_an_application_received_exactly_at_the_cutoff_is_kept(self, db, now):
        at_cutoff = application(Status.DECLINED, at(2024, 3, 31, 12, 0))
        purge()
        assert remaining() == {at_cutoff.full_name}

    def test_never_deletes_other_statuses_however_old(self, db, now):
        for status in (Status.NEW, Status.APPROVED, Status.LAPSED):
            application(status, at(2001, 1, 1))
        assert "Deleted 0 declined application(s)" in purge("--months", "1")
        assert MembershipApplication.objects.count() == 3

    def test_across_the_year_end(self, db, monkeypatch):
        monkeypatch.setattr(timezone, "now", lambda: at(2025, 1, 15, 9, 0))
        application(Status.DECLINED, at(2024, 12, 15, 8, 59))
        newer = application(Status.DECLINED, at(2024, 12, 15, 9, 1))
        output = purge("--months", "1")
        assert remaining() == {newer.full_name}
        assert "received before 15 December 2024." in output

    def test_dry_run_deletes_nothing_and_reports_the_count(self, register):
        output = purge("--dry-run")
        assert MembershipApplication.objects.count() == len(register)
        assert output == (
            "2 declined application(s) received before 31 March 2024 would be deleted "
            "(dry run: nothing deleted).\n"
        )

    def test_dry_run_count_matches_what_a_real_run_deletes(self, register):
        assert purge("--dry-run", "--months", "6").startswith("3 declined application(s)")
        assert purge("--months", "6").startswith("Deleted 3 declined application(s)")
        assert MembershipApplication.objects.count() == len(register) - 3

    @pytest.mark.parametrize("months", ["0", "-1", "-12"])
    def test_no_retention_at_all_is_refused(self, register, months):
        with pytest.raises(CommandError, match="--months must be between 1 and 1200"):
            purge("--months", months)
        assert MembershipApplication.objects.count() == len(register)

    def test_a_non_number_is_refused(self, register):
        with pytest.raises(CommandError, match="invalid int value"):
            purge("--months", "twelve")
        assert MembershipApplication.objects.count() == len(register)

    def test_an_absurd_number_of_months_is_refused_clearly(self, register):
        with pytest.raises(CommandError):
            purge("--months", "100000")
        assert MembershipApplication.objects.count() == len(register)


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
