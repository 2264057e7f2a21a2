# Two commands do all the set-up on a fresh machine (Python 3.11+):
#   make run   installs what is needed, builds the demo database if missing, starts the dashboard
#   make test  installs what is needed (Python packages, Debian's chromium and libreoffice-impress) and runs every test
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DB ?= data/lda.duckdb
PORT ?= 8501
# test-fast spreads its tests over this many worker processes (pytest-xdist; "auto" = one per core)
JOBS ?= auto
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install run demo test test-fast chromium libreoffice axe accessibilite bench reference clean

$(VENV)/.installed: requirements.txt requirements-lock.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt -c requirements-lock.txt
	touch $@

install: $(VENV)/.installed

$(DB): | $(VENV)/.installed
	$(PY) -m loaders demo --db $(DB)

demo: install
	$(PY) -m loaders demo --db $(DB)

run: install $(DB)
	TZ=$${TZ:-Europe/Paris} LDA_DB=$(DB) $(PY) -m streamlit run app.py --server.port $(PORT)

chromium:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium >/dev/null; }

# LibreOffice Impress renders the generated .pptx to PDF in one test (a file PowerPoint would "repair").
libreoffice:
	@command -v soffice >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq --no-install-recommends libreoffice-impress >/dev/null; }

# axe-core (npm, pinned by package-lock.json) checks accessibility (RGAA 4.1) in the browser tests:
# tests/browser/test_accessibilite_browser.py injects node_modules/axe-core/axe.min.js into each page.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

axe: node_modules/.installed

# the accessibility check, its results written to docs/accessibilite/resultats.json (the statement of
# the page « Accessibilité » is drawn from them): run it after a change to the pages, commit the file
accessibilite: install chromium axe
	LDA_ECRIRE_RESULTATS=1 $(PY) -m pytest tests/browser/test_accessibilite_browser.py $(PYTEST_ARGS)

test: install chromium libreoffice axe
	$(PY) -m pytest $(PYTEST_ARGS)

# no browser, no territory sweep, no LibreOffice, no child Python process: the in-process suite.
# Compiled modules (and pytest's rewritten test modules) are kept between runs in PYCACHE, out of
# the work tree, even where PYTHONDONTWRITEBYTECODE is set: each worker otherwise compiled them all
# again (about 3 s of CPU a worker, half its collection).
PYCACHE ?= $(or $(TMPDIR),/tmp)/lda-pycache
test-fast: install
	env -u PYTHONDONTWRITEBYTECODE PYTHONPYCACHEPREFIX=$(PYCACHE) $(PY) -m pytest -n $(JOBS) -m "not browser and not slow and not subprocess" $(PYTEST_ARGS)

bench: install
	$(PY) bench/bench_import.py
	$(PY) bench/bench_cli.py
	$(PY) bench/bench_indicators.py
	$(PY) bench/bench_pages.py
	$(PY) bench/bench_caps.py
	$(PY) bench/bench_exports.py

reference: install
	$(PY) scripts/build_reference.py

clean:
	rm -rf $(VENV) .pytest_cache node_modules
