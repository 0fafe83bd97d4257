"""Bulletin sending benchmark: messages per second and peak memory sending one bulletin to
1,000 and to 5,000 subscribers through a local SMTP server, on PostgreSQL and SQLite. Not a
test: run it by hand and commit the results.

    .venv/bin/python -m bench.bulletin_send                 # or: make bench-send
    .venv/bin/python -m bench.bulletin_send --sizes 1000 --databases sqlite

Run it from the project root.

For each database it builds a throwaway database (migrate) and starts a real SMTP server
(aiosmtpd, in this process, on a free port) that counts what it accepts and keeps nothing.
Then, for each size, a fresh process adds subscribers up to that size, publishes a bulletin
(an editorial of a few paragraphs, no stories) and sends it as production does: `start_send`
records the send and one delivery per subscriber, then `send_bulletins`' own code
(bulletins.sending.send_due) sends every delivery over one SMTP connection, with the rate
limit lifted (BULLETIN_EMAILS_PER_MINUTE=0). Each size runs twice: once timed, once under
tracemalloc (which slows Python down) for the peak of memory allocated while sending. The
process's peak resident size is measured too (ru_maxrss, before and after sending). The
machine's name, which SMTP's greeting gives, is looked up before timing starts. Results go
between markers in bench/RESULTS.md (or --output); the rest of the file is kept. The PostgreSQL
server is PG_URL (default postgres://postgres@127.0.0.1:5432); the database psg_send_bench is
created and dropped.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from bench.results import write_between_markers
from bench.search_bench import machine

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432")
PG_DB = "psg_send_bench"
SCRIPT = "bench/bulletin_send.py"
MIB = 1024 * 1024


def django_env(database_url, smtp_port):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "DATABASE_URL": database_url,
        "PYTHONPATH": str(ROOT),
        "BENCH_SMTP_PORT": str(smtp_port),
        "BULLETIN_EMAILS_PER_MINUTE": "0",
        "BULLETIN_EMAIL_DELIVERY": "command",
        "DEFAULT_FROM_EMAIL": "website@bench.example",
    }


def fresh_database(name):
    if name == "sqlite":
        path = Path(tempfile.gettempdir()) / "psg-send-bench.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg

    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{PG_DB}"')
        connection.execute(f'CREATE DATABASE "{PG_DB}"')
    return f"{PG_URL}/{PG_DB}"


def drop_database(name, database_url):
    if name == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(database_url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
        return
    import psycopg

    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')


class CountingHandler:
    """Accepts every message and keeps only the count."""

    def __init__(self):
        self.messages = 0

    async def handle_DATA(self, server, session, envelope):
        self.messages += len(envelope.rcpt_tos)
        return "250 OK: queued"


def measure(size, trace):
    """Runs in the child process, with Django set up for the benchmark database."""
    import resource
    import tracemalloc

    import django

    django.setup()
    from django.conf import settings
    from django.core.mail.utils import DNS_NAME
    from django.db import connection

    from wagtail.models import Site
    from wagtail.rich_text import RichText

    from bulletins import sending
    from bulletins.models import BulletinIndexPage, BulletinPage, Subscriber
    from config.mail import SMTP, mail_settings

    for name, value in mail_settings(
        SMTP, host="127.0.0.1", port=int(os.environ["BENCH_SMTP_PORT"]), use_tls=False, timeout=10
    ).items():
        setattr(settings, name, value)

    have = Subscriber.objects.count()
    Subscriber.objects.bulk_create(
        (
            Subscriber(
                email=f"reader{n}@example.org",
                language=settings.LANGUAGE_CODE,
                status=Subscriber.Status.SUBSCRIBED,
            )
            for n in range(have, size)
        ),
        batch_size=1000,
    )
    home = Site.objects.get(is_default_site=True).root_page
    index = BulletinIndexPage.objects.first() or home.add_child(
        instance=BulletinIndexPage(title="Peru Update", slug="peru-update")
    )
    paragraph = "<p>" + "The communities of the Marañón have suffered repeated oil spills. " * 8
    page = index.add_child(
        instance=BulletinPage(
            title=f"Peru Update {size} {'traced' if trace else 'timed'} {time.time_ns()}",
            slug=f"update-{time.time_ns()}",
            summary="The month in Peru.",
            editorial=[("paragraph", RichText(paragraph + "</p>")) for _ in range(6)],
        )
    )
    page.save_revision().publish()
    page.refresh_from_db()

    started = time.perf_counter()
    send = sending.start_send(page, None)
    start_seconds = time.perf_counter() - started
    connection.close()

    # The machine's name for SMTP's greeting, which Django looks up once per process (seconds
    # where DNS is slow): a cost of starting, not of sending.
    str(DNS_NAME)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    outcome = sending.send_due(send_ids=[send.pk])
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if trace else None
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "recipients": send.recipients,
                "sent": outcome.sent,
                "failed": outcome.failed,
                "start_seconds": start_seconds,
                "seconds": seconds,
                "tracemalloc_peak": peak,
                # ru_maxrss is in KiB on Linux.
                "rss_before": rss_before * 1024,
                "rss_growth": (rss_after - rss_before) * 1024,
            }
        )
    )


def run(databases, sizes):
    from aiosmtpd.controller import Controller

    from tests.smtp import free_port

    runs = []
    for name in databases:
        database_url = fresh_database(name)
        handler = CountingHandler()
        port = free_port()
        controller = Controller(handler, hostname="127.0.0.1", port=port)
        controller.start()
        try:
            environment = django_env(database_url, port)
            subprocess.run(
                [sys.executable, "manage.py", "migrate", "--noinput"],
                cwd=ROOT,
                env=environment,
                check=True,
                stdout=subprocess.DEVNULL,
            )
            for size in sorted(sizes):
                result = {"database": name, "size": size}
                for trace in (False, True):
                    received = handler.messages
                    child = subprocess.run(
                        [sys.executable, "-m", "bench.bulletin_send", "--measure", str(size)]
                        + (["--trace"] if trace else []),
                        cwd=ROOT,
                        env=environment,
                        capture_output=True,
                        text=True,
                    )
                    if child.returncode:
                        sys.exit(f"Measuring failed:\n{child.stderr}")
                    measured = json.loads(child.stdout.strip().splitlines()[-1])
                    measured["received"] = handler.messages - received
                    if measured["received"] != size or measured["sent"] != size:
                        sys.exit(f"Expected {size} messages: {measured}")
                    result["traced" if trace else "timed"] = measured
                runs.append(result)
                timed, traced = result["timed"], result["traced"]
                print(
                    f"{name:8} N={size:>5}: {size / timed['seconds']:6.0f} messages/s, "
                    f"tracemalloc peak {traced['tracemalloc_peak'] / MIB:5.1f} MiB, "
                    f"RSS growth {timed['rss_growth'] / MIB:5.1f} MiB",
                    flush=True,
                )
        finally:
            controller.stop()
            drop_database(name, database_url)
    return runs


def database_version(name):
    if name == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    import psycopg

    with psycopg.connect(f"{PG_URL}/postgres") as connection:
        return "PostgreSQL " + connection.execute("SHOW server_version").fetchone()[0]


def report(runs):
    import django

    import wagtail

    import aiosmtpd

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    lines = [
        "## Sending a bulletin",
        "",
        f"Measured on {date.today():%-d %B %Y} by `bench/bulletin_send.py` (run it again with "
        "`make bench-send`; the script's docstring says how it works).",
        "",
        f"- Machine: {machine()}."
        + (f" One-minute load average at the end: {load:.1f}." if load is not None else ""),
        f"- Software: Django {django.get_version()}, Wagtail {wagtail.__version__}, aiosmtpd "
        f"{aiosmtpd.__version__} as the mail server (in the benchmark's own process, on the "
        "same machine: no network, no TLS); "
        + ", ".join(sorted({database_version(run["database"]) for run in runs}))
        + ".",
        "- Load: one bulletin (six editorial paragraphs) to N confirmed subscribers, each a "
        "message of its own with their own unsubscribe link and headers, sent by the code "
        "`send_bulletins` runs, over one SMTP connection, with the rate limit lifted "
        "(BULLETIN_EMAILS_PER_MINUTE=0; the default, 300 a minute, is 5 a second).",
        "- Memory: the peak of Python's allocations while sending (tracemalloc, a second run of "
        "the same size), and how much the process's peak resident size grew while sending "
        "(ru_maxrss; 0 when sending never went above what starting the send had reached).",
        "",
        "| Database | Subscribers | Recording the send (s) | Sending (s) | Messages per second "
        "| tracemalloc peak (MiB) | Peak RSS growth (MiB) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for run in runs:
        timed, traced = run["timed"], run["traced"]
        lines.append(
            f"| {database_version(run['database'])} | {run['size']:,} "
            f"| {timed['start_seconds']:.2f} | {timed['seconds']:.1f} "
            f"| {run['size'] / timed['seconds']:.0f} "
            f"| {traced['tracemalloc_peak'] / MIB:.1f} | {timed['rss_growth'] / MIB:.1f} |"
        )
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument(
        "--databases", nargs="+", choices=["postgres", "sqlite"], default=["postgres", "sqlite"]
    )
    parser.add_argument("--output", type=Path, default=Path(__file__).parent / "RESULTS.md")
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure, args.trace)
        return
    runs = run(args.databases, args.sizes)
    write_between_markers(args.output, SCRIPT, report(runs))
    print(f"Wrote {args.output}")


if __name__ == "__main__":
    main()
