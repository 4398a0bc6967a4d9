# The harness scripts' one library; sourced, never run. A script beside it
# sources it with
#   here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
#   . "$here/lib.sh"          (from images/: . "$here/../lib.sh")
# It reads versions.env and sets `harness` (this directory), `cache_root`
# (the machine's cache of built tools and images) and `prog` (the prefix of
# log lines: the script's name without .sh, unless the script set it first).
# A version the product pins is read from the product, not repeated here
# (kubernetes_version below; minikube-build.sh reads the minikube release).
# The real cluster's scripts call real_cluster_setup after sourcing it.
# shellcheck shell=bash

harness=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
prog=${prog:-$(basename "$0" .sh)}
# shellcheck source=SCRIPTDIR/versions.env
. "$harness/versions.env"

cache_root=${SRE_MINIKUBE_CACHE:-$HOME/.cache/sre-minikube}

# kubernetes_version: print the Kubernetes version the harness builds and
# runs, the product's default for a new cluster (cluster_addons_kubernetes_version
# in roles/cluster_addons/defaults/main.yml): read there, never repeated.
kubernetes_version() {
	python3 "$harness/../../tools/product_facts.py" kubernetes-version
}

log() { printf '%s: %s\n' "$prog" "$*" >&2; }
die() {
	log "error: $*"
	exit 1
}

# phase NAME START: report how long a phase took (START from `date +%s`).
phase() {
	log "$1 took $(($(date +%s) - $2)) s"
}

use_go() {
	if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
		export PATH=$PATH:/usr/local/go/bin
	fi
	command -v go >/dev/null 2>&1 || die "go is not on PATH; install Go (>= 1.26) first"
	# Static binaries without paths of this machine; never fetch a toolchain.
	export CGO_ENABLED=0 GOTOOLCHAIN=local
	export GOFLAGS="${GOFLAGS:-} -trimpath"
}

# The real cluster (real-cluster.sh and what it builds) from here on.

# Binaries built from Go modules for the node and the images, one directory
# per tool and version; the images themselves live in Docker.
real_cache=$cache_root/real-cluster

# real_cluster_setup: point minikube at the real cluster's home and make the
# scratch space of this run, in the calling shell so that the directories
# that command substitutions create in it go too, however the run ends.
# Builds move their results out of it (same file system).
real_cluster_setup() {
	# minikube's own home: its caches (Kubernetes binaries, images),
	# profiles, machines and the kubeconfig of the real cluster.
	export MINIKUBE_HOME=${REAL_CLUSTER_MINIKUBE_HOME:-$real_cache/home}
	mkdir -p "$real_cache"
	run_scratch=$(mktemp -d "$real_cache/.scratch.XXXXXX")
	trap 'rm -rf "$run_scratch"' EXIT
}

# new_scratch LABEL: print a new temporary directory of this run.
new_scratch() {
	mktemp -d "$run_scratch/$1.XXXXXX"
}

# go_tools NAME VERSION LDFLAGS PACKAGE...: build the commands PACKAGE... at
# VERSION of their module into $real_cache/NAME-VERSION/bin (once), from a
# wrapper module that requires it: built as a dependency, the module's own
# replace directives do not apply (so `go install` would refuse it).
# go_tools_replace, when set, holds MODULE=VERSION, MODULE=OTHER@VERSION or
# MODULE=/DIRECTORY words the wrapper module turns into replace directives
# (NAME must then say so, it keys the cache).
go_tools_replace=""
go_tools() {
	local name=$1 version=$2 ldflags=$3
	shift 3
	local dir=$real_cache/$name-$version pkg missing=0
	for pkg in "$@"; do
		[ -x "$dir/bin/${pkg##*/}" ] || missing=1
	done
	if [ "$missing" = 0 ]; then
		log "$name $version: cached in $dir/bin"
		return 0
	fi
	# One build per tool at a time; a waiting caller finds it built.
	mkdir -p "$dir"
	exec 7>"$dir/build.lock"
	flock -w 3600 7 || die "timed out waiting for another build of $name ($dir/build.lock)"
	missing=0
	for pkg in "$@"; do
		[ -x "$dir/bin/${pkg##*/}" ] || missing=1
	done
	if [ "$missing" = 0 ]; then
		exec 7>&-
		log "$name $version: built by another run in $dir/bin"
		return 0
	fi
	use_go
	local start work
	start=$(date +%s)
	work=$(new_scratch "$name")
	{
		printf 'module sre.minikube/%s-build\n\ngo 1.24\n\n' "$name"
		local pin
		for pin in $go_tools_replace; do
			case "${pin#*=}" in
			/*) printf 'replace %s => %s\n' "${pin%%=*}" "${pin#*=}" ;;
			*@*) printf 'replace %s => %s\n' "${pin%%=*}" "${pin#*=}" | sed 's/@/ /' ;;
			*) printf 'replace %s => %s %s\n' "${pin%%=*}" "${pin%%=*}" "${pin#*=}" ;;
			esac
		done
	} >"$work/go.mod"
	(cd "$work" && go get "${@/%/@$version}") >"$work/get.log" 2>&1 ||
		{
			tail -n 20 "$work/get.log" >&2
			die "$name $version: go get failed"
		}
	phase "$name $version: module download" "$start"
	mkdir -p "$work/out"
	(cd "$work" && nice -n 10 go build -ldflags "-s -w $ldflags" -o "$work/out/" "$@") >&2
	rm -rf "${dir:?}/bin"
	mv "$work/out" "$dir/bin"
	exec 7>&-
	phase "$name $version: total" "$start"
}

# hold_lock NAME: wait for, then hold until the script ends, the lock
# $real_cache/NAME.lock (file descriptor 9): concurrent runs queue up.
hold_lock() {
	mkdir -p "$real_cache"
	exec 9>"$real_cache/$1.lock"
	flock -w 3600 9 || die "timed out waiting for another run ($real_cache/$1.lock)"
}

# done_if_image KEY REF: when image REF exists, print KEY=REF and end the script.
done_if_image() {
	if docker image inspect "$2" >/dev/null 2>&1; then
		log "$2 exists"
		printf '%s=%s\n' "$1" "$2"
		exit 0
	fi
}

# docker_build REF CONTEXT [OPTION...]: docker build, its log kept (and its
# end shown) only when it fails; then make sure the image exists.
docker_build() {
	local ref=$1 context=$2
	shift 2
	local build_log
	build_log=$real_cache/logs/$(printf '%s' "$ref" | tr '/:' '__').log
	mkdir -p "$real_cache/logs"
	if ! nice -n 10 docker build "$@" -t "$ref" "$context" >"$build_log" 2>&1; then
		tail -n 30 "$build_log" >&2
		die "docker build of $ref failed (log: $build_log)"
	fi
	rm -f "$build_log"
	docker image inspect "$ref" >/dev/null 2>&1 || die "$ref is missing after its build"
}

# The Kubernetes and etcd binaries of the harness's build (cluster-build.sh).
kube_bin() { "$harness/cluster-build.sh" --paths | sed -n 's/^CLUSTER_KUBERNETES_BIN=//p'; }
etcd_bin() { "$harness/cluster-build.sh" --paths | sed -n 's/^CLUSTER_ETCD_BIN=//p'; }
# The real minikube binary (minikube-build.sh).
minikube_bin() { "$harness/minikube-build.sh" --paths | sed -n 's/^MINIKUBE_BIN=//p'; }

# drop_older_builds REF: remove the other tags of REF's repository (earlier
# builds), except those a container still uses.
drop_older_builds() {
	local old
	docker image ls --format '{{.Repository}}:{{.Tag}}' "${1%:*}" | while read -r old; do
		[ "$old" = "$1" ] || docker image rm "$old" >/dev/null 2>&1 || true
	done
}

# docker_insecure_registry ADDRESS: true when the Docker engine talks to the
# registry ADDRESS (host:port) over plain HTTP (its insecure-registries).
docker_insecure_registry() {
	local names
	names=$(docker info --format '{{range .RegistryConfig.IndexConfigs}}{{if not .Secure}}{{println .Name}}{{end}}{{end}}' 2>/dev/null) ||
		return 1
	grep -qxF "$1" <<<"$names"
}

# The version label of the harness's Debian 12 base image (base-images.sh):
# what images built FROM it are keyed by (its id changes on every import).
base_image=sre-minikube-test/debian:12
base_version() {
	docker image inspect --format '{{ index .Config.Labels "sre-minikube.base-image.version" }}' \
		"$base_image" 2>/dev/null || echo missing
}

# A digest of files and words, to key images by what goes into them.
content_digest() {
	local item
	for item in "$@"; do
		if [ -f "$item" ]; then
			sha256sum <"$item"
		else
			printf '%s\n' "$item"
		fi
	done | sha256sum | cut -c1-12
}

# check DESCRIPTION COMMAND...: one case of a self-test (real-cluster-selftest.sh,
# registry-selftest.sh): run COMMAND, print "ok" or "FAILED" (with the end of
# its output, kept in the file $check_out) and count it in passed or failed.
check() {
	local description=$1
	shift
	if "$@" >"${check_out:?set check_out, the file for the output of check}" 2>&1; then
		passed=$((${passed:-0} + 1))
		printf 'ok     %s\n' "$description"
	else
		failed=$((${failed:-0} + 1))
		printf 'FAILED %s\n' "$description"
		tail -n 15 "$check_out" | sed 's/^/       /'
	fi
}
