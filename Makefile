# vetmri developer commands. On a fresh machine: `make run` and `make test`.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# `make run` keeps its settings, records and logs here, away from any real clinic data.
DEV_HOME := $(CURDIR)/.vetmri-dev
# Debian packages the test suite uses: DICOM peers (dcmtk, Orthanc), the DICOM validator,
# foreign MRD files (ismrmrd-tools), BART, fuse3 for the power-cut tests, tmux for the TUI.
DEBIAN_PACKAGES := dcmtk dicom3tools orthanc ismrmrd-tools bart fuse3 tmux poppler-utils
PYTEST_ARGS ?=

.PHONY: run test test-full system-deps lint bench binary binary-onedir binary-check clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "vetmri needs Python 3.11 or newer; set PYTHON=python3.11 (or newer) and try again.")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	@VETMRI_CONFIG=$${VETMRI_CONFIG:-$(DEV_HOME)/settings.toml} \
	VETMRI_DATA_DIR=$${VETMRI_DATA_DIR:-$(DEV_HOME)/data} \
	$(BIN)/vetmri records add-demo > /dev/null
	VETMRI_CONFIG=$${VETMRI_CONFIG:-$(DEV_HOME)/settings.toml} \
	VETMRI_DATA_DIR=$${VETMRI_DATA_DIR:-$(DEV_HOME)/data} \
	$(BIN)/vetmri $(ARGS)

system-deps:
	@bash tools/install-debian-packages.sh $(DEBIAN_PACKAGES)

test: $(VENV)/.installed-test system-deps
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-full: $(VENV)/.installed-test system-deps
	$(BIN)/python -m pytest --full $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/lint-imports

bench: $(VENV)/.installed-test system-deps
	@for script in benchmarks/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

# The single-file binary dist/vetmri (a clean build virtual environment; ~4 min on 2 cores).
binary:
	bash build/build.sh

# The same product as a folder, dist/vetmri-onedir/ (starts faster; see docs/install.md).
binary-onedir:
	VETMRI_BUILD_MODE=onedir bash build/build.sh

# Build the binary once and smoke-test it as clinic IT runs it (env -i, an empty HOME).
binary-check: binary system-deps
	bash tests/packaging/smoke.sh dist/vetmri

clean:
	rm -rf $(VENV) dist build/.venv build/.work build/.work-onedir .pytest_cache .hypothesis
