# Doudi: `make demo` runs the platform with a synthetic county; `make test` runs the suite.
# Everything installs into the checkout: .tools (uv), .venv (the platform), node_modules (web assets).

PYTHON ?= python3
UV_VERSION := 0.13.8
UV := .tools/bin/uv
VENV := .venv
DOUDI := $(VENV)/bin/doudi
PYTEST := $(VENV)/bin/pytest
VENDOR := doudi/web/static/vendor
PYTEST_WORKERS ?= 2

.PHONY: help install assets browser demo serve test test-postgres lint check bench bench-load clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv==$(UV_VERSION)

install: $(UV)  ## install the locked Python dependencies into .venv
	$(UV) sync --frozen --quiet

assets:  ## install the web assets from the npm registry (no CDN at run time)
	npm ci --no-audit --no-fund --silent
	mkdir -p $(VENDOR)
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.min.css.map \
	   node_modules/htmx.org/dist/htmx.min.js node_modules/echarts/dist/echarts.min.js $(VENDOR)/

browser:  ## Debian's headless Chromium for the browser test (installed only as root with apt-get)
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	  else \
	    echo "note: chromium is not installed (needs root and apt-get); the browser test will be skipped"; \
	  fi; }

demo: install assets  ## install, migrate, load 长乐区 (350112) with demo staff and serve on 127.0.0.1:8000
	$(DOUDI) collectstatic --noinput --verbosity 0
	$(DOUDI) demo

serve: install assets  ## serve the existing database without reloading demo data
	$(DOUDI) collectstatic --noinput --verbosity 0
	$(DOUDI) serve 127.0.0.1:8000

test: install assets browser  ## install and run the whole suite on the embedded SQLite database
	$(PYTEST) -n $(PYTEST_WORKERS) -q

test-postgres: install assets browser  ## the same suite against PostgreSQL on 127.0.0.1:5432 (a throwaway database)
	DOUDI_DB=postgres DOUDI_DB_NAME=doudi_ci $(PYTEST) -n $(PYTEST_WORKERS) -q

lint: install  ## ruff
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check: lint test  ## lint and test

bench: install  ## run the benchmarks at their stated scale (slow) and record the figures
	$(VENV)/bin/python bench/synth.py
	$(VENV)/bin/python bench/household_search.py

bench-load: install  ## staff work through the API at 2, 8, 20 and 50 clients in flight, on SQLite then PostgreSQL
	$(VENV)/bin/python bench/load.py --database sqlite
	$(VENV)/bin/python bench/load.py --database postgres

clean:  ## remove installed environments and local data
	rm -rf .tools $(VENV) node_modules $(VENDOR) var
