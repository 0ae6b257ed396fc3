# The two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test lint docs install clean fuzz

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "Installing observatory and its dependencies into $(VENV)…"
	@$(PY) -m pip install --quiet --progress-bar off --upgrade pip 2>&1 | grep -v '^WARNING: Location' || true
	@$(PY) -m pip install --quiet --progress-bar off -e '.[dev]' 2>&1 | grep -v '^WARNING: Location' || true
	@$(PY) -c "import observatory, prefect, frictionless, rdflib" 
	@touch $(STAMP)

install: $(STAMP)

## demo: sandbox portal + full observe flow + report site in reports/
demo: $(STAMP)
	@$(VENV)/bin/observatory demo

## test: the whole test suite (SQLite and PostgreSQL stores)
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

clean:
	rm -rf $(VENV) reports/*.html reports/datasets reports/data observatory.db
