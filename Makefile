# make run   -> set up (virtualenv, dependencies, migrations, demo data) and serve on PORT
# make test  -> set up and run the whole test suite
PYTHON ?= python3
VENV   ?= .venv
PORT   ?= 5000
HOST   ?= 127.0.0.1
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app app
STAMP  := $(VENV)/.installed
TRANSLATIONS := portal/translations
CATALOGS := $(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGS:.po=.mo)

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
# The CPU build of torch lies here on our machines; pip also finds it on PyPI elsewhere.
WHEELS := $(wildcard /opt/wheels)
PIP_FLAGS := $(if $(WHEELS),--find-links $(WHEELS),)

.PHONY: venv run serve encode-worker test lint audit bench migrate seed loadtest clean translations extract

venv: $(STAMP) translations

# Compiled catalogs (*.mo) are build output: made from the committed *.po files when they change.
translations: $(COMPILED)

$(TRANSLATIONS)/%/LC_MESSAGES/messages.mo: $(TRANSLATIONS)/%/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel compile -d $(TRANSLATIONS) -l $*

# After adding or changing a string: extract, then merge into every catalog and translate.
extract: venv
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -k _l -k N_ -k Nn_:1,2 -k lazy_ngettext:1,2 -o $(TRANSLATIONS)/messages.pot \
		--no-location --sort-output --width 100 .
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --width 100 \
		--no-fuzzy-matching --ignore-obsolete

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet $(PIP_FLAGS) -r requirements.txt
	touch $(STAMP)

migrate: venv
	$(FLASK) db upgrade

seed: migrate
	$(FLASK) seed-demo

run: seed
	$(FLASK) run --host $(HOST) --port $(PORT)

serve: migrate
	PORTAL_ENV=$${PORTAL_ENV:-production} BIND=$${BIND:-$(HOST):$(PORT)} \
		$(BIN)/gunicorn --config gunicorn.conf.py "app:app"

# Beside `make serve`: encodes saved texts for the matcher (ENCODING_WORKER=process there).
encode-worker: migrate
	PORTAL_ENV=$${PORTAL_ENV:-production} $(FLASK) encode-worker

# axe-core for the browser tests' accessibility checks (package.json, pinned in package-lock.json).
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

test: venv node_modules/.package-lock.json
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/bandit -c pyproject.toml -r portal matching -q --severity-level high

# Needs PyPI's JSON API or OSV; run where the advisory databases are reachable.
audit: venv
	$(BIN)/pip-audit --strict --progress-spinner off

bench: venv
	$(BIN)/python -m matching bench
	$(BIN)/python -m benchmarks.scheduler --runs 5

# 10,000 companies and 1,000 challenges on PostgreSQL (DATABASE_URL, default a local
# portal_loadtest database), production server, 20 users for 60 s; writes docs/benchmarks.md.
loadtest: venv
	$(BIN)/python -m pip install --quiet $(PIP_FLAGS) -r requirements-load.txt
	$(BIN)/python loadtest/run.py $(LOADTEST_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache node_modules
