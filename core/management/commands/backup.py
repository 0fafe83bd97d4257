"""Back up the database and uploaded media into one archive."""

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

from core.backups import pg_environment


class Command(BaseCommand):
    help = "Write the database and media to backups/psg-<time>.tar.gz (or --output FILE)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", help="Archive to write (default: backups/psg-<time>.tar.gz)."
        )

    def handle(self, *args, output=None, **options):
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        archive = Path(output or settings.BASE_DIR / "backups" / f"psg-{stamp}.tar.gz")
        archive.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as workdir:
            dump = Path(workdir) / self.dump_database(Path(workdir))
            with tarfile.open(archive, "w:gz") as tar:
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
            subprocess.run(
                ["pg_dump", "--format=custom", "--no-owner", "--file", str(workdir / name)],
                env=pg_environment(connection.settings_dict),
                check=True,
            )
            return name
        if vendor == "sqlite":
            name = "database.sqlite3"
            connection.ensure_connection()
            target = sqlite3.connect(workdir / name)
            with target:
                connection.connection.backup(target)
            target.close()
            return name
        raise CommandError(f"Backups of {vendor} databases are not supported.")
