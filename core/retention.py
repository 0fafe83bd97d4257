"""What the data-retention commands with several periods share (purge_applications,
purge_subscribers): an option for each period, its setting the default, its bounds checked;
and the day a cut-off falls on, in words."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone


def day(moment):
    """'1 March 2025', in the site's time zone."""
    local = timezone.localtime(moment)
    return f"{local.day} {local:%B %Y}"


class RetentionCommand(BaseCommand):
    # Each period: its option, the setting that is its default, the largest value allowed, its
    # help.
    periods: list[tuple[str, str, int, str]] = []

    def add_arguments(self, parser):
        for option, setting, _most, help in self.periods:
            parser.add_argument(
                f"--{option.replace('_', '-')}",
                type=int,
                default=None,
                help=f"{help} Default: {setting} ({getattr(settings, setting)}).",
            )
        parser.add_argument(
            "--dry-run", action="store_true", help="Only say how many would be deleted."
        )

    def chosen_periods(self, options) -> dict[str, int]:
        """{option: its value}, from the command line or else the setting."""
        period = {}
        for option, setting, most, _help in self.periods:
            value = options[option]
            period[option] = getattr(settings, setting) if value is None else value
            if not 1 <= period[option] <= most:
                raise CommandError(f"--{option.replace('_', '-')} must be between 1 and {most}.")
        return period
