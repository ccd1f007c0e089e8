# The study's single entry point. `make` alone lists the targets.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.pins
PARAMS ?=
DATA ?=

.DEFAULT_GOAL := help
.PHONY: help venv study test bench data clean-runs

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-11s %s\n", $$1, $$2}'
	@echo "  options: make study PARAMS=params/NAME.yaml   make study DATA=path/to/chart-data"

# The venv is (re)built only when it is missing or requirements.txt changed since it was built.
$(STAMP): requirements.txt
	@if [ -f $(STAMP) ] && cmp -s requirements.txt $(STAMP); then touch $(STAMP); else \
	  echo "Creating $(VENV) from requirements.txt (a few minutes, once)"; \
	  rm -rf $(VENV) && $(PYTHON) -m venv $(VENV) && \
	  $(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt && \
	  echo "$(CURDIR)" > "$$($(PY) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/itb_study.pth" && \
	  $(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null && \
	  cp requirements.txt $(STAMP); fi

venv: $(STAMP) ## create .venv from the pinned requirements (done by study/test when needed)

data: $(STAMP) ## regenerate data/synthetic/ from the seeded generator
	$(PY) -m helpers.synthetic

study: $(STAMP) ## run the whole study: data, notebooks, figures, tables and HTML in outputs/
	$(PY) -m helpers.synthetic
	$(PY) -m helpers.run $(if $(PARAMS),--params $(PARAMS)) $(if $(DATA),--data $(DATA))

test: $(STAMP) ## unit and end-to-end tests, browser test, and nbval on every notebook (outputs compared)
	$(PY) -m pytest tests notebooks --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

bench: $(STAMP) ## benchmark: study vs floor, analysis scaling, Monte Carlo speed-up
	$(PY) tests/benchmark.py

clean-runs: ## delete outputs/runs/ (parameter and chart-data runs)
	rm -rf outputs/runs outputs/failed
