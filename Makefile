# PMO Cockpit: `make run` serves the app, `make test` runs the whole suite.
# Both first make sure of the system packages they need (deploy/system-packages.sh: installed
# with apt-get as root, otherwise one install line and exit 1), then create .venv and install.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PORT   ?= 8501
PYTEST_ARGS ?= -n 2 --dist loadfile

.PHONY: run test install migrate seed secrets bench load clean system-run system-test
.NOTPARALLEL:

system-run:
	@PYTHON=$(PYTHON) bash deploy/system-packages.sh run

system-test:
	@PYTHON=$(PYTHON) bash deploy/system-packages.sh test

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

secrets: install
	$(BIN)/pmo secrets ensure

migrate: install
	$(BIN)/pmo init

seed: migrate
	$(BIN)/pmo seed --scale demo --if-empty

run: system-run secrets seed
	$(BIN)/streamlit run app.py --server.port $(PORT)

test: system-test install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install
	$(BIN)/python bench/db_read.py

load: install
	$(BIN)/python -m bench.load --users 10,25 --minutes 2 --clients protocol
	$(BIN)/python -m bench.load --users 10,25 --minutes 2 --clients browser

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
