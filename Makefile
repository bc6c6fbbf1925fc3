# intake — two commands on a fresh machine: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run test bench bench-quick clean lint

setup: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
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

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info
