# sre.minikube: run `make help` for the targets.
#
# Every target creates or reuses the virtual environment itself, so a fresh
# clone needs nothing but Python 3.11, make and (for the stack) Docker.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

PYTHON ?= python3
VENV ?= $(CURDIR)/.venv
VENV_STAMP := $(VENV)/.installed
PIP_VERSION := 25.3
export PATH := $(VENV)/bin:$(PATH)
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
# Built tools and images live outside the work tree, keyed by version, so a
# machine builds them once.
export SRE_MINIKUBE_CACHE ?= $(HOME)/.cache/sre-minikube

COLLECTION_DIR := collection/ansible_collections/sre/minikube

# Area fragments add their targets and append to TEST_TARGETS / BENCH_TARGETS.
TEST_TARGETS :=
BENCH_TARGETS :=
include $(sort $(wildcard mk/*.mk))

##@ Set-up

.PHONY: help
help: ## Show the targets
	@awk 'BEGIN {FS = ":.*## "} /^##@/ {printf "\n%s\n", substr($$0, 5)} /^[a-zA-Z0-9_.-]+:.*## / {printf "  %-18s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(VENV_STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check pip==$(PIP_VERSION)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

.PHONY: venv
venv: $(VENV_STAMP) ## Create or update the virtual environment (.venv)

##@ The stack (ansible-playbook site.yml on this machine)

.PHONY: all init deploy clean
all: $(VENV_STAMP) ## Run every stage: install, cluster, build, deploy, dns, verify
	ansible-playbook site.yml

init: $(VENV_STAMP) ## Install minikube and start the cluster with its addons
	ansible-playbook site.yml --tags install,cluster

deploy: $(VENV_STAMP) ## Build the images, deploy the services, configure host DNS
	ansible-playbook site.yml --tags build,deploy,dns

clean: $(VENV_STAMP) ## Remove the services and the DNS configuration, keeping the data (DATA=1 deletes it, CLUSTER=1 the profile)
	ansible-playbook site.yml --tags clean $(if $(DATA),-e sre_minikube_remove_data=true) $(if $(CLUSTER),-e sre_minikube_clean_cluster=true)

##@ Checks

.PHONY: lint
lint: $(VENV_STAMP) ## Run yamllint, ansible-lint, ruff and hadolint
	yamllint --strict .
	ruff check .
	ruff format --check .
	ansible-lint
	python tools/role_variables.py --check
	@dockerfiles=$$(git ls-files -co --exclude-standard '*Dockerfile*'); \
	if [ -n "$$dockerfiles" ]; then echo "hadolint $$dockerfiles"; hadolint $$dockerfiles; fi

.PHONY: docs
docs: $(VENV_STAMP) ## Regenerate README.md's role variable tables from the argument specs
	python tools/role_variables.py

.PHONY: unit
unit: $(VENV_STAMP) ## Run the collection's unit tests (pytest)
	cd $(COLLECTION_DIR) && PYTHONPATH=$(CURDIR)/collection python -m pytest tests/unit

.PHONY: sanity
sanity: $(VENV_STAMP) ## Run ansible-test sanity on the collection
	tests/harness/ansible-test-sanity.sh

.PHONY: collection
collection: $(VENV_STAMP) ## Build the collection artifact into dist/
	ansible-galaxy collection build --force --output-path dist $(COLLECTION_DIR)

.PHONY: test-collection
test-collection: collection ## Install the built artifact alone and run its modules
	tests/harness/collection-artifact-test.sh

.PHONY: test
test: lint unit sanity test-collection $(TEST_TARGETS) ## Run every test (what CI runs)
	@echo "make test: all checks passed"

.PHONY: bench
bench: $(BENCH_TARGETS) ## Print the benchmarks' figures
