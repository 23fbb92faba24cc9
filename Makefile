# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
OUT    ?= out

.PHONY: run test install install-dev lint clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

## run: create .venv, install, build the graph of the four profiles and the crosswalk queue into out/
run: install
	$(BIN)/kcgraph build -o $(OUT)
	$(BIN)/kcgraph match -o $(OUT)/proposals.sssom.tsv

## test: install dev dependencies and run the whole suite
test: install-dev
	$(BIN)/ruff check src tests bench
	$(BIN)/python -m pytest

lint: install-dev
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache

## bench: print build and validation figures (see bench/)
bench: install
	$(BIN)/python bench/bench_build.py
	$(BIN)/python bench/bench_match.py
