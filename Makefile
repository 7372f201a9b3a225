# Neighbourhood Pulse. `make run` and `make test` are the two commands a fresh machine needs.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: install install-dev run test lint clean translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

# Compiled catalogues (.mo) are committed, so every checkout serves every language however it
# is started; install recompiles any whose .po is newer (the output is byte-identical otherwise).
CATALOGUES := $(wildcard pulse/translations/*/LC_MESSAGES/messages.po)
COMPILED   := $(CATALOGUES:.po=.mo)

pulse/translations/%/LC_MESSAGES/messages.mo: pulse/translations/%/LC_MESSAGES/messages.po | $(BIN)/python
	$(BIN)/pybabel -q compile -i $< -o $@

# The safeguarding screen compiled to plain weights, so that no worker imports scikit-learn or
# fits anything before screening its first comment (a stale or missing file is rebuilt on use).
SCREEN := analysis/text/data/build/safeguarding_screen.json

$(SCREEN): analysis/text/data/safeguarding_examples.csv analysis/text/safeguarding.py analysis/text/fast_screen.py | $(VENV)/.installed
	$(BIN)/python -c "from analysis.text.safeguarding import fast_default_screen; fast_default_screen()"
	touch $@

install: $(VENV)/.installed $(COMPILED) $(SCREEN)

install-dev: $(VENV)/.installed-dev $(COMPILED) $(SCREEN)

## Extract the interface strings, merge them into every catalogue, compile (see README: Languages)
translations: $(VENV)/.installed
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext --no-wrap --sort-by-file \
	  --project "Neighbourhood Pulse" \
	  --copyright-holder "Neighbourhood Pulse contributors" -o pulse/translations/messages.pot .
	$(BIN)/pybabel -q update -i pulse/translations/messages.pot -d pulse/translations --no-wrap \
	  --ignore-pot-creation-date --no-fuzzy-matching
	$(BIN)/pybabel compile -d pulse/translations --statistics

## Install, create the SQLite database, seed the demo and serve http://127.0.0.1:5000
run: install
	PULSE_DEMO=1 ./scripts/demo.sh

## Run the whole test suite (SQLite, and PostgreSQL when PULSE_TEST_DATABASE_URL is set)
test: install-dev lint
	./scripts/test-deps.sh
	$(BIN)/python -m pytest

## Static checks: bandit must report no medium or high finding (each "# nosec" says why)
lint: install-dev
	$(BIN)/bandit --quiet --recursive --severity-level medium pulse surveys analysis wsgi.py

clean:
	rm -rf $(VENV) instance .pytest_cache
