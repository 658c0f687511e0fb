# Two commands matter: `make demo` (the main job on the bundled demo) and
# `make test` (the whole suite). Both create the environment when needed.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# npm ci writes this hidden lockfile last: newer than package-lock.json means node_modules/ matches it.
NODE_STAMP := node_modules/.package-lock.json
# pytest-xdist workers for `make test`, each taking whole test files. TEST_WORKERS=0: one process.
TEST_WORKERS ?= 2

.PHONY: demo test build validate serve bench system-deps clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[aws,test,bench]'
	touch $(STAMP)

# Test tools from npm (axe-core, for the accessibility tests), exactly as package-lock.json pins them;
# the tests read them from node_modules/ and never fetch anything at run time.
$(NODE_STAMP): package.json package-lock.json | system-deps
	npm ci --no-audit --no-fund
	touch $(NODE_STAMP)

## demo: create the environment (and Debian packages), start the demo stack, build, run the local checks, stamp the pages, stop
demo: $(STAMP) system-deps
	$(PY) -m demo $(if $(FAIL),--fail $(FAIL))

## test: the whole test suite on TEST_WORKERS processes (installs Chromium and npm when missing, and axe-core from npm)
test: $(STAMP) $(NODE_STAMP) system-deps
	$(VENV)/bin/runbooks build --check
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile

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
	rm -rf site .runbooks .demo node_modules
