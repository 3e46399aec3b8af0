# isomargin — one command to a running server, one to a passing test suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: install serve test lint typecheck unit bench bench-compare clean coverage-doc

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "isomargin needs Python 3.11 or newer (set PYTHON=python3.11)")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

## Start on 127.0.0.1:8765 with a SQLite file and the demo scenario.
serve: $(STAMP)
	$(BIN)/isomargin serve --db sqlite:///isomargin.db --scenario examples/demo.yaml

# The PostgreSQL every test also runs on (tests/backends.py): used when it answers, always in CI
# (where a missing server then fails the suite loudly). An ISOMARGIN_TEST_POSTGRES_URL you set wins.
TEST_POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432/test

## Lint, type-check and run every test (SQLite always; PostgreSQL/Redis when reachable, and always in CI).
test: $(STAMP) lint typecheck
	@if [ -z "$$ISOMARGIN_TEST_POSTGRES_URL" ]; then \
	  if [ "$$CI" = true ] || $(BIN)/python -c "import psycopg; psycopg.connect('$(TEST_POSTGRES_URL)', connect_timeout=2).close()" 2>/dev/null; then \
	    export ISOMARGIN_TEST_POSTGRES_URL='$(TEST_POSTGRES_URL)'; \
	  else echo "PostgreSQL at $(TEST_POSTGRES_URL) does not answer: its test variants will be skipped"; fi; \
	fi; \
	$(BIN)/python -m pytest -n 2

lint: $(STAMP)
	$(BIN)/ruff check isomargin tests
	$(BIN)/ruff format --check isomargin tests

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/python -m pytest tests/unit -q

## Regenerate docs/COVERAGE.md from the route table, the error catalogue, the "assumed" markers and the
## parity cases (tests/parity/index.json first: the parity column is derived from it).
coverage-doc: $(STAMP)
	$(BIN)/python -m tests.parity.index > tests/parity/index.json
	$(BIN)/python -m isomargin.coverage > docs/COVERAGE.md

## Benchmark (docs/BENCHMARKS.md): needs wrk (apt-get install -y wrk); PostgreSQL phases when it answers.
## With BASE=<commit> (e.g. make bench BASE=6454ca9) it then prints the instruction-count comparison
## of bench-compare below.
bench: $(STAMP)
	@command -v wrk >/dev/null || { echo "make bench needs wrk: sudo apt-get install -y wrk (or brew install wrk)"; exit 1; }
	@if $(BIN)/python -c "import psycopg; psycopg.connect('$(TEST_POSTGRES_URL)', connect_timeout=2).close()" 2>/dev/null; then \
	  pg="--postgres $(TEST_POSTGRES_URL)"; fi; \
	$(BIN)/isomargin bench $$pg --json benchmarks/last-run.json --markdown benchmarks/last-run.md $(BENCH_ARGS)
	@if [ -n "$(BASE)" ]; then $(MAKE) --no-print-directory bench-compare BASE=$(BASE); fi

## Instructions per request under valgrind's callgrind (a count other work on the host cannot move), this
## checkout against BASE (default 6454ca9, the code before issue 9): BASE is extracted and installed once
## under /tmp, then benchmarks/compare.py prints the table (~15 min; PostgreSQL rows when it answers),
## and SQLite's WAL pages per request (benchmarks/wal_pages.py) for the write modes.
COMPARE_BASE := $(or $(BASE),6454ca9)
bench-compare: $(STAMP)
	@command -v valgrind >/dev/null || { echo "make bench-compare needs valgrind: sudo apt-get install -y valgrind"; exit 1; }
	@base=/tmp/isomargin-base-$(COMPARE_BASE); \
	if [ ! -x $$base/.venv/bin/python ]; then \
	  rm -rf $$base && mkdir -p $$base && git archive $(COMPARE_BASE) | tar -x -C $$base && $(MAKE) -C $$base install; fi; \
	if $(BIN)/python -c "import psycopg; psycopg.connect('$(TEST_POSTGRES_URL)', connect_timeout=2).close()" 2>/dev/null; then \
	  pg="--postgres $(TEST_POSTGRES_URL)"; fi; \
	$(BIN)/python benchmarks/compare.py --checkout $(COMPARE_BASE)=$$base --checkout HEAD=. $$pg \
	  --json benchmarks/compare-last.json | tee benchmarks/compare-last.md

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis isomargin.db isomargin.db-*
