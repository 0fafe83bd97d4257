"""Backups: private from the moment they exist, without sessions, and restored without losing
content, without leaving anyone signed in and without stale caches. The suite runs on SQLite
and on PostgreSQL (DATABASE_URL), so each test runs on both."""

import os
import subprocess
import tarfile

from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test import Client

import pytest

from core.management.commands import backup as backup_command
from home.models import Theme
from news.models import NewsItemPage

# Subprocesses (pg_dump, pg_restore) and whole-database copies. Every test commits: pg_dump in
# another process sees only committed data, and SQLite cannot copy a database from inside the
# test's open transaction.
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

USERNAME = "backup-test-editor-5b1f"


def mode(path):
    return path.stat().st_mode & 0o777


def database_text(archive, tmp_path):
    """The archived database as bytes to search: the SQLite file itself, or the SQL script
    pg_restore makes of the dump (its data included)."""
    folder = tmp_path / "unpacked"
    with tarfile.open(archive) as tar:
        tar.extractall(folder, filter="data")
    if connection.vendor == "postgresql":
        return subprocess.run(
            ["pg_restore", "--file=-", str(folder / "database.pgdump")],
            capture_output=True,
            check=True,
        ).stdout
    return (folder / "database.sqlite3").read_bytes()


def signed_in_client():
    """A client signed in as an editor, and its session key (the session is in the database)."""
    user = get_user_model().objects.filter(username=USERNAME).first()
    user = user or get_user_model().objects.create_superuser(
        USERNAME, "backup@example.org", "a-long-and-good-passphrase"
    )
    client = Client()
    client.force_login(user)
    assert client.get("/admin/").status_code == 200
    key = client.session.session_key
    assert Session.objects.filter(session_key=key).exists()
    return client, key


@pytest.fixture
def umask_zero():
    """No umask to hide a file or folder made readable by all."""
    previous = os.umask(0)
    yield
    os.umask(previous)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Media of the test's own (the default folder is shared with other test runs)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    (tmp_path / "media" / "documents").mkdir(parents=True)
    (tmp_path / "media" / "documents" / "annual-report.pdf").write_bytes(b"%PDF-1.4 report")


def test_archive_and_folder_are_private_from_the_start(tmp_path, settings, monkeypatch, umask_zero):
    settings.BASE_DIR = tmp_path
    folder = tmp_path / "backups"
    # While the archive is written, everything in the folder is already private.
    seen_while_writing = []
    add = tarfile.TarFile.add

    def watching_add(self, *args, **kwargs):
        seen_while_writing.append(
            (mode(folder), {path.name: mode(path) for path in folder.iterdir()})
        )
        return add(self, *args, **kwargs)

    monkeypatch.setattr(tarfile.TarFile, "add", watching_add)

    call_command("backup", verbosity=0)

    archives = list(folder.iterdir())
    assert len(archives) == 1 and archives[0].name.startswith("psg-")
    assert archives[0].name.endswith(".tar.gz")
    assert mode(folder) == 0o700
    assert mode(archives[0]) == 0o600
    assert seen_while_writing, "the archive was written through TarFile.add"
    for folder_mode, files in seen_while_writing:
        assert folder_mode == 0o700
        assert files and set(files.values()) == {0o600}
    with tarfile.open(archives[0]) as tar:
        assert "media/documents/annual-report.pdf" in tar.getnames()


def test_an_older_readable_backups_folder_is_tightened(tmp_path, settings, umask_zero):
    settings.BASE_DIR = tmp_path
    (tmp_path / "backups").mkdir(mode=0o755)
    assert mode(tmp_path / "backups") == 0o755
    call_command("backup", verbosity=0)
    assert mode(tmp_path / "backups") == 0o700


def test_output_elsewhere_is_private_and_its_existing_folder_untouched(tmp_path, umask_zero):
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    call_command("backup", output=str(shared / "here.tar.gz"), verbosity=0)
    call_command("backup", output=str(shared / "new" / "nightly.tar.gz"), verbosity=0)
    assert mode(shared / "here.tar.gz") == 0o600
    assert mode(shared) == 0o755
    assert mode(shared / "new") == 0o700
    assert mode(shared / "new" / "nightly.tar.gz") == 0o600
    # Nothing else is left behind (no partial archive).
    assert sorted(p.name for p in shared.rglob("*")) == ["here.tar.gz", "new", "nightly.tar.gz"]


def test_a_failed_backup_leaves_no_partial_archive(tmp_path, monkeypatch):
    def failing_add(self, *args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(tarfile.TarFile, "add", failing_add)
    with pytest.raises(OSError, match="disk full"):
        call_command("backup", output=str(tmp_path / "out" / "nightly.tar.gz"), verbosity=0)
    assert (tmp_path / "out").is_dir()
    assert list((tmp_path / "out").iterdir()) == []


def test_sessions_are_not_in_the_archive(tmp_path, home_page):
    _, key = signed_in_client()
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=str(archive), verbosity=0)

    text = database_text(archive, tmp_path)
    # The editor's account is there (so this is the data), their session is not.
    assert USERNAME.encode() in text
    assert key.encode() not in text
    # The live site keeps its sessions.
    assert Session.objects.filter(session_key=key).exists()


def test_restore_signs_everyone_out_and_empties_every_cache(tmp_path, home_page):
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=str(archive), verbosity=0)

    client, key = signed_in_client()
    for cache in caches.all():
        cache.set("cached-page", "before the restore")
    # Every cache that keeps anything (a switched-off one is Django's dummy cache).
    keeping = [cache for cache in caches.all() if cache.get("cached-page") is not None]
    assert {caches["default"], caches["template_fragments"]} <= set(keeping)

    call_command("restore", str(archive), no_input=True, verbosity=0)

    assert not Session.objects.filter(session_key=key).exists()
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert [cache.get("cached-page") for cache in keeping] == [None] * len(keeping)


def test_restoring_an_archive_that_holds_sessions_signs_them_out(tmp_path, monkeypatch, home_page):
    """Archives made before sessions were left out still hold them: a restore ends them."""
    client, key = signed_in_client()
    monkeypatch.setattr(backup_command, "session_table", lambda: None)
    monkeypatch.setattr(backup_command, "drop_sessions_from_sqlite_copy", lambda path: None)
    archive = tmp_path / "old.tar.gz"
    call_command("backup", output=str(archive), verbosity=0)
    assert key.encode() in database_text(archive, tmp_path)

    call_command("restore", str(archive), no_input=True, verbosity=0)

    assert get_user_model().objects.filter(username=USERNAME).exists()
    assert not Session.objects.exists()
    assert client.get("/admin/").status_code == 302


def test_backup_and_restore_round_trip_loses_nothing(tmp_path, home_page):
    call_command("load_demo_content", verbosity=0)
    before = {
        "pages": sorted(NewsItemPage.objects.values_list("title", "date", "summary")),
        "themes": sorted(Theme.objects.values_list("slug", "name")),
    }
    media_files = sorted(p.name for p in (tmp_path / "media").rglob("*") if p.is_file())
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=str(archive), verbosity=0)

    NewsItemPage.objects.all().delete()
    Theme.objects.all().delete()
    for path in (tmp_path / "media").rglob("*"):
        if path.is_file():
            path.unlink()

    call_command("restore", str(archive), no_input=True, verbosity=0)
    after = {
        "pages": sorted(NewsItemPage.objects.values_list("title", "date", "summary")),
        "themes": sorted(Theme.objects.values_list("slug", "name")),
    }
    assert after == before
    assert len(after["pages"]) == 10
    assert sorted(p.name for p in (tmp_path / "media").rglob("*") if p.is_file()) == media_files
