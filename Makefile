# Two commands on a fresh machine (README "Quick start"):
#   make run   - set everything up and serve the site on http://127.0.0.1:8000 (daphne: HTTP + WebSocket)
#   make test  - set everything up and run the whole test suite (what .ci/run calls)
# Prerequisites: Python 3.11+ and Node.js/npm; Chromium (Debian's package) for the browser tests.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
FRONTEND_STAMP := frontend/dist/.built
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# pytest-xdist workers for `make test` (0 runs in one process); each has its own test database,
# cache and channel-layer namespace (config/settings/test.py). Files stay together on one worker.
TEST_WORKERS ?= 2

.PHONY: run demo-code test bootstrap prerequisites lint deps-check typecheck typecheck-baseline format lock migrate-check clean

# The development settings, told where daphne serves: BASE_URL (links in emails and .ics files)
# follows HOST and PORT unless it is set itself.
DEV := DJANGO_SETTINGS_MODULE=config.settings.dev HOST=$(HOST) PORT=$(PORT)

run: bootstrap
	@$(DEV) $(BIN)/python manage.py migrate --noinput -v 0
	@$(DEV) $(BIN)/python manage.py seed_demo
	@$(DEV) $(BIN)/python manage.py collectstatic --noinput -v 0
	@echo "Serving on http://$(HOST):$(PORT)/ (HTTP and WebSocket; Ctrl+C to stop)."
	@$(DEV) $(BIN)/daphne -b $(HOST) -p $(PORT) config.asgi:application

# The current two-factor code of a demo account: make demo-code EMAIL=coordinator@dalesford-cps.example.org
demo-code: bootstrap
	@test -n "$(EMAIL)" || { echo "Usage: make demo-code EMAIL=coordinator@dalesford-cps.example.org"; exit 2; }
	@$(DEV) $(BIN)/python manage.py demo_code "$(EMAIL)"

test: bootstrap
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

bootstrap: prerequisites $(PY_STAMP) $(NODE_STAMP) $(FRONTEND_STAMP)
	@mkdir -p var

prerequisites:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || \
		{ echo "Scrutiny Hub needs Python 3.11 or newer as '$(PYTHON)': install it, or run make with PYTHON=/path/to/python3.11."; exit 1; }
	@command -v npm >/dev/null 2>&1 || \
		{ echo "Scrutiny Hub needs Node.js with npm to build its pages' styles: install Node.js 20 or newer."; exit 1; }

# constraints.txt is the lock: every package pinned with its hashes (`make lock`). pip refuses
# anything not in it or not matching (--require-hashes); the project itself is then installed
# without dependencies (it pulls nothing new) and without build isolation (its build backend,
# setuptools, is in the lock too, so nothing unhashed is downloaded).
$(PY_STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r constraints.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(FRONTEND_STAMP): $(NODE_STAMP) frontend/build.mjs $(wildcard frontend/scss/*.scss) $(wildcard frontend/js/*.js)
	npm run --silent build
	@touch $@

lint: bootstrap
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py makemigrations --check --dry-run
	$(MAKE) deps-check
	$(MAKE) typecheck

# Every package the code imports is declared in pyproject.toml, and every declared one is used
# (deptry; its exceptions are in pyproject.toml, [tool.deptry]).
deps-check: bootstrap
	$(BIN)/deptry .

# mypy with django-stubs (configuration in pyproject.toml). Errors already recorded in
# mypy-baseline.txt are reported but do not fail; any new error fails. The baseline only shrinks:
# `make typecheck-baseline` after fixing some (docs/DEVELOPING.md, "Types").
typecheck: bootstrap
	$(BIN)/mypy . | $(BIN)/mypy-baseline filter --baseline-path mypy-baseline.txt --hide-stats

typecheck-baseline: bootstrap
	$(BIN)/mypy . | $(BIN)/mypy-baseline sync --baseline-path mypy-baseline.txt

format: bootstrap
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Regenerate the lock (constraints.txt) from pyproject.toml (main and test dependencies, and the
# build backend of [build-system]), with every file's hashes, by uv in a throwaway venv; for the
# interpreter $(PYTHON). Versions already pinned stay unless pyproject.toml rules them out; a package
# added to pyproject.toml gets its newest allowed version. `make lock UPGRADE=1` re-pins everything
# to the newest versions pyproject.toml allows. (uv reads PyPI, not pip's configuration; the hashes
# were checked against pip-compile's, which does read it: the same files.)
UV := uv==0.13.8
lock:
	rm -rf var/lock-venv && mkdir -p var && $(PYTHON) -m venv var/lock-venv
	var/lock-venv/bin/python -m pip install --quiet --disable-pip-version-check "$(UV)"
	$(PYTHON) -c "import tomllib; print(*tomllib.load(open('pyproject.toml', 'rb'))['build-system']['requires'], sep='\n')" \
		| var/lock-venv/bin/uv pip compile --quiet --generate-hashes \
		--extra test --python "$$(command -v $(PYTHON))" $(if $(UPGRADE),--upgrade) \
		--custom-compile-command "make lock" --output-file constraints.txt pyproject.toml -
	rm -rf var/lock-venv

clean:
	rm -rf $(VENV) node_modules frontend/dist var/static
