# Traefik, the Gateway API controller of the front door, for the harness's
# real minikube cluster, where the published image cannot be pulled: the
# real Traefik, built from its Go module at the release of the product's
# image tag (tests/harness/front-door-images.sh), on the harness's Debian 12
# base image (which has ca-certificates). Never shipped.
ARG BASE_IMAGE
# hadolint ignore=DL3006
FROM ${BASE_IMAGE}

ARG IMAGE_VERSION
LABEL sre-minikube.k8s-image.version="${IMAGE_VERSION}"

COPY traefik /usr/local/bin/traefik
RUN test -s /etc/ssl/certs/ca-certificates.crt \
    && /usr/local/bin/traefik version

# Not root; the Deployment's securityContext says the same.
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/traefik"]
