#!/usr/bin/env bash
# Build the NetworkPolicy enforcer image of the harness's real minikube
# cluster once per machine: kube-router (github.com/cloudnativelabs/kube-router/v2,
# REAL_CLUSTER_KUBE_ROUTER_VERSION) on the Debian 12 base image with iptables,
# conntrack and ipset (k8s-images/iptables-tool.Dockerfile). minikube's
# bridge CNI does not enforce NetworkPolicies; netpol/kube-router.yaml runs
# kube-router's firewall alone as a DaemonSet that does.
#
# Prints NETPOL_IMAGE=<reference> on stdout (and only that, building nothing,
# with --paths); progress and timings go to stderr.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
real_cluster_setup

version=$REAL_CLUSTER_KUBE_ROUTER_VERSION
bin_dir=$real_cache/kube-router-$version/bin

image_ref() {
	local digest
	digest=$(content_digest "$REAL_CLUSTER_IMAGES_REVISION" "$version" "$REAL_CLUSTER_IPTABLES_TOOL_PACKAGES" \
		"$here/k8s-images/iptables-tool.Dockerfile" \
		"$(base_version)")
	printf 'sre-minikube-test/netpol-enforcer:kube-router-%s-%s\n' "$version" "$digest"
}

if [ "${1:-}" = "--paths" ]; then
	printf 'NETPOL_IMAGE=%s\n' "$(image_ref)"
	exit 0
fi

started=$(date +%s)
"$here/docker-up.sh"
"$here/base-images.sh" bookworm
hold_lock netpol-images
ref=$(image_ref)
done_if_image NETPOL_IMAGE "$ref"

go_tools kube-router "$version" \
	"-X github.com/cloudnativelabs/kube-router/v2/pkg/version.Version=$version" \
	github.com/cloudnativelabs/kube-router/v2/cmd/kube-router

start=$(date +%s)
work=$(new_scratch netpol-context)
cp "$bin_dir/kube-router" "$work/kube-router"
docker_build "$ref" "$work" -f "$here/k8s-images/iptables-tool.Dockerfile" \
	--build-arg "BASE_IMAGE=$base_image" \
	--build-arg "PACKAGES=${REAL_CLUSTER_IPTABLES_TOOL_PACKAGES//,/ }" \
	--build-arg BINARY=kube-router --build-arg "IMAGE_VERSION=${ref##*:}"
phase "image $ref" "$start"
drop_older_builds "$ref"
phase "netpol enforcer, all" "$started"
printf 'NETPOL_IMAGE=%s\n' "$ref"
