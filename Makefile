# The study's single entry point. `make` alone lists the targets.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.pins
PARAMS ?=
DATA ?=
# uv (from PyPI, pinned in requirements.txt) installs the pins; it needs no network beyond PyPI
UV := $(VENV)/bin/uv
UV_VERSION := $(shell sed -n 's/^uv==//p' requirements.txt)

.DEFAULT_GOAL := help
.PHONY: help venv study check test lint format bench data clean-runs lab handout pool

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-11s %s\n", $$1, $$2}'
	@echo "  options: make study PARAMS=params/NAME.yaml DATA=path/to/chart-data NAME=run-name   make check DATA=...   make handout RUN=run-name CHROME=/path/to/browser   make venv PYTHON=/usr/bin/python3   make lab FRESH=1"

# The venv is (re)built only when it is missing or the pins or the package declaration changed since.
$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null || { \
	  echo "error: the study needs Python 3.11 or newer; $(PYTHON) is $$($(PYTHON) --version 2>&1). Use make venv PYTHON=/path/to/python3.11"; exit 2; }
	@if [ -f $(STAMP) ] && cat requirements.txt pyproject.toml | cmp -s - $(STAMP); then touch $(STAMP); else \
	  echo "Creating $(VENV) from requirements.txt with uv (about a minute, once)"; \
	  rm -rf $(VENV) && $(PYTHON) -m venv $(VENV) && \
	  $(VENV)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION) && \
	  $(UV) pip sync --quiet --compile-bytecode --python $(PY) requirements.txt && \
	  $(UV) pip install --quiet --python $(PY) --no-deps -e . && \
	  $(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null && \
	  cat requirements.txt pyproject.toml > $(STAMP); fi

venv: $(STAMP) ## create .venv from the pinned requirements with uv (done by study/test when needed)

data: $(STAMP) ## regenerate data/synthetic/ from the seeded generator
	$(PY) -m helpers.synthetic

study: $(STAMP) ## run the whole study: data, notebooks, figures, tables and HTML in outputs/
	$(PY) -m helpers.synthetic
	$(PY) -m helpers.runner.run $(if $(PARAMS),--params "$(PARAMS)") $(if $(DATA),--data "$(DATA)") $(if $(NAME),--name "$(NAME)")

check: $(STAMP) ## check chart data in seconds, running no notebook: make check DATA=path (PARAMS=file too)
	$(if $(DATA),,$(error make check needs DATA=path/to/chart-data))
	$(PY) -m helpers.runner.check --data "$(DATA)" $(if $(PARAMS),--params "$(PARAMS)")

pool: $(STAMP) ## pool clinics' summary.json files: make pool SUMMARIES="a.json b.json" (none: the shipped example clinics) into outputs/runs/pool/
	$(PY) -m helpers.runner.pool $(SUMMARIES) $(if $(NAME),--name "$(NAME)")

lab: $(STAMP) ## JupyterLab on a working copy of the notebooks in outputs/lab/ (FRESH=1: a new copy); notebooks/ stays as committed
	$(PY) -m helpers.runner.lab $(if $(FRESH),--fresh)

handout: $(STAMP) ## the journal club's participants' sheet, teacher's guide, slides and appendix, and the study, as PDFs in outputs/handout/ (after make study)
	$(PY) -m helpers.runner.handout $(if $(RUN),--run "$(RUN)") $(if $(CHROME),--browser "$(CHROME)")

test: $(STAMP) ## the test gate: nbval on every notebook, unit, end-to-end and browser tests, in parallel
	$(PY) -X warn_default_encoding -m pytest -n auto --dist loadgroup --nbval notebooks tests

lint: $(STAMP) ## ruff check and ruff format --check (settings in pyproject.toml)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP) ## format the code with ruff and apply its safe fixes
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(STAMP) ## benchmark: test gate and study vs their floors, analysis scaling, Monte Carlo speed-up, install
	$(PY) tests/benchmark.py

clean-runs: ## delete outputs/runs/ (parameter and chart-data runs)
	rm -rf outputs/runs outputs/failed
