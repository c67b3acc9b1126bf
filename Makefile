# The two commands a newcomer needs: `make demo` and `make test`. Both build .venv first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
RUNTIME := $(VENV)/.installed-runtime
DEV := $(VENV)/.installed-dev
# Two workers on the two-core machines councils and CI use; each test module keeps its own
# running services, so modules are never split across workers.
PYTEST_ARGS ?= -n 2 --dist loadfile

.PHONY: demo test validator-envs protos bench clean

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "ICS needs Python 3.11; set PYTHON=/path/to/python3.11")'
	$(PYTHON) -m venv $(VENV)

$(RUNTIME): pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e .
	@touch $@

$(DEV): pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@ $(RUNTIME)

demo: $(RUNTIME)
	$(BIN)/ics demo $(ARGS)

test: $(DEV) validator-envs
	$(BIN)/pytest $(PYTEST_ARGS) $(ARGS)

# The DfE-rule validators' own virtual environments (services/records/returns/validators.py),
# built once before the tests so no test waits on pip; a fraction of a second when they exist.
# They live outside the repository (ICS_VALIDATORS_HOME), so there is no stamp file to go stale.
# A failure does not stop the run: tests/unit/test_return_validators.py says why (or skips,
# when pip cannot reach the package index).
validator-envs: $(DEV)
	-$(BIN)/python -m services.records.returns.validators install

protos: $(DEV)
	$(BIN)/python protos/generate.py

bench: $(DEV)
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) .ics-data .pytest_cache
