# One entry point for people and CI. `make test` is what CI runs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Material prints an end-of-life notice on every build; its documented switch silences it so
# that --strict output shows only what concerns this site.
export NO_MKDOCS_2_WARNING := 1
# The local preview lives at the root, whatever site_url the published site has.
SERVE_URL ?= http://127.0.0.1:8000/

.PHONY: serve build test check lint system-deps clean

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

serve: $(VENV)/.installed
	SITE_URL=$(SERVE_URL) $(BIN)/mkdocs serve --strict -a 127.0.0.1:8000

build: $(VENV)/.installed
	$(BIN)/mkdocs build --strict -d site

check: $(VENV)/.installed
	$(BIN)/essay check

system-deps:
	sh scripts/install-system-deps.sh

lint: $(VENV)/.installed-test
	$(BIN)/ruff check essay_archive overrides/hooks scripts tests

test: $(VENV)/.installed-test system-deps
	test -f node_modules/axe-core/axe.min.js || npm ci --no-audit --no-fund
	$(BIN)/ruff check essay_archive overrides/hooks scripts tests
	$(BIN)/python -m pytest

clean:
	rm -rf site .pytest_cache
