# Image of one Go binary that drives the node's packet filter: the harness's
# Debian 12 base image, the tools such binaries run (iptables, conntrack,
# ipset) and BINARY (in the build context) in /usr/local/bin. Used for the
# stand-in of Kubernetes' kube-proxy image and for the NetworkPolicy
# enforcer of the real cluster. Built by tests/harness/k8s-images.sh and
# tests/harness/netpol-images.sh; never shipped.
ARG BASE_IMAGE
# hadolint ignore=DL3006
FROM ${BASE_IMAGE}

ARG PACKAGES
ARG BINARY
ARG IMAGE_VERSION
LABEL sre-minikube.k8s-image.version="${IMAGE_VERSION}"
SHELL ["/bin/bash", "-o", "pipefail", "-c"]

# PACKAGES is a list of name=version-glob words (versions.env): every
# package is pinned, in a form hadolint cannot see.
# hadolint ignore=DL3008
RUN read -r -a packages <<<"${PACKAGES}" \
    && apt-get update -q \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${packages[@]}" \
    && apt-get clean \
    && rm -rf /var/lib/apt/lists/* /var/log/*.log /var/log/apt/* /usr/share/doc/* /usr/share/man/*

COPY ${BINARY} /usr/local/bin/${BINARY}
RUN "/usr/local/bin/${BINARY}" --version
