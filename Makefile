# planwatch — `make help` lists the targets.

PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
# uv from PATH, else the one `python3 -m pip install uv` put in site-packages.
UV = $(shell command -v uv 2>/dev/null || echo python3 -m uv)
PYTEST = $(BIN)/pytest -p no:cacheprovider $(PYTEST_ARGS)
# Checks and tests never touch ./data (the demo database): a scratch data directory, and no
# DATABASE_URL from your shell (pytest-django puts its SQLite test database in memory).
TEST_DATA := $(CURDIR)/var/test
TEST_ENV := env -u DATABASE_URL PLANWATCH_DATA_DIR=$(TEST_DATA)

.DEFAULT_GOAL := help
.PHONY: help demo test bench lint fmt messages clean venv uv system-deps score

help: ## list the targets
	@echo "usage: make TARGET"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

demo: venv ## set up the demo (SQLite in ./data, seed plans, demo users) and serve on PORT=8000
	$(BIN)/planwatch demo-setup
	$(BIN)/planwatch serve --port $(PORT)

test: venv system-deps lint | $(TEST_DATA)/static ## lint, type-check, migrations, pytest on SQLite, PostgreSQL
	$(TEST_ENV) $(BIN)/planwatch makemigrations --check --dry-run
	$(TEST_ENV) $(PYTEST) -m "not postgres_only"
	$(TEST_ENV) scripts/with-postgres $(PYTEST) -m "not browser"

lint: venv | $(TEST_DATA)/static ## ruff format --check, ruff check, mypy
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(TEST_ENV) $(BIN)/mypy planwatch tests

fmt: venv ## ruff format, then ruff check --fix
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: venv ## time register/plan import, export and the plan page (see BENCHMARKS.md)
	$(BIN)/python -m benchmarks.bench_load_plans
	$(BIN)/python -m benchmarks.bench_extraction

messages: venv ## rebuild the vi and en translation catalogues and compile them
	$(BIN)/planwatch makemessages -l vi -l en --ignore=.venv --ignore=data --ignore=var
	$(BIN)/planwatch compilemessages --ignore=.venv

clean: ## remove caches and scratch files (keeps .venv and the demo database in ./data)
	rm -rf var .mypy_cache .ruff_cache .pytest_cache
	find . -path ./.venv -prune -o -name __pycache__ -type d -exec rm -rf {} +

venv: uv ## create or update .venv from uv.lock
	$(UV) sync --frozen

uv:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || \
	  python3 -m pip install uv || python3 -m pip install --break-system-packages uv

$(TEST_DATA)/static:  # STATIC_ROOT; WhiteNoise warns when it is missing
	mkdir -p $@

system-deps: ## install Debian's postgresql and chromium when missing (as root)
	scripts/system-deps

score: venv ## score the extractor against the hand-checked seed annotations (needs ../shared)
	python3 ../shared/tools/score_extraction.py ../shared/gold ../shared/seeds --cmd '$(BIN)/planwatch extract {file}'
