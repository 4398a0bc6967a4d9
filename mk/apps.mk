# The workload: invoice-app and payment-provider (apps/), their tests and benchmark.

include tests/harness/versions.env

APPS_DIRS := apps/invoice-app apps/payment-provider
APPS_E2E := tests/e2e/apps
APPS_PYTEST := python -m pytest -p no:cacheprovider -q

##@ Apps

.PHONY: apps-check
apps-check: ## Go checks of both apps: gofmt, go vet, go mod verify, tidy go.sum, shared copies in sync
	@for dir in $(APPS_DIRS); do \
		echo "apps-check: $$dir"; \
		unformatted=$$(cd $$dir && gofmt -l .); \
		if [ -n "$$unformatted" ]; then echo "gofmt needed in $$dir: $$unformatted"; exit 1; fi; \
		(cd $$dir && go mod verify && go vet ./... && go mod tidy -diff); \
	done
	diff -r apps/invoice-app/internal/httpx apps/payment-provider/internal/httpx
	diff -r apps/invoice-app/internal/money apps/payment-provider/internal/money
	diff apps/invoice-app/internal/config/env.go apps/payment-provider/internal/config/env.go

.PHONY: apps-unit
apps-unit: ## go test -race for both apps
	@for dir in $(APPS_DIRS); do (cd $$dir && go test -race -count=1 ./...); done

.PHONY: apps-integration
apps-integration: $(VENV_STAMP) ## Black-box tests of both binaries on 127.0.0.1
	cd $(APPS_E2E) && $(APPS_PYTEST) test_apps_integration.py

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

TEST_TARGETS += apps-check apps-unit apps-integration apps-containers
BENCH_TARGETS += bench-apps
