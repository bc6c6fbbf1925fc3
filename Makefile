# intake — two commands on a fresh machine: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run test bench bench-quick clean lint constraints

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	@touch $(STAMP)

# Starts the Telegram bot when TELEGRAM_BOT_TOKEN is set (environment or .env),
# otherwise the terminal interview on the embedded SQLite database.
run: setup
	@if [ -n "$$TELEGRAM_BOT_TOKEN" ] || grep -qs '^TELEGRAM_BOT_TOKEN=.\+' .env; then \
		$(BIN)/intake run; \
	else \
		echo "TELEGRAM_BOT_TOKEN is not set: starting the terminal interview (intake chat)."; \
		$(BIN)/intake chat; \
	fi

test: setup
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

bench: setup
	$(BIN)/intake bench

bench-quick: setup
	$(BIN)/intake bench --quick

# Re-pin constraints.txt to the newest versions pyproject.toml allows (review the diff, run the tests).
constraints:
	rm -rf .venv-constraints
	$(PY) -m venv .venv-constraints
	.venv-constraints/bin/python -m pip install --quiet --upgrade pip
	.venv-constraints/bin/python -m pip install --quiet '.[test]'
	{ head -3 constraints.txt; .venv-constraints/bin/python -m pip freeze --exclude-editable | grep -v '^intake=='; } \
		> constraints.txt.new
	mv constraints.txt.new constraints.txt
	rm -rf .venv-constraints build *.egg-info

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info
