# Tunecase. `make run` tries it on the embedded default (SQLite, tasks inline);
# `make test` runs the lint and the whole test suite. Only Python 3.11+ and make needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint format bench bench-engine bench-load migrate seed

$(VENV)/installed: pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Tunecase needs Python 3.11 or newer")'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

install: $(VENV)/installed

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py load_default_catalog
	$(BIN)/python manage.py seed_demo

run: seed
	@echo "Tunecase on http://$(HOST):$(PORT)/  (demo login: demo / tunecase-demo)"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Connections close after each request in tests, so the test database can be dropped.
test: lint
	DATABASE_CONN_MAX_AGE=0 $(BIN)/pytest

bench: install
	$(BIN)/python benchmarks/bench_engine.py
	$(BIN)/python benchmarks/bench_pages.py
	$(BIN)/python benchmarks/bench_jobs.py

# 50 users against gunicorn + PostgreSQL + Redis with the production settings (about 2 min).
# Shorter: make bench-load LOAD_ARGS="--users 10 --duration 15"
bench-load: install
	$(BIN)/python benchmarks/bench_load.py $(LOAD_ARGS)
