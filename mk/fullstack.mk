# The full-stack scenario: site.yml on localhost against the minikube test
# double, the test control plane and the local Docker engine.

##@ Full stack (molecule/default)

.PHONY: test-fullstack
test-fullstack: $(VENV_STAMP) docker-up cluster-build ## Molecule scenario default: site.yml end to end, idempotence, --tags deploy, clean
	@start=$$(date +%s); \
	molecule test -s default; \
	echo "test-fullstack: molecule test took $$(( $$(date +%s) - start ))s"

TEST_TARGETS += test-fullstack

# Every run's figures, each task's time included, also go to
# $(SRE_MINIKUBE_CACHE)/bench-site.json (or BENCH_JSON).
.PHONY: bench-site
bench-site: $(VENV_STAMP) docker-up cluster-build ## Time site.yml: first converge, --tags deploy against bare kubectl, no-op re-run per stage and task
	BENCH_JSON=$${BENCH_JSON:-$(SRE_MINIKUBE_CACHE)/bench-site.json} python tests/harness/bench_site.py

BENCH_TARGETS += bench-site
