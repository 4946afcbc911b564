# Two commands for a fresh machine with Python 3.11 and make:
#   make run    create .venv, install amsim, run the default Lund scenario
#   make test   the same set-up, then the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: run test test-slow lint bench golden clean

$(BIN)/amsim: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	@touch $(BIN)/amsim

run: $(BIN)/amsim
	$(BIN)/amsim run

test: $(BIN)/amsim
	$(BIN)/ruff check .
	$(BIN)/pytest

test-slow: $(BIN)/amsim
	$(BIN)/pytest -m slow

golden: $(BIN)/amsim
	$(BIN)/python -m tests.golden_baseline --update

bench: $(BIN)/amsim
	$(BIN)/python benchmarks/bench_engine.py

clean:
	rm -rf $(VENV) runs/out
