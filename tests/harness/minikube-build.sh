#!/usr/bin/env bash
# Build the real minikube binary once per machine, from the Go module proxy.
#
# The version is the one the product installs (minikube_install_version in
# roles/minikube_install/defaults/main.yml); the build-time stamps minikube's
# own Makefile sets come from tests/harness/versions.env (the "minikube"
# section). The proxy serves k8s.io/minikube at an exact version but refuses
# its version list, so `go install pkg@version` fails; a wrapper module that
# requires it and builds cmd/minikube works. The libvirt_dlopen tag keeps the
# kvm driver from needing libvirt's C headers, as minikube's release builds do.
#
# Result, stripped:
#   $SRE_MINIKUBE_CACHE/minikube/<version>/minikube
#
# Prints MINIKUBE_BIN=<path> on stdout when done (and only that, building
# nothing, with --paths); progress and timings go to stderr.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

# The product's pinned release is the one tested: read, never repeated.
version=$(python3 "$top/tools/product_facts.py" minikube-version) || exit 1

cache=$cache_root/minikube/$version
bin=$cache/minikube

if [ "${1:-}" = "--paths" ]; then
	printf 'MINIKUBE_BIN=%s\n' "$bin"
	exit 0
fi

if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
	export PATH=$PATH:/usr/local/go/bin
fi
command -v go >/dev/null 2>&1 || die "go is not on PATH; install Go (>= 1.26) first"
command -v cc >/dev/null 2>&1 || die "a C compiler (cc) is needed for minikube's cgo code; install gcc"

# cgo stays on: with libvirt_dlopen the kvm driver's bindings are cgo code
# that loads libvirt at run time (no libvirt headers or library needed to build).
export CGO_ENABLED=1 GOTOOLCHAIN=local
export GOFLAGS="${GOFLAGS:-} -trimpath"

# The release's commit, as the module proxy records it: stamped like the
# published binary's, so `minikube version` prints the same lines.
commit=$(GOFLAGS=-mod=mod go mod download -json "k8s.io/minikube@$version" |
	sed -n 's/^[[:space:]]*"Hash": "\([0-9a-f]\{40\}\)",\{0,1\}$/\1/p' | head -n 1)
[ -n "$commit" ] || die "the module proxy gives no commit for k8s.io/minikube@$version"

built_commit() { "$bin" version --output=json 2>/dev/null | sed -n 's/.*"commit":"\([0-9a-f]*\)".*/\1/p'; }
if [ -x "$bin" ] && [ "$(built_commit)" = "$commit" ]; then
	log "minikube $version: cached in $bin"
	printf 'MINIKUBE_BIN=%s\n' "$bin"
	exit 0
fi

mkdir -p "$cache"
exec 9>"$cache/build.lock"
flock -w 3600 9 || die "timed out waiting for another build ($cache/build.lock)"
if [ -x "$bin" ] && [ "$(built_commit)" = "$commit" ]; then
	printf 'MINIKUBE_BIN=%s\n' "$bin"
	exit 0
fi

work=$(mktemp -d "$cache/src.XXXXXX")
trap 'rm -rf "$work"' EXIT
start=$(date +%s)

printf 'module sre.minikube/minikube-build\n\ngo 1.24\n' >"$work/go.mod"
(cd "$work" && go get "k8s.io/minikube/cmd/minikube@$version") >&2
log "minikube $version: module download took $(($(date +%s) - start)) s"

compile_start=$(date +%s)
pkg=k8s.io/minikube/pkg/version
ldflags="-s -w -X $pkg.version=$version -X $pkg.gitCommitID=$commit"
ldflags+=" -X $pkg.isoVersion=$MINIKUBE_ISO_VERSION"
ldflags+=" -X $pkg.storageProvisionerVersion=$MINIKUBE_STORAGE_PROVISIONER_VERSION"
(cd "$work" && go build -tags libvirt_dlopen -ldflags "$ldflags" -o "$work/minikube" k8s.io/minikube/cmd/minikube) >&2
log "minikube $version: compile took $(($(date +%s) - compile_start)) s"

reported=$("$work/minikube" version --short)
[ "$reported" = "$version" ] || die "the built binary reports '$reported', not $version"
"$work/minikube" version --output=json | grep -q "\"commit\":\"$commit\"" ||
	die "the built binary does not report commit $commit: $("$work/minikube" version --output=json)"
mv "$work/minikube" "$bin"
log "minikube $version: total $(($(date +%s) - start)) s, $(du -m "$bin" | cut -f1) MB stripped"
printf 'MINIKUBE_BIN=%s\n' "$bin"
