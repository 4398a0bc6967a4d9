##@ Verification (docs/verify.md)

# The verify stage against the configured cluster, and its end-to-end test
# on the harness cluster (tests/harness/cluster.sh) with the pod backends
# (tests/harness/pod_backends.py) standing in for the container runtime.

.PHONY: verify test-verify
verify: $(RUNTIME_STAMP) ## Pay every unpaid invoice once, check each pod, the Ingress and the charges, prove payment-provider is internal
	ansible-playbook site.yml --tags verify

test-verify: $(VENV_STAMP) cluster-build ## End-to-end test of the verify stage (test cluster, real app processes)
	python -m pytest tests/e2e/test_verify.py

TEST_TARGETS += test-verify

.PHONY: test-cluster-target
test-cluster-target: $(VENV_STAMP) cluster-build ## The install and cluster stages of a cluster target on the test cluster: checks, refusals, no minikube (docs/shared-cluster.md)
	python -m pytest tests/e2e/test_cluster_target.py

TEST_TARGETS += test-cluster-target
