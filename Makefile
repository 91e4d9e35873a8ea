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

.PHONY: run test setup migrate nlu-model lint format eval-nlu bench-nlu compare-nlu token clean

run: setup migrate
	$(PY) -m bot.launcher

test: setup
	$(VENV)/bin/ruff check .
	$(PY) -m pytest $(PYTEST_ARGS)

setup: $(VENV)/.installed $(RASA_VENV)/.installed nlu-model

# torch first and pinned: this machine type carries the CPU build on disk, while an unpinned
# resolution would pull a multi-GB CUDA build.
$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

# Rasa 3.6 pins old libraries (TensorFlow 2.12, numpy 1.23, pydantic 1): its own environment,
# installed from a complete, verified list (--no-deps makes the list the whole truth).
$(RASA_VENV)/.installed: nlu/requirements-rasa.txt
	rm -rf $(RASA_VENV)
	$(PYTHON) -m venv $(RASA_VENV)
	$(RASA_VENV)/bin/pip install --quiet --no-deps --ignore-requires-python -r nlu/requirements-rasa.txt
	$(RASA_VENV)/bin/pip install --quiet --no-deps setuptools==70.3.0 wheel
	touch $@

# Brings the database of AFTERSALES_DATABASE_URL to the newest schema; a no-op when it is.
migrate: $(VENV)/.installed
	$(PY) -m bot.store.migrate

# Trains only when data/nlu/train, nlu/config.yml or the Rasa requirements changed
# (the model is named by their content hash).
nlu-model: $(VENV)/.installed $(RASA_VENV)/.installed
	$(PY) -m nlu.model

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format:
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

eval-nlu: setup
	$(PY) -m nlu.evaluate --out reports/nlu

bench-nlu: setup
	$(PY) -m nlu.bench --out reports/nlu/bench.json

# Compares every candidate pipeline in nlu/candidates/ on a split of the training data only.
compare-nlu: setup
	$(PY) -m nlu.compare --out reports/nlu/pipelines

token: $(VENV)/.installed
	@$(PY) -m bot.cli token --sub $(or $(SUB),agent-1) --role $(or $(ROLE),agent)

clean:
	rm -rf models reports var .rasa .pytest_cache .ruff_cache
