# Cluster and build stages: the minikube test double (tests/doubles), the
# cluster_addons and image_build roles and their Molecule scenarios.
# Each target installs/starts what it needs: the venv, a Docker engine and
# the control plane's binaries (cached once per machine).

##@ Cluster and build stages (docs/cluster_addons.md, docs/image_build.md, docs/minikube-double.md)

.PHONY: test-minikube-double test-cluster-addons test-image-build
test-minikube-double: $(VENV_STAMP) docker-up cluster-build ## pytest: the minikube test double (its state, control plane and cluster cases)
	@start=$$(date +%s); \
	python -m pytest tests/doubles -q; \
	echo "test-minikube-double: pytest took $$(( $$(date +%s) - start ))s"

test-cluster-addons: $(VENV_STAMP) docker-up cluster-build ## Molecule scenario cluster_addons against the minikube test double
	@start=$$(date +%s); \
	molecule test -s cluster_addons; \
	echo "test-cluster-addons: molecule test took $$(( $$(date +%s) - start ))s"

test-image-build: $(VENV_STAMP) docker-up cluster-build ## pytest of the content hash, then Molecule scenario image_build against the minikube test double
	cd $(COLLECTION_DIR) && PYTHONPATH=$(CURDIR)/collection python -m pytest -q tests/unit/plugins/module_utils/test_context_hash.py tests/unit/plugins/lookup
	@start=$$(date +%s); \
	molecule test -s image_build; \
	echo "test-image-build: molecule test took $$(( $$(date +%s) - start ))s"

TEST_TARGETS += test-minikube-double test-cluster-addons test-image-build
