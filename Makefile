# jineng: `make run` starts the demo, `make test` runs every test. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Where PostgreSQL answers, the suite runs against it too (CI's machines: trust auth, db `test`).
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: run test install test-install assets lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.test-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed assets
assets: node_modules/.installed
test-install: $(VENV)/.test-installed assets

run: install
	JINENG_DEMO=1 $(BIN)/jineng demo
	JINENG_DEMO=1 $(BIN)/jineng serve --with-worker

test: test-install
	$(BIN)/ruff check src tests scripts bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports
	scripts/ensure-chromium
	env -u DATABASE_URL $(BIN)/python -m pytest -n 2 --dist loadgroup -q
	@if scripts/pg-reachable "$(PG_TEST_URL)"; then \
		echo "PostgreSQL reachable: running the suite against it too"; \
		DATABASE_URL="$${DATABASE_URL:-$(PG_TEST_URL)}" $(BIN)/python -m pytest -n 2 --dist loadgroup -q; \
	else echo "PostgreSQL not reachable at $(PG_TEST_URL): SQLite only"; fi

lint: test-install
	$(BIN)/ruff check src tests scripts bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) node_modules var
