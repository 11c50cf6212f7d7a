# Two commands on a fresh machine with Python 3.11 and make:
#   make run    create .venv, install, build the demo dealership if absent, start the app
#   make test   install what tests need, then ruff, mypy and pytest
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
DB     ?= data/planner.db
PORT   ?= 8501

.PHONY: run test lint typecheck pytest bench demo install dev clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install -q -e '.[dev]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
dev: $(VENV)/.dev-installed

$(DB): | $(VENV)/.installed
	$(PY) -m planner demo --db $(DB)

demo: $(DB)

run: $(VENV)/.installed $(DB)
	PLANNER_DB_URL=$(DB) $(VENV)/bin/streamlit run app.py --server.headless true \
		--server.port $(PORT) --browser.gatherUsageStats false

lint: dev
	$(VENV)/bin/ruff check .

typecheck: dev
	$(VENV)/bin/mypy planner tests app.py app_pages benchmarks

pytest: dev
	$(VENV)/bin/pytest -q

test: lint typecheck pytest

bench: dev
	$(PY) -m benchmarks

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
