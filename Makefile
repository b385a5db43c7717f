# The two set-up commands in the README are `make demo` and `make test`.
# Both work on a fresh Debian machine with Python 3.11: they create .venv, install the
# locked dependencies, then build the example dossier or run lint and the test suite.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 1462838400)

.PHONY: install system-deps demo test lint format lock clean codes

# Optional system packages: HarfBuzz's subsetter (WeasyPrint's preferred font subsetter),
# poppler and qpdf (PDF checks in tests), Chromium (browser test of the library page),
# calibre (ebook-convert: a second EPUB reading system in tests; installs in ~25 s).
SYSTEM_PACKAGES := libharfbuzz-subset0 poppler-utils qpdf chromium chromium-driver calibre

system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing system packages:$$missing"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing) >/dev/null 2>&1 \
	      || echo "warning: could not install$$missing; tests that need them will be skipped"; \
	  else echo "note: not root; optional system packages missing:$$missing"; fi; \
	fi

$(BIN)/bundler: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps -e .
	@touch $@

install: system-deps $(BIN)/bundler

demo: install
	$(BIN)/bundler build collections/aleppo-2016 --out dist

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

test: lint
	$(BIN)/pytest -q

format: install
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

# Rewrite the README's table of problem codes from src/bundler/codes.py (a test checks they agree).
codes: install
	$(BIN)/python -c 'import pathlib, bundler.codes as c; p = pathlib.Path("README.md"); p.write_text(c.readme_with_table(p.read_text(encoding="utf-8")), encoding="utf-8")'

# Re-pin every dependency (run after changing pyproject.toml; review the diff).
lock:
	$(BIN)/pip-compile -q --extra test --generate-hashes --strip-extras --allow-unsafe -o requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) dist/*/ .pytest_cache .ruff_cache
