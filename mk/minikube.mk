# The real minikube binary (built from source), the contract the roles rely
# on (tests/minikube_contract), the recordings of the real binary that the
# test double is held to, and the double's own tests (tests/doubles).

##@ minikube: the real binary and its contract (docs/minikube-double.md)

MINIKUBE_CONTRACT_DIR := tests/minikube_contract

.PHONY: minikube-build minikube-record test-minikube-contract test-minikube-double
minikube-build: ## Build the real minikube (the product's pinned version) from the Go module proxy, once per machine
	@start=$$(date +%s); \
	tests/harness/minikube-build.sh >/dev/null; \
	echo "minikube-build: took $$(( $$(date +%s) - start ))s"

minikube-record: $(VENV_STAMP) docker-up minikube-build ## Record the real binary's answers to the contract's cases (commit the result)
	python $(MINIKUBE_CONTRACT_DIR)/record.py

test-minikube-contract: $(VENV_STAMP) docker-up minikube-build cluster-build ## The contract suite: every case on the real binary and the double, against the recordings
	@start=$$(date +%s); \
	python -m pytest -p no:cacheprovider -q $(MINIKUBE_CONTRACT_DIR); \
	echo "test-minikube-contract: took $$(( $$(date +%s) - start ))s"

test-minikube-double: $(VENV_STAMP) docker-up cluster-build ## pytest: the minikube test double (its state, control plane and cluster cases)
	@start=$$(date +%s); \
	python -m pytest tests/doubles -q; \
	echo "test-minikube-double: pytest took $$(( $$(date +%s) - start ))s"

TEST_TARGETS += test-minikube-contract test-minikube-double

.PHONY: test-minikube-contract-real
test-minikube-contract-real: $(VENV_STAMP) ## The contract suite with its cluster cases on a real minikube cluster too (make real-cluster-up)
	@$(MAKE) real-cluster-up >/dev/null
	@home=$$(tests/harness/real-cluster.sh env | sed -n 's/^export MINIKUBE_HOME=//p'); \
	if [ -z "$$home" ]; then echo "test-minikube-contract-real: the real cluster names no MINIKUBE_HOME" >&2; exit 1; fi; \
	SRE_MINIKUBE_REAL_HOME=$$home python -m pytest -p no:cacheprovider -q $(MINIKUBE_CONTRACT_DIR)
