# The workload: invoice-app and payment-provider (apps/), their tests and benchmark.

include tests/harness/versions.env

APPS_DIRS := apps/invoice-app apps/payment-provider
APPS_E2E := tests/e2e/apps
APPS_PYTEST := python -m pytest -p no:cacheprovider -q
# Files kept identical in both services (up to the module path).
APPS_SHARED = $(sort $(foreach app,invoice-app payment-provider,$(foreach pkg,httpx money postgres pgtest,\
	$(patsubst apps/$(app)/%,%,$(wildcard apps/$(app)/internal/$(pkg)/*.go))))) internal/config/env.go

##@ Apps

.PHONY: apps-check
apps-check: ## Go checks of both apps: gofmt, go vet, go mod verify, tidy go.sum, shared copies in sync
	@for dir in $(APPS_DIRS); do \
		echo "apps-check: $$dir"; \
		unformatted=$$(cd $$dir && gofmt -l .); \
		if [ -n "$$unformatted" ]; then echo "gofmt needed in $$dir: $$unformatted"; exit 1; fi; \
		(cd $$dir && go mod verify && go vet ./... && go mod tidy -diff); \
	done
	@# Shared code is copied, so that each service builds alone from its own
	@# directory; the copies must match up to the module path.
	@for file in $(APPS_SHARED); do \
		diff <(sed 's#sre.minikube/apps/invoice-app/#MODULE/#' apps/invoice-app/$$file) \
			<(sed 's#sre.minikube/apps/payment-provider/#MODULE/#' apps/payment-provider/$$file) \
			|| { echo "apps-check: apps/*/$$file differ between the services"; exit 1; }; \
	done

.PHONY: apps-unit
apps-unit: ## go test -race for both apps
	@for dir in $(APPS_DIRS); do (cd $$dir && go test -race -count=1 ./...); done

.PHONY: apps-integration
apps-integration: $(VENV_STAMP) ## Black-box tests of both binaries on 127.0.0.1
	cd $(APPS_E2E) && $(APPS_PYTEST) test_apps_integration.py

.PHONY: apps-postgres
apps-postgres: ## Store and migration tests of both apps against a real Postgres (Debian's, installed and started on 127.0.0.1)
	@dir=$$(tests/harness/postgres.sh up); \
	trap 'tests/harness/postgres.sh down "$$dir"' EXIT; \
	url=$$(tests/harness/postgres.sh url "$$dir"); \
	for app in $(APPS_DIRS); do \
		pkgs=$$(cd $$app && go list -f '{{.ImportPath}} {{join .TestImports " "}} {{join .XTestImports " "}}' ./... \
			| awk '{for (i = 2; i <= NF; i++) if ($$i ~ /\/internal\/pgtest$$/) {print $$1; next}}'); \
		[ -n "$$pkgs" ] || { echo "apps-postgres: no tests use a database in $$app"; exit 1; }; \
		(cd $$app && TEST_DATABASE_URL="$$url" go test -race -count=1 $$pkgs); \
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
