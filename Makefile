# PaperShelf. `make serve` builds and serves the site; `make test` runs every test.
# The first run creates .venv and installs the pinned dependencies (constraints.txt).

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1:8000
PAPERS ?= 1000 10000
RUNS   ?= 3
# Real papers for `make bench`'s search comparison: JSON Lines in arXiv's shape (README, Performance).
CORPUS ?=
QUALITY_PAPERS ?= 10000
# The engine `make build` renders the site with: mkdocs, properdocs or zensical.
ENGINE ?= mkdocs

.PHONY: install serve stage build test test-fast lint browser import golden bench bench-preview bench-validate bench-related bench-lighthouse lock clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[test,engines]'
	touch $(STAMP)

install: $(STAMP)

# axe-core (the accessibility test) and Lighthouse (bench-lighthouse), pinned by package-lock.json.
NODE_STAMP := node_modules/.installed
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

serve: install  ## build the site from content/ and serve it at http://$(HOST); every edit shows in seconds
	$(PY) -m generator serve --dev-addr $(HOST)

stage: install  ## write the site's input (every page rendered and escaped) into build/stage/
	$(PY) -m generator stage

build: install  ## stage, then build the static site into site/ (strict; ENGINE=mkdocs, properdocs or zensical)
	$(PY) -m generator build --engine $(ENGINE)

browser:  ## Debian's Chromium, for the browser tests
	@test -x /usr/bin/chromium || { \
	  echo "Installing Chromium for the browser tests (apt-get)…"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

lint: install  ## ruff (lint and format) and mypy over the code
	$(VENV)/bin/ruff check generator tests benchmarks
	$(VENV)/bin/ruff format --check generator tests benchmarks
	$(VENV)/bin/mypy

test: install browser lint $(NODE_STAMP)  ## every test: unit, real builds, headless browser
	$(PY) -m pytest

test-fast: install  ## the unit tests only (no browser, no whole-site builds): under a minute
	$(PY) -m pytest -q -m "not browser and not slow"

import: install  ## re-import the seed listing (changes nothing if nothing changed)
	$(PY) -m generator import content/sources/hf-papers-listing.txt --year 2025

golden: install  ## regenerate golden files after an intended change; review the diff
	$(PY) -m tests.golden

bench: install browser  ## real-shaped synthetic collections as this site and as stock Material (PAPERS=, RUNS=); CORPUS=FILE adds Pagefind and Material vs our search on real papers
	$(PY) -m benchmarks build --papers $(PAPERS) --runs $(RUNS) --browser
	$(if $(CORPUS),$(PY) -m benchmarks build --papers $(QUALITY_PAPERS) --corpus $(CORPUS) --browser --quality,@echo "make bench: no CORPUS=FILE (real papers, arXiv JSON Lines): the search engines' comparison is skipped")
	$(PY) -m benchmarks preview --papers 5000 --runs 3
	$(PY) -m benchmarks foryou --papers 50000

bench-preview: install  ## time an edit and a new paper under 'make serve' at 5,000 and 10,000 papers
	$(PY) -m benchmarks preview --papers 5000 10000 --runs 3

bench-validate: install  ## time 'validate' on 10,000 synthetic pages (median of 5 runs; target under 5 s)
	$(PY) -m benchmarks validate

bench-related: install  ## related papers on real papers: category share vs plain TF-IDF at 10,000; time at 50,000 (CORPUS=FILE)
	@test -n "$(CORPUS)" || { echo "make bench-related needs CORPUS=FILE (arXiv JSON Lines)"; exit 2; }
	$(PY) -m benchmarks related --corpus $(CORPUS) 10000
	$(PY) -m benchmarks related --corpus $(CORPUS) --no-baseline 50000

bench-lighthouse: install browser $(NODE_STAMP)  ## Lighthouse (mobile) on the home page and a paper with math
	CHROME_PATH=/usr/bin/chromium $(PY) -m benchmarks.lighthouse

lock:  ## refresh constraints.txt from the current venv
	$(PY) -m pip freeze --exclude-editable | grep -v '^papershelf' > constraints.txt

clean:
	rm -rf site build test-output .pytest_cache
