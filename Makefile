# The two commands a new user needs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test check lint types pytest clock-check bench clean

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

# Python keeps compiled modules, and pytest its rewritten test modules, in __pycache__ (which
# git ignores). Where PYTHONDONTWRITEBYTECODE is set, as in some containers, none were kept:
# each pytest worker rewrote every test module (half its collection time) and every
# `riskbrief` a test starts compiled the product again, run after run. The tests keep them.
KEEP_BYTECODE := PYTHONDONTWRITEBYTECODE=

# mypy runs beside pytest: pytest's two workers leave a core idle often enough (servers,
# subprocesses, waits) to hide mypy's half minute. Either failing fails the target; mypy's
# report is printed only when it fails, so a green run ends on pytest's summary.
test: lint $(STAMP)
	@echo "$(BIN)/mypy (beside pytest, reported when it fails)"
	@$(BIN)/mypy > $(VENV)/mypy.out 2>&1 & mypy=$$!; \
	$(KEEP_BYTECODE) $(BIN)/pytest -q -n auto --dist loadfile --no-loadscope-reorder; tests=$$?; \
	wait $$mypy; types=$$?; \
	if [ $$types -ne 0 ]; then cat $(VENV)/mypy.out; fi; \
	[ $$tests -eq 0 ] && [ $$types -eq 0 ]

check: lint types

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: $(STAMP)
	$(BIN)/mypy

# --no-loadscope-reorder: files in the order tests/conftest.py gives, the longest first.
pytest: $(STAMP)
	$(KEEP_BYTECODE) $(BIN)/pytest -q -n auto --dist loadfile --no-loadscope-reorder

# The tests that touch dates (marked `dates`) again, with the wall clock of every process
# they start moved by libfaketime to a Sunday night: the last minute of ISO week 2026-W53,
# so the run crosses into a new week and a new year. CI runs it after `make test`.
CLOCK_CHECK_AT ?= 2027-01-03 23:59:30
clock-check: $(STAMP)
	$(KEEP_BYTECODE) .ci/at "$(CLOCK_CHECK_AT)" $(BIN)/pytest -q -n auto --dist loadfile -p no:cacheprovider -m dates

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) out .mypy_cache .pytest_cache .ruff_cache
