# The two commands a new user needs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test check lint types pytest bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

PRODUCT := $(VENV)/.product

# The product alone: what `make demo` needs, without the test and lint tools.
$(PRODUCT): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"
	$(BIN)/python -m pip install --quiet -e .
	touch $(PRODUCT)

# pip >= 25.1 understands PEP 735 dependency groups.
$(STAMP): $(PRODUCT)
	$(BIN)/python -m pip install --quiet -e . --group dev
	touch $(STAMP)

demo: $(PRODUCT)
	$(BIN)/riskbrief demo --out out/

test: check pytest

check: lint types

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest -q -n auto --dist loadfile

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) out .mypy_cache .pytest_cache .ruff_cache
