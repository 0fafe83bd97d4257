"""Pages per second and queries per page, side by side in one run on this machine. Not a test.

    make bench-http                                     # the full run, writes bench/RESULTS.md
    .venv/bin/python -m bench.http_throughput --quick   # a trial: prints, writes nothing

Run it from the project root. It measures what issue 23's "Done when" asks:

(a) Cached pages through Varnish, with the project's VCL (deploy/varnish/default.vcl, its
    `backend default` pointed at our gunicorn; a plain VCL if the file is missing), against
    nginx serving the same HTML, byte for byte, as a file: Varnish at least 60 % of nginx.
(b) The front cache bypassed: requests straight to gunicorn (`gunicorn -c config/gunicorn.py`,
    production settings, 2 sync workers) with Redis for the template fragments as production
    has it, and again without Redis, for every kind of page, against the reference Wagtail demo
    (wagtail/bakerydemo, production settings, gunicorn, 2 sync workers) on its equivalent page
    (PEER_PAGE below): at least twice its requests per second.
(c) SQL queries per page, counted in process (Django's test client and CaptureQueriesContext,
    production settings, Redis) with the demo's 10 news items in each language and with 10,000
    more, in English and Spanish. "Cold" is the first request after the template fragments are
    cleared (as every change clears them, and as every request is without Redis), "warm" the
    next. At most 10, and the same at both sizes.

On PostgreSQL (production's database) and SQLite. For each, a throwaway database gets the
migrations and `load_demo_content`; the queries are counted; `generate_content --news 10000
--spanish 0.2` adds the items; the queries are counted again; then every server is started on a
free loopback port and wrk (2 threads, 8 connections) loads every URL in turn, round after round
(interleaved, so that other work on this shared machine slows every target alike); the tables
give each URL's median over the rounds. Varnish against nginx runs with PostgreSQL only (a
cache hit never reaches the database).

The bakerydemo lives in a scratch folder, $PEERS (default /tmp/peers), built on first use as
../shared/bench/peer-setup.md says, from a bare git directory of wagtail/bakerydemo
($BAKERYDEMO_GIT) with a Python >= 3.12 ($PEER_PYTHON, else pyenv's). Nothing of it is
committed. Needs wrk, nginx and varnishd (Debian: wrk, nginx-light, varnish), PostgreSQL at
$PG_URL and Redis at $BENCH_REDIS_URL (its database is flushed). Every server the script starts
is stopped, and its database dropped, when it ends, fails or is interrupted.
"""

import argparse
import http.client
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path

from bench.results import write_between_markers

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PG_URL = os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
PEERS = Path(os.environ.get("PEERS", "/tmp/peers"))
BAKERYDEMO_GIT = os.environ.get("BAKERYDEMO_GIT", "/work/.mirror/wagtail+bakerydemo/repo")
PEER_PG_URL = "postgres://bakery:bakery@127.0.0.1:5432/bakerydemo"
VCL = ROOT / "deploy" / "varnish" / "default.vcl"
SCRIPT = "bench/http_throughput.py"

# Each kind of page of ours, and the bakerydemo page doing the same job (it has no feed,
# regions or archive: its blog listing stands in for every list).
PEER_PAGE = {
    "home": "/",
    "news list": "/blog/",
    "news item": "/blog/wild-yeast/",
    "briefing list": "/blog/",
    "briefing": "/blog/wild-yeast/",
    "region page": "/blog/",
    "archive month": "/blog/",
    "feed": "/blog/",
    "404": "/this-page-does-not-exist/",
    "search": "/search/?q=bread",
}
THROUGH_VARNISH = ["home", "news list", "news item"]
MAX_QUERIES = 10


def log(message):
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


# --- processes -------------------------------------------------------------------------------

RUNNING = []


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(name, command, env, cwd, logs, ready_url):
    """A server in a process group of its own (so its workers stop with it), logging to a file,
    once it answers `ready_url`."""
    path = logs / (re.sub(r"\W+", "-", name) + ".log")
    with open(path, "ab") as output:
        process = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=output, stderr=output, start_new_session=True
        )
    RUNNING.append(process)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"{name} exited ({process.returncode}): see {path}")
        with suppress(OSError):
            get(ready_url)
            return
        time.sleep(0.5)
    sys.exit(f"{name} did not answer {ready_url} within 90 s: see {path}")


def stop_all():
    while RUNNING:
        process = RUNNING.pop()
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        with suppress(ProcessLookupError):  # workers a killed master left behind
            os.killpg(process.pid, signal.SIGKILL)


def run(command, env=None, cwd=ROOT, timeout=3600):
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode:
        sys.exit(f"failed: {' '.join(map(str, command))}\n{result.stdout[-2000:]}{result.stderr}")
    return result.stdout


def get(url):
    """(status, body) of one GET, redirects not followed."""
    host, port, path = re.match(r"http://([^:/]+):(\d+)(.*)", url).groups()
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def psql(sql, url=PG_URL + "/postgres"):
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        cursor = connection.execute(sql)
        return cursor.fetchall() if cursor.description else None


def flush_redis():
    import redis

    redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).flushdb()


def wrk(url, seconds, args):
    command = f"wrk -t{args.threads} -c{args.connections} -d{seconds}s --latency --timeout 5s"
    output = run([*command.split(), url], timeout=seconds + 60)

    def ms(pattern):
        value, unit = re.search(pattern, output, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]

    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]),
        "requests": int(re.search(r"(\d+) requests in", output)[1]),
        "p50": ms(r"^\s+50%\s+([\d.]+)(\w+)"),
        "p99": ms(r"^\s+99%\s+([\d.]+)(\w+)"),
        "socket_errors": sum(map(int, errors.groups())) if errors else 0,
        "non_2xx": int(non_2xx[1]) if non_2xx else 0,
    }


def varnish_misses(workdir):
    output = run(["varnishstat", "-n", workdir, "-1", "-f", "MAIN.cache_miss"])
    return int(output.split()[1])


# --- our site --------------------------------------------------------------------------------


def site_env(work, database_url, redis=False):
    """Production's settings from a clean environment (nothing inherited from the shell)."""
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": work.secret_key,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "WAGTAILADMIN_BASE_URL": "https://www.example.org",
        "DEFAULT_FROM_EMAIL": "website@example.org",
        "DATABASE_URL": database_url,
        "STATIC_ROOT": str(work.path / "static"),
        "MEDIA_ROOT": str(work.path / "media"),
        "LOG_LEVEL": "WARNING",
        "GUNICORN_WORKERS": "2",
    }
    return env | ({"REDIS_URL": REDIS_URL} if redis else {})


def inside():
    """In a child process with the site's environment: the address of each kind of page in
    English and Spanish, and the queries each costs, cold and warm. Prints JSON."""
    import django

    django.setup()
    from django.core.cache import caches
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import translation

    from wagtail.models import Locale

    from briefings.models import BriefingIndexPage, BriefingPage
    from news.models import NewsIndexPage, NewsItemPage
    from regions.models import Region

    # Demo pages, the same ones at every size (generate_content's slugs start "generated-").
    demo_items = NewsItemPage.objects.live().public().exclude(slug__startswith="generated-")
    region = Region.objects.filter(pk__in=demo_items.values("regions")).order_by("slug")[0]
    month = demo_items.order_by("path")[0].date
    paths = {}
    for language, code in (("en", "en-gb"), ("es", "es")):
        locale = Locale.objects.get(language_code=code)

        def first(pages, locale=locale):
            return pages.live().public().filter(locale=locale).order_by("path")[0]

        news = first(NewsIndexPage.objects)
        with translation.override(code):
            home, search = reverse("wagtail_serve", args=[""]), reverse("search")

        def subpage(name, news=news, **kwargs):
            return news.url + news.reverse_subpage(name, kwargs=kwargs)

        paths[language] = {
            "home": home,
            "news list": news.url,
            "news item": first(demo_items).url,
            "briefing list": first(BriefingIndexPage.objects).url,
            "briefing": first(BriefingPage.objects).url,
            "region page": subpage("region", slug=region.slug),
            "archive month": subpage("archive_month", year=f"{month:%Y}", month=f"{month:%m}"),
            "feed": subpage("feed"),
            "404": home
            + {"en": "this-page-does-not-exist/", "es": "esta-pagina-no-existe/"}[language],
            "search": search + {"en": "?query=mining", "es": "?query=miner%C3%ADa"}[language],
        }

    def reader():
        return Client(HTTP_HOST="127.0.0.1")  # a new one each time: no cookies carried over

    queries = {}
    for language, kinds in paths.items():
        for kind, path in kinds.items():
            # Once first, so that what a first request makes (renditions, the search log's
            # row) is there at every size; then as after a change, which clears the fragments.
            reader().get(path)
            caches["template_fragments"].clear()
            counts = []
            for _ in range(2):
                with CaptureQueriesContext(connection) as captured:
                    status = reader().get(path).status_code
                counts.append(len(captured))
            queries[f"{kind}|{language}"] = {"status": status, "cold": counts[0], "warm": counts[1]}
    items = NewsItemPage.objects.live().count()
    print("BENCH-JSON " + json.dumps({"paths": paths, "queries": queries, "items": items}))


def count_queries(env):
    flush_redis()
    output = run([BIN / "python", "-m", "bench.http_throughput", "--inside"], env=env)
    return json.loads(output.split("BENCH-JSON ", 1)[1])


# --- the reference: wagtail/bakerydemo --------------------------------------------------------


def peer_env(database):
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "bakerydemo.settings.production",
        "DJANGO_SECRET_KEY": "bench-not-secret",
        "SECURE_SSL_REDIRECT": "False",
    }
    return env | ({"DATABASE_URL": PEER_PG_URL} if database == "postgres" else {})


def ensure_peer(databases):
    """The bakerydemo set up as ../shared/bench/peer-setup.md says, each step done once."""
    demo, venv = PEERS / "bakerydemo", PEERS / "venv-bakery" / "bin"
    if not (demo / "manage.py").exists():
        if not Path(BAKERYDEMO_GIT).exists():
            sys.exit("No bakerydemo: set BAKERYDEMO_GIT to a bare clone of wagtail/bakerydemo.")
        log(f"unpacking the bakerydemo from {BAKERYDEMO_GIT} into {demo}")
        demo.mkdir(parents=True, exist_ok=True)
        tar = PEERS / "bakerydemo.tar"
        run(["git", "--git-dir", BAKERYDEMO_GIT, "archive", "-o", tar, "HEAD"])
        run(["tar", "-xf", tar, "-C", demo])
        commit = run(["git", "--git-dir", BAKERYDEMO_GIT, "rev-parse", "--short", "HEAD"])
        (PEERS / "bakerydemo.commit").write_text(commit)
    if not (venv / "gunicorn").exists():
        log("installing the bakerydemo's production requirements (uwsgi replaced by gunicorn)")
        found = [os.environ.get("PEER_PYTHON", "")]
        found += sorted(map(str, Path.home().glob(".pyenv/versions/3.1[2-9]*/bin/python")))
        found += [shutil.which("python3.13") or "", shutil.which("python3.12") or ""]
        if not any(found):
            sys.exit("The bakerydemo needs Python >= 3.12 (Django 6.0): set PEER_PYTHON.")
        run([next(filter(None, found)), "-m", "venv", venv.parent])
        requirements = (demo / "requirements" / "production.txt").read_text().splitlines()
        (demo / "requirements" / "prod-nouwsgi.txt").write_text(
            "".join(line + "\n" for line in requirements if "uwsgi" not in line)
        )
        run(
            [venv / "pip", "install", "-q", "-r", "requirements/prod-nouwsgi.txt", "gunicorn"],
            cwd=demo,
        )
    for database in databases:
        if (PEERS / f".loaded-{database}").exists():
            continue
        log(f"loading the bakerydemo's content ({database})")
        if database == "postgres":  # made afresh: a half-loaded one would stay half-loaded
            if not psql("SELECT 1 FROM pg_roles WHERE rolname = 'bakery'"):
                psql("CREATE ROLE bakery LOGIN PASSWORD 'bakery'")
            psql("DROP DATABASE IF EXISTS bakerydemo WITH (FORCE)")
            psql("CREATE DATABASE bakerydemo OWNER bakery")
        for command in ("migrate --noinput", "load_initial_data", "collectstatic --noinput -v0"):
            run([venv / "python", "manage.py", *command.split()], env=peer_env(database), cwd=demo)
        (PEERS / f".loaded-{database}").touch()
    return demo, venv


# --- one database -----------------------------------------------------------------------------


class Work:
    """The run's scratch folder: databases, static files, logs, the servers' files."""

    def __init__(self):
        self.path = Path(tempfile.mkdtemp(prefix="psg-bench-http-"))
        self.path.chmod(0o755)  # varnishd and nginx read their files as unprivileged users
        self.logs = self.path / "logs"
        self.logs.mkdir()
        self.secret_key = secrets.token_urlsafe(40)


def bench_database(database, work, peer, args):
    if database == "sqlite":
        return measure(database, f"sqlite:///{work.path / 'site.sqlite3'}", work, peer, args)
    name = f"psg_bench_http_{os.getpid()}"
    psql(f'CREATE DATABASE "{name}"')
    try:
        return measure(database, f"{PG_URL}/{name}", work, peer, args)
    finally:
        stop_all()
        psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def measure(database, url, work, peer, args):
    env, env_redis = site_env(work, url), site_env(work, url, redis=True)
    manage = [BIN / "python", "manage.py"]
    log(f"{database}: migrate, load_demo_content")
    run([*manage, "migrate", "--noinput"], env=env)
    run([*manage, "load_demo_content"], env=env)
    if not (work.path / "static").exists():
        run([*manage, "collectstatic", "--noinput", "-v0"], env=env)
    result = {"queries": {}}
    facts = count_queries(env_redis)
    result["queries"][facts["items"]] = facts["queries"]
    if args.generate:
        log(f"{database}: generate_content --news {args.generate} --spanish 0.2")
        run([*manage, "generate_content", "--news", args.generate, "--spanish", "0.2"], env=env)
        if database == "postgres":
            psql("VACUUM ANALYZE", url=url)  # as autovacuum would within a minute
        facts = count_queries(env_redis)
        result["queries"][facts["items"]] = facts["queries"]
    result["paths"] = paths = facts["paths"]["en"]

    log(f"{database}: starting the servers")
    flush_redis()
    base = {}
    for name, server_env in (("ours", env_redis), ("ours, no Redis", env)):
        port = free_port()
        server_env = server_env | {"GUNICORN_BIND": f"127.0.0.1:{port}"}
        command = [BIN / "gunicorn", "-c", "config/gunicorn.py", "--no-control-socket"]
        start(name, command, server_env, ROOT, work.logs, f"http://127.0.0.1:{port}/health/")
        base[name] = f"http://127.0.0.1:{port}"
    demo, venv = peer
    port = free_port()
    command = f"bakerydemo.wsgi:application --bind 127.0.0.1:{port} --workers 2 --worker-class sync"
    command = [venv / "gunicorn", *command.split(), "--no-control-socket"]
    start("bakerydemo", command, peer_env(database), demo, work.logs, f"http://127.0.0.1:{port}/")
    base["bakerydemo"] = f"http://127.0.0.1:{port}"

    targets = []  # (group, kind, url, expected status), in the order of each round
    for kind, path in paths.items():
        status = 404 if kind == "404" else 200
        targets += [
            (group, kind, base[group] + path, status) for group in ("ours", "ours, no Redis")
        ]
    for path in sorted(set(PEER_PAGE.values())):
        status = 404 if path == PEER_PAGE["404"] else 200
        targets.append(("bakerydemo", path, base["bakerydemo"] + path, status))
    if database == "postgres" and not args.no_varnish:
        result["front"] = start_front(paths, base["ours"], work)
        for group in ("nginx", "Varnish"):
            url = result["front"][group]
            targets += [(group, kind, url + paths[kind], 200) for kind in THROUGH_VARNISH]

    for group, kind, url, expected in targets:
        if (status := get(url)[0]) != expected:
            sys.exit(f"{group}, {kind}: {url} answered {status}, expected {expected}")
        wrk(url, 1, args)  # warm: every worker has read its templates and connected
    rows = result["rows"] = {(group, kind): [] for group, kind, _, _ in targets}
    for number in range(1, args.rounds + 1):
        log(f"{database}: round {number} of {args.rounds}")
        for group, kind, url, expected in targets:
            misses = varnish_misses(work.path / "varnish") if group == "Varnish" else 0
            row = wrk(url, args.duration, args)
            wrong = row["non_2xx"] if expected == 200 else row["requests"] - row["non_2xx"]
            row["bad"] = row["socket_errors"] + wrong
            if group == "Varnish":
                row["misses"] = varnish_misses(work.path / "varnish") - misses
            rows[group, kind].append(row)
            time.sleep(args.pause)  # the server finishes the requests wrk left queued
            print(
                f"  {group:15} {kind:26} {row['rps']:9,.0f} req/s, p99 {row['p99']:.0f} ms, "
                f"{row['bad']} bad",
                flush=True,
            )
    stop_all()
    return result


def start_front(paths, backend, work):
    """Varnish in front of `backend`, and nginx serving what Varnish serves as files."""
    vcl, described = (
        (VCL.read_text(), VCL.relative_to(ROOT)) if VCL.exists() else (PLAIN_VCL, "a plain VCL")
    )
    host, port = re.match(r"http://([^:]+):(\d+)", backend).groups()
    for field, value in ((r"\.host", host), (r"\.port", port)):
        # The VCL's `backend default` is given this gunicorn's address.
        pattern = r"(backend\s+default\s*\{[^}]*?" + field + r'\s*=\s*)"[^"]*"'
        vcl, found = re.subn(pattern, rf'\g<1>"{value}"', vcl, count=1)
        if not found:
            sys.exit(f"{described}: no {field} in `backend default` to point at gunicorn")
    (work.path / "bench.vcl").write_text(vcl)
    varnish = f"127.0.0.1:{free_port()}"
    command = (
        f"varnishd -F -n {work.path}/varnish -a {varnish} -f {work.path}/bench.vcl -s malloc,256m"
    )
    start("varnish", command.split(), None, work.path, work.logs, f"http://{varnish}/")
    sizes = {}
    for kind in THROUGH_VARNISH:
        get(f"http://{varnish}{paths[kind]}")  # a miss, then the copy kept
        _, body = get(f"http://{varnish}{paths[kind]}")
        sizes[kind] = len(body)
        file = work.path / "html" / paths[kind].lstrip("/") / "index.html"
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(body)
    nginx, prefix = f"127.0.0.1:{free_port()}", work.path / "nginx"
    (prefix / "tmp").mkdir(parents=True)
    config = NGINX_CONF.replace("PREFIX", str(prefix)).replace("LISTEN", nginx)
    (prefix / "nginx.conf").write_text(config.replace("ROOT", str(work.path / "html")))
    command = ["nginx", "-p", prefix, "-e", prefix / "error.log", "-c", prefix / "nginx.conf"]
    start("nginx", [*command, "-g", "daemon off;"], None, work.path, work.logs, f"http://{nginx}/")
    return {
        "vcl": str(described),
        "sizes": sizes,
        "nginx": f"http://{nginx}",
        "Varnish": f"http://{varnish}",
    }


PLAIN_VCL = """vcl 4.1;
backend default { .host = "127.0.0.1"; .port = "8001"; }
sub vcl_recv { unset req.http.Cookie; return (hash); }
sub vcl_backend_response { unset beresp.http.Set-Cookie; set beresp.ttl = 10m; return (deliver); }
"""

# As ../shared/bench/peer-setup.md serves the bakerydemo's home page.
NGINX_CONF = """worker_processes 2;
pid PREFIX/nginx.pid;
events { worker_connections 512; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    default_type text/html;
    client_body_temp_path PREFIX/tmp/client;
    proxy_temp_path PREFIX/tmp/proxy;
    fastcgi_temp_path PREFIX/tmp/fastcgi;
    uwsgi_temp_path PREFIX/tmp/uwsgi;
    scgi_temp_path PREFIX/tmp/scgi;
    server {
        listen LISTEN;
        root ROOT;
        index index.html;
        location / { try_files $uri $uri/ =404; }
    }
}
"""


# --- the report ------------------------------------------------------------------------------


def median(rows, key="rps"):
    return statistics.median(row[key] for row in rows)


def versions():
    def first_line(*command):
        result = subprocess.run([str(part) for part in command], capture_output=True, text=True)
        return (result.stdout + result.stderr).strip().splitlines()[0]

    probe = (
        "import platform, django, gunicorn, wagtail; print(platform.python_version(), "
        "django.__version__, wagtail.__version__, gunicorn.__version__)"
    )
    labels = ("Python", "Django", "Wagtail", "gunicorn")
    ours = run([BIN / "python", "-c", probe]).split()
    peer = run([PEERS / "venv-bakery" / "bin" / "python", "-c", probe]).split()
    import redis

    servers = [
        "PostgreSQL " + psql("SHOW server_version")[0][0].split()[0],
        f"SQLite {sqlite3.sqlite_version}",
        "Redis " + redis.Redis.from_url(REDIS_URL).info()["redis_version"],
        first_line("nginx", "-v").replace("nginx version: nginx/", "nginx "),
        "Varnish " + re.search(r"varnish-([\d.]+)", first_line("varnishd", "-V"))[1],
        first_line("wrk", "-v").split(" [")[0],
    ]
    return {
        "ours": ", ".join(f"{label} {value}" for label, value in zip(labels, ours, strict=True)),
        "peer": ", ".join(f"{label} {value}" for label, value in zip(labels, peer, strict=True)),
        "servers": ", ".join(servers),
    }


def machine():
    model = re.search(r"model name\s*:\s*(.*)", Path("/proc/cpuinfo").read_text())
    memory = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())[1]) / 2**20
    cpu = model[1].strip() if model else platform.machine()
    return f"{cpu}, {os.cpu_count()} CPUs, {memory:.0f} GiB RAM, Linux {platform.release()}"


def report(results, meta, args):
    """The Markdown section, and [(requirement, met, detail)]."""
    head = [
        "## Pages per second, and queries per page",
        "",
        f"Measured {meta['date']} by `bench/http_throughput.py` (`make bench-http`, "
        f"{meta['minutes']:.0f} minutes; its docstring says how). Rounds: {args.rounds}; in "
        f"each, wrk ({args.threads} threads, {args.connections} connections, {args.duration} s "
        "a URL) loads every URL in turn. Figures: each URL's median over the rounds.",
        "",
        f"- Machine: {machine()}; load average {meta['load'][0]:.1f} before, "
        f"{meta['load'][1]:.1f} after (others' work slows every target alike: read the ratios).",
        f"- Ours: {meta['versions']['ours']}; `gunicorn -c config/gunicorn.py` with 2 sync "
        "workers, `config.settings.production` (SECURE_SSL_REDIRECT=false), the template "
        "fragments in Redis (in the “no Redis” column: no REDIS_URL).",
        f"- Reference: wagtail/bakerydemo {meta['peer_commit']}, {meta['versions']['peer']}; "
        "`bakerydemo.settings.production`, gunicorn with 2 sync workers, set up as "
        "`../shared/bench/peer-setup.md` says.",
        f"- Servers: {meta['versions']['servers']}; all on 127.0.0.1.",
        "- Content: `load_demo_content` (10 news items in each language), then "
        f"`generate_content --news {args.generate} --spanish 0.2`; throughput measured with "
        "them all, on the English pages. The query tables count every live news item, both "
        "languages.",
        "",
    ]
    lines, checks = [], []
    front = results.get("postgres", {}).get("front")
    if front:
        rows = results["postgres"]["rows"]
        lines += [
            f"### Cached pages: Varnish ({front['vcl']}) against nginx, the same HTML as a file",
            "",
            "| Page | KB | nginx req/s | Varnish req/s | Varnish ÷ nginx | Varnish misses |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        ratios, all_misses, all_requests = [], 0, 0
        for kind in THROUGH_VARNISH:
            nginx, varnish = median(rows["nginx", kind]), median(rows["Varnish", kind])
            ratios.append(varnish / nginx)
            misses = sum(row["misses"] for row in rows["Varnish", kind])
            all_misses += misses
            all_requests += sum(row["requests"] for row in rows["Varnish", kind])
            lines.append(
                f"| {kind} | {front['sizes'][kind] / 1024:.0f} | {nginx:,.0f} | {varnish:,.0f} "
                f"| {ratios[-1]:.0%} | {misses} |"
            )
        lines.append("")
        checks.append(
            (
                "Through Varnish, cached pages serve at least 60 % of what nginx serves",
                # A page past its s-maxage is fetched again: a few misses, not more.
                min(ratios) >= 0.6 and all_misses <= all_requests / 1000,
                f"{min(ratios):.0%} to {max(ratios):.0%}, {all_misses} misses in "
                f"{all_requests:,} requests",
            )
        )
    titles = {"postgres": "PostgreSQL", "sqlite": "SQLite"}
    for database, result in results.items():
        rows = result["rows"]
        lines += [
            f"### Front cache bypassed, {titles[database]}: gunicorn against the bakerydemo",
            "",
            "req/s (p99 ms). Ours ÷ it: ours with Redis, then without, over the bakerydemo's.",
            "",
            "| Page | Address | Ours | Ours, no Redis | bakerydemo page | bakerydemo | Ours ÷ it |",
            "| --- | --- | ---: | ---: | --- | ---: | ---: |",
        ]
        ratios = {"with Redis": [], "without Redis": []}
        for kind, path in result["paths"].items():
            ours, plain = rows["ours", kind], rows["ours, no Redis", kind]
            peer = rows["bakerydemo", PEER_PAGE[kind]]
            ratios["with Redis"].append((median(ours) / median(peer), kind))
            ratios["without Redis"].append((median(plain) / median(peer), kind))
            cells = [f"{median(r):,.0f} ({median(r, 'p99'):.0f})" for r in (ours, plain, peer)]
            lines.append(
                f"| {kind} | `{path}` | {cells[0]} | {cells[1]} | `{PEER_PAGE[kind]}` | {cells[2]} "
                f"| {ratios['with Redis'][-1][0]:.1f}, {ratios['without Redis'][-1][0]:.1f} |"
            )
        lines.append("")
        for label, found in ratios.items():
            lowest = min(found)
            checks.append(
                (
                    f"{titles[database]}, front cache bypassed, {label}: every page at least "
                    "twice the bakerydemo's requests/s",
                    lowest[0] >= 2,
                    f"lowest {lowest[0]:.1f} times, {lowest[1]}",
                )
            )
    bad = sum(
        row["bad"]
        for result in results.values()
        for runs in result["rows"].values()
        for row in runs
    )
    checks.append(("No errors: socket errors, timeouts, unexpected statuses", bad == 0, f"{bad}"))

    for database, result in results.items():
        sizes = sorted(result["queries"], key=int)
        lines += [
            f"### SQL queries per page, {titles[database]}: cold / warm",
            "",
            "Cold: the first request after the template fragments are cleared (as after any "
            "change; without Redis every request is cold). Warm: the next one.",
            "",
            "| Page | "
            + " | ".join(f"{lang}, {int(n):,} items" for lang in ("en", "es") for n in sizes)
            + " |",
            "| --- |" + " ---: |" * (2 * len(sizes)),
        ]
        most, uneven = 0, []
        for kind in PEER_PAGE:
            cells = []
            for language in ("en", "es"):
                seen = [result["queries"][n][f"{kind}|{language}"] for n in sizes]
                for count in seen:
                    status = "" if count["status"] in (200, 404) else f" (status {count['status']})"
                    cells.append(f"{count['cold']} / {count['warm']}{status}")
                    most = max(most, count["cold"], count["warm"])
                if len({(count["cold"], count["warm"]) for count in seen}) > 1:
                    uneven.append(f"{kind} ({language})")
            lines.append(f"| {kind} | " + " | ".join(cells) + " |")
        lines.append("")
        checks += [
            (
                f"{titles[database]}: at most {MAX_QUERIES} queries a page, cold or warm",
                most <= MAX_QUERIES,
                f"at most {most}",
            ),
            (
                f"{titles[database]}: the same queries per page at {int(sizes[0]):,} and "
                f"{int(sizes[-1]):,} news items",
                not uneven,
                "flat" if not uneven else "different for " + ", ".join(uneven),
            ),
        ]
    summary = ["### Against issue 23's “Done when”", ""]
    summary += [
        f"- {name}: **{'met' if ok else 'NOT MET'}** ({detail})." for name, ok, detail in checks
    ]
    return "\n".join(head + summary + [""] + lines).rstrip() + "\n", checks


def main():
    if sys.argv[1:] == ["--inside"]:
        return inside()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a trial: PostgreSQL, 300 items, 1 round of 3 s, writes nothing",
    )
    parser.add_argument("--databases", nargs="+", choices=["postgres", "sqlite"])
    parser.add_argument("--generate", type=int, help="news items added to the demo's (10000)")
    parser.add_argument("--rounds", type=int, help="rounds (3)")
    parser.add_argument("--duration", type=int, help="seconds a URL in each round (10)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--pause", type=float, default=2, help="seconds between URLs (2)")
    parser.add_argument("--no-varnish", action="store_true", help="skip Varnish against nginx")
    parser.add_argument("--output", type=Path, help="bench/RESULTS.md (with --quick: none)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder and logs")
    args = parser.parse_args()
    quick = args.quick
    args.databases = args.databases or (["postgres"] if quick else ["postgres", "sqlite"])
    args.generate = args.generate if args.generate is not None else (300 if quick else 10000)
    args.rounds = args.rounds or (1 if quick else 3)
    args.duration = args.duration or (3 if quick else 10)
    if args.output is None and not quick:
        args.output = ROOT / "bench" / "RESULTS.md"
    for tool in ("wrk", "nginx", "varnishd", "varnishstat"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is missing (Debian: apt-get install -y wrk nginx-light varnish)")
    for url in (PG_URL, REDIS_URL):
        if not re.match(r"\w+://([^@/]*@)?(127\.0\.0\.1|localhost)[:/]", url):
            sys.exit(f"loopback servers only, not {url}")
    for number in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, lambda *_: sys.exit("stopped"))

    started, load = time.monotonic(), os.getloadavg()[0]
    work = Work()
    log(f"scratch folder {work.path}")
    results, finished = {}, False
    try:
        flush_redis()
        peer = ensure_peer(args.databases)
        for database in args.databases:
            results[database] = bench_database(database, work, peer, args)
        meta = {
            "date": f"{datetime.now(UTC):%-d %B %Y, %H:%M} UTC",
            "minutes": (time.monotonic() - started) / 60,
            "load": (load, os.getloadavg()[0]),
            "versions": versions(),
            "peer_commit": (PEERS / "bakerydemo.commit").read_text().strip(),
        }
        finished = True
    finally:
        stop_all()
        with suppress(Exception):
            flush_redis()
        if finished and not args.keep:
            shutil.rmtree(work.path, ignore_errors=True)
        else:
            log(f"kept {work.path} (the servers' logs are in logs/)")
    text, checks = report(results, meta, args)
    print("\n" + text)
    if args.output:
        write_between_markers(args.output, SCRIPT, text)
        log(f"wrote {args.output}")
    return 0 if all(ok for _, ok, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
