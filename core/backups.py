"""What `manage.py backup` and `restore` share.

An archive holds every applicant's details and the pages' passwords: it is readable by its
owner only from the moment it exists, and it never holds the sessions (a copied session would
let whoever reads the archive sign in as an editor).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from django.apps import apps
from django.core.cache import caches

FOLDER_MODE = 0o700
ARCHIVE_MODE = 0o600


def pg_environment(db: dict) -> dict[str, str]:
    """Environment for pg_dump/pg_restore to reach Django's database (no password on argv)."""
    environment = dict(os.environ)
    environment.update(
        {
            key: str(value)
            for key, value in {
                "PGDATABASE": db.get("NAME"),
                "PGHOST": db.get("HOST"),
                "PGPORT": db.get("PORT"),
                "PGUSER": db.get("USER"),
                "PGPASSWORD": db.get("PASSWORD"),
            }.items()
            if value
        }
    )
    return environment


def private_folder(path: str | os.PathLike, tighten: bool = False) -> None:
    """Make the folder `path` with mode 0700 (mkdir's mode, so it is never readable by others,
    whatever the umask); with `tighten`, an existing folder is set to 0700 too."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.mkdir(path, FOLDER_MODE)
    except FileExistsError:
        if tighten:
            os.chmod(path, FOLDER_MODE)


@contextlib.contextmanager
def private_file(path: str | os.PathLike) -> Iterator[BinaryIO]:
    """A binary file object for a new file at `path`, mode 0600 from its creation. It is written
    under a temporary name beside `path` and takes the name only once complete."""
    path = Path(path)
    descriptor, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        os.fchmod(descriptor, ARCHIVE_MODE)
        with os.fdopen(descriptor, "wb") as handle:
            yield handle
        os.replace(partial, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(partial)
        raise


def session_table() -> str | None:
    """The database table of Django's sessions, or None without the sessions app."""
    if not apps.is_installed("django.contrib.sessions"):
        return None
    return apps.get_model("sessions", "Session")._meta.db_table


def drop_sessions_from_sqlite_copy(path: str | os.PathLike) -> None:
    """Delete every session from the SQLite database file at `path` (a copy, never the live
    database), then rebuild the file so the deleted rows leave no trace in free pages."""
    table = session_table()
    copy = sqlite3.connect(path)
    try:
        exists = copy.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [table]
        ).fetchone()
        if table and exists:
            with copy:
                copy.execute(f'DELETE FROM "{table}"')
            copy.execute("VACUUM")
    finally:
        copy.close()


def sign_everyone_out_and_clear_caches() -> None:
    """After a restore: no session survives (not those of the live site, nor any in an
    archive made before sessions were left out), and no cache holds the replaced content."""
    if session_table():
        apps.get_model("sessions", "Session").objects.all().delete()
    # Every alias, not only the default: cached sessions and lockout counts go too.
    for cache in caches.all():
        cache.clear()
