# The documented interface: `make run` serves the site, `make test` runs the whole suite.
SHELL := /bin/bash
# .venv is built with the newest Python from 3.11 to 3.13 present (.ci/find-python says which,
# or what it tried); PYTHON=/path/to/python chooses one. .venv-next (make test-next) needs 3.12
# or 3.13, NEXT_PYTHON=... chooses one.
PYTHON ?=
NEXT_PYTHON ?=
SUPPORTED_PYTHON := 3.11 3.13
NEXT_SUPPORTED_PYTHON := 3.12 3.13
VENV := .venv
BIN := $(VENV)/bin
NEXT_VENV := .venv-next
NEXT_BIN := $(NEXT_VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# The PostgreSQL server `make test` uses; the test run creates and drops its own database there.
PG_URL ?= postgres://postgres@127.0.0.1:5432
PG_TEST_DB ?= psg_$(shell date +%s)_$$$$
PYTEST_ARGS ?=
# pytest-xdist: one worker per core, each with its own test database; a module's tests stay in
# one worker, so what a module loads once (tests/conftest.py) is loaded once.
PYTEST_WORKERS ?= auto
PYTEST := $(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile

export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run run-production varnish test test-fast test-next lint format check install install-dev chromium services lock \
	test-sqlite test-postgres bench clean backup restore catalogues

$(BIN)/python:
	@python=$$(PYTHON="$(PYTHON)" .ci/find-python $(SUPPORTED_PYTHON)) || exit 1; \
	echo "Building $(VENV) with Python $$("$$python" -c 'import platform; print(platform.python_version())') ($$python)"; \
	"$$python" -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Exactly the releases the lock files pin, their hashes checked: requirements/lock.txt for the
# site (what production installs), requirements/dev-lock.txt with the tests' tools. Reinstalled
# only when a lock file changes; `make lock` refreshes both from pyproject.toml.
$(VENV)/.installed: requirements/lock.txt | $(BIN)/python
	$(BIN)/pip install -q --require-hashes -r requirements/lock.txt
	touch $@

$(VENV)/.installed-dev: requirements/dev-lock.txt | $(BIN)/python
	$(BIN)/pip install -q --require-hashes -r requirements/dev-lock.txt
	touch $(VENV)/.installed $@

# The newest releases pyproject.toml allows, for every Python from 3.11 to 3.13 (universal
# markers), with hashes; the tests' tools pinned beside the site's same releases.
LOCK := $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes \
	--quiet --custom-compile-command "make lock"
lock: | $(BIN)/python
	$(BIN)/pip install -q uv
	$(LOCK) --upgrade -o requirements/lock.txt
	$(LOCK) --upgrade --extra dev -c requirements/lock.txt -o requirements/dev-lock.txt

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# The translation catalogues Django reads (.mo), built from the .po files in locale/ whenever
# one is newer; they are not committed. The command refuses a broken catalogue.
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po))
$(CATALOGUES): %.mo: %.po | $(VENV)/.installed
	$(BIN)/python manage.py compile_catalogues
catalogues: $(CATALOGUES)

# Beside the server, the scheduled jobs run as cron runs them in production (docs/deploy.md):
# publish_scheduled, send_membership_emails, send_contact_emails and send_bulletins every minute,
# so scheduled pages go live and expire on time and applicants, the charity and subscribers get
# their emails; the daily
# ones (the search log, retention, throttle counts, expired sessions) once an hour. They stop with
# the server.
run: install catalogues
	@echo "Serving with $$($(BIN)/python --version) from $(VENV)"
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo_content
	@( nap=; trap '[ -z "$$nap" ] || kill $$nap 2>/dev/null; exit 0' TERM; \
	   minutes=0; \
	   while :; do \
	     $(BIN)/python manage.py purge_frontend_cache; \
	     $(BIN)/python manage.py publish_scheduled; \
	     $(BIN)/python manage.py send_membership_emails; \
	     $(BIN)/python manage.py send_contact_emails; \
	     $(BIN)/python manage.py send_bulletins; \
	     if [ $$((minutes % 60)) -eq 0 ]; then \
	       $(BIN)/python manage.py searchpromotions_garbage_collect; \
	       $(BIN)/python manage.py purge_applications; \
	       $(BIN)/python manage.py purge_subscribers; \
	       $(BIN)/python manage.py purge_contact_messages; \
	       $(BIN)/python manage.py purge_throttle_events; \
	       $(BIN)/python manage.py clearsessions; \
	     fi; \
	     minutes=$$((minutes + 1)); \
	     sleep 60 & nap=$$!; wait $$nap; nap=; \
	   done ) & scheduler=$$!; \
	trap 'kill $$scheduler 2>/dev/null' EXIT; trap 'exit 130' INT TERM HUP; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# The production stack on one machine (docs/deploy.md): Varnish with deploy/varnish/default.vcl
# on $(PORT), gunicorn behind it with production settings, the every-minute jobs; Ctrl-C stops
# them all (deploy/run-production).
run-production: install catalogues varnish
	BIN=$(BIN) PORT=$(PORT) deploy/run-production

# Debian's varnish, as `make chromium` installs chromium. The package starts a system varnish on
# port 6081; this machine's stack starts its own, so that one is stopped and disabled.
varnish:
	@if [ ! -x /usr/sbin/varnishd ]; then \
		echo "Installing Debian's varnish"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq varnish >/dev/null; \
		for service in varnish varnishncsa; do \
			systemctl disable --now $$service >/dev/null 2>&1 || service $$service stop >/dev/null 2>&1 || true; \
		done; \
	fi

chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi

services:
	@bash .ci/start-services

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djhtml --check templates

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djhtml templates

check: install-dev
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py check
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py makemigrations --check --dry-run

test-sqlite: install-dev catalogues chromium varnish services
	DATABASE_URL=sqlite:///$(CURDIR)/.test-db.sqlite3 $(PYTEST) $(PYTEST_ARGS)

test-postgres: install-dev catalogues chromium varnish services
	DATABASE_URL=$(PG_URL)/$(PG_TEST_DB) $(PYTEST) --create-db $(PYTEST_ARGS)

test: check lint test-sqlite test-postgres

# The quick loop while working: SQLite, no browser, nothing marked slow and no benchmark (the
# query counts with many items); `make test` runs them all.
test-fast: install-dev catalogues services
	DATABASE_URL=sqlite:///$(CURDIR)/.test-db.sqlite3 $(PYTEST) -m "not browser and not slow and not benchmark" $(PYTEST_ARGS)

# The suite (SQLite, no browser) against the newest Wagtail and Django releases, in .venv-next
# with the project's other runtime and dev dependencies; upgraded on every run.
$(NEXT_BIN)/python:
	@python=$$(PYTHON="$(NEXT_PYTHON)" .ci/find-python $(NEXT_SUPPORTED_PYTHON)) || exit 1; \
	echo "Building $(NEXT_VENV) with Python $$("$$python" -c 'import platform; print(platform.python_version())') ($$python)"; \
	"$$python" -m venv $(NEXT_VENV)
	$(NEXT_BIN)/pip install -q --upgrade pip

test-next: varnish services | $(NEXT_BIN)/python
	$(NEXT_BIN)/python -c 'import re, tomllib; p = tomllib.load(open("pyproject.toml", "rb"))["project"]; \
	  print(*(re.sub(r"^(wagtail|Django)[<>=!~ ;].*", r"\1", d) for d in p["dependencies"] + p["optional-dependencies"]["dev"]), sep="\n")' \
	  > $(NEXT_VENV)/requirements.txt
	$(NEXT_BIN)/pip install -q --upgrade -r $(NEXT_VENV)/requirements.txt
	$(NEXT_BIN)/python manage.py compile_catalogues
	@$(NEXT_BIN)/python -c 'import django, wagtail; print(f"Testing with Wagtail {wagtail.__version__} and Django {django.__version__}")'
	DATABASE_URL=sqlite:///$(CURDIR)/.test-next-db.sqlite3 $(NEXT_BIN)/pytest -m "not browser" $(PYTEST_ARGS)

# Search latency and queries per search with 1,000 and 10,000 news items; writes bench/RESULTS.md.
bench: install services
	PG_URL=$(PG_URL) $(BIN)/python -m bench.search_bench

# Messages per second and peak memory sending a bulletin to 1,000 and 5,000 subscribers through a
# local SMTP server (aiosmtpd), on PostgreSQL and SQLite; writes bench/RESULTS.md. A few minutes.
.PHONY: bench-send
bench-send: install-dev services
	PG_URL=$(PG_URL) $(BIN)/python -m bench.bulletin_send

# Pages per second through Varnish against nginx, and straight to gunicorn against the reference
# Wagtail demo (set up in /tmp/peers, or $PEERS, on first use); queries per page at 10 and 10,000
# news items; PostgreSQL and SQLite. Writes bench/RESULTS.md. About 45 minutes, on a quiet machine.
.PHONY: bench-http
bench-http: install catalogues services
	@command -v wrk >/dev/null && command -v nginx >/dev/null || { \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx-light >/dev/null; }
	PG_URL=$(PG_URL) $(BIN)/python -m bench.http_throughput

# Database (pg_dump or SQLite's backup) and media in one archive under backups/.
backup: install
	$(BIN)/python manage.py backup

restore: install
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=backups/psg-....tar.gz"; exit 2; }
	$(BIN)/python manage.py restore "$(FILE)"

clean:
	rm -rf $(VENV) $(NEXT_VENV) staticfiles .test-db.sqlite3 .test-next-db.sqlite3 $(CATALOGUES)
