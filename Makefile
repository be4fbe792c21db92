# The few commands a newcomer needs. Everything installs itself into .venv on first use.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 3000
# aws-sam-cli pins click and friends: it lives in its own venv so it never fights .[dev].
SAM_VENV ?= .venv-sam
SAM := SAM_CLI_TELEMETRY=0 $(SAM_VENV)/bin/sam
# Linting resolves region-specific resource specs; any region works for a template check.
SAM_REGION ?= us-east-1
ENV ?= dev

.PHONY: install test lint typecheck run load bench clean
.PHONY: sam-install validate build sam openapi coldstart deploy
.PHONY: checkov-install checkov smoke

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed
	$(PY) layers/newsbrief/build_gazetteer.py --if-missing

# The local stack: template.yaml's functions over HTTP on 127.0.0.1:$(PORT) against an embedded
# moto server (no Docker, no AWS account). Prints the API key; `make run PORT=8080` moves it.
# Data is kept under .local/ across restarts; `make run RUN_ARGS=--fresh` starts empty.
RUN_ARGS ?=
run: install
	$(PY) -m newsbrief_local --port $(PORT) $(RUN_ARGS)

# Load test of the local stack (starts its own): 32 clients for 20 s, latency percentiles.
load: install
	$(PY) -m benchmarks.load

# Quality and speed on ../shared/data (each prints its own table; see benchmarks/README.md).
bench: install
	$(PY) -m benchmarks.extraction
	$(PY) -m benchmarks.summaries
	$(PY) -m benchmarks.entities
	$(PY) -m benchmarks.fetch

lint: install
	$(VENV)/bin/ruff check .

# mypy, configured in pyproject.toml: strict on the core library, plain on the adapters and the
# local stack; every ignore names its error code and an unused one is an error.
typecheck: install
	$(VENV)/bin/mypy

test: install lint typecheck sam checkov-install
	$(PY) -m pytest

# The stamp names the pins: changing a version reinstalls, editing the Makefile does not.
SAM_PINS := aws-sam-cli==1.170.0 cfn-lint-serverless==0.3.6
SAM_STAMP := $(SAM_VENV)/.installed-$(subst $() ,_,$(SAM_PINS))
$(SAM_STAMP):
	$(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/pip install --quiet --upgrade pip
	$(SAM_VENV)/bin/pip install --quiet $(SAM_PINS)
	touch $@

sam-install: $(SAM_STAMP)

# The template must pass cfn-lint with the serverless rules (.cfnlintrc.yaml) with no finding.
validate: sam-install
	$(SAM) validate --lint --region $(SAM_REGION)

# Both layers and the functions for python3.13 arm64, no Docker (see layers/deps/build_layer.py).
# The deps layer is pinned (PIP_CONSTRAINT, which pip reads itself) to the versions installed
# in .venv, so Lambda runs exactly the dependency versions the tests ran against.
build: install sam-install
	mkdir -p .aws-sam
	$(PY) -m pip list --format=freeze --exclude-editable > .aws-sam/constraints.txt
	PIP_CONSTRAINT=$(abspath .aws-sam/constraints.txt) $(SAM) build --parallel

sam: validate build

# checkov, the scanner platform teams run on templates. A dev tool like the SAM CLI, and like it
# in its own venv: it pins boto3 and packaging to versions older than the ones the code is
# tested with. tests/integration/test_template.py runs it and requires zero failed checks.
CHECKOV_VENV ?= .venv-checkov
CHECKOV_PINS := checkov==3.3.30
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed-$(subst $() ,_,$(CHECKOV_PINS))
$(CHECKOV_STAMP):
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --quiet --upgrade pip
	$(CHECKOV_VENV)/bin/pip install --quiet $(CHECKOV_PINS)
	touch $@

checkov-install: $(CHECKOV_STAMP)

# Offline: --skip-download and BC_SKIP_MAPPING keep it from fetching guideline links.
checkov: checkov-install
	BC_SKIP_MAPPING=TRUE $(CHECKOV_VENV)/bin/checkov -f template.yaml \
		--framework cloudformation --skip-download --compact

# Regenerate the committed OpenAPI document from the API's routes (a test fails on drift).
openapi: install
	$(PY) -m newsbrief_local.openapi --write

# Cold import CPU time of each handler in fresh processes, and the built artifact sizes.
coldstart: install
	$(PY) benchmarks/coldstart.py

# The end-to-end suite against a deployment (the stack outputs ApiUrl and ApiKeyId give both):
# read-only, unless SMOKE_PAGES names where tests/fixtures/smoke is published (then it also
# writes briefs of those pages, each run under its own ?smoke-run= query).
smoke: install
	@if [ -z "$(API_URL)" ] || [ -z "$(API_KEY)" ]; then \
		echo "usage: make smoke API_URL=https://.../v1 API_KEY=... [SMOKE_PAGES=https://.../]" >&2; \
		exit 2; fi
	NEWSBRIEF_SMOKE_URL="$(API_URL)" NEWSBRIEF_SMOKE_KEY="$(API_KEY)" \
		NEWSBRIEF_SMOKE_PAGES="$(SMOKE_PAGES)" $(PY) -m pytest tests/e2e -p no:cacheprovider

# Needs AWS credentials: sam deploy --config-env dev|prod (samconfig.toml).
deploy: build
	$(SAM) deploy --config-env $(ENV)

clean:
	rm -rf $(VENV) $(SAM_VENV) $(CHECKOV_VENV) .aws-sam build .pytest_cache .mypy_cache
