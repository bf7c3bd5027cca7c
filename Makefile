# tmpipe — `make extract` builds the TM and exports of corpus/ into exports/; `make test` runs the tests.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed-stamp

.PHONY: extract test test-pure bench fuzz lint clean qa-eval align-eval
FUZZ_SECONDS ?= 60

# An editable install compiles the core (pipeline/**/*.pyx) into the source tree once; .py edits are
# live, a .pyx edit needs the install again, hence the sources below. The last line names the core.
CORE_SOURCES := $(shell find pipeline -name '*.pyx' -o -name '*.pxd')

$(STAMP): pyproject.toml setup.py $(CORE_SOURCES)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/tmpipe --version
	touch $(STAMP)

extract: $(STAMP)
	$(BIN)/tmpipe build corpus -o exports

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 -q

# The extraction, export and QA suites again on the pure-Python core (CI runs both).
PURE_SUITES = tests/test_spans.py tests/test_inline.py tests/test_frontmatter.py tests/test_bad_input.py \
	tests/test_corpus.py tests/test_dev_corpus.py $(wildcard tests/test_export_*.py tests/test_qa_*.py)
test-pure: $(STAMP)
	TMPIPE_PURE=1 $(BIN)/python -m pytest -n 2 -q $(PURE_SUITES)

lint: $(STAMP)
	$(BIN)/python -m mypy pipeline bench evals --ignore-missing-imports

fuzz: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[fuzz]'
	work=$$(mktemp -d) && mkdir $$work/corpus && cp fuzz/seeds/* $$work/corpus/ && \
	  { $(BIN)/python fuzz/extract_fuzz.py -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 \
	      -print_final_stats=1 $$work/corpus > $$work/fuzz.log 2>&1 || { tail -60 $$work/fuzz.log; exit 1; }; } && \
	  grep -E '^(Done|stat::number_of_executed_units)' $$work/fuzz.log

qa-eval: $(STAMP)
	$(BIN)/python -m evals.qa

bench: $(STAMP)
	$(BIN)/python -m bench

clean:  # every output: the build's in exports/ (not its README), bench results, caches, the venv, compiled modules
	find exports -mindepth 1 -maxdepth 1 ! -name README.md -exec rm -rf {} +
	find bench/results -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
	rm -rf $(VENV) .pytest_cache .hypothesis *.egg-info build dist
	-find pipeline -name '*.so' -delete 2>/dev/null

align-eval: $(STAMP)
	$(BIN)/python -m bench.align_eval
