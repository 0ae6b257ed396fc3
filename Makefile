# The two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Pinned versions of every dependency (dev tools included), for all platforms; `make lock`
# regenerates it from pyproject.toml. Installs take their versions from it.
LOCK := requirements.lock
# pip's notices about this machine's absent extra package folders are not ours to show;
# pipefail keeps pip's own failure the recipe's failure.
QUIET_PIP := sed '/^WARNING: Location/d'
SHELL := bash
.SHELLFLAGS := -o pipefail -c

.PHONY: demo test lint docs install lock clean fuzz i18n

$(STAMP): pyproject.toml $(LOCK)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "Installing observatory and its dependencies ($(LOCK)) into $(VENV)…"
	@$(PY) -m pip install --quiet --progress-bar off --upgrade pip 2>&1 | $(QUIET_PIP)
	@$(PY) -m pip install --quiet --progress-bar off -c $(LOCK) -e '.[dev]' 2>&1 | $(QUIET_PIP)
	@$(PY) -c "import observatory, prefect, frictionless, rdflib"
	@touch $(STAMP)

install: $(STAMP)

## lock: re-resolve requirements.lock from pyproject.toml (after adding a dependency)
lock:
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --progress-bar off uv 2>&1 | $(QUIET_PIP)
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 \
		--quiet -o $(LOCK)

## demo: sandbox portal + full observe flow + report site in reports/
demo: $(STAMP)
	@$(VENV)/bin/observatory demo

## test: the whole test suite (SQLite and PostgreSQL stores, headless Chromium)
test: $(STAMP)
	@$(PY) -m pytest -q

## lint: ruff (lint and format) and mypy
lint: $(STAMP)
	$(VENV)/bin/ruff check observatory flows tests bench
	$(VENV)/bin/ruff format --check observatory flows tests bench
	$(VENV)/bin/mypy

## fuzz: long property-based search for divergences from the reference engines (rdflib)
FUZZ_EXAMPLES ?= 20000
fuzz: $(STAMP)
	OBSERVATORY_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PY) -m pytest -q -p no:cacheprovider \
		-W ignore::UserWarning --timeout=0 tests/harvest/test_rdf_differential.py -k reads_as_rdflib

## docs: regenerate docs/methodology.md from the criteria registry
docs: $(STAMP)
	@$(VENV)/bin/observatory criteria --markdown > docs/methodology.md

## i18n: extract the messages a reader sees, update the French catalogue, check it compiles
LOCALES := observatory/locale
i18n: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg -k NP_:1c,2 --sort-by-file \
		--project observatory --no-wrap -o $(LOCALES)/messages.pot observatory
	$(VENV)/bin/pybabel update -i $(LOCALES)/messages.pot -d $(LOCALES) -l fr \
		--no-fuzzy-matching --no-wrap --ignore-obsolete
	$(VENV)/bin/pybabel compile --statistics -d $(LOCALES) -l fr -o /dev/null \
		-i $(LOCALES)/fr/LC_MESSAGES/messages.po

clean:
	rm -rf $(VENV) reports/*.html reports/datasets reports/data observatory.db
