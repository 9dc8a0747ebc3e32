# The two commands a new machine needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export DEBUG ?= 1

.PHONY: run two-servers test test-tools install install-dev migrate seed check lint format bench bench-smoke clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

migrate: install
	$(BIN)/python manage.py migrate --no-input

seed: migrate
	$(BIN)/python manage.py import_blog

run: seed
	$(BIN)/python manage.py ensure_moderator
	@echo
	@echo "  The forum is at http://$(HOST):$(PORT)/  (moderation: http://$(HOST):$(PORT)/admin/)"
	@echo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# As deployed, on this machine: nginx in front of two gunicorn servers sharing one PostgreSQL and
# one Redis (those of DATABASE_URL and CACHE_URL, or started here). Needs Debian's nginx,
# postgresql and redis-server; Ctrl-C stops what it started.
FRONT_PORT ?= 8443
APP_PORTS ?= 8001,8002
two-servers: install
	$(BIN)/python -m bench.two_servers --port $(FRONT_PORT) --app-ports $(APP_PORTS)

# Browser tests drive Debian's Chromium; as root, install it (and Java for the HTML checker).
test-tools: install-dev node_modules/.installed
	@if [ ! -x /usr/bin/chromium ] || ! command -v java >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      --no-install-recommends chromium default-jre-headless fonts-dejavu-core >/dev/null; \
	  else echo "Chromium or Java missing: browser and HTML tests will be skipped."; fi; \
	fi

node_modules/.installed: package.json package-lock.json
	npm ci --silent --no-audit --no-fund
	touch $@

# Every test, the benchmark's smoke run included, which a plain `pytest` leaves out.
test: test-tools
	$(BIN)/python -m pytest -m "bench or not bench" $(PYTEST_ARGS)

check: install-dev
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

lint: check

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache

# The benchmark suite (bench/, results in bench/RESULTS.md): `make bench` measures everything on
# SQLite and PostgreSQL (about 20 minutes on 2 cores); `make bench-smoke` checks in under a
# minute that it still runs. BENCH_ARGS=--check makes `make bench` fail when a target is missed.
XTD_VENV := bench/.venv-xtd
BENCH_TOOLS := wrk redis-server
BENCH_PINS := $(shell grep -iE '^(gunicorn|psycopg2-binary|dj-database-url)==' requirements.txt)

# django-comments-xtd, for the comparison, in a virtualenv of its own (same gunicorn as ours).
$(XTD_VENV)/.installed:
	$(PYTHON) -m venv $(XTD_VENV)
	$(XTD_VENV)/bin/pip install --quiet "django==5.2.*" django-comments-xtd $(BENCH_PINS)
	touch $@

bench: install $(XTD_VENV)/.installed
	@missing=""; for tool in $(BENCH_TOOLS); do command -v $$tool >/dev/null || missing="$$missing $$tool"; done; \
	if [ -n "$$missing" ] && [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq $$missing; \
	elif [ -n "$$missing" ]; then echo "Not installed:$$missing (apt-get install$$missing); measuring without them."; fi
	$(BIN)/python -m bench.run --db both --out bench/ $(BENCH_ARGS)

bench-smoke: install
	$(BIN)/python -m bench.run --smoke --db sqlite --out bench/.work/smoke $(BENCH_ARGS)
