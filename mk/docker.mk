# Container engine and locally built images for the tests (tests/harness/docker*, images*).

DOCKER_HARNESS_DIR := tests/harness

##@ Test harness: Docker

.PHONY: docker-up
docker-up: ## Start a local Docker engine if none answers (installs Debian's Docker engine when missing)
	$(DOCKER_HARNESS_DIR)/docker-up.sh

.PHONY: base-images
base-images: ## Build the Debian 12/13 base images (sre-minikube-test/debian:12, :13) with debootstrap
	$(DOCKER_HARNESS_DIR)/base-images.sh

.PHONY: go-builder-image
go-builder-image: ## Build the local stand-in of the Go builder image the apps' Dockerfiles name
	$(DOCKER_HARNESS_DIR)/images/go-builder.sh

.PHONY: app-images
app-images: ## Build the apps' images from their Dockerfiles (tags derived from the sources)
	$(DOCKER_HARNESS_DIR)/docker-app-images.sh
