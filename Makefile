# The book's two commands: `make book` and `make test`. Both set everything up in .venv.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
NBVAL_FLAGS := --nbval-lax --nbval-current-env --nbval-cell-timeout=3600 -p no:cacheprovider --durations=8

.PHONY: book test unit nbval book-strict benchmark clean

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# Build the HTML book into _build/html from the notebooks' stored outputs.
book: $(STAMP)
	$(VENV)/bin/jupyter-book build .

# Unit tests, then every notebook under nbval at full scale, then a strict book build.
test: unit nbval book-strict

unit: $(STAMP)
	$(PY) -m pytest -q -p no:cacheprovider tests

nbval: $(STAMP)
	$(PY) -m pytest $(NBVAL_FLAGS) chapters

book-strict: $(STAMP)
	$(VENV)/bin/jupyter-book build -n -W --keep-going .

# Seconds per epoch, baseline vs pruned (not a test: the machine's noise would make it flaky).
benchmark: $(STAMP)
	$(PY) benchmarks/epoch_time.py
	$(PY) benchmarks/deploy.py

clean:
	rm -rf _build
