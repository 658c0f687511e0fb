# Two commands matter: `make demo` (the main job on the bundled demo) and
# `make test` (the whole suite). Both create the environment when needed.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test build validate serve bench system-deps clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[aws,test,bench]'
	touch $(STAMP)

## demo: create the environment (and Debian packages), start the demo stack, build, run the local checks, stamp the pages, stop
demo: $(STAMP) system-deps
	$(PY) -m demo $(if $(FAIL),--fail $(FAIL))

## test: the whole test suite (installs Chromium when it is missing)
test: $(STAMP) system-deps
	$(VENV)/bin/runbooks build --check
	$(PY) -m pytest

## system-deps: Debian packages the tests drive for real
system-deps:
	@bash scripts/system-deps.sh

build: $(STAMP)
	$(VENV)/bin/runbooks build

validate: $(STAMP)
	$(VENV)/bin/runbooks validate

## serve: browse the built site on http://127.0.0.1:8000 (optional, after make demo)
serve:
	$(PYTHON) -m http.server --bind 127.0.0.1 --directory site 8000

## bench: every scale target (build, serve, 1000 and 10,000 checks, stamping, a script cold) beside the floor and Debian peers
bench: $(STAMP) system-deps
	$(PY) bench/targets.py

clean:
	rm -rf site .runbooks .demo
