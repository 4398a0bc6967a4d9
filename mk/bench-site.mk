# The site.yml benchmark (tests/harness/bench_site.py). It runs in the
# environment of molecule/default: the minikube test double published as a
# release, the test control plane, the pod backends and the local Docker
# engine (docs/testing.md). That scenario is the benchmark's only user: the
# real cluster's scenario (make test-real) tests the same path.

##@ Benchmark of site.yml (molecule/default's environment)

# Every run's figures, each task's time included, also go to
# $(SRE_MINIKUBE_CACHE)/bench-site.json (or BENCH_JSON).
.PHONY: bench-site
bench-site: $(VENV_STAMP) docker-up cluster-build ## Time site.yml: first converge, --tags deploy against bare kubectl, no-op re-run per stage and task
	BENCH_JSON=$${BENCH_JSON:-$(SRE_MINIKUBE_CACHE)/bench-site.json} python tests/harness/bench_site.py

BENCH_TARGETS += bench-site
