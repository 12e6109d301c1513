# Everyday commands. Each target installs what it needs first, so a fresh
# clone only needs Python 3.11+, make and git.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test install setup lint format check bench browser-deps clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## The dashboard with the town's data on SQLite, at http://127.0.0.1:8000/
## …with the background worker that runs imports (stopped with the server)
run: setup
	DEBUG=1 $(BIN)/python manage.py run_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

setup: install
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py load_town_data --if-empty
	DEBUG=1 $(BIN)/python manage.py create_demo_accounts

## The whole test suite (browser tests skip, saying why, where Chromium is missing: -rs):
## the others in parallel (pytest-xdist, one process per core; TEST_WORKERS=1 for one),
## then the browser tests one at a time (each drives one Chromium against a live server).
TEST_WORKERS ?= auto
test: install
	$(BIN)/pytest -rs -m "not browser" -n $(TEST_WORKERS) --dist loadgroup
	$(BIN)/pytest -rs -m browser

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: install
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run
	DEBUG=1 $(BIN)/python fixtures/build_nakai_dx_plan.py --check

## Every speed goal as a ratio, one table (SQLite; PostgreSQL too when DATABASE_URL points at it)
bench: install
	$(BIN)/python benchmarks/bench.py

## Debian's Chromium for the browser tests (as root)
browser-deps:
	apt-get update -q && apt-get install -y -q chromium fonts-noto-cjk

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
