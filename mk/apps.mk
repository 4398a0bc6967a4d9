# The workload: the services of apps/services.yml (apps/), their tests and benchmark.

include tests/harness/versions.env

# The services, each a Go module of its own (apps/services.yml lists them),
# and the module of the packages they share (apps/common, taken by each
# service through a replace directive).
APPS_SERVICES := $(shell python3 tools/product_facts.py services)
APPS_DIRS = $(or $(addprefix apps/,$(APPS_SERVICES)),$(error no service read from apps/services.yml (tools/product_facts.py services, python3 with PyYAML)))
APPS_MODULES = apps/common $(APPS_DIRS)
APPS_E2E := tests/e2e/apps
APPS_PYTEST := python -m pytest -p no:cacheprovider -q

##@ Apps

.PHONY: apps-check
apps-check: ## Go checks of the apps' modules: gofmt, go vet, go mod verify, tidy go.sum
	@for dir in $(APPS_MODULES); do \
		echo "apps-check: $$dir"; \
		unformatted=$$(cd $$dir && gofmt -l .); \
		if [ -n "$$unformatted" ]; then echo "gofmt needed in $$dir: $$unformatted"; exit 1; fi; \
		(cd $$dir && go mod verify && go vet ./... && go mod tidy -diff) || exit 1; \
	done

.PHONY: apps-unit
apps-unit: ## go test -race for the apps' modules
	@for dir in $(APPS_MODULES); do (cd $$dir && go test -race -count=1 ./...) || exit 1; done

.PHONY: apps-integration
apps-integration: $(VENV_STAMP) ## Black-box tests of both binaries on 127.0.0.1
	cd $(APPS_E2E) && $(APPS_PYTEST) test_apps_integration.py

.PHONY: apps-postgres
apps-postgres: ## Store and migration tests of the apps' modules against a real Postgres (Debian's, installed and started on 127.0.0.1)
	@dir=$$(tests/harness/postgres.sh up); \
	trap 'tests/harness/postgres.sh down "$$dir"' EXIT; \
	url=$$(tests/harness/postgres.sh url "$$dir"); \
	for module in $(APPS_MODULES); do \
		pkgs=$$(cd $$module && go list -f '{{.ImportPath}} {{join .TestImports " "}} {{join .XTestImports " "}}' ./... \
			| awk '{for (i = 2; i <= NF; i++) if ($$i == "sre.minikube/apps/common/pgtest") {print $$1; next}}'); \
		[ -n "$$pkgs" ] || { echo "apps-postgres: no tests use a database in $$module"; exit 1; }; \
		(cd $$module && TEST_DATABASE_URL="$$url" go test -race -count=1 $$pkgs) || exit 1; \
	done

.PHONY: apps-replicas
apps-replicas: $(VENV_STAMP) ## Several replicas of both apps on one real Postgres: pay once, kill a replica, restart the database
	cd $(APPS_E2E) && $(APPS_PYTEST) test_apps_postgres.py

.PHONY: apps-containers
apps-containers: $(VENV_STAMP) ## Build both images from their Dockerfiles; run them non-root, read-only, no capabilities
	@start=$$(date +%s); \
	cd $(APPS_E2E) && $(APPS_PYTEST) test_apps_containers.py; \
	echo "apps-containers: took $$(( $$(date +%s) - start ))s (image builds included)"

.PHONY: bench-apps
bench-apps: $(VENV_STAMP) ## Image sizes, requests/s and p99 of both services under a bounded wrk load
	@command -v wrk >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		-o DPkg::Lock::Timeout=600 "wrk=$(WRK_VERSION)" >/dev/null
	cd $(APPS_E2E) && python bench_apps.py

TEST_TARGETS += apps-check apps-unit apps-integration apps-postgres apps-replicas apps-containers
BENCH_TARGETS += bench-apps
