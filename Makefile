# The two commands of the README. Each sets up what it needs on first use.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test system check lint bench

$(STAMP): pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e ".[test]"
	touch $(STAMP)

## make run: start the server on 127.0.0.1:8000, embedded store under ./data, whole corpus loaded
run: $(STAMP)
	$(VENV)/bin/policykg serve

## make test: install what the tests need (Python packages, Debian Virtuoso and Chromium), run them all
test: $(STAMP) system
	$(VENV)/bin/pytest; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi; exit $$rc

system:
	bash scripts/setup-system.sh

check: $(STAMP)
	$(VENV)/bin/policykg check

lint: $(STAMP)
	$(VENV)/bin/ruff check server tests

bench: $(STAMP)
	$(VENV)/bin/python bench/run.py
