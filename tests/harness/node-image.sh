#!/usr/bin/env bash
# Build the node image of the harness's real minikube cluster once per
# machine: a stand-in for minikube's kicbase, usable as
# `minikube start --base-image=<it>` with the docker driver and containerd.
#
# FROM the harness's Debian 12 base image (base-images.sh), with Debian's
# systemd, containerd, runc, CNI plugins and the tools kubeadm checks for,
# plus crictl (sigs.k8s.io/cri-tools) and buildkitd/buildctl
# (github.com/moby/buildkit) built from the Go module proxy into
#   $SRE_MINIKUBE_CACHE/real-cluster/{crictl,buildkit}-<version>/bin
# The build context is tests/harness/node-image/. The image is tagged
#   <REAL_CLUSTER_NODE_IMAGE_REPO>:r<revision>-<digest of everything that goes in>
# so a second run finds it and builds nothing.
#
# Prints NODE_IMAGE=<reference> on stdout when done (and only that, building
# nothing, with --paths); progress and timings go to stderr.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
real_cluster_setup

context=$here/node-image
crictl_dir=$real_cache/crictl-$REAL_CLUSTER_CRICTL_VERSION/bin
buildkit_dir=$real_cache/buildkit-$REAL_CLUSTER_BUILDKIT_VERSION/bin

image_ref() {
	local digest
	digest=$(content_digest "$(base_version)" "$REAL_CLUSTER_NODE_PACKAGES" \
		"crictl $REAL_CLUSTER_CRICTL_VERSION" "buildkit $REAL_CLUSTER_BUILDKIT_VERSION" \
		"$context"/*)
	printf '%s:r%s-%s\n' "$REAL_CLUSTER_NODE_IMAGE_REPO" "$REAL_CLUSTER_NODE_IMAGE_REVISION" "$digest"
}

if [ "${1:-}" = "--paths" ]; then
	printf 'NODE_IMAGE=%s\n' "$(image_ref)"
	exit 0
fi

started=$(date +%s)
"$here/docker-up.sh"
start=$(date +%s)
"$here/base-images.sh" bookworm
phase "base image $base_image" "$start"

hold_lock node-image
ref=$(image_ref)
done_if_image NODE_IMAGE "$ref"

go_tools crictl "$REAL_CLUSTER_CRICTL_VERSION" \
	"-X sigs.k8s.io/cri-tools/pkg/version.Version=${REAL_CLUSTER_CRICTL_VERSION#v}" \
	sigs.k8s.io/cri-tools/cmd/crictl
go_tools buildkit "$REAL_CLUSTER_BUILDKIT_VERSION" \
	"-X github.com/moby/buildkit/version.Version=$REAL_CLUSTER_BUILDKIT_VERSION" \
	github.com/moby/buildkit/cmd/buildkitd github.com/moby/buildkit/cmd/buildctl

start=$(date +%s)
work=$(new_scratch node-image-context)
cp -a "$context/." "$work/"
mkdir -p "$work/bin"
cp "$crictl_dir/crictl" "$buildkit_dir/buildkitd" "$buildkit_dir/buildctl" "$work/bin/"
log "building $ref"
docker_build "$ref" "$work" \
	--build-arg "BASE_IMAGE=$base_image" \
	--build-arg "NODE_PACKAGES=${REAL_CLUSTER_NODE_PACKAGES//,/ }" \
	--build-arg "NODE_IMAGE_VERSION=${ref##*:}"
phase "node image $ref" "$start"
drop_older_builds "$ref"
phase "node image, all" "$started"
printf 'NODE_IMAGE=%s\n' "$ref"
