# Two commands for a fresh machine: `make demo` and `make test` (see README).
VENV    ?= .venv
PY      := $(VENV)/bin/python
PIP     := $(VENV)/bin/pip -q
AGENT   := $(VENV)/bin/agent
PIPC    := -c constraints.txt
WEEK    ?= 2026-W07

.PHONY: demo test install install-local install-browser lint bench clean

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

demo: install-local
	$(AGENT) fetch --from-sample
	$(AGENT) policy ingest
	$(AGENT) draft --week $(WEEK)

test: install-local install-browser
	$(VENV)/bin/pytest -q

lint: install
	$(VENV)/bin/ruff check agent tools vectorstore tests bench scripts
	$(VENV)/bin/mypy agent tools vectorstore tests bench scripts

bench: install-local
	$(PY) bench/facts_bench.py
	$(PY) bench/draft_bench.py --with-policy
	$(PY) bench/policy_bench.py

clean:
	rm -rf $(VENV) agent-data site
