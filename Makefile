# The two set-up commands in the README are `make demo` and `make test`.
# Both work on a fresh Debian machine with Python 3.11: they create .venv, install the
# locked dependencies, then build the example dossier or run lint and the test suite.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 1462838400)

.PHONY: install system-deps test-deps demo test lint format lock clean codes schema

# Optional system packages: HarfBuzz's subsetter (WeasyPrint's preferred font subsetter),
# poppler and qpdf (PDF checks in tests), Chromium (browser test of the library page),
# calibre (ebook-convert: a second EPUB reading system in tests; installs in ~25 s), the CJK serif
# faces Japanese, Korean and Chinese text is set in (fonts-noto-cjk, named by language in common.css),
# and one Noto face a script for the rest of the world's scripts (fonts-noto-core, 42 MB: chosen by
# coverage and named in the CSS by render/script_faces.py, subset into EPUBs).
SYSTEM_PACKAGES := libharfbuzz-subset0 poppler-utils qpdf chromium chromium-driver calibre fonts-noto-cjk fonts-noto-core

# The validators the test suite requires, as command:Debian-package. `make test` installs the
# missing ones and stops with a message when it cannot: a suite that skips its checks lies.
# (tests/validators.py holds the same list; the test session refuses to start without them.)
VALIDATORS := java:default-jre-headless qpdf:qpdf pdftotext:poppler-utils pdftoppm:poppler-utils \
  chromium:chromium ebook-convert:calibre zimcheck:zim-tools

system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing system packages:$$missing"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing) >/dev/null 2>&1 \
	      || echo "warning: could not install$$missing (make test will try again and stop without its validators)"; \
	  else echo "note: not root; optional system packages missing:$$missing"; fi; \
	fi

# The lock names every package, each pinned with its hashes, so pip installs exactly it (--no-deps) and
# `pip check` proves it complete. Letting pip resolve again looked past the lock: a dependency's
# requirement with an extra (justext's lxml[html_clean]) matched a newer lxml on the index, which
# --require-hashes refuses, and a fresh install failed on the day that release came out.
$(BIN)/bundler: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps -r requirements.lock
	$(BIN)/python -m pip check -q
	$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps -e .
	@touch $@

# bundler's own bytecode, as pip writes it for an installed wheel: the editable install has none, and
# with PYTHONDONTWRITEBYTECODE set every `bundler` run compiled its ~240 modules again (~0.2 s of CPU,
# a sixth of a warm rebuild). A stale file is only ignored (Python checks each against its source).
install: system-deps $(BIN)/bundler
	@$(BIN)/python -m compileall -q src/bundler

demo: install
	$(BIN)/bundler build collections/aleppo-2016 --out dist

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	@# the stage layers contract; /work/tools/restructure.py writes .importlinter when it moves the modules
	if [ -f .importlinter ]; then $(BIN)/lint-imports; fi

# axe-core, the engine inside DAISY Ace (Ace itself cannot be installed here: a dependency comes from github.com).
AXE_VERSION := 4.14.1
AXE_CORE := .cache/axe-core/node_modules/axe-core/axe.min.js

test-deps:
	@missing=""; for pair in $(VALIDATORS); do command -v $${pair%%:*} >/dev/null 2>&1 || missing="$$missing $${pair#*:}"; done; \
	if [ -n "$$missing" ]; then \
	  missing=$$(echo $$(printf '%s\n' $$missing | sort -u)); \
	  if [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then \
	    echo "error: the tests need validators that are not installed: $$missing" >&2; \
	    echo "  install them as root (apt-get install $$missing) or run 'make test-deps' as root" >&2; exit 1; \
	  fi; \
	  echo "installing validators for the tests: $$missing"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing) >/dev/null 2>&1 \
	    || { echo "error: could not install $$missing (apt-get failed); the tests cannot run without them" >&2; exit 1; }; \
	fi; \
	for pair in $(VALIDATORS); do command -v $${pair%%:*} >/dev/null 2>&1 \
	  || { echo "error: $${pair%%:*} is still missing after installing $${pair#*:}" >&2; exit 1; }; done; \
	java -version >/dev/null 2>&1 || { echo "error: java is installed but 'java -version' fails; EPUBCheck needs it" >&2; exit 1; }
	@test -f $(AXE_CORE) || { command -v npm >/dev/null 2>&1 || { echo "error: npm is needed to install axe-core for the accessibility checks (apt-get install npm)" >&2; exit 1; }; \
	  echo "installing axe-core $(AXE_VERSION) for the accessibility checks"; \
	  npm install --silent --no-audit --no-fund --prefix .cache/axe-core axe-core@$(AXE_VERSION) >/dev/null \
	  || { echo "error: could not install axe-core with npm; the accessibility checks cannot run without it" >&2; exit 1; }; }

# The suite on every core (pytest-xdist): the tests are grouped in tests/conftest.py so that a folder whose
# session fixtures build whole editions (pdf, epub, html, distribution) runs on one worker and builds them once.
test: lint test-deps
	$(BIN)/pytest -q -n auto --dist loadgroup

format: install
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

# Rewrite the README's table of problem codes from src/bundler/codes.py (a test checks they agree).
# Rewrite the editions part of schema/collection.schema.json from the formats' declarations (a test checks they agree).
schema: install
	$(BIN)/python -c 'import bundler.build.json_schema as s; s.write_schema()'

codes: install
	$(BIN)/python -c 'import pathlib, bundler.codes as c; p = pathlib.Path("README.md"); p.write_text(c.readme_with_table(p.read_text(encoding="utf-8")), encoding="utf-8")'

# Re-pin every dependency (run after changing pyproject.toml; review the diff).
lock:
	$(BIN)/pip-compile -q --extra test --generate-hashes --strip-extras --allow-unsafe -o requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) dist/*/ .pytest_cache .ruff_cache
