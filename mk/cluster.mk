# The test cluster: a real control plane with kwok's simulated nodes
# (tests/harness/cluster.sh), under the minikube test double, app_deploy's
# scenario, the verify stage's end-to-end test and the benchmark.

##@ Test cluster (docs/test-cluster.md)

# The harness reads SRE_CLUSTER_NAME, SRE_CLUSTER_NODES, SRE_CLUSTER_CONTEXT,
# SRE_CLUSTER_KUBECONFIG and SRE_CLUSTER_WAIT from the environment or the
# make command line.
CLUSTER_SH := tests/harness/cluster.sh

.PHONY: cluster-build cluster-up cluster-down cluster-status
cluster-build: ## Build the control plane's binaries into the cache (once per machine)
	$(CLUSTER_SH) build

cluster-up: ## Start the test cluster on 127.0.0.1 (a no-op when it runs)
	$(CLUSTER_SH) up
	@echo "kubeconfig: $$($(CLUSTER_SH) kubeconfig)"

cluster-down: ## Delete the test cluster, leaving no process behind
	$(CLUSTER_SH) down

cluster-status: ## Print the test cluster's state
	$(CLUSTER_SH) status

.PHONY: test-cluster
test-cluster: ## Test the cluster harness: two clusters, no-op re-up, loopback only, nothing left
	tests/harness/cluster-selftest.sh

TEST_TARGETS += test-cluster
