# The roles' Molecule scenarios, each on the stand-in that gives it what the
# real cluster cannot (docs/testing.md says which and why): a refusal, a
# fault, a platform this machine does not run. Each target installs or
# starts what it needs: the venv, a Docker engine, the control plane's
# binaries, the real minikube (cached once per machine).

##@ Roles (Molecule scenarios; docs/testing.md)

.PHONY: test-install test-cluster-addons test-image-build test-app-deploy test-dns dns-images
test-install: $(VENV_STAMP) docker-up base-images minikube-build ## Molecule: minikube_install on Debian 12/13 and localhost, the real minikube from a local release mirror
	@start=$$(date +%s); \
	molecule test -s minikube_install; \
	echo "test-install: molecule test took $$(( $$(date +%s) - start ))s"

test-cluster-addons: $(VENV_STAMP) docker-up cluster-build ## Molecule scenario cluster_addons against the minikube test double
	@start=$$(date +%s); \
	molecule test -s cluster_addons; \
	echo "test-cluster-addons: molecule test took $$(( $$(date +%s) - start ))s"

test-image-build: $(VENV_STAMP) docker-up cluster-build ## pytest of the content hash, then Molecule scenario image_build against the minikube test double
	cd $(COLLECTION_DIR) && PYTHONPATH=$(CURDIR)/collection python -m pytest -q tests/unit/plugins/module_utils/test_context_hash.py tests/unit/plugins/lookup
	@start=$$(date +%s); \
	molecule test -s image_build; \
	echo "test-image-build: molecule test took $$(( $$(date +%s) - start ))s"

test-app-deploy: $(VENV_STAMP) ## Molecule scenario app_deploy on its own test cluster
	molecule test -s app_deploy

dns-images: docker-up base-images ## Build the dns_resolver test images (systemd, systemd-resolved, NetworkManager)
	tests/harness/dns-images.sh >/dev/null

test-dns: docker-up base-images $(VENV_STAMP) ## Molecule scenario dns_resolver: each resolver backend converged, resolution through a DNS stand-in
	@start=$$(date +%s); \
	molecule test -s dns_resolver; \
	echo "test-dns: molecule test -s dns_resolver took $$(( $$(date +%s) - start ))s"

TEST_TARGETS += test-install test-cluster-addons test-image-build test-app-deploy test-dns
