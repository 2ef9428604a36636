# Kundregister — `make run` and `make test` are all a fresh machine needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Development defaults for `make run`; the environment (or .env) overrides them.
RUN_ENV := DEBUG=$${DEBUG:-True}
LANGS := sv fi nb en

.PHONY: run test lint format messages compilemessages bench bench-dashboard clean venv lock audit otp schema

venv: $(STAMP)

# Development installs the locked development set (runtime + tools), every package checked by hash.
# Production installs requirements.txt alone: `pip install --require-hashes -r requirements.txt`.
$(STAMP): requirements.txt requirements-dev.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.txt
	touch $(STAMP)

# Re-pin after editing requirements.in or requirements-dev.in (or to take new releases: add --upgrade).
PIP_COMPILE = $(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe \
	--no-emit-index-url --no-emit-find-links $(LOCK_ARGS)
lock: $(STAMP)
	$(PIP_COMPILE) --output-file requirements.txt requirements.in
	$(PIP_COMPILE) --output-file requirements-dev.txt requirements-dev.in

# Known vulnerabilities in the pinned runtime set (needs the PyPI advisory service; run before upgrades).
audit: $(STAMP)
	$(BIN)/pip-audit --require-hashes --disable-pip --progress-spinner off -r requirements.txt

compilemessages: $(STAMP)
	$(RUN_ENV) $(PY) manage.py compile_translations

# The site and, beside it, the background worker that sends mail; stopping the site stops both.
run: $(STAMP) compilemessages
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	$(RUN_ENV) $(PY) manage.py load_demo --host $(HOST) --port $(PORT)
	$(RUN_ENV) $(PY) manage.py send_queued_messages --verbosity 0
	@$(RUN_ENV) $(PY) manage.py db_worker --queue-name '*' --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(RUN_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

# The current second-factor code of a demo user (load_demo gives them known authenticator apps).
WHO ?= admin
otp: $(STAMP)
	@$(RUN_ENV) $(PY) manage.py demo_otp_code $(WHO)

test: $(STAMP) compilemessages
	$(BIN)/pytest $(PYTEST_ARGS)

# Regenerate the committed OpenAPI schema of /api/v1/ (tests/api/test_schema.py fails while it is stale).
schema: $(STAMP)
	DEBUG=True $(PY) manage.py spectacular --format openapi-json --validate --fail-on-warn --file openapi.json

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Extract strings for translation (needs GNU gettext's xgettext), then compile.
# locale/ holds the project package's and templates/' strings; customers/ and
# requests/, breaches/ and api/ keep their own catalogues in <app>/locale/.
MAKEMESSAGES := makemessages --no-obsolete --no-location $(addprefix -l ,$(LANGS))
messages: $(STAMP)
	DEBUG=True $(PY) manage.py $(MAKEMESSAGES) --ignore=.venv --ignore=tests --ignore=staff --ignore=customers --ignore=requests --ignore=breaches --ignore=api --ignore=artifacts
	for app in staff customers requests breaches api; do (cd $$app && ../$(BIN)/django-admin $(MAKEMESSAGES)) || exit 1; done
	$(MAKE) compilemessages

# Benchmarks run on PostgreSQL in their own database (kr_bench), never on your data.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/kr_bench
BENCH_CUSTOMERS ?= 100000
BENCH_ARGS ?=
# The API's batch endpoint vs import_customers of the same rows (api/management/commands/bench_api.py).
BENCH_API_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/kr_bench_api
BENCH_API_ARGS ?= --customers 100000
bench: $(STAMP) compilemessages
	DATABASE_URL=$(BENCH_DATABASE_URL) SECRET_KEY=bench-only $(PY) manage.py bench --customers $(BENCH_CUSTOMERS) $(BENCH_ARGS)
	DATABASE_URL=$(BENCH_DATABASE_URL) SECRET_KEY=bench-only $(PY) manage.py bench_dashboard --customers $(BENCH_CUSTOMERS)
	DATABASE_URL=$(BENCH_API_DATABASE_URL) SECRET_KEY=bench-only $(PY) manage.py bench_api $(BENCH_API_ARGS)

# The dashboard alone (1,000,000 customers, 5,000,000 orders, 50,000 requests by default).
DASHBOARD_BENCH_ARGS ?= --customers 1000000 --requests 50000
bench-dashboard: $(STAMP) compilemessages
	DATABASE_URL=$(BENCH_DATABASE_URL) SECRET_KEY=bench-only $(PY) manage.py bench_dashboard $(DASHBOARD_BENCH_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 .pytest_cache .ruff_cache
