# Two commands do everything on a fresh machine: `make run` and `make test`.
# Each target installs what it needs; nothing here downloads a model.

SHELL := /bin/bash
.DEFAULT_GOAL := help

# Rasa 3.6 needs Python 3.10 (.python-version selects it under pyenv).
BASE_PYTHON ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/3.10.*/bin/python3.10) python3.10)
VENV := .venv
PYTHON := $(VENV)/bin/python
RASA := $(PYTHON) -m rasa
MODEL := models/safeguarding.tar.gz
SPACY_MODEL := build/spacy_en/RECIPE
# Training data: everything under data/ except the safety net's phrases, which are read at start-up.
TRAINING_DATA := $(shell find data -name '*.yml' -not -path 'data/safety/*' 2>/dev/null)
# The list of those files, rewritten only when it changes, so a deleted file also means retraining.
TRAINING_LIST := build/training-files.txt

export TF_CPP_MIN_LOG_LEVEL := 2
# Rasa's usage reporting is off unless .env or the environment turns it on.
export RASA_TELEMETRY_ENABLED ?= false
export PYTHONPATH := $(CURDIR)

DEMO_MONTH ?= 2026-11

.PHONY: insights insights-demo help install build browser-tools screenshots teams-package purge train run test test-python test-conversations lint lock bench nlu-eval content-review FORCE

help:
	@echo "make run    install, build, train if needed, start the bot (REST on :5005, actions on :5055)"
	@echo "make test   install, build, validate data, train if needed, run every test suite"
	@echo "make bench  this bot against a stock rasa init bot (speed, memory); make nlu-eval  cross-validate NLU"
	@echo "make insights  counts of what people asked and the routes given (make insights-demo: a made-up month)"
	@echo "make purge  delete conversations older than RETENTION_DAYS (default 30); safe from cron"
	@echo "make teams-package  build the Microsoft Teams app package (docs/channels.md)"
	@echo "make content-review  rewrite docs/content-review.md (topics, sources, dates) from the content files"

$(VENV)/.installed: requirements.txt constraints.txt
	@test -x $(PYTHON) || $(BASE_PYTHON) -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check --upgrade pip==24.0
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements.txt -c constraints.txt
	@touch $@

install: $(VENV)/.installed

$(SPACY_MODEL): tools/spacy_pipeline.py | $(VENV)/.installed
	$(PYTHON) -m tools.spacy_pipeline build/spacy_en

build: install $(SPACY_MODEL)

$(TRAINING_LIST): FORCE
	@mkdir -p $(dir $@)
	@printf '%s\n' $(sort $(TRAINING_DATA)) > $@.new
	@cmp -s $@.new $@ && rm $@.new || mv $@.new $@

$(MODEL): $(VENV)/.installed $(SPACY_MODEL) config.yml domain.yml $(TRAINING_DATA) $(TRAINING_LIST)
	@echo "Training (about 2 minutes on 2 cores)..."
	@# Rasa 3.6 can restore a component from its cache under a node name that moved when the
	@# pipeline was reordered, and then save a model that cannot load: a new config trains afresh.
	@if [ -f $@ ] && [ config.yml -nt $@ ]; then rm -rf .rasa/cache; fi
	$(RASA) train --fixed-model-name safeguarding --out models
	@touch $@

train: $(MODEL)

run: $(MODEL)
	$(PYTHON) -m tools.serve

# The widget's browser tests: Debian's chromium (driven by Playwright) and axe-core from npm.
CHROMIUM := /usr/bin/chromium
AXE := tests/web/node_modules/axe-core/axe.min.js

$(CHROMIUM):
	@echo "Installing Debian's chromium for the widget's browser tests..."
	$(if $(filter 0,$(shell id -u)),,sudo) apt-get install -y -q chromium || \
		{ $(if $(filter 0,$(shell id -u)),,sudo) apt-get update -q && $(if $(filter 0,$(shell id -u)),,sudo) apt-get install -y -q chromium; }

$(AXE): tests/web/package.json tests/web/package-lock.json
	npm ci --prefix tests/web --no-audit --no-fund --loglevel=error
	@touch $@

browser-tools: $(CHROMIUM) $(AXE)

test: build browser-tools
	$(PYTHON) -m tools.validate_data
	$(MAKE) --no-print-directory train
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory test-python
	$(MAKE) --no-print-directory test-conversations

# Unit tests, then the safety suites and channel tests against the trained bot over REST.
test-python: $(MODEL)
	$(PYTHON) -m pytest

# Conversation tests: every story under tests/conversations must be predicted exactly.
test-conversations: $(MODEL)
	$(RASA) test core --model $(MODEL) --stories tests/conversations \
		--fail-on-prediction-errors --out results/conversations

# Figures, not pass/fail: this bot against a stock `rasa init` bot in the same run (BENCH_ARGS=--no-train skips training).
bench: $(MODEL)
	$(PYTHON) -m tools.benchmark $(BENCH_ARGS)

# The widget's pictures in docs/ for the README (starts the trained bot on ports of its own).
screenshots: $(MODEL) browser-tools
	$(PYTHON) -m tools.screenshots

# Delete conversations older than RETENTION_DAYS (default 30) from the tracker store; safe from cron
# while the bot runs (make run also does it at every start).
purge: install
	$(PYTHON) -m tools.purge

# Counts of what people asked and which routes they were given, from the conversation store
# (INSIGHTS_ARGS="--from 2026-11-01 --to 2026-11-30 --area devon --csv out.csv"); docs/insights.md.
insights: install
	$(PYTHON) -m tools.insights $(INSIGHTS_ARGS)

# The same for a made-up month (600 conversations in build/insights-demo.db), with the page as a file.
insights-demo: install
	rm -f build/insights-demo.db
	$(PYTHON) -m tools.synthetic_conversations build/insights-demo.db --month $(DEMO_MONTH)
	$(PYTHON) -m tools.insights --db build/insights-demo.db --month $(DEMO_MONTH) \
		--html build/insights-demo.html --csv build/insights-demo.csv
	@echo "Open build/insights-demo.html in a browser to see the charts."

# The Microsoft Teams app package (manifest and icons) from the TEAMS_* settings and BOT_DOMAIN in .env:
# build/teams/safeguarding-assistant.zip, to upload in Teams (docs/channels.md).
teams-package: install
	$(PYTHON) -m tools.teams_package

# 5-fold cross-validation of the intent classifier (config without the FallbackClassifier).
nlu-eval: build
	$(RASA) test nlu --nlu data/nlu --config tests/nlu/config.yml --cross-validation --folds 5 \
		--out results/nlu
	@$(PYTHON) -c "import json; r=json.load(open('results/nlu/intent_report.json')); \
		print('intent macro F1 (5-fold):', round(r['macro avg']['f1-score'], 3))"

# Lint, format and types: `ruff format bot actions tests tools` fixes the format.
content-review: install
	$(PYTHON) -m tools.content_review

lint: install
	$(PYTHON) -m ruff check bot actions tests tools
	$(PYTHON) -m ruff format --check bot actions tests tools
	$(PYTHON) -m mypy

# Refresh constraints.txt from the current venv after changing requirements.txt on purpose.
lock: install
	$(PYTHON) -m pip freeze --exclude-editable | sed '1i # Every package version, frozen from a working install (make lock refreshes it).' > constraints.txt
