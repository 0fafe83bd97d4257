# The documented interface: `make run` serves the site, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# The PostgreSQL server `make test` uses; the test run creates and drops its own database there.
PG_URL ?= postgres://postgres@127.0.0.1:5432
PG_TEST_DB ?= psg_$(shell date +%s)_$$$$
PYTEST_ARGS ?=

export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test lint format check install install-dev chromium services test-sqlite test-postgres bench clean backup restore

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Reinstall only when the dependencies change.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q ".[dev]"
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Beside the server, publish_scheduled runs every minute (as cron does in production, see
# docs/deploy.md) so scheduled pages go live and expire on time; it stops with the server.
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo_content
	@( nap=; trap '[ -z "$$nap" ] || kill $$nap 2>/dev/null; exit 0' TERM; \
	   while :; do \
	     $(BIN)/python manage.py publish_scheduled; \
	     sleep 60 & nap=$$!; wait $$nap; nap=; \
	   done ) & scheduler=$$!; \
	trap 'kill $$scheduler 2>/dev/null' EXIT; trap 'exit 130' INT TERM HUP; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

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

test-sqlite: install-dev chromium services
	DATABASE_URL=sqlite:///$(CURDIR)/.test-db.sqlite3 $(BIN)/pytest $(PYTEST_ARGS)

test-postgres: install-dev chromium services
	DATABASE_URL=$(PG_URL)/$(PG_TEST_DB) $(BIN)/pytest --create-db $(PYTEST_ARGS)

test: check lint test-sqlite test-postgres

# Search latency and queries per search with 1,000 and 10,000 news items; writes bench/RESULTS.md.
bench: install services
	PG_URL=$(PG_URL) $(BIN)/python bench/search_bench.py

# Database (pg_dump or SQLite's backup) and media in one archive under backups/.
backup: install
	$(BIN)/python manage.py backup

restore: install
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=backups/psg-....tar.gz"; exit 2; }
	$(BIN)/python manage.py restore "$(FILE)"

clean:
	rm -rf $(VENV) staticfiles .test-db.sqlite3
