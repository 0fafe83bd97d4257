"""gunicorn settings, from the environment: `gunicorn -c config/gunicorn.py`."""

import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

wsgi_app = "config.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
# Sync workers: each handles one request at a time; two per core plus one is the usual rule.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Recycle workers now and then so a slow leak can never take the site down, but rarely: at
# cache-hit rates (over 1,500 requests/s on 2 cores, bench/RESULTS.md) a worker restart every
# couple of thousand requests costs more than it saves.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "100000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "10000"))
# Trust X-Forwarded-* only from the proxy in front.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# One line per request on stdout: client, request line, status, bytes, seconds.
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(L)ss "%(a)s"'


def when_ready(server):
    """A deploy purges the caches in front once the new code serves (core/frontend_cache.py).

    In a process of its own, so gunicorn neither waits for it nor stops if it fails: the
    every-minute `purge_frontend_cache` tries again.
    """
    if not (os.environ.get("FRONTEND_CACHE_PURGE_URL") or os.environ.get("CLOUDFLARE_API_TOKEN")):
        return
    root = Path(__file__).resolve().parent.parent
    try:
        subprocess.Popen([sys.executable, "manage.py", "purge_frontend_cache"], cwd=root)
    except OSError as exc:
        server.log.warning("Could not start purge_frontend_cache: %s", exc)
