"""Restore a backup made by `manage.py backup`: the database, then the media; then sign
everyone out and empty the caches."""

import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from core.backups import pg_environment, sign_everyone_out_and_clear_caches


class Command(BaseCommand):
    help = (
        "Replace the database and media with those in a backup archive, then end every "
        "session and clear every cache."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="A .tar.gz written by `manage.py backup`.")
        parser.add_argument(
            "--no-input", action="store_true", help="Do not ask before replacing everything."
        )

    def handle(self, *args, archive, no_input=False, **options):
        archive = Path(archive)
        if not archive.is_file():
            raise CommandError(f"No backup at {archive}.")
        if not no_input:
            answer = input(
                f"Replace the database and media with {archive} and sign everyone out? Type 'yes': "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled.")
        with tempfile.TemporaryDirectory() as workdir, tarfile.open(archive) as tar:
            tar.extractall(workdir, filter="data")
            workdir = Path(workdir)
            self.restore_database(workdir)
            media = workdir / "media"
            if media.is_dir():
                self.replace_media(media, Path(settings.MEDIA_ROOT))
        # Cached pages and fragments show the replaced content, and sessions would outlive it.
        sign_everyone_out_and_clear_caches()
        self.stdout.write(self.style.SUCCESS(f"Restored {archive}; everyone is signed out."))

    def replace_media(self, media, target):
        # The folder's contents, not the folder: it may be a mount point, with its own owner.
        target.mkdir(parents=True, exist_ok=True)
        for path in target.iterdir():
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
        shutil.copytree(media, target, dirs_exist_ok=True)

    def restore_database(self, workdir):
        vendor = connection.vendor
        connection.close()
        if vendor == "postgresql":
            dump = workdir / "database.pgdump"
            if not dump.is_file():
                raise CommandError("This backup holds no PostgreSQL dump.")
            subprocess.run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    "--dbname",
                    connection.settings_dict["NAME"],
                    str(dump),
                ],
                env=pg_environment(connection.settings_dict),
                check=True,
            )
        elif vendor == "sqlite":
            dump = workdir / "database.sqlite3"
            if not dump.is_file():
                raise CommandError("This backup holds no SQLite database.")
            source = sqlite3.connect(dump)
            connection.ensure_connection()
            with source:
                source.backup(connection.connection)
            source.close()
        else:
            raise CommandError(f"Restoring {vendor} databases is not supported.")
