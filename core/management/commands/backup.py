"""Back up the database and uploaded media into one archive, readable by its owner only."""

import datetime
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from core.backups import (
    drop_sessions_from_sqlite_copy,
    pg_environment,
    private_file,
    private_folder,
    session_table,
)


class Command(BaseCommand):
    help = (
        "Write the database (without sessions) and media to backups/psg-<time>.tar.gz "
        "(or --output FILE), mode 0600 in a folder of mode 0700."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", help="Archive to write (default: backups/psg-<time>.tar.gz)."
        )

    def handle(self, *args, output=None, **options):
        if output:
            archive = Path(output)
            private_folder(archive.parent)
        else:
            stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
            folder = Path(settings.BASE_DIR) / "backups"
            # The default folder holds nothing but backups: tighten one made by older versions.
            private_folder(folder, tighten=True)
            archive = folder / f"psg-{stamp}.tar.gz"
        # TemporaryDirectory is mode 0700: the dump is private while it is being written.
        with tempfile.TemporaryDirectory() as workdir:
            dump = Path(workdir) / self.dump_database(Path(workdir))
            with private_file(archive) as handle, tarfile.open(fileobj=handle, mode="w:gz") as tar:
                tar.add(dump, arcname=dump.name)
                media = Path(settings.MEDIA_ROOT)
                if media.is_dir():
                    tar.add(media, arcname="media")
        self.stdout.write(self.style.SUCCESS(f"Backup written to {archive}"))

    def dump_database(self, workdir):
        vendor = connection.vendor
        if vendor == "postgresql":
            if not shutil.which("pg_dump"):
                raise CommandError("pg_dump is not installed (Debian: postgresql-client).")
            name = "database.pgdump"
            command = ["pg_dump", "--format=custom", "--no-owner", "--file", str(workdir / name)]
            if table := session_table():
                # The table itself is kept (restore recreates it empty), its rows are not.
                command.append(f'--exclude-table-data="{table}"')
            subprocess.run(command, env=pg_environment(connection.settings_dict), check=True)
            return name
        if vendor == "sqlite":
            name = "database.sqlite3"
            connection.ensure_connection()
            target = sqlite3.connect(workdir / name)
            with target:
                connection.connection.backup(target)
            target.close()
            drop_sessions_from_sqlite_copy(workdir / name)
            return name
        raise CommandError(f"Backups of {vendor} databases are not supported.")
