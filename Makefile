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

# The JavaScript Speech SDK, a test client (tests/test_api_speech_sdk_js.py); needs npm.
JS_SDK := tests/js/node_modules/microsoft-cognitiveservices-speech-sdk

$(JS_SDK): tests/js/package.json tests/js/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		cd tests/js && npm ci --silent --no-audit --no-fund; \
	else echo "npm not found: the JavaScript Speech SDK tests will be skipped"; fi

test: $(STAMP) $(JS_SDK)
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
