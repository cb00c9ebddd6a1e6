# The two commands of the README. Each sets up what it needs on first use.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
RUN_STAMP := $(VENV)/.run-stamp
STAMP  := $(VENV)/.installed-stamp
PORT   ?= 8000

.PHONY: run test system check lint bench

# what running needs (make run)
$(RUN_STAMP): pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e .
	touch $(RUN_STAMP)

# what the tests need as well (make test)
$(STAMP): $(RUN_STAMP)
	$(VENV)/bin/pip install --quiet -e ".[test]"
	touch $(STAMP)

## make run [PORT=8001]: start the server on 127.0.0.1:$(PORT), embedded store under ./data, whole corpus loaded
run: $(RUN_STAMP)
	$(VENV)/bin/policykg serve --port $(PORT)

## make test: install what the tests need (Python packages, Debian Virtuoso and Chromium), run them all
test: $(STAMP) system
	$(VENV)/bin/pytest; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi; exit $$rc

system:
	bash scripts/setup-system.sh

check: $(RUN_STAMP)
	$(VENV)/bin/policykg check

lint: $(STAMP)
	$(VENV)/bin/ruff check server tests

bench: $(STAMP)
	$(VENV)/bin/python bench/run.py
