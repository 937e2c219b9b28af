# The two commands a newcomer needs: `make run` and `make test`.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := wsgi

.PHONY: install run demo test lint bench translations clean

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## run: set up, migrate the SQLite database, load the demo, serve on http://127.0.0.1:5000
run: install
	CONSULT_ENV=development $(BIN)/flask db upgrade
	CONSULT_ENV=development $(BIN)/flask consult demo
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	CONSULT_ENV=development $(BIN)/flask run --host $(HOST) --port $(PORT)

## demo: reload the demo consultation from scratch
demo: install
	CONSULT_ENV=development $(BIN)/flask db upgrade
	CONSULT_ENV=development $(BIN)/flask consult demo --reset

## test: install what the tests need, lint, run the whole suite
test: install
	$(BIN)/ruff check consult tests bench migrations
	$(BIN)/python -m pytest $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then \
	  echo "pytest collected no tests."; \
	  if [ "$${CONSULT_REQUIRE_ALL:-}" = "1" ]; then exit 1; fi; exit 0; \
	fi; exit $$status

lint: install
	$(BIN)/ruff check consult tests bench migrations

## bench: build the reference consultation; print page timings and query counts, and each
## export's time and peak memory
bench: install
	$(BIN)/python bench/pages.py
	$(BIN)/python bench/exports.py

## translations: extract the strings to translate into translations/messages.pot
translations: install
	mkdir -p translations
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o translations/messages.pot consult templates

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
