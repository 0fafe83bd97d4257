"""The jobs that delete what the privacy notice says is deleted run wherever the site runs: cron
in production (docs/deploy.md), `make run` and `make run-production`; expired sessions are among
them (Django's `clearsessions`)."""

import datetime
import re
from pathlib import Path

from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

import pytest

ROOT = Path(__file__).resolve().parent.parent
RETENTION_JOBS = [
    "purge_applications",
    "purge_subscribers",
    "purge_contact_messages",
    "purge_throttle_events",
    "searchpromotions_garbage_collect",
    "clearsessions",
]


def scheduled(path):
    """The commands run by docs/deploy.md's crontab, or by the loop of scheduled jobs in
    `make run` (Makefile) or `make run-production` (deploy/run-production)."""
    text = (ROOT / path).read_text()
    if path == "docs/deploy.md":
        start = text.index("```cron")
        return set(re.findall(r'"\$PSG (\w+)"', text[start : text.index("```", start + 3)]))
    start = text.index("while :; do")
    return set(re.findall(r"manage\.py (\w+)", text[start : text.index("done", start)]))


@pytest.mark.parametrize("path", ["docs/deploy.md", "Makefile", "deploy/run-production"])
def test_every_retention_job_is_scheduled(path):
    assert set(RETENTION_JOBS) <= scheduled(path)


def test_scheduled_finds_what_is_not_there():
    """The positive control: a job that is not scheduled is not found."""
    assert "purge_everything_forever" not in scheduled("docs/deploy.md")
    assert "backup" in scheduled("docs/deploy.md") and "backup" not in scheduled("Makefile")
    assert "publish_scheduled" in scheduled("Makefile") & scheduled("deploy/run-production")


def session():
    store = SessionStore()
    store["passed_page_view_restrictions"] = [1]
    store.create()
    return store.session_key


def test_clearsessions_deletes_the_expired_sessions_only(db, settings, monkeypatch):
    expired, live = session(), session()
    Session.objects.filter(session_key=expired).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    call_command("clearsessions")
    assert set(Session.objects.values_list("session_key", flat=True)) == {live}
    # The live one goes too once SESSION_COOKIE_AGE has passed.
    later = timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE + 1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    call_command("clearsessions")
    assert not Session.objects.exists()
