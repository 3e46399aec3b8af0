# isomargin — one command to a running server, one to a passing test suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: install serve test lint typecheck unit bench clean coverage-doc

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
bench: $(STAMP)
	@command -v wrk >/dev/null || { echo "make bench needs wrk: sudo apt-get install -y wrk (or brew install wrk)"; exit 1; }
	@if $(BIN)/python -c "import psycopg; psycopg.connect('$(TEST_POSTGRES_URL)', connect_timeout=2).close()" 2>/dev/null; then \
	  pg="--postgres $(TEST_POSTGRES_URL)"; fi; \
	$(BIN)/isomargin bench $$pg --json benchmarks/last-run.json --markdown benchmarks/last-run.md $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis isomargin.db isomargin.db-*
