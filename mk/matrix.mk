# The ansible-core range the collection declares (requires_ansible in
# meta/runtime.yml): its unit tests and ansible-test sanity on every minor
# of it that runs on Python 3.11. The newest minor is the runtime's own pin
# (requirements.txt), which `make unit` and `make sanity` run on in the main
# environment; each older one runs in an environment of its own in the
# cache, built once and rebuilt when its pinned requirements change.

##@ Ansible versions (requires_ansible: >=2.17.0)

# The newest release of each older ansible-core minor in the range.
# (2.20 needs Python 3.12.)
MATRIX_ANSIBLE_CORE := 2.17.14 2.18.19
# What the unit tests import besides ansible-core, at the pins of the main
# environment.
MATRIX_REQUIREMENTS = $(shell grep -hE '^(pytest|kubernetes)==' requirements.txt requirements-dev.txt)
# A directory holding ansible_collections/ with the collections the unit
# tests import (kubernetes.core): by default those of the main environment.
MATRIX_COLLECTIONS = $(firstword $(wildcard $(VENV)/lib/python3*/site-packages))
MATRIX_DIR := $(SRE_MINIKUBE_CACHE)/matrix

.PHONY: matrix $(addprefix matrix-,$(MATRIX_ANSIBLE_CORE))
matrix: $(addprefix matrix-,$(MATRIX_ANSIBLE_CORE)) unit sanity ## Run the collection's unit tests and ansible-test sanity on ansible-core 2.17, 2.18 and 2.19
	@echo "make matrix: unit and sanity passed on ansible-core $(MATRIX_ANSIBLE_CORE) $(shell sed -n 's/^ansible-core==//p' requirements.txt)"

# matrix-<version>: one ansible-core release. Its environment, on the main
# environment's Python, holds ansible-core, pytest and the Kubernetes client
# only; the other collections come from MATRIX_COLLECTIONS through links in
# collections/, which hold nothing else (so the Python packages beside them,
# the main environment's ansible-core among them, stay out of sight).
$(addprefix matrix-,$(MATRIX_ANSIBLE_CORE)): matrix-%: $(VENV_STAMP)
	@start=$$(date +%s); dir="$(MATRIX_DIR)/$*"; mkdir -p "$$dir"; \
	{ echo "# $$($(VENV)/bin/python -V)"; printf '%s\n' "ansible-core==$*" $(MATRIX_REQUIREMENTS); } >"$$dir/requirements.new"; \
	if ! cmp -s "$$dir/requirements.new" "$$dir/requirements.txt" || [ ! -x "$$dir/venv/bin/python" ]; then \
		echo "matrix-$*: building $$dir/venv"; \
		rm -rf "$$dir/venv" "$$dir/requirements.txt"; \
		$(VENV)/bin/python -m venv "$$dir/venv"; \
		"$$dir/venv/bin/pip" install --quiet --disable-pip-version-check pip==$(PIP_VERSION); \
		"$$dir/venv/bin/pip" install --quiet --disable-pip-version-check -r "$$dir/requirements.new"; \
		mv "$$dir/requirements.new" "$$dir/requirements.txt"; \
	fi; \
	rm -f "$$dir/requirements.new"; \
	source=$(MATRIX_COLLECTIONS); \
	[ -d "$$source/ansible_collections/kubernetes/core" ] || { echo "matrix-$*: no kubernetes.core under MATRIX_COLLECTIONS=$$source" >&2; exit 1; }; \
	rm -rf "$$dir/collections"; mkdir -p "$$dir/collections/ansible_collections"; \
	for ns in "$$source"/ansible_collections/*/; do \
		ns=$${ns%/}; [ "$${ns##*/}" = sre ] || ln -s "$$ns" "$$dir/collections/ansible_collections/"; \
	done; \
	export PATH="$$dir/venv/bin:$$PATH"; \
	version=$$(python -c 'from ansible.release import __version__; print(__version__)'); \
	[ "$$version" = "$*" ] || { echo "matrix-$*: ansible-core is $$version on PATH" >&2; exit 1; }; \
	echo "matrix-$*: unit tests"; \
	(cd $(COLLECTION_DIR) && PYTHONPATH=$(CURDIR)/collection:$$dir/collections \
		python -m pytest -q -p no:cacheprovider tests/unit); \
	echo "matrix-$*: ansible-test sanity"; \
	ANSIBLE_TEST="$$dir/venv/bin/ansible-test" tests/harness/ansible-test-sanity.sh; \
	echo "matrix-$*: unit and sanity took $$(( $$(date +%s) - start ))s"

$(addprefix matrix-,$(MATRIX_ANSIBLE_CORE)): export ANSIBLE_HOME := $(TEST_ANSIBLE_HOME)

TEST_TARGETS += matrix
