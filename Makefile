# Two commands for a fresh machine: `make demo` and `make test` (see README).
VENV    ?= .venv
PY      := $(VENV)/bin/python
PIP     := $(VENV)/bin/pip -q
AGENT   := $(VENV)/bin/agent
PIPC    := -c constraints.txt
WEEK    ?= 2026-W07
SUPPLY_MONTH  ?= 2026-01
TRACKER_MONTH ?= 2025-10

.PHONY: demo test install install-local install-browser install-site lint bench clean

$(VENV)/bin/python:
	python3 -m venv $(VENV)
	$(PIP) install --upgrade pip

$(VENV)/.installed: pyproject.toml constraints.txt | $(VENV)/bin/python
	$(PIP) install $(PIPC) -e '.[dev]'
	touch $@

$(VENV)/.local: $(VENV)/.installed
	$(PIP) install $(PIPC) -e '.[dev,local]'
	touch $@

install: $(VENV)/.installed

install-local: $(VENV)/.local

# Debian's chromium for the browser end-to-end tests (no browser download), with a CJK font so their
# screenshots show Traditional Chinese instead of boxes.
install-browser:
	@{ command -v chromium >/dev/null 2>&1 && dpkg -s fonts-noto-cjk >/dev/null 2>&1; } \
	  || { apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; } \
	  || echo "chromium or fonts-noto-cjk not installed: browser tests will be skipped or show boxes"

# Debian's Jekyll with the two plugins the site uses, and a CJK font for the charts' labels.
SITE_DEBS := jekyll ruby-jekyll-seo-tag ruby-jekyll-sitemap fonts-noto-cjk
install-site:
	@missing=""; for p in $(SITE_DEBS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then { apt-get update -qq && apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends $$missing >/dev/null; } \
	  || echo "could not install$$missing: site build tests will be skipped"; fi

demo: install-local install-site
	$(AGENT) fetch --from-sample
	$(AGENT) policy ingest
	$(AGENT) draft --week $(WEEK)
	$(AGENT) draft --report supply-chain --month $(SUPPLY_MONTH)
	$(AGENT) draft --report policy-tracker --month $(TRACKER_MONTH)
	$(AGENT) site build

# One worker per core, each test file on one worker (its module fixtures build a store or an index once).
test: install-local install-browser install-site
	$(VENV)/bin/pytest -q -n auto --dist loadfile

lint: install
	$(VENV)/bin/ruff check agent tools vectorstore tests bench scripts
	$(VENV)/bin/mypy agent tools vectorstore tests bench scripts
	cd tests/e2e && ../../$(VENV)/bin/mypy conftest.py

bench: install-local
	$(PY) bench/facts_bench.py
	$(PY) bench/draft_bench.py --with-policy
	$(PY) bench/policy_bench.py
	$(PY) bench/site_bench.py

clean:
	rm -rf $(VENV) agent-data site
