#!/usr/bin/env bash
# Build the tests' Debian base images locally: no registry can be reached,
# so each image is a debootstrap root file system brought in with
# `docker import`, with python3, python3-apt, sudo and ca-certificates
# already installed (what Molecule needs to converge a role inside it).
#
#   sre-minikube-test/debian:12  (also :bookworm)
#   sre-minikube-test/debian:13  (also :trixie)
#
# Each image carries the label sre-minikube.base-image.version; an image whose
# label matches the wanted version is kept as it is, so a second run takes a
# second. The debootstrap tarball is cached under
# $SRE_MINIKUBE_CACHE/base-images/, keyed by suite and version, so a machine
# downloads each suite once even when Docker's storage is wiped.
#
# Usage: base-images.sh [suite...]   (default: BASE_IMAGES_SUITES of versions.env)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

cache=$cache_root/base-images
mkdir -p "$cache"

"$here/docker-up.sh"

release_of() {
	case "$1" in
	bookworm) echo 12 ;;
	trixie) echo 13 ;;
	*) die "unknown suite '$1' (known: bookworm trixie)" ;;
	esac
}

# The version label: the harness revision plus a digest of what goes in, so a
# change of the package list or the mirror rebuilds the image.
version_of() {
	local digest
	digest=$(printf '%s|%s|%s' "$1" "$BASE_IMAGES_PACKAGES" "$DEBIAN_MIRROR" | sha256sum | cut -c1-12)
	echo "$1-r$BASE_IMAGES_REVISION-$digest"
}

ensure_debootstrap() {
	command -v debootstrap >/dev/null 2>&1 && return 0
	command -v apt-get >/dev/null 2>&1 || die "debootstrap is missing and this is not a Debian-like machine"
	log "installing debootstrap=$DEBOOTSTRAP_VERSION from Debian"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		-o DPkg::Lock::Timeout=600 "debootstrap=$DEBOOTSTRAP_VERSION" >"$cache/apt.log" 2>&1 ||
		die "apt-get install debootstrap failed (see $cache/apt.log); update DEBOOTSTRAP_VERSION in tests/harness/versions.env if Debian moved on"
}

# Writes the root file system tarball of one suite into the cache.
make_tarball() {
	local suite=$1 tarball=$2 work rootfs
	ensure_debootstrap
	work=$(mktemp -d "$cache/work.XXXXXX")
	rootfs="$work/rootfs"
	log "$suite: debootstrap (log: $work.log)"
	if ! nice -n 10 debootstrap --variant=minbase --include="$BASE_IMAGES_PACKAGES" \
		"$suite" "$rootfs" "$DEBIAN_MIRROR" >"$work.log" 2>&1; then
		tail -n 20 "$work.log" >&2
		rm -rf "$work"
		die "$suite: debootstrap failed (log: $work.log)"
	fi
	# Downloaded .deb files are not part of a machine's state.
	rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/log/*.log
	tar --numeric-owner -C "$rootfs" -czf "$tarball.partial" .
	mv "$tarball.partial" "$tarball"
	rm -rf "$work" "$work.log"
}

build_suite() {
	local suite=$1 release version repo current tarball start
	release=$(release_of "$suite")
	version=$(version_of "$suite")
	repo=$BASE_IMAGES_REPO
	current=$(docker image inspect --format '{{ index .Config.Labels "sre-minikube.base-image.version" }}' \
		"$repo:$release" 2>/dev/null || echo none)
	if [ "$current" = "$version" ]; then
		log "$repo:$release is up to date ($version)"
		return 0
	fi
	start=$(date +%s)
	tarball="$cache/debian-$version.tar.gz"
	[ -s "$tarball" ] || make_tarball "$suite" "$tarball"
	docker import \
		--change "LABEL sre-minikube.base-image.version=$version" \
		--change "LABEL org.opencontainers.image.title=debian-$release" \
		--change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
		--change 'CMD ["/bin/bash"]' \
		"$tarball" "$repo:$release" >/dev/null
	docker tag "$repo:$release" "$repo:$suite"
	# Prove the image is usable before anyone relies on it.
	docker run --rm "$repo:$release" sh -c 'python3 --version && sudo --version | head -n 1' >/dev/null ||
		die "$repo:$release: python3 or sudo does not run inside the image"
	log "$repo:$release ($suite, $version) built in $(($(date +%s) - start))s"
}

suites=("$@")
if [ "${#suites[@]}" -eq 0 ]; then
	IFS=, read -r -a suites <<<"$BASE_IMAGES_SUITES"
fi

# The suites download in parallel: the mirror, not the CPU, is the limit.
# Install debootstrap first so that the parallel builds do not race for it.
for suite in "${suites[@]}"; do
	if [ ! -s "$cache/debian-$(version_of "$suite").tar.gz" ]; then
		ensure_debootstrap
		break
	fi
done
pids=()
for suite in "${suites[@]}"; do
	build_suite "$suite" &
	pids+=("$!")
done
failed=0
for pid in "${pids[@]}"; do
	wait "$pid" || failed=1
done
[ "$failed" -eq 0 ] || die "at least one base image failed (messages above)"
