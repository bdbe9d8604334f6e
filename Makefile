# Every target sets up what it needs: `make run` and `make test` work on a fresh machine.
SHELL := /bin/bash
PY_VERSION := $(shell cat .python-version)
VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
STAMPS := .stamps
BOT_INPUTS := config.yml domain.yml $(shell find bot/data -name '*.yml' 2>/dev/null)
export PYTHONPATH := $(CURDIR)
export TF_CPP_MIN_LOG_LEVEL := 3
export SQLALCHEMY_SILENCE_UBER_WARNING := 1

.DEFAULT_GOAL := help
.PHONY: help setup db train run test test-unit test-stories test-integration test-browser \
        validate lint lint-tone insights nlu-report nlu-cv eval-detector train-detector bench bench-scale \
        bench-startup cluster clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

# --- set-up -----------------------------------------------------------------------------
$(VENV)/pyvenv.cfg: .python-version
	python$(PY_VERSION) -m venv $(VENV) 2>/dev/null || python -m venv $(VENV)
	@$(VENV)/bin/python -c 'import sys; assert sys.version_info[:2] == (3, 10), sys.version' \
	  || { echo "Python 3.10 is required: pyenv install 3.10"; rm -rf $(VENV); exit 1; }

$(STAMPS)/deps: requirements.lock $(VENV)/pyvenv.cfg
	$(VENV)/bin/pip install -q --upgrade "pip<25"
	$(VENV)/bin/pip install -q -r requirements.lock
	$(VENV)/bin/pip check
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; }
	@mkdir -p $(STAMPS) && touch $@

# rasa-webchat, the most used third-party widget for Rasa's socketio channel: the browser tests
# run it against the service (tests/browser/test_rasa_webchat.py). Pinned version and tarball hash.
WEBCHAT_VERSION := 1.0.1
WEBCHAT_SHA256 := cd2a8ee5211df95c626fc78bcf9d7d3a50368eacd43c7154476d29e519d42685
WEBCHAT_DIR := var/npm/rasa-webchat-$(WEBCHAT_VERSION)

$(WEBCHAT_DIR)/lib/index.js:
	@command -v npm >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm; }
	@mkdir -p $(WEBCHAT_DIR)
	cd var/npm && npm pack --silent rasa-webchat@$(WEBCHAT_VERSION) >/dev/null
	echo "$(WEBCHAT_SHA256)  var/npm/rasa-webchat-$(WEBCHAT_VERSION).tgz" | sha256sum --check --quiet
	tar -xzf var/npm/rasa-webchat-$(WEBCHAT_VERSION).tgz -C $(WEBCHAT_DIR) --strip-components=1 \
	  package/lib/index.js package/LICENSE package/package.json
	@touch $@

$(STAMPS)/haproxy:
	@command -v haproxy >/dev/null || test -x /usr/sbin/haproxy || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy; }
	@mkdir -p $(STAMPS) && touch $@

setup: $(STAMPS)/deps $(STAMPS)/chromium $(STAMPS)/haproxy $(WEBCHAT_DIR)/lib/index.js ## Build .venv (Python 3.10, pinned packages, spaCy model), install Chromium, HAProxy and rasa-webchat
	@mkdir -p var

db: setup ## Migrate the database to the newest schema and seed the demo data once
	$(PY) -m store.migrate

# --- the bot ----------------------------------------------------------------------------
models/.trained: $(BOT_INPUTS) | setup
	$(RASA) train --data bot/data --config config.yml --domain domain.yml --fixed-model-name support --out models --quiet
	@touch $@

train: models/.trained ## Train the Rasa model when data, domain or config changed

validate: setup ## rasa data validate (must be clean)
	$(RASA) data validate --data bot/data --config config.yml --domain domain.yml --fail-on-warnings --quiet

# The store is migrated (and seeded once) by the Procfile's handoff line, while Rasa loads its model.
run: setup train ## Migrate the store, start Rasa, the action server and the handoff service on loopback
	@echo "Customer widget: http://127.0.0.1:8000/   Agent console: http://127.0.0.1:8000/console"
	$(VENV)/bin/honcho start -f Procfile

cluster: setup train ## HAProxy :8000 in front of 2 handoff nodes, 2 Rasa, 2 action servers on PostgreSQL + Redis
	$(PY) -m tests.cluster

# --- checks -----------------------------------------------------------------------------
test: setup train ## The whole suite: validation, lint, tone linter, unit, stories, NLU report, integration, browser
	$(MAKE) --no-print-directory validate
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory lint-tone
	$(MAKE) --no-print-directory test-unit
	$(MAKE) --no-print-directory test-stories
	$(MAKE) --no-print-directory nlu-report
	$(MAKE) --no-print-directory test-integration
	$(MAKE) --no-print-directory test-browser

lint: setup ## ruff (pyflakes, import order, bugbear) on all Python code; mypy on handoff/, store/, common/
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

lint-tone: setup ## Tone linter: domain.yml, action texts and the phrase bank against policy/tone.yml
	$(PY) -m insights.tone

insights: setup db ## Support metrics and empathy gaps of the last 30 days (python -m insights --help)
	$(PY) -m insights --since 30d

test-unit: setup ## Unit tests (store, actions, detector, service)
	$(PY) -m pytest -q tests/unit

test-stories: setup train ## Rasa test stories end to end (text through NLU, then policies), failing on any error
	$(RASA) test core --e2e --stories tests/stories --model models/support.tar.gz \
	  --fail-on-prediction-errors --no-plot --out results/core --quiet

NLU_HELDOUT := tests/nlu/test_nlu.yml tests/nlu/test_nlu_styles.yml
NLU_REJECT := tests/nlu/clinc150_oos_val.yml
NLU_UNDERSTOOD := tests/nlu/clinc150_inscope_val.yml

nlu-report: setup train ## NLU gates: held-out files, CLINC150 off-topic rejection and in-scope requests (results/nlu/)
	$(PY) -m bench.nlu_eval --model models/support.tar.gz --out results/nlu \
	  $(addprefix --heldout ,$(NLU_HELDOUT)) $(addprefix --reject ,$(NLU_REJECT)) \
	  $(addprefix --understood ,$(NLU_UNDERSTOOD))
	$(PY) -m bench.nlu_report $(addprefix results/nlu/,$(basename $(notdir $(NLU_HELDOUT)))) \
	  $(foreach f,$(NLU_REJECT),--reject results/nlu/$(basename $(notdir $(f)))/rejection.json) \
	  $(foreach f,$(NLU_UNDERSTOOD),--understood results/nlu/$(basename $(notdir $(f)))/understood.json)

nlu-cv: setup ## Heavy, not in `make test`: 5-fold cross-validation of the NLU on bot/data/nlu (results/nlu-cv/)
	$(RASA) test nlu --nlu bot/data/nlu --config config.yml --cross-validation --folds 5 \
	  --no-plot --out results/nlu-cv --quiet
	$(PY) -m bench.nlu_report results/nlu-cv --min 0 --floor 0 --recall-floor-for request_human=0 \
	  --min-faq 0 --min-entity 0

test-integration: setup train ## Real processes on loopback, driven over Socket.IO
	$(PY) -m pytest -q tests/integration

test-browser: setup train ## Headless Chromium against a running stack
	$(PY) -m pytest -q tests/browser

eval-detector: setup ## Detector figures on ../shared (held-out AUC, calm rated severe, per-reason precision)
	$(PY) -m bench.eval_detector

train-detector: setup ## Retrain the detector's learned heads (reads ../shared/data at train time only)
	$(PY) -m bench.train_detector
	$(PY) -m bench.eval_detector

bench: setup train db ## Benchmarks (figures go into the README)
	$(PY) -m bench.run_all

bench-scale: setup train ## Service vs Rasa REST, interleaved: alone, then 1,000 sockets with 20 and 50 chatting
	$(PY) -m bench.bench_scale

bench-startup: setup train ## Seconds from `make run` to a green /health (ports 8000, 5005, 5055 free)
	$(PY) -m bench.bench_startup

clean: ## Remove the venv, models, results and the local database
	rm -rf $(VENV) $(STAMPS) models results var
