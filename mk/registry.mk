# The tests' image registry for an existing cluster (tests/harness/registry.sh,
# docs/real-cluster.md, section "The registry").

##@ Test registry (docs/real-cluster.md)

.PHONY: test-registry
test-registry: ## End-to-end test of the tests' registry: up, push and pull through the harness's dockerd, connect, down (not in make test)
	@start=$$(date +%s); \
	tests/harness/registry-selftest.sh; \
	echo "test-registry: took $$(( $$(date +%s) - start ))s"
