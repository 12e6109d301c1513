# Everyday commands. Each target installs what it needs first, so a fresh
# clone only needs Python 3.11+, make and git.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test install setup lint format check bench a11y-report browser-deps clean lock audit messages

# The exact versions of requirements-dev.lock first (make audit checks those), then the
# project itself: anything pyproject.toml names that the lock does not yet have is added.
$(STAMP): pyproject.toml requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements-dev.lock
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
	$(BIN)/python -m nakai_dx.catalogues
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py load_town_data --if-empty
	DEBUG=1 $(BIN)/python manage.py create_demo_accounts

## The whole test suite (browser tests skip, saying why, where Chromium is missing: -rs):
## the others in parallel (pytest-xdist, one process per core; TEST_WORKERS=1 for one),
## then the browser tests one at a time (each drives one Chromium against a live server).
TEST_WORKERS ?= auto
test: install
	$(BIN)/python -m nakai_dx.catalogues
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

## The interface's words, collected again from the code and templates into the English and
## やさしい日本語 catalogues (GNU gettext's xgettext: apt-get install gettext); then translate
## the new entries in locale/en and locale/ja_Easy. locale/ja is kept by hand (django-axes).
messages: install
	DEBUG=1 $(BIN)/python manage.py makemessages --no-obsolete --add-location=file \
		-l en -l ja_Easy --ignore='.venv/*' --ignore='tests/*' --ignore='benchmarks/*' --ignore='templates/admin/*'
	$(BIN)/python -m nakai_dx.catalogues

## Pin every dependency to an exact version again (after a change to pyproject.toml):
## requirements.lock (what the server runs) and requirements-dev.lock (plus tests and tools)
lock: install
	$(BIN)/uv pip compile pyproject.toml --quiet --python-version 3.11 --annotation-style line \
		--custom-compile-command "make lock" -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --quiet --python-version 3.11 --annotation-style line \
		--custom-compile-command "make lock" --extra dev -c requirements.lock -o requirements-dev.lock

## Known vulnerabilities in the locked versions (pip-audit; says plainly when it cannot reach
## an advisory database): exit 0 none, 1 found, 2 could not audit
audit: install
	$(BIN)/python deploy/audit_dependencies.py requirements.lock requirements-dev.lock

## Every speed goal as a ratio, one table (SQLite; PostgreSQL too when DATABASE_URL points at it)
bench: install
	$(BIN)/python benchmarks/bench.py

## Accessibility tests of every public page type (axe-core, Nu Html Checker, keyboard, reflow)
## in Chromium; writes reports/accessibility_results.json, shown at /accessibility/
a11y-report: install
	$(BIN)/python benchmarks/a11y_report.py

## Debian's Chromium for the browser tests, and Java for the Nu Html Checker (as root)
browser-deps:
	apt-get update -q && apt-get install -y -q chromium fonts-noto-cjk default-jre-headless

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
