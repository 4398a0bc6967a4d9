#!/usr/bin/env bash
# A real minikube cluster on a test machine with no internet: the real
# minikube binary (minikube-build.sh), the docker driver, the containerd
# runtime, the harness's node image (node-image.sh) and Kubernetes' images
# and binaries built here (k8s-images.sh). docs/real-cluster.md explains it.
#
# Usage: real-cluster.sh COMMAND
#   build          build everything once per machine (a no-op when done); prints each phase's time
#   build-addons   the same for the ingress and NetworkPolicy stand-ins (ingress, netpol)
#   up             build if needed, then start the profile (a no-op when it runs)
#   down           delete the profile; fails if a container, network, volume or process survives
#   status         print Running, Stopped or Nonexistent (exit 0 only when Running)
#   ingress        enable the ingress and ingress-dns addons on the running profile,
#                  with the stand-in images of ingress-images.sh (a proxy of
#                  its own that routes by the Ingresses)
#   netpol         run the NetworkPolicy enforcer (kube-router's firewall,
#                  netpol-images.sh and netpol/kube-router.yaml) on the running profile
#   env            print export lines (MINIKUBE_HOME, KUBECONFIG, PATH) for eval
#   minikube ARGS  run the real minikube with this cluster's MINIKUBE_HOME and profile
#
# Environment:
#   REAL_CLUSTER_PROFILE        profile name (default sre-real)
#   REAL_CLUSTER_MINIKUBE_HOME  minikube's home (default $SRE_MINIKUBE_CACHE/real-cluster/home)
#   REAL_CLUSTER_MEMORY         the node's memory (default 4096m)
#   SRE_MINIKUBE_CACHE          cache root (default ~/.cache/sre-minikube)
# The kubeconfig is $MINIKUBE_HOME/kubeconfig; ~/.kube/config is never touched.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
real_cluster_setup

profile=${REAL_CLUSTER_PROFILE:-sre-real}
case "$profile" in
*[!a-z0-9-]* | "" | -*) die "REAL_CLUSTER_PROFILE must be lower-case letters, digits and '-': '$profile'" ;;
esac
memory=${REAL_CLUSTER_MEMORY:-4096m}
export KUBECONFIG=$MINIKUBE_HOME/kubeconfig
export MINIKUBE_IN_STYLE=false MINIKUBE_WANTUPDATENOTIFICATION=false MINIKUBE_WANTANONYMIZEDSTATS=false

usage() {
	sed -n '/^# Usage:/,/^#$/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
	exit 2
}

run_minikube() { "$(minikube_bin)" "$@"; }

build() {
	local started start
	started=$(date +%s)
	start=$(date +%s)
	"$here/docker-up.sh"
	phase "docker engine" "$start"
	start=$(date +%s)
	"$here/cluster-build.sh" >/dev/null
	phase "kubernetes and etcd binaries (cluster-build.sh)" "$start"
	start=$(date +%s)
	"$here/minikube-build.sh" >/dev/null
	phase "minikube binary (minikube-build.sh)" "$start"
	start=$(date +%s)
	"$here/node-image.sh" >/dev/null
	phase "node image (node-image.sh)" "$start"
	start=$(date +%s)
	"$here/k8s-images.sh"
	phase "kubernetes and addon images, minikube's caches (k8s-images.sh)" "$start"
	phase "real-cluster build, all" "$started"
}

build_addons() {
	local started start
	started=$(date +%s)
	start=$(date +%s)
	"$here/ingress-images.sh" >/dev/null
	phase "ingress and ingress-dns stand-ins (ingress-images.sh)" "$start"
	start=$(date +%s)
	"$here/netpol-images.sh" >/dev/null
	phase "NetworkPolicy enforcer (netpol-images.sh)" "$start"
	phase "real-cluster addon build, all" "$started"
}

# Host, Kubelet and APIServer of the profile, one per line; nothing if it does not exist.
profile_state() {
	local json
	json=$(run_minikube status -p "$profile" --output=json 2>/dev/null || true)
	python3 -c '
import json, sys
try:
    state = json.loads(sys.argv[1])
except ValueError:
    sys.exit(0)
if isinstance(state, list):
    state = state[0] if state else {}
print(state.get("Host", ""), state.get("Kubelet", ""), state.get("APIServer", ""))
' "$json"
}

status() {
	local state
	state=$(profile_state)
	case "$state" in
	"Running Running Running") echo Running ;;
	"") echo Nonexistent ;;
	*) echo Stopped ;;
	esac
}

up() {
	build
	mkdir -p "$MINIKUBE_HOME"
	exec 8>"$MINIKUBE_HOME/$profile.lock"
	flock -w 1800 8 || die "timed out waiting for another up/down of $profile"
	if [ "$(status)" = Running ]; then
		log "profile $profile is running"
		return 0
	fi
	local node_image start k8s_version
	node_image=$("$here/node-image.sh" --paths | sed -n 's/^NODE_IMAGE=//p')
	k8s_version=$(kubernetes_version) || exit 1
	start=$(date +%s)
	log "starting profile $profile (node image $node_image, MINIKUBE_HOME=$MINIKUBE_HOME)"
	run_minikube start -p "$profile" \
		--driver=docker --container-runtime=containerd \
		--base-image="$node_image" --preload=false \
		--kubernetes-version="$k8s_version" \
		--cni=bridge --memory="$memory" --wait=all --force >&2
	phase "minikube start -p $profile" "$start"
	[ "$(status)" = Running ] || die "profile $profile is not running after minikube start"
	log "kubeconfig: $KUBECONFIG (context $profile)"
}

ingress() {
	[ "$(status)" = Running ] || die "profile $profile is not running; run real-cluster.sh up first"
	local start paths images registries refs ref
	start=$(date +%s)
	"$here/ingress-images.sh" >/dev/null
	paths=$("$here/ingress-images.sh" --paths)
	images=$(sed -n 's/^INGRESS_IMAGES=//p' <<<"$paths")
	registries=$(sed -n 's/^INGRESS_REGISTRIES=//p' <<<"$paths")
	read -r -a refs <<<"$(sed -n 's/^INGRESS_REFS=//p' <<<"$paths")"
	for ref in "${refs[@]}"; do
		run_minikube -p "$profile" image load "$ref" >&2
	done
	run_minikube -p "$profile" addons enable ingress --images="$images" --registries="$registries" >&2
	images=$(sed -n 's/^INGRESS_DNS_IMAGES=//p' <<<"$paths")
	registries=$(sed -n 's/^INGRESS_DNS_REGISTRIES=//p' <<<"$paths")
	run_minikube -p "$profile" addons enable ingress-dns --images="$images" --registries="$registries" >&2
	phase "ingress and ingress-dns addons on $profile" "$start"
}

netpol() {
	[ "$(status)" = Running ] || die "profile $profile is not running; run real-cluster.sh up first"
	local start image
	start=$(date +%s)
	"$here/netpol-images.sh" >/dev/null
	image=$("$here/netpol-images.sh" --paths | sed -n 's/^NETPOL_IMAGE=//p')
	run_minikube -p "$profile" image load "$image" >&2
	sed "s#image: IMAGE\$#image: $image#" "$here/netpol/kube-router.yaml" |
		run_minikube -p "$profile" kubectl -- apply -f - >&2
	run_minikube -p "$profile" kubectl -- -n kube-system rollout status daemonset/netpol-enforcer --timeout=180s >&2
	phase "NetworkPolicy enforcer on $profile" "$start"
}

# What the profile leaves in Docker, one item per line.
leftovers() {
	docker ps -aq --filter "label=name.minikube.sigs.k8s.io=$profile" | sed 's/^/container /'
	docker ps -aq --filter "name=^/$profile\$" | sed 's/^/container /'
	docker network ls -q --filter "name=^$profile\$" | sed 's/^/network /'
	docker volume ls -q --filter "name=^$profile\$" | sed 's/^/volume /'
}

# Processes started for this profile (ssh sessions, mounts, tunnels): their pids.
profile_processes() {
	local pid cmdline
	for pid in $(pgrep -f -- "$MINIKUBE_HOME" || true); do
		[ "$pid" != "$$" ] || continue
		cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)
		case "$cmdline" in
		*" -p $profile "* | *" -p $profile" | *"--profile=$profile"* | *"/machines/$profile/"*) echo "$pid" ;;
		esac
	done
}

down() {
	mkdir -p "$MINIKUBE_HOME"
	exec 8>"$MINIKUBE_HOME/$profile.lock"
	flock -w 1800 8 || die "timed out waiting for another up/down of $profile"
	local start item pid left
	start=$(date +%s)
	if [ -n "$(profile_state)" ] || [ -d "$MINIKUBE_HOME/.minikube/profiles/$profile" ]; then
		run_minikube delete -p "$profile" >&2 || log "minikube delete -p $profile failed; removing what is left"
	fi
	# minikube delete removes these itself; anything still here is removed by name.
	while read -r item; do
		case "$item" in
		container\ *) docker rm -f -v "${item#container }" >/dev/null 2>&1 || true ;;
		network\ *) docker network rm "${item#network }" >/dev/null 2>&1 || true ;;
		volume\ *) docker volume rm "${item#volume }" >/dev/null 2>&1 || true ;;
		esac
	done < <(leftovers)
	for pid in $(profile_processes); do
		kill "$pid" 2>/dev/null || true
	done
	rm -rf "$MINIKUBE_HOME/.minikube/profiles/$profile" "$MINIKUBE_HOME/.minikube/machines/$profile"
	left=$(
		leftovers
		profile_processes | sed 's/^/process /'
	)
	[ -z "$left" ] || die "still there after deleting $profile: $(tr '\n' ' ' <<<"$left")"
	phase "delete profile $profile, nothing left" "$start"
}

case "${1:-}" in
build) build ;;
build-addons) build_addons ;;
up) up ;;
down) down ;;
ingress) ingress ;;
netpol) netpol ;;
status)
	state=$(status)
	echo "$state"
	[ "$state" = Running ]
	;;
env)
	# shellcheck disable=SC2016 # $PATH is for the shell that evals this
	printf 'export MINIKUBE_HOME=%q\nexport KUBECONFIG=%q\nexport PATH=%q:"$PATH"\n' \
		"$MINIKUBE_HOME" "$KUBECONFIG" "$(dirname "$(minikube_bin)")"
	;;
minikube)
	shift
	run_minikube -p "$profile" "$@"
	;;
*) usage ;;
esac
