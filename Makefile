# Two entry points a new user needs: `make run` and `make test`. Both set up the venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run tour test bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

# The service with embedded defaults: SQLite + files under $$VOXTUNE_HOME (./var), the bundled
# base model, one embedded job worker. Prints the URL and an API key.
run: $(STAMP)
	$(BIN)/voxtune serve

# The recognition tour: the base model on ../shared/data/smoke with per-clip WER.
tour: $(STAMP)
	$(BIN)/voxtune tour

test: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_wer.py
	$(BIN)/python benchmarks/bench_overhead.py
	$(BIN)/python benchmarks/bench_training.py an4
	$(BIN)/python benchmarks/bench_training.py fsdd

clean:
	rm -rf $(VENV) build *.egg-info
