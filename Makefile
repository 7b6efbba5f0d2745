# Trust Building Campaign CMS. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
MANAGE := $(BIN)/python manage.py
STAMP := $(VENV)/.installed
AXE := node_modules/axe-core/axe.min.js
# The site's stylesheet, script and fonts, built from the design system (docs/design.md).
ASSETS := build/static/css/site.css
# The compiled message catalogues (.mo beside each .po; docs/i18n.md).
CATALOGUES := $(wildcard */locale/*/LC_MESSAGES/django.po)
MESSAGES := $(CATALOGUES:.po=.mo)
# Test processes side by side (pytest-xdist); 0 runs the suite in one process. A process
# that runs out of tests takes some from the other (worksteal): a few modules take a minute.
TEST_WORKERS ?= 2
XDIST := $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist worksteal)
# Runs a command in a session of its own, so that `make run` can stop it with its children
# (Django's autoreloader runs the real server and worker in a child process).
DETACHED := $(BIN)/python -c 'import os, sys; os.setsid(); os.execv(sys.argv[1], sys.argv[1:])'

.PHONY: help install assets messages messages-update run migrate demo admin test test-fast lint format serve worker bench \
	clean publish-scheduled audit

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-18s\033[0m %s\n", $$1, $$2}'

$(STAMP): requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) is needed"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

$(AXE): package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $(AXE)

$(ASSETS): $(STAMP) $(AXE) cms/assets/build.py $(wildcard cms/assets/scss/*.scss)
	$(BIN)/python cms/assets/build.py

$(MESSAGES): %.mo: %.po $(STAMP)
	$(BIN)/python scripts/compile_messages.py $< $@

messages: $(MESSAGES) ## Compile the message catalogues (Spanish, French)

# The apps' messages into their catalogues (new ones untranslated: tests/cms/test_catalogues.py
# fails until they are translated).
messages-update: $(STAMP) ## Add newly marked messages to every catalogue (LANGUAGE=xx starts one)
	for app in pledge_forms campaign_pages cms; do \
		(cd $$app && DJANGO_SETTINGS_MODULE=cms.settings.test PYTHONPATH=$(CURDIR) \
			$(CURDIR)/$(BIN)/python -m django makemessages --no-obsolete \
			$(if $(LANGUAGE),-l $(LANGUAGE),-a) \
			-i 'static/*' -i 'assets/*' -i 'testing/*' -i 'settings/*') || exit 1; \
	done

install: $(STAMP) ## Create .venv and install the pinned requirements

assets: $(ASSETS) ## Build the stylesheet and copy the design system's files into build/

migrate: $(STAMP) ## Apply database migrations
	$(MANAGE) migrate --noinput

demo: migrate ## Load the demo content (idempotent)
	$(MANAGE) load_demo_content

admin: $(STAMP) ## Make sure the local admin user exists and print its login
	$(MANAGE) ensure_admin

# The public address (docs/address.md): `make run` serves on this one, so its links point here;
# its `migrate` (a prerequisite, which inherits the value) moves the default Site record to it.
run admin: export PUBLIC_URL = http://$(HOST):$(PORT)
run: demo $(ASSETS) $(MESSAGES) ## Set everything up, serve the site on http://127.0.0.1:8000 with one task worker
	@$(MANAGE) ensure_admin
	@$(MANAGE) schedule_housekeeping
	@echo "Serving on http://$(HOST):$(PORT)/ (admin at http://$(HOST):$(PORT)/admin/)"
	@echo "Background tasks (e-mail, search index) run in one worker: manage.py db_worker"
	@stop() { trap - EXIT INT TERM; kill -TERM -- -$$server -$$worker 2>/dev/null; wait; }; \
	trap stop EXIT INT TERM; \
	$(DETACHED) $(MANAGE) db_worker & worker=$$!; \
	$(DETACHED) $(MANAGE) runserver $(HOST):$(PORT) & server=$$!; \
	wait $$server

test: $(STAMP) $(AXE) $(ASSETS) $(MESSAGES) ## Run the whole test suite (checks, migrations, unit, integration, browser)
	$(MANAGE) check --settings=cms.settings.test
	$(MANAGE) makemigrations --check --dry-run --settings=cms.settings.test
	$(BIN)/pytest $(XDIST) $(PYTEST_ARGS)
	@# The plugin on its own test sites (without the campaign site): its code and
	@# templates. Above, in the site the campaign serves, ran its browser journeys and
	@# those of its tests that go through the site's templates (tests/pledge_forms/conftest.py).
	$(BIN)/pytest $(XDIST) tests/pledge_forms --ignore=tests/pledge_forms/showcase \
		--ds=tests.testapp.settings -p no:cacheprovider -m "not browser" $(PYTEST_ARGS)
	$(BIN)/pytest $(XDIST) tests/pledge_forms --ds=tests.testapp.settings_showcase \
		-p no:cacheprovider -m "not browser" \
		$(PYTEST_ARGS)

lint: $(STAMP) ## ruff lint and format check, template indentation
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP) ## Apply ruff format and fixes
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

serve: $(STAMP) $(ASSETS) $(MESSAGES) ## Serve with gunicorn and production settings (needs SECRET_KEY etc.)
	DJANGO_SETTINGS_MODULE=cms.settings.production $(MANAGE) collectstatic --noinput -v0
	DJANGO_SETTINGS_MODULE=cms.settings.production $(MANAGE) public_address
	DJANGO_SETTINGS_MODULE=cms.settings.production $(BIN)/gunicorn cms.wsgi:application \
		--bind $(HOST):$(PORT) --workers $${WEB_CONCURRENCY:-2} --no-control-socket \
		--access-logfile -

worker: $(STAMP) ## Run one background-task worker with production settings (run several)
	DJANGO_SETTINGS_MODULE=cms.settings.production $(MANAGE) db_worker --no-reload

publish-scheduled: $(STAMP) ## Publish/unpublish what is due (run every minute from cron)
	$(MANAGE) publish_scheduled

# Its own server, database and media under var/audit/ (docs/audit.md); slow, so not in `make test`.
audit: $(STAMP) $(AXE) $(ASSETS) $(MESSAGES) ## Lighthouse, Nu HTML checker and axe on every public page type (production server)
	$(BIN)/python -m audit.run

bench: $(STAMP) $(ASSETS) $(MESSAGES) ## Run the benchmarks (see bench/README.md)
	$(BIN)/python -m bench.run $(BENCH_ARGS)

clean: ## Remove the virtualenv, node_modules, build/ and var/ (database, media, keys)
	rm -rf $(VENV) node_modules build var
