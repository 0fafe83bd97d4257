"""HTTP throughput benchmark: wrk against gunicorn, production settings. Not a test.

    .venv/bin/python -m bench.http_throughput          # full matrix, about 20 minutes
    .venv/bin/python -m bench.http_throughput --quick  # both databases, 10 items, 5 s runs

Run it from the project root.

Needs wrk (Debian: `apt-get install -y wrk`), PostgreSQL at PG_URL (default
postgres://postgres@127.0.0.1:5432) and Redis at REDIS_URL (default redis://127.0.0.1:6379/14).

For each database (a throwaway SQLite file under a temporary directory; a throwaway PostgreSQL
database that this script creates and drops) it runs migrate and load_demo_content, then
`generate_content --news` to reach each number of news items in turn. For each size it starts
gunicorn twice, `gunicorn -c config/gunicorn.py` with `config.settings.production`, 2 workers,
on a free 127.0.0.1 port: once with the page cache off (PAGE_CACHE_SECONDS=0 and
SEARCH_RESULTS_SECONDS=0, so every search is matched and ranked afresh; no Redis) and once on
(PAGE_CACHE_SECONDS=600, pages in Redis, search results kept for the default 60 s). Fragments
are kept in each process's memory in both.
Each page is requested twice first (status and X-Cache are checked and reported), loaded by
wrk for a short warm-up, then measured by wrk (default 10 s, 2 threads, 16 connections): home,
news index, a news item, a briefing, a search, a 404, and a static file served by whitenoise (the
ceiling). Finally a soak: the cached home page for 60 s at 64 connections.

Static files are collected (CompressedManifestStaticFilesStorage, as in production) into the
temporary directory: through the STATIC_ROOT environment variable when the settings read it,
otherwise through a one-line settings module in the temporary directory that imports
config.settings.production and sets only STATIC_ROOT (the report says which).

Everything runs on loopback. gunicorn is stopped, the PostgreSQL database dropped, the Redis
database flushed (only the benchmark's own database number, 14 by default) and the temporary
directory removed, also when a run fails or is interrupted. Results go between markers in
bench/HTTP-RESULTS.md (or --output), and a short section in bench/RESULTS.md; text outside the
markers is kept.
"""

import argparse
import atexit
import contextlib
import http.client
import json
import os
import platform
import re
import resource
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = str(VENV_BIN / "python") if (VENV_BIN / "python").exists() else sys.executable
GUNICORN = str(VENV_BIN / "gunicorn")
PG_URL = os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
CLK_TCK = os.sysconf("SC_CLK_TCK")
BEGIN = "<!-- bench/http_throughput.py: begin (generated; edit outside these markers) -->"
END = "<!-- bench/http_throughput.py: end -->"

# Settings the site reads from the environment: never inherited from the caller's shell, so
# that a stray REDIS_URL or DEBUG cannot change what is measured.
SETTINGS_VARIABLES = {
    "DJANGO_SETTINGS_MODULE",
    "DATABASE_URL",
    "SITE_NAME",
    "WAGTAILADMIN_BASE_URL",
    "MEDIA_ROOT",
    "STATIC_ROOT",
    "LOG_LEVEL",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "CONN_MAX_AGE",
    "EMAIL_BACKEND",
    "REDIS_URL",
    "PAGE_CACHE_SECONDS",
    "PAGE_CACHE_PROXY_SECONDS",
    "FRONTEND_CACHE_PURGE_URL",
    "CLOUDFLARE_API_TOKEN",
    "CLOUDFLARE_ZONE_ID",
    "SEARCH_BACKEND",
    "SEARCH_URL",
    "SEARCH_INDEX_PREFIX",
    "SEARCH_TIMEOUT",
    "SENTRY_DSN",
    "SENTRY_ENVIRONMENT",
    "SENTRY_TRACES_SAMPLE_RATE",
    "TRUST_X_FORWARDED_FOR",
    "FORWARDED_ALLOW_IPS",
    "DEMO_ADMIN_PASSWORD",
    "PYTHONPATH",
}

PAGES = ["home", "news index", "news item", "briefing", "search", "404", "static file"]
CACHEABLE = {"home", "news index", "news item", "briefing"}

LUA = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) expected = tonumber(args[1]); unexpected = 0 end
%(response)s
function done(summary, latency, requests)
  local unexpected = 0
  for _, thread in ipairs(threads) do unexpected = unexpected + (thread:get("unexpected") or 0) end
  io.write(string.format(
    '\\n{"requests":%%d,"duration_us":%%d,"connect":%%d,"read":%%d,"write":%%d,' ..
    '"status":%%d,"timeout":%%d,"unexpected":%%d,"p50_us":%%d,"p99_us":%%d,"max_us":%%d}\\n',
    summary.requests, summary.duration, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout, unexpected,
    latency:percentile(50), latency:percentile(99), latency.max))
end
"""
# Counting statuses costs wrk a Lua call per response, so only the 404 run does it; the others
# rely on wrk's own count of statuses >= 400 (and the preflight check of the exact status).
LUA_COUNTING = (
    "function response(status, headers, body)\n"
    "  if status ~= expected then unexpected = unexpected + 1 end\nend"
)


def log(message):
    print(f"[{datetime.now():%H:%M:%S}] {message}", flush=True)


# --- processes and cleanup -------------------------------------------------------------------

_cleanups = []


def on_cleanup(function, *args):
    entry = (function, args)
    _cleanups.append(entry)
    return entry


def run_cleanup(entry):
    if entry in _cleanups:
        _cleanups.remove(entry)
        function, args = entry
        try:
            function(*args)
        except Exception as exc:  # noqa: BLE001 - cleanup carries on whatever happens
            print(f"cleanup {function.__name__} failed: {exc}", file=sys.stderr)


def run_all_cleanups():
    while _cleanups:
        run_cleanup(_cleanups[-1])


def _terminate(signum, frame):
    raise SystemExit(f"stopped by signal {signum}")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- CPU accounting ----------------------------------------------------------------------------


def cpu_times():
    """(busy, total) jiffies of the whole machine."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    total = sum(fields[:8])
    return total - idle, total


def busy_percent(seconds=1.0):
    busy0, total0 = cpu_times()
    time.sleep(seconds)
    busy1, total1 = cpu_times()
    return 100.0 * (busy1 - busy0) / max(1, total1 - total0)


def tree_ticks(pid):
    """CPU jiffies of a process, its reaped children and its live children."""

    def stat(p):
        try:
            text = Path(f"/proc/{p}/stat").read_text()
        except OSError:
            return None
        return text[text.rindex(")") + 2 :].split()

    own = stat(pid)
    if own is None:
        return 0
    ticks = sum(int(value) for value in own[11:15])  # utime stime cutime cstime
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = stat(entry.name)
            if fields and fields[1] == str(pid):
                ticks += int(fields[11]) + int(fields[12])
    return ticks


def helper_ticks(database_name):
    """CPU jiffies, by process, of the servers that work for this benchmark's requests: the
    PostgreSQL backends connected to its database, and Redis."""
    ticks = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            text = (entry / "stat").read_text()
        except OSError:
            continue
        ours = command.startswith("redis-server") or (
            command.startswith("postgres: ") and f" {database_name} " in command
        )
        if ours:
            fields = text[text.rindex(")") + 2 :].split()
            ticks[entry.name] = int(fields[11]) + int(fields[12])
    return ticks


def ticks_since(before, after):
    """Jiffies used between two helper_ticks() readings (a process that ended is lost)."""
    return sum(value - before.get(pid, 0) for pid, value in after.items())


def children_cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# --- Django, databases and gunicorn ----------------------------------------------------------


class Site:
    """One database: its DATABASE_URL, and the environment every command and server gets."""

    def __init__(self, kind, workdir, args):
        self.kind = kind
        self.workdir = workdir
        self.args = args
        self.secret_key = secrets.token_urlsafe(50)
        if kind == "sqlite":
            self.db_name = str(workdir / "bench.sqlite3")
            self.database_url = f"sqlite:///{self.db_name}"
        else:
            self.db_name = f"psg_http_bench_{os.getpid()}"
            self.database_url = f"{args.pg_url}/{self.db_name}"

    def env(self, **extra):
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in SETTINGS_VARIABLES and not key.startswith("GUNICORN_")
        }
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": self.args.settings_module,
                "SECRET_KEY": self.secret_key,
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "SECURE_SSL_REDIRECT": "false",
                "DATABASE_URL": self.database_url,
                "STATIC_ROOT": str(self.args.static_root),
                "MEDIA_ROOT": str(self.workdir / "media"),
                "PYTHONPATH": self.args.pythonpath,
            }
        )
        env.update(extra)
        return env

    def manage(self, *command, capture=False):
        result = subprocess.run(
            [PYTHON, "manage.py", *command],
            cwd=ROOT,
            env=self.env(LOG_LEVEL="WARNING"),
            check=True,
            capture_output=True,
            text=True,
            timeout=1800,
        )
        return result.stdout if capture else None

    def shell_json(self, code):
        output = self.manage("shell", "--verbosity", "0", "-c", code, capture=True)
        for line in output.splitlines():
            if line.startswith("BENCH-JSON "):
                return json.loads(line.removeprefix("BENCH-JSON "))
        raise RuntimeError(f"no result from manage.py shell: {output!r}")

    def create(self):
        if self.kind == "sqlite":
            Path(self.db_name).unlink(missing_ok=True)
        else:
            self._pg(f'DROP DATABASE IF EXISTS "{self.db_name}"')
            self._pg(f'CREATE DATABASE "{self.db_name}"')
        return on_cleanup(self.drop)

    def drop(self):
        if self.kind == "sqlite":
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(self.db_name + suffix).unlink(missing_ok=True)
        else:
            self._pg(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
            log(f"dropped PostgreSQL database {self.db_name}")

    def analyse(self):
        """Statistics for the new rows, as autovacuum would gather within a minute or two.

        Without them PostgreSQL plans searches for an empty index (7x slower at 10,000 items).
        """
        if self.kind == "postgres":
            self._pg("VACUUM ANALYZE", database=self.db_name)

    def _pg(self, sql, database="postgres"):
        import psycopg

        with psycopg.connect(f"{self.args.pg_url}/{database}", autocommit=True) as connection:
            connection.execute(sql)

    def version(self):
        if self.kind == "sqlite":
            return f"SQLite {sqlite3.sqlite_version}"
        import psycopg

        with psycopg.connect(f"{self.args.pg_url}/postgres") as connection:
            version = connection.execute("SHOW server_version").fetchone()[0]
        return "PostgreSQL " + version.split()[0]

    def facts(self):
        """Paths to benchmark and how many news items there are."""
        return self.shell_json(
            "import json\n"
            "from wagtail.models import Site\n"
            "from news.models import NewsItemPage\n"
            "from briefings.models import BriefingPage\n"
            "site = Site.objects.get(is_default_site=True)\n"
            "item = NewsItemPage.objects.live().exclude(slug__startswith='generated-')"
            ".order_by('path').first()\n"
            "briefing = BriefingPage.objects.live().order_by('path').first()\n"
            "print('BENCH-JSON ' + json.dumps({'news_item': item.relative_url(site), "
            "'briefing': briefing.relative_url(site), "
            "'news_items': NewsItemPage.objects.live().count()}))\n"
        )


def gunicorn_settings(env):
    """What config/gunicorn.py sets in this environment (the file may change between runs)."""
    names = ["workers", "threads", "timeout", "max_requests", "max_requests_jitter", "preload_app"]
    code = (
        "import json, runpy; found = runpy.run_path('config/gunicorn.py'); "
        f"print(json.dumps({{name: found.get(name) for name in {names!r}}}))"
    )
    output = subprocess.run(
        [PYTHON, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout
    settings = json.loads(output.strip().splitlines()[-1])
    if "--preload" in env.get("GUNICORN_CMD_ARGS", ""):
        settings["preload_app"] = True
    return settings


def describe_gunicorn(settings):
    text = (
        f"{settings['workers']} workers × {settings['threads']} thread, "
        f"`max_requests` {settings['max_requests']:,} ± {settings['max_requests_jitter']:,}"
    )
    return text + (", preload_app" if settings.get("preload_app") else "")


class Server:
    """gunicorn, as production runs it, on a free loopback port; stopped on any exit."""

    def __init__(self, site, extra_env, log_path, args):
        self.port = free_port()
        self.log_path = log_path
        self.site = site
        env = site.env(
            GUNICORN_WORKERS=str(args.workers),
            GUNICORN_BIND=f"127.0.0.1:{self.port}",
            **extra_env,
        )
        for item in args.gunicorn_env:
            key, _, value = item.partition("=")
            env[key] = value
        self.settings = gunicorn_settings(env)
        self.log_file = open(log_path, "ab")  # noqa: SIM115 - closed in stop()
        # --no-control-socket: gunicorn 25+ otherwise takes over ~/.gunicorn/gunicorn.ctl,
        # which another gunicorn on this machine may be using.
        command = [GUNICORN, "-c", "config/gunicorn.py"]
        if args.no_control_socket:
            command.append("--no-control-socket")
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.cleanup = on_cleanup(self.stop)
        self.wait_ready()

    def wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.process.returncode}); see the log")
            try:
                status, _, _ = self.get("/health/")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer /health/ within a minute")

    def get(self, path):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            body = response.read()
            return response.status, response.getheader("X-Cache", "-"), len(body)
        finally:
            connection.close()

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def log_size(self):
        self.log_file.flush()
        return self.log_path.stat().st_size

    def recycles_since(self, offset):
        with open(self.log_path, "rb") as log_file:
            log_file.seek(offset)
            return log_file.read().count(b"Booting worker with pid")

    def stop(self):
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
            except ProcessLookupError:
                pass
        # Workers left behind by a killed master (they share its process group).
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.log_file.close()

    def close(self):
        run_cleanup(self.cleanup)


def flush_redis(url):
    import redis

    redis.Redis.from_url(url, socket_connect_timeout=2).flushdb()


# --- wrk -------------------------------------------------------------------------------------


def wrk(server, path, seconds, threads, connections, lua, expected=200):
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "2s",
        "-s",
        str(lua),
        server.url(path),
        "--",
        str(expected),
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    on_kill = on_cleanup(lambda: process.poll() is None and process.kill())
    try:
        stdout, stderr = process.communicate(timeout=seconds + 60)
    finally:
        run_cleanup(on_kill)
    lines = [line for line in stdout.decode().splitlines() if line.startswith("{")]
    if process.returncode != 0 or not lines:
        raise RuntimeError(f"wrk failed ({process.returncode}): {stderr.decode()[-500:]}")
    return json.loads(lines[-1])


def measure(server, name, path, expected, args, luas, seconds=None, connections=None):
    """Preflight, warm up, then a measured wrk run. A dict for the results table.

    A run during which other processes on the machine used more than --noisy cores is tried
    again (up to --retries times) and the quietest attempt kept.
    """
    seconds = seconds or args.duration
    connections = connections or args.connections
    status, _, _ = server.get(path)
    status, x_cache, size = server.get(path)
    row = {"page": name, "path": path, "status": status, "x_cache": x_cache, "bytes": size}
    if status != expected:
        row["error"] = f"status {status}, expected {expected}"
        log(f"  {name:12} {path}: {row['error']}; skipped")
        return row
    lua = luas["counting" if expected != 200 else "plain"]
    if args.warmup:
        wrk(server, path, args.warmup, args.threads, connections, lua, expected)
    best = None
    for attempt in range(1 + args.retries):
        timed = timed_run(server, path, expected, args, lua, seconds, connections)
        timed["attempts"] = attempt + 1
        if best is None or timed["other_cores"] < best["other_cores"]:
            best = timed
        log(
            f"  {name:12} {timed['rps']:8.1f} req/s  p50 {timed['p50_ms']:7.1f} ms  "
            f"p99 {timed['p99_ms']:7.1f} ms  errors {timed['errors']}  X-Cache {x_cache}  "
            f"recycles {timed['recycles']}  cores: gunicorn {timed['server_cores']:.2f} "
            f"db/redis {timed['helper_cores']:.2f} wrk {timed['wrk_cores']:.2f} "
            f"others {timed['other_cores']:.2f}"
        )
        if timed["other_cores"] <= args.noisy:
            break
    row.update(best)
    return row


def timed_run(server, path, expected, args, lua, seconds, connections):
    background = wait_for_quiet(args)
    log_offset = server.log_size()
    busy0, total0 = cpu_times()
    server0 = tree_ticks(server.process.pid)
    helpers0 = helper_ticks(server.site.db_name)
    wrk0 = children_cpu_seconds()
    result = wrk(server, path, seconds, args.threads, connections, lua, expected)
    wrk_seconds = children_cpu_seconds() - wrk0
    busy1, total1 = cpu_times()
    server_ticks = tree_ticks(server.process.pid) - server0
    helpers = ticks_since(helpers0, helper_ticks(server.site.db_name))
    # In cores: 1.0 is one core busy for the whole run.
    wall_ticks = max(1, total1 - total0) / (os.cpu_count() or 1)
    others = (busy1 - busy0) - server_ticks - helpers - wrk_seconds * CLK_TCK
    errors = result["connect"] + result["read"] + result["write"] + result["timeout"]
    errors += result["unexpected"] if expected != 200 else result["status"]
    rps = result["requests"] / (result["duration_us"] / 1e6)
    server_cores = server_ticks / wall_ticks
    return {
        "seconds": seconds,
        "connections": connections,
        "requests": result["requests"],
        "rps": rps,
        "p50_ms": result["p50_us"] / 1000,
        "p99_ms": result["p99_us"] / 1000,
        "max_ms": result["max_us"] / 1000,
        "errors": errors,
        "error_detail": {
            key: result[key]
            for key in ("connect", "read", "write", "timeout", "status", "unexpected")
        },
        "background_cpu": background,
        "machine_cpu": 100.0 * (busy1 - busy0) / max(1, total1 - total0),
        "server_cores": server_cores,
        "helper_cores": helpers / wall_ticks,
        "wrk_cores": wrk_seconds * CLK_TCK / wall_ticks,
        "other_cores": max(0.0, others / wall_ticks),
        "per_core_second": rps / server_cores if server_cores > 0.01 else 0.0,
        "recycles": server.recycles_since(log_offset),
    }


def wait_for_quiet(args):
    """Busy CPU (%) of the machine while the server is idle: other people's work.

    Waits up to --wait-idle seconds for it to drop below --idle-threshold, and returns the last
    sample either way.
    """
    deadline = time.monotonic() + args.wait_idle
    busy = busy_percent(1.0)
    while busy > args.idle_threshold and time.monotonic() < deadline:
        busy = busy_percent(2.0)
    return busy


# --- the run ---------------------------------------------------------------------------------


def static_root_support(workdir, args):
    """Use STATIC_ROOT from the environment if the settings read it; else a settings shim."""
    probe = subprocess.run(
        [
            PYTHON,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print('BENCH-STATIC', settings.STATIC_ROOT)",
        ],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES},
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": "probe",
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": f"sqlite:///{workdir / 'probe.sqlite3'}",
            "STATIC_ROOT": str(args.static_root),
            "PYTHONPATH": str(ROOT),
        },
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = re.search(r"BENCH-STATIC (.+)", probe)
    if found and Path(found.group(1).strip()) == args.static_root:
        args.settings_module = "config.settings.production"
        args.pythonpath = str(ROOT)
        return "STATIC_ROOT from the environment (the settings read it)"
    shim = workdir / "psg_http_bench_settings.py"
    shim.write_text(
        "# config.settings.production with STATIC_ROOT in the benchmark's temporary directory.\n"
        "import os\n\nfrom config.settings.production import *  # noqa: F403\n\n"
        'STATIC_ROOT = os.environ["STATIC_ROOT"]\n'
    )
    args.settings_module = "psg_http_bench_settings"
    args.pythonpath = f"{workdir}{os.pathsep}{ROOT}"
    return (
        "a settings module in the temporary directory that imports config.settings.production "
        "and sets only STATIC_ROOT (config/settings/base.py does not read STATIC_ROOT from the "
        "environment)"
    )


def run(args, workdir):
    results = {"configs": [], "soak": None, "generate_seconds": {}, "versions": {}}
    luas = {}
    for kind, response in (("plain", ""), ("counting", LUA_COUNTING)):
        luas[kind] = workdir / f"{kind}.lua"
        luas[kind].write_text(LUA % {"response": response})

    results["static_mode"] = static_root_support(workdir, args)
    log(f"static files: {results['static_mode']}")
    collector = Site("sqlite", workdir, args)
    collector.manage("collectstatic", "--noinput")
    manifest = json.loads((args.static_root / "staticfiles.json").read_text())
    static_path = "/static/" + manifest["paths"]["css/site.css"]

    soak_database = "postgres" if "postgres" in args.databases else args.databases[-1]
    for kind in args.databases:
        site = Site(kind, workdir, args)
        dropper = site.create()
        try:
            results["versions"][kind] = site.version()
            log(f"{results['versions'][kind]}: migrate, load_demo_content")
            site.manage("migrate", "--noinput")
            site.manage("load_demo_content", "--no-admin")
            facts = site.facts()
            for size in sorted(args.sizes):
                missing = size - facts["news_items"]
                if missing > 0:
                    log(f"{kind}: generate_content --news {missing}")
                    started = time.perf_counter()
                    site.manage("generate_content", "--news", str(missing))
                    results["generate_seconds"][f"{kind} {size}"] = time.perf_counter() - started
                    site.analyse()
                    facts = site.facts()
                elif missing < 0:
                    log(f"{kind}: already {facts['news_items']} news items, more than {size}")
                paths = [
                    ("home", "/", 200),
                    ("news index", "/news/", 200),
                    ("news item", facts["news_item"], 200),
                    ("briefing", facts["briefing"], 200),
                    ("search", "/search/?query=Lima", 200),
                    ("404", "/this-page-does-not-exist/", 404),
                    ("static file", static_path, 200),
                ]
                for cache in args.caches:
                    extra = {"PAGE_CACHE_SECONDS": "0", "SEARCH_RESULTS_SECONDS": "0"}
                    if cache == "on":
                        flush_redis(args.redis_url)
                        extra = {"PAGE_CACHE_SECONDS": "600", "REDIS_URL": args.redis_url}
                    label = f"{kind}-{size}-{cache}"
                    log(
                        f"{results['versions'][kind]}, {facts['news_items']} news items, "
                        f"page cache {cache}"
                    )
                    server = Server(site, extra, workdir / f"gunicorn-{label}.log", args)
                    try:
                        rows = [
                            measure(server, name, path, expected, args, luas)
                            for name, path, expected in paths
                        ]
                        results["configs"].append(
                            {
                                "database": kind,
                                "version": results["versions"][kind],
                                "size": size,
                                "news_items": facts["news_items"],
                                "cache": cache,
                                "rows": rows,
                                "gunicorn": server.settings,
                            }
                        )
                        last_size = size == max(args.sizes)
                        if cache == "on" and kind == soak_database and last_size and args.soak:
                            log(f"soak: home, {args.soak} s at {args.soak_connections} connections")
                            soak = measure(
                                server,
                                "home",
                                "/",
                                200,
                                args,
                                luas,
                                seconds=args.soak,
                                connections=args.soak_connections,
                            )
                            soak.update(
                                {
                                    "version": results["versions"][kind],
                                    "news_items": facts["news_items"],
                                }
                            )
                            results["soak"] = soak
                    finally:
                        server.close()
                        if args.keep:
                            shutil.copy(server.log_path, args.keep / server.log_path.name)
        finally:
            run_cleanup(dropper)
    if "on" in args.caches:
        flush_redis(args.redis_url)
    return results


# --- the report ------------------------------------------------------------------------------


def cpu_probe():
    """Seconds a fixed pure-Python loop takes (best of three): how fast this machine's cores
    are just now. Shared virtual machines vary by a factor of three from hour to hour, so
    compare two reports' req/s only where their probes agree."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        total = 0
        for n in range(10_000_000):
            total += n
        best = min(best, time.perf_counter() - started)
    return round(best, 2)


def machine():
    cpuinfo = Path("/proc/cpuinfo").read_text()
    found = re.search(r"model name\s*:\s*(.+)", cpuinfo)
    mhz = re.search(r"cpu MHz\s*:\s*([\d.]+)", cpuinfo)
    kib = int(re.search(r"MemTotal:\s*(\d+)", Path("/proc/meminfo").read_text()).group(1))
    cpu = found.group(1).strip() if found else "unknown CPU"
    if mhz:
        cpu += f" ({float(mhz.group(1)):.0f} MHz)"
    return (
        f"{cpu}; nproc {os.cpu_count()}; {kib / 1024 / 1024:.1f} GiB RAM; "
        f"{platform.system()} {platform.release()}"
    )


def software(results):
    import django

    import wagtail

    import gunicorn
    import redis

    wrk_version = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    wrk_version = (wrk_version.stdout + wrk_version.stderr).split()[1]
    try:
        server = redis.Redis.from_url(REDIS_URL).info("server")["redis_version"]
        redis_server = f"Redis {server}"
    except Exception:  # noqa: BLE001 - only for the report
        redis_server = "Redis (version unknown)"
    return (
        f"Python {platform.python_version()}, Django {django.get_version()}, "
        f"Wagtail {wagtail.__version__}, gunicorn {gunicorn.__version__}, "
        f"redis-py {redis.__version__}, wrk {wrk_version}, "
        + ", ".join(sorted(set(results["versions"].values())) + [redis_server])
    )


def pivot(results, value):
    """One line per configuration, one column per page."""
    lines = [
        "| Database | N news items | Page cache | " + " | ".join(PAGES) + " |",
        "| --- | ---: | --- |" + " ---: |" * len(PAGES),
    ]
    for config in results["configs"]:
        by_page = {row["page"]: row for row in config["rows"]}
        cells = []
        for page in PAGES:
            row = by_page.get(page)
            if row is None:
                cells.append("")
                continue
            cell = value(row)
            if row.get("x_cache") == "hit":
                cell += " (hit)"
            cells.append(cell)
        lines.append(
            f"| {config['version']} | {config['news_items']:,} | {config['cache']} | "
            + " | ".join(cells)
            + " |"
        )
    return lines


def fmt_rps(row):
    if "rps" not in row:
        return "failed"
    return f"{row['rps']:,.0f}"


def verdicts(results):
    """(uncached rows, hit rows, soak) against the issue's targets."""
    uncached, hits = [], []
    for config in results["configs"]:
        for row in config["rows"]:
            if row["page"] == "static file" or "rps" not in row:
                continue
            tag = (config, row)
            if row["x_cache"] == "hit":
                hits.append(tag)
            else:
                uncached.append(tag)
    return uncached, hits


def report(results, args):
    when = datetime.now().astimezone()
    lines = [
        "## HTTP throughput (wrk against gunicorn)",
        "",
        f"Measured {when:%-d %B %Y, %H:%M %Z} with:",
        "",
        "```sh",
        "apt-get install -y wrk   # if missing",
        ".venv/bin/python -m bench.http_throughput " + " ".join(args.argv),
        "```",
        "",
        f"- Machine: {machine()}.",
        "- CPU speed probe (a fixed 10-million-step Python loop, best of 3; lower is faster; "
        "this shared machine varies by up to 3x): "
        + " s before, ".join(f"{seconds:.2f}" for seconds in results.get("cpu_probe", []))
        + " s after the run.",
        f"- Software: {software(results)}.",
        f"- Server: `gunicorn -c config/gunicorn.py` (sync workers; GUNICORN_WORKERS={args.workers}"
        + "".join(f", {item}" for item in args.gunicorn_env)
        + ", otherwise the config's defaults, giving "
        + " / ".join(sorted({describe_gunicorn(c["gunicorn"]) for c in results["configs"]}))
        + ", and the access log on stdout, here a file)"
        + (", `--no-control-socket`" if args.no_control_socket else "")
        + "; `config.settings.production`, SECURE_SSL_REDIRECT=false, DEBUG off. Page cache off: "
        "PAGE_CACHE_SECONDS=0 and SEARCH_RESULTS_SECONDS=0 (every search matched and ranked "
        "afresh; which pages a search may show, and result cards, are fragments, as navigation "
        "is), no REDIS_URL. Page cache on: "
        f"PAGE_CACHE_SECONDS=600, REDIS_URL={args.redis_url} (flushed before each server "
        "start; pages in Redis), search results kept 60 s (the default), so the repeated "
        "search is served from them after its first run. Static files: "
        "CompressedManifestStaticFilesStorage, collected via "
        f"{results['static_mode']}.",
        f"- Load: wrk on the same machine, {args.threads} threads, {args.connections} "
        f"connections, {args.duration} s per row after a {args.warmup} s warm-up; wrk's 2 s "
        "timeout. Each page is requested twice before the run; the X-Cache column is the "
        "second answer's header (`hit`: served from the page cache; `-`: not cacheable).",
        "- Content: migrate, `load_demo_content` (10 news items, 2 briefings), then "
        "`generate_content --news` up to N news items (then, on PostgreSQL, `VACUUM ANALYZE`, "
        "as autovacuum would do soon after). News item and briefing are demo pages.",
        "- Columns: req/s; latency p50 and p99 in ms; errors = socket errors, timeouts and "
        "unexpected statuses; recycles = gunicorn workers booted during the row "
        "(`max_requests`); CPU during the row, in cores (the machine has "
        f"{os.cpu_count()}): gunicorn (master and workers), db/redis (the PostgreSQL backends of "
        "the benchmark's database, and redis-server), wrk, and others: everything else on the "
        "machine, which is not part of the benchmark and makes the row slower (a row run while "
        f"others used more than {args.noisy} cores was run again, up to {args.retries} more "
        "times, and the quietest attempt kept); req per gunicorn CPU-s = req/s divided by "
        "gunicorn's cores, the server's cost per request, which other load changes much less "
        "than req/s.",
        "",
    ]
    described = {describe_gunicorn(c["gunicorn"]) for c in results["configs"]}
    if len(described) > 1:
        lines += [
            "**config/gunicorn.py changed during this run**: "
            + "; ".join(
                f"{c['version']} N={c['news_items']:,} cache {c['cache']}: "
                + describe_gunicorn(c["gunicorn"])
                for c in results["configs"]
            )
            + ".",
            "",
        ]
    uncached, hits = verdicts(results)
    lines += ["### Against the targets", ""]
    if uncached:
        low = [(c, r) for c, r in uncached if r["rps"] < 180]
        worst = min(uncached, key=lambda tag: tag[1]["rps"])
        lines.append(
            f"- Uncached pages ≥ 180 req/s: **{'met' if not low else 'not met'}**: "
            f"{len(uncached) - len(low)} of {len(uncached)} uncached rows reach it; slowest "
            f"{worst[1]['rps']:.0f} req/s ({worst[1]['page']}, {worst[0]['version']}, "
            f"N={worst[0]['news_items']:,}, cache {worst[0]['cache']})."
        )
    if hits:
        low = [(c, r) for c, r in hits if r["rps"] < 2000]
        worst = min(hits, key=lambda tag: tag[1]["rps"])
        best = max(hits, key=lambda tag: tag[1]["rps"])
        lines.append(
            f"- Cache hits ≥ 2,000 req/s: **{'met' if not low else 'not met'}**: "
            f"{len(hits) - len(low)} of {len(hits)} cache-hit rows reach it; "
            f"range {worst[1]['rps']:,.0f}–{best[1]['rps']:,.0f} req/s."
        )
    statics = [
        r["rps"]
        for c in results["configs"]
        for r in c["rows"]
        if r["page"] == "static file" and "rps" in r
    ]
    if statics:
        lines.append(
            f"- Ceiling (static file through whitenoise, same gunicorn): "
            f"{min(statics):,.0f}–{max(statics):,.0f} req/s."
        )
    soak = results["soak"]
    if soak and "rps" in soak:
        lines.append(
            f"- 60-second run, zero errors: **{'met' if soak['errors'] == 0 else 'not met'}**: "
            f"{soak['errors']} errors in {soak['requests']:,} requests "
            f"({soak['seconds']} s, {soak['connections']} connections, cached home page)."
        )
    lines += [
        "",
        "### Requests per second",
        "",
    ]
    lines += pivot(results, lambda row: fmt_rps(row))
    lines += [
        "",
        "### Requests per gunicorn CPU-second",
        "",
        "What one core of gunicorn serves: req/s divided by the cores gunicorn used during the "
        "row. Less sensitive than req/s to other load on the machine.",
        "",
    ]
    lines += pivot(
        results, lambda row: f"{row['per_core_second']:,.0f}" if "rps" in row else "failed"
    )
    lines += [
        "",
        "### Every row",
        "",
        "| Database | N | Cache | Page | req/s | p50 ms | p99 ms | errors | X-Cache | recycles "
        "| req per gunicorn CPU-s | CPU: gunicorn | db/redis | wrk | others |",
        "| --- | ---: | --- | --- | ---: | ---: | ---: | ---: | --- | ---: "
        "| ---: | ---: | ---: | ---: | ---: |",
    ]
    rows = [(config, row) for config in results["configs"] for row in config["rows"]]
    if soak:
        rows.append(
            (
                {"version": soak["version"], "news_items": soak["news_items"], "cache": "on"},
                {
                    **soak,
                    "page": f"home, {soak.get('seconds')} s soak at "
                    f"{soak.get('connections')} connections",
                },
            )
        )
    for config, row in rows:
        head = f"| {config['version']} | {config['news_items']:,} | {config['cache']}"
        head += f" | {row['page']}"
        if "rps" not in row:
            lines.append(
                f"{head} | {row.get('error', 'failed')} | | | | {row['x_cache']} |" + " |" * 5
            )
            continue
        lines.append(
            f"{head} | {row['rps']:,.0f} | {row['p50_ms']:.1f} | {row['p99_ms']:.1f} "
            f"| {row['errors']} | {row['x_cache']} | {row['recycles']} "
            f"| {row['per_core_second']:,.0f} "
            f"| {row['server_cores']:.2f} | {row['helper_cores']:.2f} | {row['wrk_cores']:.2f} "
            f"| {row['other_cores']:.2f} |"
        )
    if results["generate_seconds"]:
        lines += [
            "",
            "`generate_content` took "
            + ", ".join(
                f"{seconds:.0f} s ({label.split()[0]}, to N={int(label.split()[1]):,})"
                for label, seconds in results["generate_seconds"].items()
            )
            + ".",
        ]
    return "\n".join(lines) + "\n"


def write_between_markers(path, block, heading=None):
    """Replace this script's block in `path`, or append it; the rest of the file is kept."""
    text = path.read_text() if path.exists() else (f"{heading}\n\n" if heading else "")
    new = f"{BEGIN}\n{block}{END}\n"
    pattern = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END) + r"\n?", re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: new, text, count=1)
    else:
        text = text.rstrip("\n") + ("\n\n" if text.strip() else "") + new
    path.write_text(text)


def summary_section(results, args, output):
    uncached, hits = verdicts(results)
    soak = results["soak"]
    lines = [
        "## HTTP throughput",
        "",
        f"wrk against gunicorn (2 sync workers, production settings) on "
        f"{datetime.now():%-d %B %Y}: every page, cache off and on, SQLite and PostgreSQL, "
        f"with {' and '.join(f'{n:,}' for n in sorted(args.sizes))} news items. Full table, "
        f"machine and command: [{output.name}]({output.name}), written by "
        "`bench/http_throughput.py`.",
        "",
    ]
    if uncached:
        worst = min(r["rps"] for _, r in uncached)
        best = max(r["rps"] for _, r in uncached)
        met = sum(r["rps"] >= 180 for _, r in uncached)
        lines.append(
            f"- Uncached pages (target ≥ 180 req/s): {worst:,.0f}–{best:,.0f} req/s; "
            f"{met} of {len(uncached)} rows meet it."
        )
    if hits:
        worst = min(r["rps"] for _, r in hits)
        best = max(r["rps"] for _, r in hits)
        met = sum(r["rps"] >= 2000 for _, r in hits)
        lines.append(
            f"- Cache hits (target ≥ 2,000 req/s): {worst:,.0f}–{best:,.0f} req/s; "
            f"{met} of {len(hits)} rows meet it."
        )
    if soak and "rps" in soak:
        lines.append(
            f"- {soak['seconds']} s at {soak['connections']} connections, cached home page: "
            f"{soak['rps']:,.0f} req/s, p99 {soak['p99_ms']:.0f} ms, {soak['errors']} errors "
            "(target: zero)."
        )
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="10 news items only, 5 s runs.")
    parser.add_argument("--databases", nargs="+", choices=["sqlite", "postgres"])
    parser.add_argument("--sizes", type=int, nargs="+", help="news items (default 10 10000)")
    parser.add_argument("--caches", nargs="+", choices=["off", "on"], default=["off", "on"])
    parser.add_argument("--duration", type=int, help="seconds per row (default 10; quick 5)")
    parser.add_argument("--warmup", type=int, help="seconds of wrk before each row (2; quick 1)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--soak", type=int, help="seconds of the soak (60; quick 20; 0: none)")
    parser.add_argument("--soak-connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--gunicorn-env",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="extra environment for gunicorn, e.g. GUNICORN_MAX_REQUESTS=0 (repeatable)",
    )
    parser.add_argument(
        "--control-socket",
        dest="no_control_socket",
        action="store_false",
        help="let gunicorn open its control socket (off by default: it is shared per user)",
    )
    parser.add_argument("--wait-idle", type=float, default=20, help="seconds to wait for quiet")
    parser.add_argument("--idle-threshold", type=float, default=15, help="busy %% that is quiet")
    parser.add_argument(
        "--retries", type=int, default=1, help="tries again a row run while others were busy"
    )
    parser.add_argument(
        "--noisy", type=float, default=0.3, help="others' cores above which a row is retried"
    )
    parser.add_argument("--pg-url", default=PG_URL)
    parser.add_argument("--redis-url", default=REDIS_URL)
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "HTTP-RESULTS.md")
    parser.add_argument(
        "--results-md",
        type=Path,
        default=BENCH_DIR / "RESULTS.md",
        help="where the short summary section goes ('-': nowhere)",
    )
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    parser.add_argument("--keep", type=Path, help="copy gunicorn logs to this directory")
    args = parser.parse_args()
    args.argv = sys.argv[1:]
    quick = args.quick
    args.databases = args.databases or ["sqlite", "postgres"]
    args.sizes = args.sizes or ([10] if quick else [10, 10000])
    args.duration = args.duration or (5 if quick else 10)
    args.warmup = args.warmup if args.warmup is not None else (1 if quick else 2)
    args.soak = args.soak if args.soak is not None else (20 if quick else 60)

    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed. On Debian or Ubuntu: apt-get install -y wrk")
    if not Path(GUNICORN).exists():
        sys.exit(f"{GUNICORN} is missing: run `make install` first.")
    if "on" in args.caches:
        try:
            flush_redis(args.redis_url)
        except Exception as exc:  # noqa: BLE001
            sys.exit(
                f"Redis at {args.redis_url} is not answering ({exc}); start it, or --caches off"
            )
    for host in re.findall(r"@([^:/]+)", args.pg_url) + re.findall(r"//([^:/]+)", args.redis_url):
        if host not in ("127.0.0.1", "localhost"):
            sys.exit(f"only loopback servers are allowed, not {host}")

    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGHUP, _terminate)
    atexit.register(run_all_cleanups)
    workdir = Path(tempfile.mkdtemp(prefix="psg-http-bench-"))
    on_cleanup(shutil.rmtree, workdir, True)
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    args.static_root = workdir / "static"
    started = time.monotonic()
    probe_before = cpu_probe()
    try:
        results = run(args, workdir)
    finally:
        run_all_cleanups()
    results["cpu_probe"] = [probe_before, cpu_probe()]
    log(f"done in {(time.monotonic() - started) / 60:.1f} minutes")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str))
    block = report(results, args)
    write_between_markers(args.output, block, heading="# HTTP benchmark")
    log(f"wrote {args.output}")
    if str(args.results_md) != "-":
        write_between_markers(args.results_md, summary_section(results, args, args.output))
        log(f"updated the HTTP throughput section of {args.results_md}")
    print()
    print(block)


if __name__ == "__main__":
    main()
