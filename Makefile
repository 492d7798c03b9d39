# One entry point for people and CI. `make test` is what CI runs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Material prints an end-of-life notice on every build; its documented switch silences it so
# that --strict output shows only what concerns this site.
export NO_MKDOCS_2_WARNING := 1
# The local preview lives at the root, whatever site_url the published site has.
SERVE_URL ?= http://127.0.0.1:8000/

.PHONY: serve serve-full build test test-slow pictures check lint system-deps bench lock upgrade clean

# Exact versions with hashes: requirements/site.txt builds and deploys the site, requirements/test.txt
# adds the test tools. The package itself is installed on top without dependencies, so nothing
# outside the lock files is ever resolved. `make upgrade` refreshes both.
$(VENV)/.installed: requirements/site.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/site.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements/test.txt
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/test.txt
	touch $@

# --dirty rebuilds only the pages a save affects (overrides/hooks/dirty_preview.py): the essay, its
# neighbours' 前の号/次の号, listings, tag pages, booklets, the feed; a template edit rebuilds every
# page. A saved essay shows in under a second at 1,000 essays, about 1.4 s at 5,000 (see
# docs/benchmarks.md). --strict stays with `make build` and `make serve-full`, because MkDocs
# counts its own "dirty build" notice as a warning.
serve: $(VENV)/.installed
	SITE_URL=$(SERVE_URL) $(BIN)/mkdocs serve --dirty -a 127.0.0.1:8000

serve-full: $(VENV)/.installed
	SITE_URL=$(SERVE_URL) $(BIN)/mkdocs serve --strict -a 127.0.0.1:8000

# The build runs the search index it made in Node.js before it succeeds (search_index.py), and
# prints every essay and booklet to PDF in Chromium (handouts.py; cached in .cache/pdf/).
build: $(VENV)/.installed
	command -v node >/dev/null 2>&1 || sh scripts/install-system-deps.sh --node-only
	sh scripts/install-system-deps.sh --pdf-only
	$(BIN)/mkdocs build --strict -d site

check: $(VENV)/.installed
	$(BIN)/essay check

system-deps:
	sh scripts/install-system-deps.sh

lint: $(VENV)/.installed-test
	$(BIN)/ruff check essay_archive overrides/hooks scripts tests

# Every test but the slow ones (benchmarks, scale builds), in parallel: one test file per worker, so
# each worker builds only the sites its files need.
test: $(VENV)/.installed-test system-deps
	test -f node_modules/axe-core/axe.min.js || npm ci --no-audit --no-fund
	$(BIN)/ruff check essay_archive overrides/hooks scripts tests
	$(BIN)/python -m pytest -m "not slow" -n auto --dist loadfile

# Benchmarks at small sizes and the scale builds; CI runs them as a separate step after `make test`.
# The slow tests include the cross-engine checks: Firefox and WebKit are installed when missing.
test-slow: $(VENV)/.installed-test
	sh scripts/install-system-deps.sh --engines
	$(BIN)/python -m pytest -m slow -n auto --dist loadfile

# Screenshots of every kind of page (375 and 1280 px, light and dark) and every printout as PNG in
# test-output/, to look at: the browser and print tests run again with --pictures. `make test` makes
# none (they check nothing and cost processor time).
pictures: $(VENV)/.installed-test system-deps
	$(BIN)/python -m pytest -n auto --dist loadfile --pictures tests/test_reading_browser.py \
		tests/test_figures_browser.py tests/test_paragraph_links.py tests/test_print_pdf.py \
		tests/test_print_layouts.py tests/test_handouts.py tests/test_review_browser.py

# Build times, memory, page weight, search and preview at 200, 1,000 and 5,000 synthetic essays.
bench: $(VENV)/.installed-test
	$(BIN)/python scripts/bench.py

# Re-lock after a dependency is added to pyproject.toml, keeping every other pin as it is.
lock: $(VENV)/.installed-test
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes --quiet \
		-o requirements/site.txt
	$(BIN)/uv pip compile pyproject.toml --extra test --universal --python-version 3.11 --generate-hashes \
		--quiet -o requirements/test.txt

# Refresh the lock files to the newest versions pyproject.toml allows; review the diff, run
# `make test`, commit. (Dependabot proposes the same refresh weekly, see .github/dependabot.yml.)
upgrade: $(VENV)/.installed-test
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --upgrade --universal --python-version 3.11 --generate-hashes \
		--quiet -o requirements/site.txt
	$(BIN)/uv pip compile pyproject.toml --extra test --upgrade --universal --python-version 3.11 \
		--generate-hashes --quiet -o requirements/test.txt
	rm -f $(VENV)/.installed $(VENV)/.installed-test

clean:
	rm -rf site .pytest_cache
