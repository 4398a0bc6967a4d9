# Install stage: the minikube_install role and its Molecule scenario
# (roles/minikube_install, molecule/minikube_install, tests/harness/release_mirror*).

##@ Install stage

.PHONY: test-install
test-install: $(VENV_STAMP) docker-up base-images minikube-build ## Molecule: minikube_install on Debian 12/13 and localhost, the real minikube from a local release mirror
	@start=$$(date +%s); \
	molecule test -s minikube_install; \
	echo "test-install: molecule test took $$(( $$(date +%s) - start ))s"

TEST_TARGETS += test-install
