# outcomes-coach: one entry point for the README and CI. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV   := .venv
PY     := $(VENV)/bin/python
RASA   := $(VENV)/bin/rasa
export PYTHONPATH := $(CURDIR)
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export TF_CPP_MIN_LOG_LEVEL := 2
# Rasa's telemetry is on by default; nothing leaves this machine (SECURITY.md).
export RASA_TELEMETRY_ENABLED := false

# Everything the trained model depends on: a change to any of these retrains, nothing else does.
TRAIN_INPUTS := config.yml domain.yml $(shell find data components -name '*.yml' -o -name '*.py' 2>/dev/null) \
                coach/__init__.py coach/question_form.py coach/moves.py

.PHONY: FORCE help install train run shell test test-fast lint validate check-scenarios retention bench bench-nlu bench-latency bench-annomi bench-report bench-persona bench-relevance bench-load bench-records bench-coach clean web-deps demo-portal export-corrections

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.txt constraints.txt
	@PYTHON=$$(scripts/find-python.sh) || exit 1; \
	 if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))'; then \
	   echo "Creating $(VENV) with $$PYTHON"; rm -rf $(VENV); "$$PYTHON" -m venv $(VENV) || exit 1; fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt -c constraints.txt
	@touch $@

install: $(VENV)/.installed ## create the Python 3.10 environment and install everything

# The list of inputs itself: a removed or renamed data file changes it, so it retrains too (a
# file's mtime alone cannot show that it is gone). Rewritten only when the list differs.
models/.inputs: FORCE
	@mkdir -p models; echo "$(sort $(TRAIN_INPUTS))" | tr ' ' '\n' > $@.new; \
	  if cmp -s $@.new $@; then rm -f $@.new; else mv $@.new $@; fi

models/.trained: $(TRAIN_INPUTS) models/.inputs | $(VENV)/.installed
	$(RASA) train --config config.yml --domain domain.yml --data data --out models
	@touch $@

train: install ## train the model if the training data changed (reuses it otherwise)
	@ls models/*.tar.gz >/dev/null 2>&1 || rm -f models/.trained
	@$(MAKE) --no-print-directory models/.trained

check-scenarios: install ## check every scenario: validation, dry run, probes (scripted and, with a model, the real NLU), rails
	$(PY) -m coach.check --nlu auto scenarios

# run and shell check every scenario themselves (the launcher: validation and dry run, as check-scenarios does)
# and start with the good ones, listing any that stay offline with their problems.
run: train ## install, train if needed, check scenarios, start the Rasa and action servers, ready to chat
	$(PY) scripts/launch.py

shell: train ## chat in the terminal (uses a running make run's action server, else starts its own)
	$(PY) scripts/launch.py --shell

validate: install ## check the Rasa training data and domain (fails on warnings)
	$(RASA) data validate --fail-on-warnings

# Browser tests use Debian's Chromium (never a browser download) and axe-core pinned in package-lock.json.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "Installing Debian's nodejs and npm"; $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq nodejs npm; }
	npm ci --no-audit --no-fund
	@touch $@

web-deps: node_modules/.installed ## install what the browser tests need: Debian's chromium, axe-core from npm
	@[ -x /usr/bin/chromium ] || { echo "Installing Debian's chromium for the browser tests"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium; }

demo-portal: install ## serve a demo training portal on :8080 embedding the chat (needs COACH_ALLOWED_ORIGINS)
	$(PY) web/demo/portal.py --port 8080

test: train web-deps ## run every test (unit, actions, Rasa data and stories, end-to-end, browser)
	$(PY) -m pytest

test-fast: install ## the tests that need no trained model, servers or browser (a minute or so)
	$(PY) -m pytest -m "not e2e and not model" -q

lint: install ## ruff (pinned in requirements.txt, settings in ruff.toml) over all our Python
	$(VENV)/bin/ruff check .

bench-nlu: train ## intent macro-F1 and question-form accuracy (held-out set and AnnoMI)
	$(PY) bench/nlu.py

bench-latency: train ## p50/p95 of a REST turn and of /model/parse alone
	$(PY) bench/latency.py

bench-annomi: train ## replay AnnoMI sessions: ROC AUC of the session score, question-form confusion
	$(PY) bench/annomi.py

bench-coach: train ## replay the calibration conversations (bench/calibration/): verdict agreement with an educator
	$(PY) bench/coach.py

bench-report: install ## time to build the feedback report for a 200-turn conversation
	$(PY) bench/report.py

bench-persona: train ## every scenario's probes through the running bot: pass rate, words per reply (strong, weak)
	$(PY) bench/persona.py

bench-relevance: train ## the person's replies on three educators' held-out typed conversations: share from a fitting source
	$(PY) bench/relevance.py bench/relevance/conversations.yml
	$(PY) bench/relevance.py bench/relevance/conversations_b.yml
	$(PY) bench/relevance.py bench/relevance/conversations_c.yml

bench-load: train ## N concurrent learners (10, 50 and 200): turn latency, errors, memory, parse floor
	$(PY) bench/load.py

bench-records: train ## a learner's progress and a trainer's page at 10,000 stored conversations, beside learners
	$(PY) bench/records.py

bench: bench-nlu bench-latency bench-annomi bench-report bench-persona bench-relevance bench-load bench-records bench-coach ## run every benchmark

retention: install ## delete conversations older than COACH_RETENTION_DAYS from the tracker store
	$(PY) scripts/retention.py

export-corrections: install ## write the turns learners flagged as misread as NLU data to review (exports/corrections.yml)
	$(PY) scripts/export_corrections.py $(if $(OUT),--out $(OUT))

clean: ## remove trained models, databases and results
	rm -rf models/*.tar.gz models/.trained models/.inputs var results .pytest_cache node_modules
FORCE:
