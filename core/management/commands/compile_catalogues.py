"""Build the .mo of every translation catalogue whose .po is newer (core/catalogues.py)."""

from django.core.management.base import BaseCommand, CommandError

from core.catalogues import CatalogueError, compile_catalogue, is_stale, po_files, unfinished


class Command(BaseCommand):
    help = (
        "Build each translation catalogue's .mo from its .po under LOCALE_PATHS, when the .po "
        "is newer; fails, writing nothing, on a catalogue that could break a page."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Build every .mo, even those up to date."
        )

    def handle(self, *args, force, **options):
        verbosity = options["verbosity"]
        stale = [po for po in po_files() if force or is_stale(po)]
        failures = []
        for po in stale:
            try:
                catalogue = compile_catalogue(po)
            except CatalogueError as exc:
                failures.append(str(exc))
                continue
            left = unfinished(catalogue)
            if left:
                self.stderr.write(
                    f"{po}: {len(left)} message(s) fuzzy or untranslated, shown in English: "
                    + ", ".join(repr(entry.msgid) for entry in left[:5])
                    + (" …" if len(left) > 5 else "")
                )
            if verbosity > 0:
                self.stdout.write(
                    f"Compiled {po} ({len(catalogue.translated_entries())} messages)."
                )
        if failures:
            raise CommandError(
                "These catalogues are broken and were not compiled:\n" + "\n".join(failures)
            )
