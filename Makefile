# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
OUT    ?= out

.PHONY: run lab test coverage test-server install install-dev lint typecheck screenshot clean bench vectors

# torch is pip's (the CPU wheel on the machine's disk; uv would not look there), the rest uv's:
# uv resolves and installs it in seconds where pip takes minutes. Where uv fails, pip does it all.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --no-compile torch==2.13.0 uv

INSTALL = $(BIN)/uv pip install --quiet --python $(BIN)/python $(1) \
	  || $(BIN)/pip install --quiet $(1)
# Bytecode of everything installed, at install, and of the project's own sources before each
# run: where PYTHONDONTWRITEBYTECODE is set (as on the development machines), Python would
# otherwise compile every module it imports, in every process, from source (3.2 s of a warm
# `kcgraph match`). torch's tests hold a file of Python 3.12 syntax, hence the exclusion.
COMPILE_ALL = $(BIN)/python -m compileall -q -j 0 -x '/torch/testing/' $(VENV)/lib
COMPILE = $(BIN)/python -m compileall -q -j 0 src

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(call INSTALL,-e .)
	$(COMPILE_ALL)
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(call INSTALL,-e '.[dev]')
	$(COMPILE_ALL)
	touch $@ $(VENV)/.installed

# The project's notebooks are saved without outputs by this environment's Jupyter server.
JUPYTER_CONFIG := $(VENV)/etc/jupyter/jupyter_server_config.json
$(JUPYTER_CONFIG): Makefile | $(BIN)/python
	mkdir -p $(dir $@)
	printf '{"FileContentsManager": {"pre_save_hook": "%s"}}\n' \
	  kcgraph.review.frontends.notebook_save.strip_outputs > $@

install: $(VENV)/.installed $(JUPYTER_CONFIG)

install-dev: $(VENV)/.installed-dev $(JUPYTER_CONFIG)

## run: create .venv, install, build the graph of the four profiles and the crosswalk queue into out/
run: install
	$(COMPILE)
	$(BIN)/kcgraph build -o $(OUT)
	$(BIN)/kcgraph match -o $(OUT)/proposals.sssom.tsv
	$(BIN)/kcgraph match --target isco -o $(OUT)/isco-proposals.sssom.tsv
	$(BIN)/kcgraph match --target esco -o $(OUT)/esco-proposals.sssom.tsv

## lab: JupyterLab with the notebooks (the review desk), after `make run`
lab: install
	$(call INSTALL,-e '.[notebooks]')
	$(BIN)/jupyter lab notebooks/ $$([ "$$(id -u)" = 0 ] && echo --allow-root)

## test-server: Debian's Virtuoso for the SPARQL-server tests, Chromium with ChromeDriver for
## the browser tests and nginx for the static site's content negotiation (each skipped, with
## a message, where apt-get cannot install it)
test-server:
	@{ command -v virtuoso-t >/dev/null 2>&1 && command -v chromium >/dev/null 2>&1 \
	   && command -v chromedriver >/dev/null 2>&1 \
	   && { command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; }; } || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      virtuoso-opensource-7-bin chromium chromium-driver nginx-light >/dev/null) \
	    || echo "virtuoso/chromium/nginx could not be installed: their tests will be skipped"; \
	  else echo "not root or no apt-get: Virtuoso, browser and nginx tests will be skipped"; fi; }

## test: install dev dependencies and run the whole suite (two workers: the machines have 2 cores)
test: install-dev test-server
	$(COMPILE)
	$(BIN)/ruff check src tests bench
	$(BIN)/python -m mypy
	$(BIN)/python -m pytest -n 2 --dist worksteal

## coverage: the whole suite with line coverage of src/kcgraph (slower: its tracer)
coverage: install-dev test-server
	$(COMPILE)
	$(BIN)/python -m pytest -n 2 --dist worksteal --cov=kcgraph --cov-report=term:skip-covered

## typecheck: mypy over src/ (part of make test)
typecheck: install-dev
	$(BIN)/python -m mypy

## screenshot: renew docs/desk.png (the browser tests write them to a
## temporary folder otherwise)
screenshot: install-dev test-server
	KCGRAPH_SCREENSHOTS=docs $(BIN)/python -m pytest -q -p no:cacheprovider --no-cov \
	  tests/review/test_browser.py -k statement

lint: install-dev
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache

## vectors: encode what the default job encodes, afresh, into data/vectors/ (the shipped vectors)
vectors: install
	$(BIN)/python bench/ship_vectors.py

## bench: print build and validation figures (see bench/)
bench: install
	$(BIN)/python bench/bench_build.py
	$(BIN)/python bench/bench_match.py
	$(BIN)/python bench/bench_esco.py
	$(BIN)/python bench/bench_query.py
	$(BIN)/python bench/bench_external.py
