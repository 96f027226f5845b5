# ShowUp — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Tests also run against PostgreSQL when this server answers; otherwise those variants are
# skipped and the reason is printed. Override it to point at another server.
export SHOWUP_TEST_POSTGRES_URL ?= postgresql+asyncpg://postgres@127.0.0.1:5432/test

.PHONY: run test test-clock install lint typecheck format migrate bench clean catalogue

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "ShowUp needs Python 3.11 or newer: run make with PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	@touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed

## run: create the virtualenv, install, migrate the database and start ShowUp
run: $(VENV)/.installed
	$(BIN)/showup db upgrade
	$(BIN)/showup run

## test: install dev dependencies, then lint, type-check and run the test suite (and test-clock)
test: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest
	@$(MAKE) --no-print-directory test-clock

## test-clock: the tests marked `clock` again, with the clock moved (libfaketime, a dev
## dependency) to 23:30 UTC (night in the tests' salon) and to 03:00 in a zone a day ahead
test-clock: $(VENV)/.dev-installed
	$(BIN)/python -m tests.at_hour 23:30 --zone UTC -- $(BIN)/pytest -m clock -q
	$(BIN)/python -m tests.at_hour 03:00 --zone Pacific/Kiritimati -- $(BIN)/pytest -m clock -q

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.dev-installed
	$(BIN)/mypy

format: $(VENV)/.dev-installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrate: $(VENV)/.installed
	$(BIN)/showup db upgrade

## catalogue: add the keys of the English admin texts to every language (empty, for the
## translator) with pybabel, then check every language (tests/admin/test_catalogue.py)
catalogue: $(VENV)/.dev-installed
	$(BIN)/python -m bot.admin.catalogue var/admin.pot
	$(BIN)/pybabel -q update --domain admin --input-file var/admin.pot \
		--output-dir bot/admin/locale --no-fuzzy-matching --ignore-pot-creation-date --width 76
	$(BIN)/pytest -q -p no:cacheprovider tests/admin/test_catalogue.py

## bench: print the performance figures (never part of `make test`)
bench: $(VENV)/.dev-installed
	$(BIN)/python -m benchmarks.import_csv
	$(BIN)/python -m benchmarks.dispatch
	$(BIN)/python -m benchmarks.replies
	$(BIN)/python -m benchmarks.inbound
	$(BIN)/python -m benchmarks.inbound_live --rate 100 --seconds 10 --burst 1000
	$(BIN)/python -m benchmarks.slots

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
