"""Search benchmark: latency (p50, p95) and SQL queries per search request with N generated
news items, on PostgreSQL (and, if asked, SQLite). Not a test: run it by hand and commit the
results.

    .venv/bin/python -m bench.search_bench                  # or: make bench
    .venv/bin/python -m bench.search_bench --sizes 1000 --databases sqlite --repeat 5

Run it from the project root.

For each database it builds a throwaway database (migrate, load_demo_content), grows it with
`generate_content --news --spanish` to each size in turn (a fifth of the items in Spanish),
and then, in a fresh process, sends a fixed mix of searches through Django's test client, in
English and, for some, as a reader reading in Spanish: the whole view, templates and
middleware, but no network or web server. Each search is sent once before timing starts.
Results go between markers in bench/RESULTS.md (or --output); the rest of the file is kept.
The PostgreSQL server is PG_URL (default postgres://postgres@127.0.0.1:5432); the database
psg_search_bench is created and dropped.
"""

import argparse
import json
import os
import platform
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from bench.results import write_between_markers

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432")
PG_DB = "psg_search_bench"
SCRIPT = "bench/search_bench.py"

# A share of the generated items is in Spanish, in the Spanish locale, as on the bilingual site.
SPANISH_SHARE = "0.2"
# (query, extra parameters, the reader's language): common and rare words, names, a phrase,
# stemming, no results, filters, newest first and a later page; names without their accents,
# Spanish words (stemmed in Spanish) and readers of each language.
SEARCHES = [
    ("mining", {}, "en-gb"),
    ("Las Bambas", {}, "en-gb"),
    ("protests", {}, "en-gb"),
    ('"civil war"', {}, "en-gb"),
    ("mercury poisoning", {}, "en-gb"),
    ("water rights Cajamarca", {}, "en-gb"),
    ("Marañón oil spill", {}, "en-gb"),
    ("zzyzx", {}, "en-gb"),
    ("mining", {"type": "news", "order": "newest"}, "en-gb"),
    ("human rights", {"theme": "human-rights"}, "en-gb"),
    ("protest", {"page": "3"}, "en-gb"),
    ("Perez Tello", {}, "en-gb"),
    ("Maranon", {}, "en-gb"),
    ("protestas", {}, "es"),
    ("derrames de petroleo", {}, "es"),
    ("mineras", {"order": "newest"}, "es"),
]


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def django_env(database_url):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "testserver",
        "LOG_LEVEL": "WARNING",
        "DATABASE_URL": database_url,
        "PYTHONPATH": str(ROOT),
    }


def manage(database_url, *args):
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=django_env(database_url),
        check=True,
        stdout=subprocess.DEVNULL,
    )


def fresh_database(name):
    """A new, empty database; returns its DATABASE_URL."""
    if name == "sqlite":
        path = Path(tempfile.gettempdir()) / "psg-search-bench.sqlite3"
        path.unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg

    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{PG_DB}"')
        connection.execute(f'CREATE DATABASE "{PG_DB}"')
    return f"{PG_URL}/{PG_DB}"


def analyze(database_url):
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")


def drop_database(name, database_url):
    if name == "sqlite":
        Path(database_url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        return
    import psycopg

    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{PG_DB}"')


def measure(repeat):
    """Runs in the child process, with Django set up for the benchmark database."""
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import translation

    from wagtail.models import Page

    client = Client()
    summary = re.compile(r'<h2 class="search-summary">(\d+|No) results?')

    def get(search):
        # The search page in the reader's language, at its address in that language.
        with translation.override(search["language"]):
            return client.get(reverse("search"), search["params"])

    searches = []
    for query, params, language in SEARCHES:
        search = {"params": {"query": query, **params}, "language": language, "ms": []}
        response = get(search)  # warm-up
        assert response.status_code == 200, response.status_code
        with CaptureQueriesContext(connection) as queries:
            get(search)
        found = summary.search(response.content.decode())
        search["results"] = 0 if found.group(1) == "No" else int(found.group(1))
        search["queries"] = len(queries)
        searches.append(search)
    # Timed without query capture, which adds its own overhead.
    for _ in range(repeat):
        for search in searches:
            started = time.perf_counter()
            get(search)
            search["ms"].append((time.perf_counter() - started) * 1000)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            version = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            version = f"SQLite {sqlite3.sqlite_version}"
    load = os.getloadavg()[0]
    pages = Page.objects.live().count()
    print(json.dumps({"pages": pages, "version": version, "searches": searches, "load": load}))


def run(databases, sizes, repeat):
    runs = []
    for name in databases:
        database_url = fresh_database(name)
        try:
            manage(database_url, "migrate", "--noinput")
            manage(database_url, "load_demo_content", "--no-admin")
            generated = 0
            for size in sorted(sizes):
                started = time.perf_counter()
                more = str(size - generated)
                manage(database_url, "generate_content", "--news", more, "--spanish", SPANISH_SHARE)
                seconds = time.perf_counter() - started
                generated = size
                if name == "postgres":
                    # What autovacuum does within a minute of a bulk load.
                    analyze(database_url)
                measuring = ["-m", "bench.search_bench", "--measure", "--repeat", str(repeat)]
                child = subprocess.run(
                    [sys.executable, *measuring],
                    cwd=ROOT,
                    env=django_env(database_url),
                    capture_output=True,
                    text=True,
                )
                if child.returncode:
                    sys.exit(f"Measuring failed:\n{child.stderr}")
                output = child.stdout
                result = json.loads(output.strip().splitlines()[-1])
                result.update({"database": name, "size": size, "generate_seconds": seconds})
                runs.append(result)
                all_ms = [ms for search in result["searches"] for ms in search["ms"]]
                print(
                    f"{name:8} N={size:>6}: p50 {percentile(all_ms, 0.5):6.1f} ms, "
                    f"p95 {percentile(all_ms, 0.95):6.1f} ms",
                    flush=True,
                )
        finally:
            drop_database(name, database_url)
    return runs


def machine():
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        cpu = found.group(1).strip() if found else cpu
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(re.search(r"MemTotal:\s*(\d+)", meminfo.read_text()).group(1))
        memory = f", {kib / 1024 / 1024:.0f} GiB RAM"
    return (
        f"{cpu}, {os.cpu_count()} CPUs{memory}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}"
    )


def report(runs, repeat):
    import django

    import wagtail

    lines = [
        "## Search latency",
        "",
        f"Measured on {date.today():%-d %B %Y} by `bench/search_bench.py` (run it again with "
        "`make bench`; the script's docstring says how it works).",
        "",
        f"- Machine: {machine()}. One-minute load average as each row finished: "
        + ", ".join(f"{run['load']:.1f}" for run in runs)
        + " (other work on the machine slows the results).",
        f"- Software: Django {django.get_version()}, Wagtail {wagtail.__version__}, "
        + ", ".join(sorted({run["version"] for run in runs}))
        + " (the machine's default configuration; database and client on the same host).",
        "- Content: the demo content plus N generated news items (`generate_content --news N "
        f"--spanish {SPANISH_SHARE}`: a few hundred words each, two to five body blocks, themed, "
        f"{float(SPANISH_SHARE):.0%} of them in Spanish in the Spanish locale), all live and "
        "indexed. PostgreSQL is analysed after each load, as autovacuum would within a minute.",
        f"- Load: {len(SEARCHES)} searches (below), each sent once to warm up, then "
        f"{repeat} times in turn by one client: {len(SEARCHES) * repeat} timed requests per "
        "row. Times are whole requests through Django's test client (view, templates, "
        "middleware), without a network, web server or the HTTP cache in front, so every "
        "request runs its search on Wagtail's database backend.",
        "",
        "| Database | N news items | Live pages | p50 (ms) | p95 (ms) | max (ms) "
        "| SQL queries per search | `generate_content` (s) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: |",
    ]
    for run in runs:
        all_ms = [ms for search in run["searches"] for ms in search["ms"]]
        counts = sorted({search["queries"] for search in run["searches"]})
        lines.append(
            f"| {run['version']} | {run['size']:,} | {run['pages']:,} "
            f"| {percentile(all_ms, 0.5):.1f} | {percentile(all_ms, 0.95):.1f} "
            f"| {max(all_ms):.1f} | {counts[0]}–{counts[-1]} | {run['generate_seconds']:.1f} |"
        )
    goal = [run for run in runs if run["size"] >= 10_000 and run["database"] == "postgres"]
    if goal:
        p95 = percentile([ms for search in goal[0]["searches"] for ms in search["ms"]], 0.95)
        verdict = "met" if p95 < 100 else "not met"
        lines += [
            "",
            f"Goal, p95 under 100 ms with 10,000 news items on PostgreSQL: **{verdict}** "
            f"({p95:.1f} ms).",
        ]
    lines += [
        "",
        "SQL queries per search include the query log's writes (first page only) and the "
        "site header's navigation.",
        "",
        "### Per search",
        "",
        "p95 in milliseconds, and the number of results, for each search in the mix; "
        "(es): made by a reader reading in Spanish, who sees the Spanish pages first.",
        "",
        "| Search | "
        + " | ".join(f"{run['version'].split()[0]} N={run['size']:,}" for run in runs)
        + " |",
        "| --- |" + " ---: |" * len(runs),
    ]
    for index, (query, params, language) in enumerate(SEARCHES):
        label = f"`{query}`" + "".join(f" {key}={value}" for key, value in params.items())
        label += " (es)" if language == "es" else ""
        cells = []
        for run in runs:
            search = run["searches"][index]
            cells.append(f"{percentile(search['ms'], 0.95):.0f} ({search['results']:,})")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    # PostgreSQL is production's database; SQLite (development) is measured when asked for.
    parser.add_argument(
        "--databases", nargs="+", choices=["postgres", "sqlite"], default=["postgres"]
    )
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--output", type=Path, default=Path(__file__).parent / "RESULTS.md")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.repeat)
        return
    runs = run(args.databases, args.sizes, args.repeat)
    write_between_markers(args.output, SCRIPT, report(runs, args.repeat))
    print(f"Wrote {args.output}")


if __name__ == "__main__":
    main()
