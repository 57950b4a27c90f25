PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: install demo test test-fast lint typecheck bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/devsecbots harden examples/flask_upload --out build/demo --offline --no-persist --report build/demo-report.json

test: $(STAMP)
	$(PY) -m pytest

# The quick loop while developing: everything but the end-to-end tests, on every core.
test-fast: $(STAMP)
	$(PY) -m pytest -m "not slow" -n auto

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(MAKE) typecheck

# mypy cannot follow setuptools' package-dir mapping (graphs/, nodes/, prompts/ install as
# devsecbots.graphs, ...) in an editable install: it checks a tree of symlinks laid out as
# installed. Settings in pyproject.toml [tool.mypy].
TYPECHECK := build/typecheck
typecheck: $(STAMP)
	rm -rf $(TYPECHECK) && mkdir -p $(TYPECHECK)/devsecbots
	cp -as $(CURDIR)/devsecbots/. $(TYPECHECK)/devsecbots/
	for d in graphs nodes prompts; do cp -as $(CURDIR)/$$d $(TYPECHECK)/devsecbots/$$d; done
	cd $(TYPECHECK) && $(CURDIR)/$(VENV)/bin/mypy --config-file $(CURDIR)/pyproject.toml \
		--cache-dir $(CURDIR)/build/.mypy_cache -p devsecbots
	MYPYPATH=nodes/probe/inside $(VENV)/bin/mypy --config-file pyproject.toml \
		--cache-dir build/.mypy_cache --explicit-package-bases nodes/probe/inside/*.py

bench: $(STAMP)
	$(PY) bench/run_all.py

clean:
	rm -rf build .pytest_cache
