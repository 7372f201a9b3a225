# Neighbourhood Pulse. `make run` and `make test` are the two commands a fresh machine needs.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
export PULSE_DEMO_DB ?= $(CURDIR)/instance/pulse.db

.PHONY: install install-dev run demo-db test test-sqlite lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

## Install, create the SQLite database, seed the demo and serve http://127.0.0.1:5000
run: install
	PULSE_DEMO=1 ./scripts/demo.sh

## Run the whole test suite (SQLite, and PostgreSQL when PULSE_TEST_DATABASE_URL is set)
test: install-dev
	./scripts/test-deps.sh
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) instance .pytest_cache
