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

.PHONY: run test lint format messages compilemessages bench clean venv lock audit otp

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
	$(RUN_ENV) $(PY) manage.py load_demo
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

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Extract strings for translation (needs GNU gettext's xgettext), then compile.
# locale/ holds the project package's and templates/' strings; customers/ and
# requests/ keep their own catalogues in <app>/locale/.
MAKEMESSAGES := makemessages --no-obsolete --no-location $(addprefix -l ,$(LANGS))
messages: $(STAMP)
	DEBUG=True $(PY) manage.py $(MAKEMESSAGES) --ignore=.venv --ignore=tests --ignore=staff --ignore=customers --ignore=requests --ignore=artifacts
	for app in staff customers requests; do (cd $$app && ../$(BIN)/django-admin $(MAKEMESSAGES)) || exit 1; done
	$(MAKE) compilemessages

# Benchmarks run on PostgreSQL in their own database (kr_bench), never on your data.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/kr_bench
BENCH_CUSTOMERS ?= 100000
BENCH_ARGS ?=
bench: $(STAMP) compilemessages
	DATABASE_URL=$(BENCH_DATABASE_URL) SECRET_KEY=bench-only $(PY) manage.py bench --customers $(BENCH_CUSTOMERS) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 .pytest_cache .ruff_cache
