#!/usr/bin/env bash
# Build the front door's controller image for the harness's real minikube
# cluster once per machine: the real Traefik, from its Go module
# github.com/traefik/traefik/v3 at the release of the product's image tag
# (cluster_addons_traefik_image in roles/cluster_addons/defaults/main.yml,
# read through tools/product_facts.py, never repeated), on the Debian 12 base
# image (front-door-images/traefik.Dockerfile): /usr/local/bin/traefik as the
# entrypoint, user 65532.
#
# Traefik's go.mod has replace directives, so `go install ...@version` refuses
# it; the module's own directory, copied from the module cache to a writable
# place, builds as the main module with its own go.mod and go.sum. The link
# flags are those of Traefik's release build (.goreleaser.yml.tmpl): version
# without the leading v, the codename of its release workflow, and as build
# date the release's time on the module proxy, so a rebuild gives the same
# binary. The web dashboard's files are not in the module: the dashboard
# serves an empty page (the API and everything else are there).
#
# Result: the binary in $SRE_MINIKUBE_CACHE/real-cluster/traefik-<version>/bin,
# the image sre-minikube-test/traefik:<version>-<digest of what goes in>.
#
# Prints TRAEFIK_IMAGE=<reference> on stdout (and only that, building
# nothing, with --paths); progress and each phase's time go to stderr.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
real_cluster_setup

version=$(python3 "$top/tools/product_facts.py" traefik-version) || exit 1
module=github.com/traefik/traefik/v3
dockerfile=$here/front-door-images/traefik.Dockerfile
bin_dir=$real_cache/traefik-$version/bin

image_ref() {
	local digest
	digest=$(content_digest "$REAL_CLUSTER_IMAGES_REVISION" "$module@$version" "$dockerfile" "$(base_version)")
	printf 'sre-minikube-test/traefik:%s-%s\n' "$version" "$digest"
}

if [ "${1:-}" = "--paths" ]; then
	printf 'TRAEFIK_IMAGE=%s\n' "$(image_ref)"
	exit 0
fi

started=$(date +%s)
"$here/docker-up.sh"
"$here/base-images.sh" bookworm
hold_lock front-door-images
ref=$(image_ref)
done_if_image TRAEFIK_IMAGE "$ref"

if [ -x "$bin_dir/traefik" ]; then
	log "traefik $version: cached in $bin_dir"
else
	use_go
	start=$(date +%s)
	# The module's source (checked against the checksum database) and its
	# time on the proxy, from the module cache.
	info=$(GOFLAGS=-mod=mod go mod download -json "$module@$version") ||
		die "the module proxy does not serve $module@$version"
	src=$(printf '%s\n' "$info" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
	info_file=$(printf '%s\n' "$info" | sed -n 's/^[[:space:]]*"Info": "\(.*\)",\{0,1\}$/\1/p')
	released=$(sed -n 's/.*"Time":"\([^"]*\)".*/\1/p' "$info_file" 2>/dev/null)
	[ -d "$src" ] && [ -n "$released" ] || die "no source or time for $module@$version in: $info"
	codename=$(sed -n 's/^[[:space:]]*CODENAME:[[:space:]]*\([a-z0-9-]*\)[[:space:]]*$/\1/p' \
		"$src/.github/workflows/release.yaml")
	[ -n "$codename" ] || die "no CODENAME in $src/.github/workflows/release.yaml"
	work=$(new_scratch traefik)
	cp -R "$src/." "$work/src"
	chmod -R u+w "$work/src"
	# The packages' modules only (go.mod also lists its tests' and tools').
	(cd "$work/src" && go list -deps ./cmd/traefik >/dev/null) 2>"$work/download.log" ||
		{
			tail -n 20 "$work/download.log" >&2
			die "traefik $version: module download failed"
		}
	phase "traefik $version: module download" "$start"

	compile=$(date +%s)
	pkg=$module/pkg/version
	mkdir -p "$work/out"
	(cd "$work/src" && nice -n 10 go build \
		-ldflags "-s -w -X $pkg.Version=${version#v} -X $pkg.Codename=$codename -X $pkg.BuildDate=$released" \
		-o "$work/out/traefik" ./cmd/traefik) >&2
	phase "traefik $version: compile" "$compile"
	rm -rf "${bin_dir:?}"
	mkdir -p "${bin_dir%/bin}"
	mv "$work/out" "$bin_dir"
	phase "traefik $version: module download and compile" "$start"
fi

start=$(date +%s)
context=$(new_scratch traefik-context)
cp "$bin_dir/traefik" "$context/traefik"
docker_build "$ref" "$context" -f "$dockerfile" \
	--build-arg "BASE_IMAGE=$base_image" --build-arg "IMAGE_VERSION=${ref##*:}"
phase "image $ref" "$start"
drop_older_builds "$ref"
phase "traefik, all" "$started"
printf 'TRAEFIK_IMAGE=%s\n' "$ref"
