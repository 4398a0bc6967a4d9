# A real minikube cluster on this machine, offline: the real minikube binary,
# the docker driver, containerd, and a node image and Kubernetes images built
# here (tests/harness/real-cluster.sh, docs/real-cluster.md). `make test`
# runs the Molecule scenarios `real` and `real_ingress` on it (test-real,
# test-real-ingress). The harness's own
# profile is REAL_CLUSTER_PROFILE (default sre-real).

REAL_CLUSTER_SH := tests/harness/real-cluster.sh

##@ Real minikube cluster (docs/real-cluster.md)

.PHONY: real-cluster-build real-cluster-build-addons real-cluster-up real-cluster-down real-cluster-status real-cluster-ingress real-cluster-netpol
real-cluster-build: ## Build the node image, Kubernetes' images and binaries and minikube once per machine (timed)
	@start=$$(date +%s); \
	$(REAL_CLUSTER_SH) build; \
	echo "real-cluster-build: took $$(( $$(date +%s) - start ))s"

real-cluster-build-addons: ## Build the ingress and NetworkPolicy stand-ins once per machine (timed)
	@start=$$(date +%s); \
	$(REAL_CLUSTER_SH) build-addons; \
	echo "real-cluster-build-addons: took $$(( $$(date +%s) - start ))s"

real-cluster-up: ## Start the real minikube profile (builds first if needed; a no-op when it runs)
	@start=$$(date +%s); \
	$(REAL_CLUSTER_SH) up; \
	echo "real-cluster-up: took $$(( $$(date +%s) - start ))s"; \
	$(REAL_CLUSTER_SH) env

real-cluster-down: ## Delete the real minikube profile, leaving no container, network, volume or process
	$(REAL_CLUSTER_SH) down

real-cluster-status: ## Print the real minikube profile's state
	$(REAL_CLUSTER_SH) status

real-cluster-ingress: ## Enable the ingress and ingress-dns addons on the real profile with stand-in images (built once)
	$(REAL_CLUSTER_SH) ingress

real-cluster-netpol: ## Enforce NetworkPolicies on the real profile (kube-router's firewall, built once)
	$(REAL_CLUSTER_SH) netpol

# The runc wrapper is part of every container start on the test machines
# (docker-up.sh); its unit tests are quick and run with `make test`.
.PHONY: test-runc-wrapper
test-runc-wrapper: $(VENV_STAMP) ## Unit tests of the harness dockerd's runc wrapper (tests/harness/runc-wrapper.py)
	python -m pytest -q -p no:cacheprovider tests/harness/runc-wrapper-test.py

TEST_TARGETS += test-runc-wrapper

# The ingress stand-ins' Go tests (routing, proxying, status, the DNS
# answers) need neither Docker nor a cluster; they run with `make test`.
.PHONY: test-ingress-standin
test-ingress-standin: ## Unit tests of the ingress addons' stand-ins (tests/harness/ingress-standin)
	cd tests/harness/ingress-standin && go test -race -count=1 ./...

TEST_TARGETS += test-ingress-standin

# site.yml against a real minikube cluster (molecule/real), part of `make
# test`. A fresh machine builds the cluster's parts first, and Traefik (each
# phase's time is printed; docs/real-cluster.md lists them).
.PHONY: test-real
test-real: $(VENV_STAMP) docker-up minikube-build ## Molecule scenario real: site.yml on a real minikube cluster through the Gateway (real Traefik), idempotence, --tags deploy, clean
	@start=$$(date +%s); \
	molecule test -s real; \
	echo "test-real: molecule test -s real took $$(( $$(date +%s) - start ))s"

TEST_TARGETS += test-real

# The same on the ingress addons' front door (molecule/real_ingress: converge
# and verify only), part of `make test`.
.PHONY: test-real-ingress
test-real-ingress: $(VENV_STAMP) docker-up minikube-build ## Molecule scenario real_ingress: site.yml on a real minikube cluster through minikube's ingress addons (stand-in images)
	@start=$$(date +%s); \
	molecule test -s real_ingress; \
	echo "test-real-ingress: molecule test -s real_ingress took $$(( $$(date +%s) - start ))s"

TEST_TARGETS += test-real-ingress

# Two nodes, and one drained while the verify stage runs (molecule/real_nodes:
# prepare with one node, converge adds the second; docs/real-cluster.md).
# Not part of `make test`: it takes longer than CI's budget allows.
.PHONY: test-real-nodes
test-real-nodes: $(VENV_STAMP) docker-up minikube-build ## Molecule scenario real_nodes: site.yml on a real minikube cluster of two nodes, one node drained while the verify stage pays (not in make test)
	@start=$$(date +%s); \
	molecule test -s real_nodes; \
	echo "test-real-nodes: molecule test -s real_nodes took $$(( $$(date +%s) - start ))s"

# Ansible's files in the tests' cache, as for the checks of make test.
test-real-nodes: export ANSIBLE_HOME := $(TEST_ANSIBLE_HOME)

.PHONY: test-real-cluster
test-real-cluster: ## End-to-end test of the real cluster harness on a profile of its own (not in make test)
	tests/harness/real-cluster-selftest.sh
