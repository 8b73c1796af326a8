# Set-up and the two main jobs. `make report` and `make test` work on a fresh machine with only
# Python 3.11 and the package registries: they create .venv and install everything first.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# The CPU build of PyTorch; installed before sentence-transformers so pip does not pull a CUDA build.
TORCH ?= torch==2.13.0
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: report test install lint schemas browser bench clean model events

report: $(STAMP)  ## Consistency report over seeds/ into reports/
	$(BIN)/factcheck report seeds/ -o reports/

test: $(STAMP) browser  ## Lint, type-check, schema check and the whole test suite
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/factcheck schema --check
	$(BIN)/pytest

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet "$(TORCH)"
	$(BIN)/python -m pip install --quiet -e ".[dev,ray]"
	touch $(STAMP)

browser:  ## Headless Chromium for the HTML report test (Debian package)
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; fi; }

events: $(STAMP)  ## Refit the event model (src/factcheck/data/events.json) on ECB+ training topics (deterministic; a minute)
	$(BIN)/python bench/fit_events.py

model: $(STAMP)  ## Retrain the claim-pair verifier from ../shared/benchdata (fixed seeds; about 40 min on one core)
	$(BIN)/python bench/train_verifier.py --out src/factcheck/data/verifier

schemas: $(STAMP)  ## Regenerate schemas/*.schema.json from the models
	$(BIN)/factcheck schema --write

clean:
	rm -rf $(VENV) reports/.cache .pytest_cache .mypy_cache .ruff_cache
