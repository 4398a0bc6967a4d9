# sre.minikube: run `make help` for the targets.
#
# Every target creates or reuses the virtual environment itself, so a fresh
# clone needs nothing but Python 3.11 to 3.13, make and (for the stack)
# Docker. The stack's targets install only the runtime requirements
# (requirements.txt); the checks add the development tools
# (requirements-dev.txt) to the same environment.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

PYTHON ?= python3
# The Pythons the pinned requirements run on: ansible-core 2.19 runs its
# controller on 3.11, 3.12 and 3.13.
PYTHON_SUPPORTED := 3.11 3.12 3.13
VENV ?= $(CURDIR)/.venv
# Runtime requirements only: what ansible-playbook site.yml needs.
RUNTIME_STAMP := $(VENV)/.installed-runtime
# The runtime plus the development tools (Molecule, linters, pytest).
VENV_STAMP := $(VENV)/.installed
PIP_VERSION := 25.3
export PATH := $(VENV)/bin:$(PATH)
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
# Built tools and images live outside the work tree, keyed by version, so a
# machine builds them once.
export SRE_MINIKUBE_CACHE ?= $(HOME)/.cache/sre-minikube

COLLECTION_DIR := collection/ansible_collections/sre/minikube
# The checks' Ansible home, in the tests' cache rather than ~/.ansible:
# ansible's temporary files (local_tmp), the galaxy cache, Molecule's
# scenario directories (ansible-compat keeps them under ANSIBLE_HOME/tmp)
# and, through the sanity script, ansible-test's virtual environments and
# its bootstrap cache. The stack's own targets (all, init, deploy, clean)
# keep the user's.
TEST_ANSIBLE_HOME := $(SRE_MINIKUBE_CACHE)/ansible

# Area fragments add their targets and append to TEST_TARGETS / BENCH_TARGETS.
TEST_TARGETS :=
BENCH_TARGETS :=
include $(sort $(wildcard mk/*.mk))

##@ Set-up

.PHONY: help
help: ## Show the targets
	@awk 'BEGIN {FS = ":.*## "} /^##@/ {printf "\n%s\n", substr($$0, 5)} /^[a-zA-Z0-9_.-]+:.*## / {printf "  %-18s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

# Refuses an interpreter outside PYTHON_SUPPORTED (or none at all) before
# a virtual environment is created or anything is installed, and says
# which versions work and how to pick one.
define CHECK_PYTHON
version=$$($(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) || version=""; \
case " $(PYTHON_SUPPORTED) " in \
*" $$version "*) ;; \
*) if [ -n "$$version" ]; then found="$(PYTHON) is Python $$version"; \
   else found="$(PYTHON) was not found or did not run"; fi; \
   echo "sre.minikube needs Python $(subst $(eval) ,$(comma) ,$(filter-out $(lastword $(PYTHON_SUPPORTED)),$(PYTHON_SUPPORTED))) or $(lastword $(PYTHON_SUPPORTED)) (ansible-core 2.19), but $$found." >&2; \
   echo "Nothing was installed. Install one of them (on macOS: brew install python@3.12)" >&2; \
   echo "and name it: make PYTHON=python3.12 $(or $(MAKECMDGOALS),help)" >&2; \
   exit 1;; \
esac
endef
comma := ,

.PHONY: check-python
check-python: ## Check that PYTHON (default python3) is a Python the stack supports (3.11 to 3.13)
	@$(CHECK_PYTHON)

# The collections are not Python packages: requirements.yml pins them and
# tools/bundled_collections.py copies them into the venv's site-packages out
# of the wheel requirements-collections.txt pins (kept in the cache).
$(RUNTIME_STAMP): requirements.txt requirements.yml requirements-collections.txt tools/bundled_collections.py
	@$(CHECK_PYTHON)
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check pip==$(PIP_VERSION)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
	$(VENV)/bin/python tools/bundled_collections.py
	touch $@

$(VENV_STAMP): $(RUNTIME_STAMP) requirements.txt requirements-dev.txt
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

.PHONY: venv venv-runtime
venv: $(VENV_STAMP) ## Create or update the virtual environment (.venv) with the development tools
venv-runtime: $(RUNTIME_STAMP) ## Create or update .venv with what the stack needs only (requirements.txt, the collections of requirements.yml)

##@ The stack (ansible-playbook site.yml on this machine)

.PHONY: all init deploy clean
# tools/become_check.py runs ansible-playbook with these arguments and adds
# --ask-become-pass when a selected stage needs root and sudo asks for a
# password: one prompt, in a terminal; without one it explains and stops.
PLAYBOOK := python tools/become_check.py

all: $(RUNTIME_STAMP) ## Run every stage: install, cluster, build, deploy, dns, verify
	$(PLAYBOOK) site.yml

init: $(RUNTIME_STAMP) ## Install minikube and start the cluster with its addons
	$(PLAYBOOK) site.yml --tags install,cluster

deploy: $(RUNTIME_STAMP) ## Build the images, deploy the services, configure host DNS
	$(PLAYBOOK) site.yml --tags build,deploy,dns

# Needs no root and changes nothing: ansible-playbook's exit status says
# whether the stack can run here (non-zero when a check fails).
.PHONY: doctor
doctor: $(RUNTIME_STAMP) ## Check whether this machine can run the stack: one line per check with its fix; fails when it cannot
	ansible-playbook playbooks/doctor.yml -e sre_minikube_python_supported=$(subst $(eval) ,$(comma),$(strip $(PYTHON_SUPPORTED)))

# PURGE=1 removes, besides the profile, what else the stack put on this
# machine: the minikube binary the install stage installed (when it is still
# that file; playbooks/tasks/purge.yml), the stack's record of it, the
# pinned wheel a .venv takes its collections from (tools/bundled_collections.py)
# and the clone's .venv. A VENV given to make is not the clone's own and stays.
ifeq ($(origin VENV),file)
PURGE_VENV := rm -rf $(VENV)
else
PURGE_VENV := @echo "make clean: keeping $(VENV), given as VENV: it is not the clone's .venv"
endif

clean: $(RUNTIME_STAMP) ## Remove the services and the DNS configuration, keeping the data (DATA=1 deletes it, CLUSTER=1 the profile if the stack created it, PURGE=1 also the minikube binary it installed, the collections' wheel and .venv)
	$(PLAYBOOK) site.yml --tags clean $(if $(DATA),-e sre_minikube_remove_data=true) $(if $(CLUSTER),-e sre_minikube_clean_cluster=true) $(if $(PURGE),-e sre_minikube_purge=true)
	$(if $(PURGE),rm -rf $(SRE_MINIKUBE_CACHE)/wheels)
	$(if $(PURGE),$(PURGE_VENV))

##@ Checks

.PHONY: lint
lint: $(VENV_STAMP) ## Run yamllint, ansible-lint, ruff, hadolint, antsibull-changelog lint and the roles' specs and READMEs check
	yamllint --strict .
	python tools/role_specs.py --check
	ruff check .
	ruff format --check .
	ansible-lint
	cd $(COLLECTION_DIR) && antsibull-changelog lint
	@dockerfiles=$$(git ls-files -co --exclude-standard '*Dockerfile*'); \
	if [ -n "$$dockerfiles" ]; then echo "hadolint $$dockerfiles"; hadolint $$dockerfiles; fi

.PHONY: unit
unit: $(VENV_STAMP) ## Run the unit tests: the collection's (tests/unit) and the repository's (tests/test_*.py: the Makefile's Python check, the sudo check, the services render, the roles' inputs, specs and platforms, the settings' precedence, make doctor on this machine, the pinned collections' install, the purge of make clean PURGE=1)
	python -m pytest -q -p no:cacheprovider tests/test_*.py
	cd $(COLLECTION_DIR) && PYTHONPATH=$(CURDIR)/collection python -m pytest tests/unit

.PHONY: role-specs
role-specs: $(VENV_STAMP) ## Write the roles' defaults (defaults/main.yml) into their meta/argument_specs.yml, and their README.md from those specs
	python tools/role_specs.py

.PHONY: sanity
sanity: $(VENV_STAMP) ## Run ansible-test sanity on the collection
	tests/harness/ansible-test-sanity.sh

.PHONY: collection
collection: $(VENV_STAMP) ## Build the collection artifact into dist/ (roles, site playbook, modules, LICENSE)
	collection/build-artifact.sh dist

.PHONY: test-collection
test-collection: collection ## Install the built artifact alone; run its modules, role docs and site playbook
	tests/harness/collection-artifact-test.sh

# The checks that need neither root nor Docker, so they run on any
# contributor's machine (Linux or macOS): the artifact test installs the
# built collection into a temporary directory and runs only its modules, its
# role docs and a build stage that computes image tags without building.
.PHONY: check
check: lint unit sanity test-collection matrix ## Run the checks that need no root and no Docker: lint, unit, sanity, the artifact test, ansible-core 2.17 and 2.18
	@echo "make check: all checks passed"

.PHONY: test
test: lint unit sanity test-collection $(TEST_TARGETS) ## Run every test (what CI runs; Debian, as root: installs Docker, Postgres, debootstrap)
	@echo "make test: all checks passed"

.PHONY: bench
bench: $(BENCH_TARGETS) ## Print the benchmarks' figures

# Every check writes Ansible's files into the tests' cache (TEST_ANSIBLE_HOME);
# make passes a target's variables on to its prerequisites.
lint unit sanity collection test-collection check test bench $(TEST_TARGETS) $(BENCH_TARGETS): export ANSIBLE_HOME := $(TEST_ANSIBLE_HOME)
# The checks that run nothing in a container (make check) also keep the
# temporary directories of their local tasks there: Ansible puts those in
# remote_tmp, ~/.ansible/tmp unless told, whatever ANSIBLE_HOME says. The
# scenarios' containers keep their own default.
lint unit sanity collection test-collection matrix check: export ANSIBLE_REMOTE_TMP := $(TEST_ANSIBLE_HOME)/tmp
