# `make help` lists the targets. Every target installs what it needs first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.DEFAULT_GOAL := help

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP) ## Create .venv and install the project with its dev tools

run: $(STAMP) ## Run the server on the embedded SQLite database (development mode)
	$(BIN)/badgekit-api serve --dev

# The e2e marker (tests/conftest.py adds it to every test that starts a server process).
FAST := -m "not slow and not e2e"
E2E := -m "e2e and not slow"

test: $(STAMP) ## The suite without its end-to-end tests (SQLite, or the database in TEST_DATABASE_URL)
	$(BIN)/python -m pytest $(FAST) $(PYTEST_ARGS)

test-e2e: $(STAMP) ## The end-to-end tests: real server processes, faults, short fuzz run, Chromium
	$(BIN)/python -m pytest $(E2E) $(PYTEST_ARGS)

test-postgres: $(STAMP) ## Both suites against the local PostgreSQL
	TEST_DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/test $(BIN)/python -m pytest -m "not slow" $(PYTEST_ARGS)

test-mariadb: $(STAMP) ## Both suites against the local MariaDB
	TEST_DATABASE_URL='mysql+asyncmy://root@127.0.0.1:3306/test?charset=utf8mb4' $(BIN)/python -m pytest -m "not slow" $(PYTEST_ARGS)

fuzz: $(STAMP) ## Deep schemathesis run on a live server: FUZZ_EXAMPLES (2000) cases per operation, hours
	FUZZ_DEEP=1 $(BIN)/python -m pytest tests/fuzz -m slow --hypothesis-show-statistics $(PYTEST_ARGS)

soak: $(STAMP) ## 10-minute soak (SOAK_SECONDS): 2 workers on a private PostgreSQL, one killed midway
	$(BIN)/python -m pytest tests/faults/test_soak.py -m slow -s $(PYTEST_ARGS)

faults-slow: $(STAMP) ## The slow fault tests: 30 s database outages, kill -9 mid-delivery, the soak
	$(BIN)/python -m pytest tests/faults -m slow -s $(PYTEST_ARGS)

bench: $(STAMP) ## Load benchmark, SQLite and PostgreSQL (fresh bk_bench); BENCH_ARGS=--help for options
	$(BIN)/python -m bench $(BENCH_ARGS)

lint: $(STAMP) ## ruff lint and format check
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

fmt: $(STAMP) ## Format and autofix
	$(BIN)/ruff format src tests
	$(BIN)/ruff check --fix src tests

typecheck: $(STAMP) ## mypy (strict) on src/
	$(BIN)/mypy

migrate: $(STAMP) ## Upgrade the database in DATABASE_URL to the latest schema
	$(BIN)/badgekit-api migrate

ci: ## What CI runs: lint, types, and the suite on SQLite, PostgreSQL and MariaDB
	bash .ci/run

.PHONY: help install run test test-postgres test-mariadb fuzz soak faults-slow bench lint fmt typecheck migrate ci
