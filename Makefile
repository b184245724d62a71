# The book's two commands: `make book` and `make test`. Both set everything up in .venv.
# The newest Python from 3.13 down to 3.10 that the machine has (scripts/find_python.sh says which);
# `make PYTHON=/path/to/python3.x ...` picks another.
# Looked up once, and only when .venv has to be made.
ifndef PYTHON
PYTHON = $(eval PYTHON := $(shell scripts/find_python.sh))$(PYTHON)
endif
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
NBVAL_FLAGS := --nbval-lax --nbval-current-env --nbval-cell-timeout=3600 -p no:cacheprovider --durations=8
# Debian's Chromium and its ChromeDriver check the rendered book; nothing is downloaded by selenium.
CHROMIUM := /usr/bin/chromium
CHROMEDRIVER := /usr/bin/chromedriver
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_INSTALL = $(SUDO) apt-get update -qq && \
  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends
# Debian's Fashion-MNIST files, which prunebook.fashion reads (without them it asks Keras to download them).
FASHION_DIR := /usr/share/datasets/fashion-mnist
FASHION_FILES := $(addprefix $(FASHION_DIR)/,train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz \
  t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz)

.PHONY: book test unit nbval student student-test book-strict book-checks browser-deps fashion-deps browser-test \
  benchmark article-lane fashion-lane timed-chapters chapter-lanes \
  clean clean-cache

$(STAMP): requirements.txt pyproject.toml
	@test -n "$(PYTHON)" || { echo "make: no Python 3.10-3.13 found; see above" >&2; exit 1; }
	@echo "Creating $(VENV) with $$($(PYTHON) --version) ($(PYTHON))"
	$(PYTHON) -m venv --clear $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# Build the HTML book into _build/html from the notebooks' stored outputs.
book: $(STAMP)
	$(VENV)/bin/jupyter-book build .

# Unit tests, every notebook under nbval at full scale, the student edition run from top to
# bottom, a strict book build, and the built pages checked in headless Chromium.
#
# In two steps. First two lanes side by side, one a core, which share no trained run: the
# article chapters that train the most (nbval, then their student edition); and the unit
# tests, the book's checks (they read the stored outputs), the other chapters that time nothing
# (nbval, then their student edition) and then the training of the structured-pruning chapter
# (scripts/prewarm_structured.py), which fills the cache while the first lane still runs. Each
# lane's output is printed whole when the lane ends. Then the chapters that time code, with
# nothing running beside them. Every chapter is in one list (a unit test checks it).
ARTICLE_CHAPTERS := 02_magnitude_pruning 03_reproducing_the_article 05_reaching_the_target_sparsity
FASHION_CHAPTERS := 01_pruning_decision_trees 04_the_pruning_schedule 07_pruning_a_real_classifier \
  08_which_layers_can_lose_the_most
TIMED_CHAPTERS := 06_deploying_pruned_models 09_structured_pruning
chapter_files = $(foreach c,$(1),chapters/$(c).ipynb)
# the student edition of the chapters $(1), written to _build/student-$(2)
student_run = PRUNEBOOK_STUDENT_CHAPTERS="$(1)" PRUNEBOOK_STUDENT_DIR=_build/student-$(2) \
  $(PY) -m pytest -q -p no:cacheprovider --durations=6 tests/editions

test: browser-deps fashion-deps $(STAMP)
	$(MAKE) --no-print-directory -j2 --output-sync=target article-lane fashion-lane
	$(MAKE) --no-print-directory timed-chapters

article-lane: $(STAMP)
	$(PY) -m pytest $(NBVAL_FLAGS) $(call chapter_files,$(ARTICLE_CHAPTERS))
	$(call student_run,$(ARTICLE_CHAPTERS),article)

fashion-lane: unit book-checks
	$(PY) -m pytest $(NBVAL_FLAGS) $(call chapter_files,$(FASHION_CHAPTERS))
	$(call student_run,$(FASHION_CHAPTERS),fashion)
	$(PY) scripts/prewarm_structured.py

timed-chapters: $(STAMP)
	$(PY) -m pytest $(NBVAL_FLAGS) $(call chapter_files,$(TIMED_CHAPTERS))
	$(call student_run,$(TIMED_CHAPTERS),timed)

book-checks: book-strict
	$(MAKE) --no-print-directory browser-test

# The three lists above, one a line (for the test that checks they hold every chapter once).
chapter-lanes:
	@echo $(ARTICLE_CHAPTERS)
	@echo $(FASHION_CHAPTERS)
	@echo $(TIMED_CHAPTERS)

unit: $(STAMP)
	$(PY) -m pytest -q -p no:cacheprovider tests --ignore=tests/editions --ignore=tests/browser

nbval: $(STAMP)
	$(PY) -m pytest $(NBVAL_FLAGS) chapters

# The student edition (solutions removed, answer cells cleared) in _build/student.
student: $(STAMP)
	$(PY) scripts/student_edition.py chapters _build/student

# Runs after nbval, whose trained models it reuses from the cache.
student-test: $(STAMP)
	$(PY) -m pytest -q -p no:cacheprovider --durations=6 tests/editions

book-strict: $(STAMP)
	$(VENV)/bin/jupyter-book build -n -W --keep-going .

browser-deps:
	@if [ -x $(CHROMIUM) ] && [ -x $(CHROMEDRIVER) ]; then \
	  echo "chromium and chromedriver: $$($(CHROMEDRIVER) --version | cut -d' ' -f1-2)"; \
	else \
	  $(APT_INSTALL) chromium chromium-driver; \
	fi

fashion-deps:
	@if ls $(FASHION_FILES) >/dev/null 2>&1; then \
	  echo "Fashion-MNIST: $(FASHION_DIR)"; \
	else \
	  $(APT_INSTALL) dataset-fashion-mnist; \
	fi

# Screenshots of every page go to _build/screenshots/.
browser-test: $(STAMP) browser-deps
	$(PY) -m pytest -q -p no:cacheprovider tests/browser

# Seconds per epoch, baseline vs pruned (not a test: the machine's noise would make it flaky).
benchmark: $(STAMP) fashion-deps
	$(PY) benchmarks/epoch_time.py
	$(PY) benchmarks/fashion_epoch_time.py
	$(PY) benchmarks/deploy.py
	$(PY) benchmarks/structured.py

clean:
	rm -rf _build

# The trained runs the chapters cache (prunebook.cache); a folder named by PRUNEBOOK_CACHE is yours to delete.
clean-cache:
	rm -rf _cache
