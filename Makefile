# Two commands for a fresh machine (README): `make run` and `make test`.
# Both set up what they need first and are quick the second time (stamp files).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PY_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup run test lint format demo bench clean

setup: $(PY_STAMP) $(NODE_STAMP)

$(PY_STAMP): requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

run: setup
	$(PY) manage.py migrate --no-input -v0
	$(VENV)/bin/jixiao demo --if-empty
	$(VENV)/bin/jixiao serve --host $(HOST) --port $(PORT)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Tests run in TEST_WORKERS processes (pytest-xdist), each with its own test database.
TEST_WORKERS ?= 2

test: setup lint
	$(PY) manage.py makemigrations --check --dry-run -v0
	DATABASE_CONN_MAX_AGE=0 $(VENV)/bin/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

bench: setup
	$(PY) bench/scoring.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules var test-artifacts
