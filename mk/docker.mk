# Container engine and locally built images for the tests (tests/harness/docker*, images*).

DOCKER_HARNESS_DIR := tests/harness

##@ Test harness: Docker

.PHONY: docker-up
docker-up: ## Start a local Docker engine if none answers (installs Debian's docker.io when missing)
	$(DOCKER_HARNESS_DIR)/docker-up.sh

.PHONY: base-images
base-images: ## Build the Debian 12/13 base images (sre-minikube-test/debian:12, :13) with debootstrap
	$(DOCKER_HARNESS_DIR)/base-images.sh
