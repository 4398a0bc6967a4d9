#!/usr/bin/env bash
# Build the apps' images from their unchanged Dockerfiles on a test machine.
#
# Makes sure of everything the build needs first: a Docker engine
# (docker-up.sh), the local stand-in of the Go builder image
# (images/go-builder.sh) and the loopback module proxy (docker-go-proxy.sh).
# Each image is tagged with a digest of its build context,
#   <APPS_IMAGE_NAMESPACE>/<app>:src-<12 hex digits>
# so a source change gives a new tag and an unchanged source reuses the image.
# Prints one image reference per line on stdout, in the order of the apps.
#
# Usage: docker-app-images.sh [app...]   (default: invoice-app payment-provider)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=SCRIPTDIR/versions.env
. "$here/versions.env"

say() { printf 'docker-app-images: %s\n' "$*" >&2; }
die() {
	say "ERROR: $*"
	exit 1
}

apps=("$@")
[ "${#apps[@]}" -gt 0 ] || apps=(invoice-app payment-provider)
dirs=()
for app in "${apps[@]}"; do
	[ -f "$repo/apps/$app/Dockerfile" ] || die "no apps/$app/Dockerfile"
	dirs+=("$repo/apps/$app")
done

"$here/docker-up.sh"
"$here/images/go-builder.sh" >&2
proxy=$("$here/docker-go-proxy.sh" start "${dirs[@]}")

# The digest is the image_build role's content hash: everything the build
# context sends (what .dockerignore lets in, the Dockerfile, embedded files
# such as SQL migrations included).
context_digest() {
	python3 "$repo/roles/image_build/files/context_hash.py" "$1" |
		python3 -c 'import json, sys; print(next(iter(json.load(sys.stdin).values()))["hash"][:12])'
}

for app in "${apps[@]}"; do
	dir="$repo/apps/$app"
	ref="$APPS_IMAGE_NAMESPACE/$app:src-$(context_digest "$dir")"
	if docker image inspect "$ref" >/dev/null 2>&1; then
		say "$ref exists"
	else
		start=$(date +%s)
		say "building $ref"
		if ! nice -n 10 docker build --network host --build-arg "GOPROXY=$proxy" -t "$ref" "$dir" \
			>"${TMPDIR:-/tmp}/docker-build-$app.log" 2>&1; then
			tail -n 30 "${TMPDIR:-/tmp}/docker-build-$app.log" >&2
			die "docker build of $app failed (log: ${TMPDIR:-/tmp}/docker-build-$app.log)"
		fi
		# A build can report success without an image; trust only inspect.
		docker image inspect "$ref" >/dev/null 2>&1 || die "$ref is missing after its build"
		say "$ref built in $(($(date +%s) - start))s"
	fi
	echo "$ref"
done
