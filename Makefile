# The two commands of the README. Each sets up what it needs on first use.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
RUN_STAMP := $(VENV)/.run-stamp
STAMP  := $(VENV)/.installed-stamp
PORT   ?= 8000
# the YASGUI SPARQL editor, from the npm registry (package-lock.json), served as our own static files
VENDOR := server/web/static/vendor
YASGUI := $(VENDOR)/yasgui.min.js

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

$(YASGUI): package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	mkdir -p $(VENDOR)
	cp node_modules/@triply/yasgui/build/yasgui.min.js node_modules/@triply/yasgui/build/yasgui.min.css \
	   node_modules/@triply/yasgui/build/yasgui.min.js.LICENSE.txt $(VENDOR)/
	touch $(YASGUI)

## make run [PORT=8001]: start the server on 127.0.0.1:$(PORT), embedded store under ./data, whole corpus loaded
run: $(RUN_STAMP) $(YASGUI)
	$(VENV)/bin/policykg serve --port $(PORT)

## make test: install what the tests need (Python packages, Debian Virtuoso and Chromium), run them all;
## a skip whose reason is not in tests/skipguard.py ALLOWED_SKIPS fails the run
test: $(STAMP) $(YASGUI) system
	POLICYKG_STRICT_SKIPS=1 $(VENV)/bin/pytest; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi; exit $$rc

system:
	bash scripts/setup-system.sh

check: $(RUN_STAMP)
	$(VENV)/bin/policykg check

lint: $(STAMP)
	$(VENV)/bin/ruff check server tests

bench: $(STAMP)
	$(VENV)/bin/python bench/run.py
