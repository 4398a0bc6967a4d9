#!/usr/bin/env bash
# Build the test control plane's binaries once per machine.
#
# kube-apiserver, kube-controller-manager, kube-scheduler and kubectl come
# from the k8s.io/kubernetes module, together with kubelet, kubeadm and
# kube-proxy (the real minikube cluster's node needs them; one build shares
# the compiled packages), etcd from go.etcd.io/etcd/server/v3,
# kwok and kwokctl from sigs.k8s.io/kwok, all through the Go module proxy.
# The results land in a cache outside the work tree, one directory per
# component and version, so a second run is a no-op:
#
#   $SRE_MINIKUBE_CACHE/cluster/kubernetes-<v>/bin/{kube-apiserver,...,kubectl,kubelet,kubeadm,kube-proxy}
#   $SRE_MINIKUBE_CACHE/cluster/etcd-<v>/bin/etcd
#   $SRE_MINIKUBE_CACHE/cluster/kwok-<v>/bin/{kwok,kwokctl}
#
# Kubernetes' version is the product's (cluster_addons_kubernetes_version in
# roles/cluster_addons/defaults/main.yml); the others come from
# tests/harness/versions.env (the "cluster" section).
# Prints the bin directories' paths as KEY=VALUE lines on stdout when done
# (and only that, building nothing, with --paths); progress and timings go
# to stderr.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

cache=$cache_root/cluster
k8s_version=$(kubernetes_version) || exit 1
etcd_version=$CLUSTER_ETCD_VERSION
kwok_version=$CLUSTER_KWOK_VERSION

k8s_dir=$cache/kubernetes-$k8s_version
etcd_dir=$cache/etcd-$etcd_version
kwok_dir=$cache/kwok-$kwok_version

print_paths() {
	printf 'CLUSTER_KUBERNETES_BIN=%s\n' "$k8s_dir/bin"
	printf 'CLUSTER_ETCD_BIN=%s\n' "$etcd_dir/bin"
	printf 'CLUSTER_KWOK_BIN=%s\n' "$kwok_dir/bin"
}

# --paths: only log where the binaries are (or will be), build nothing.
if [ "${1:-}" = "--paths" ]; then
	print_paths
	exit 0
fi

# Go's standard install location, in case the calling shell lacks it on PATH.
if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
	export PATH=$PATH:/usr/local/go/bin
fi
command -v go >/dev/null 2>&1 || die "go is not on PATH; install Go (>= 1.26) first"

# Static binaries, no C toolchain needed, no paths of this machine inside.
export CGO_ENABLED=0
export GOFLAGS="${GOFLAGS:-} -trimpath"
# A module's go.mod may ask for a newer Go than the one installed; never
# download a toolchain (it would have to come from outside the module proxy).
export GOTOOLCHAIN=local

mkdir -p "$cache"
# One build at a time per machine: concurrent callers (several clusters
# coming up at once) wait here, then find the binaries built.
exec 9>"$cache/build.lock"
if command -v flock >/dev/null 2>&1; then
	flock -w 3600 9 || die "timed out waiting for another build to finish ($cache/build.lock)"
fi

# Scratch directories of this run, removed however it ends.
scratch=()
cleanup() {
	local d
	for d in ${scratch[@]+"${scratch[@]}"}; do
		rm -rf "$d"
	done
}
trap cleanup EXIT

build_started=$(date +%s)

phase() {
	# phase NAME START: report how long a phase took
	local name=$1 start=$2
	log "$name took $(($(date +%s) - start)) s"
}

# ---------------------------------------------------------------- kubernetes
build_kubernetes() {
	local bin=$k8s_dir/bin
	local cmds=(kube-apiserver kube-controller-manager kube-scheduler kubectl kubelet kubeadm kube-proxy)
	local missing=0 c
	for c in "${cmds[@]}"; do
		[ -x "$bin/$c" ] || missing=1
	done
	if [ "$missing" = 0 ]; then
		log "kubernetes $k8s_version: cached in $bin"
		return
	fi

	local start
	start=$(date +%s)
	mkdir -p "$k8s_dir"
	local work
	work=$(mktemp -d "$k8s_dir/src.XXXXXX")
	scratch+=("$work")

	# k8s.io/kubernetes requires its staging modules (k8s.io/api, ...) at
	# v0.0.0 and replaces them with directories of its own repository.
	# A dependency's replaces do not apply to the main module, so a wrapper
	# module maps each one to the published release of the same minor:
	# v1.35.4 -> v0.35.4.
	local staging_version=v0.${k8s_version#v1.}
	local upstream_mod
	upstream_mod=$(go mod download -json "k8s.io/kubernetes@$k8s_version" |
		sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",*$/\1/p')
	[ -f "$upstream_mod" ] || die "could not download k8s.io/kubernetes@$k8s_version"
	local go_directive
	go_directive=$(sed -n 's/^go \([0-9.]*\)$/\1/p' "$upstream_mod" | head -n1)

	{
		printf 'module sre.minikube/cluster-build\n\ngo %s\n\n' "$go_directive"
		printf 'require k8s.io/kubernetes %s\n\n' "$k8s_version"
		# Lines such as "k8s.io/api => ./staging/src/k8s.io/api".
		sed -n 's#^[[:space:]]*\(k8s\.io/[^[:space:]]*\) => \./staging/src/.*$#\1#p' "$upstream_mod" |
			sort -u | while read -r staged; do
			printf 'replace %s => %s %s\n' "$staged" "$staged" "$staging_version"
		done
	} >"$work/go.mod"
	local staged_count
	staged_count=$(grep -c '^replace ' "$work/go.mod" || true)
	[ "$staged_count" -gt 0 ] || die "found no staging replaces in $upstream_mod"
	log "kubernetes $k8s_version: wrapper module with $staged_count staging modules at $staging_version"

	local pkgs=()
	for c in "${cmds[@]}"; do
		pkgs+=("k8s.io/kubernetes/cmd/$c")
	done
	# Resolve the whole build list once (writes go.sum).
	(cd "$work" && go get "${pkgs[@]/%/@$k8s_version}") >&2
	phase "kubernetes $k8s_version: module download" "$start"

	local compile_start
	compile_start=$(date +%s)
	local minor=${k8s_version#v1.}
	minor=${minor%%.*}
	local stamp="" pkgpath
	for pkgpath in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
		stamp+=" -X $pkgpath.gitVersion=$k8s_version"
		stamp+=" -X $pkgpath.gitMajor=1 -X $pkgpath.gitMinor=$minor"
		stamp+=" -X $pkgpath.gitTreeState=clean"
		stamp+=" -X $pkgpath.buildDate=1970-01-01T00:00:00Z"
	done
	mkdir -p "$work/out"
	# One invocation so the commands share their compiled packages.
	(cd "$work" && go build -ldflags "-s -w$stamp" -o "$work/out/" "${pkgs[@]}") >&2
	phase "kubernetes $k8s_version: compile" "$compile_start"

	"$work/out/kube-apiserver" --version | grep -qx "Kubernetes $k8s_version" ||
		die "kube-apiserver does not report $k8s_version: $("$work/out/kube-apiserver" --version)"
	rm -rf "$bin" && mv "$work/out" "$bin"
	phase "kubernetes $k8s_version: total" "$start"
}

# ---------------------------------------------------------------------- etcd
build_etcd() {
	local bin=$etcd_dir/bin
	if [ -x "$bin/etcd" ]; then
		log "etcd $etcd_version: cached in $bin"
		return
	fi
	local start
	start=$(date +%s)
	# The module root of go.etcd.io/etcd/server/v3 is the etcd command. Its
	# go.mod replaces the sibling modules with directories, so `go install
	# module@version` refuses it; built as a dependency of a wrapper module
	# those replaces do not apply and its requirements (the same release of
	# each sibling) hold.
	mkdir -p "$etcd_dir"
	local work
	work=$(mktemp -d "$etcd_dir/src.XXXXXX")
	scratch+=("$work")
	mkdir -p "$work/out"
	printf 'module sre.minikube/etcd-build\n\ngo 1.24\n' >"$work/go.mod"
	(cd "$work" && go get "go.etcd.io/etcd/server/v3@$etcd_version") >&2
	phase "etcd $etcd_version: module download" "$start"
	(cd "$work" && go build -ldflags "-s -w" -o "$work/out/etcd" go.etcd.io/etcd/server/v3) >&2
	"$work/out/etcd" --version | grep -q "etcd Version: ${etcd_version#v}" ||
		die "etcd does not report ${etcd_version#v}: $("$work/out/etcd" --version)"
	rm -rf "$bin" && mv "$work/out" "$bin"
	phase "etcd $etcd_version: total" "$start"
}

# ---------------------------------------------------------------------- kwok
build_kwok() {
	local bin=$kwok_dir/bin
	if [ -x "$bin/kwok" ] && [ -x "$bin/kwokctl" ]; then
		log "kwok $kwok_version: cached in $bin"
		return
	fi
	local start
	start=$(date +%s)
	mkdir -p "$kwok_dir"
	local work
	work=$(mktemp -d "$kwok_dir/src.XXXXXX")
	scratch+=("$work")
	GOBIN=$work/out go install \
		-ldflags "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=$kwok_version" \
		"sigs.k8s.io/kwok/cmd/kwok@$kwok_version" \
		"sigs.k8s.io/kwok/cmd/kwokctl@$kwok_version" >&2
	rm -rf "$bin" && mv "$work/out" "$bin"
	phase "kwok $kwok_version" "$start"
}

build_kwok
build_etcd
build_kubernetes
phase "cluster binaries, all" "$build_started"

print_paths
