# Test stand-in for Kubernetes' kube-proxy image: the harness's Debian 12
# base image, the tools kube-proxy runs (iptables, conntrack, ipset) and the
# kube-proxy binary of the harness's Kubernetes build (in the build context).
# Built by tests/harness/k8s-images.sh; never shipped.
ARG BASE_IMAGE
# hadolint ignore=DL3006
FROM ${BASE_IMAGE}

ARG PACKAGES
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

COPY kube-proxy /usr/local/bin/kube-proxy
RUN ["/usr/local/bin/kube-proxy", "--version"]
