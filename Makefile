# mi-courseware: `make demo` builds the demo, `make test` runs the whole suite.
# Both set everything up first, from a clean clone on a fresh Debian machine.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test test-deep bench lint docs system-deps clean

demo: $(STAMP)
	$(BIN)/mi-courseware validate
	$(BIN)/mi-courseware build

test: $(STAMP)
	$(BIN)/ruff check mi_courseware tests benchmarks scripts
	$(BIN)/ruff format --check mi_courseware tests benchmarks scripts
	$(BIN)/mypy mi_courseware
	$(BIN)/lint-imports --no-cache
	$(BIN)/python scripts/check_seed_overlap.py
	$(BIN)/python -m pytest -q -p no:cacheprovider

# The property tests on generated events, ten times as many examples as `make test` runs.
test-deep: $(STAMP)
	MI_COURSEWARE_DEEP=1 $(BIN)/python -m pytest -q -p no:cacheprovider tests/test_generated_events.py

# Timed as installed: Python keeps the tool's compiled bytecode (a shell that forbids it
# would make every timed process compile the tool again, and the peers' do not).
bench: $(STAMP)
	@scripts/system-deps.sh bench
	$(BIN)/pip install --quiet -e '.[test,bench]'
	@for script in benchmarks/bench_*.py; do \
		[ -e "$$script" ] || continue; \
		echo "== $$script"; env -u PYTHONDONTWRITEBYTECODE $(BIN)/python "$$script" || exit 1; \
	done

lint: $(STAMP)
	$(BIN)/ruff check mi_courseware tests benchmarks scripts
	$(BIN)/ruff format --check mi_courseware tests benchmarks scripts
	$(BIN)/mypy mi_courseware
	$(BIN)/lint-imports --no-cache

docs: $(STAMP)
	$(BIN)/python -m mi_courseware.reference docs/reference.md

system-deps:
	@scripts/system-deps.sh

$(STAMP): pyproject.toml setup.py scripts/system-deps.sh
	@scripts/system-deps.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $(STAMP)

clean:
	rm -rf $(VENV) output build dist *.egg-info
