#!/usr/bin/env bash
# Build the apps' images from the unchanged apps/Dockerfile on a test machine.
#
# Makes sure of everything the build needs first: a Docker engine
# (docker-up.sh), the local stand-in of the Go builder image
# (images/go-builder.sh) and the loopback module proxy (docker-go-proxy.sh).
# Each image is tagged with the image_build role's content hash of its build
# (the collection's module_utils/context_hash.py: the Dockerfile, .dockerignore and
# the files the build copies for the app, the shared module included),
#   <APPS_IMAGE_NAMESPACE>/<app>:src-<12 hex digits>
# so a source change gives a new tag and an unchanged source reuses the image.
# Prints one image reference per line on stdout, in the order of the apps.
#
# Usage: docker-app-images.sh [app...]   (default: every service of apps/services.yml)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

apps=("$@")
if [ "${#apps[@]}" -eq 0 ]; then
	mapfile -t apps < <(python3 "$repo/tools/product_facts.py" services)
	[ "${#apps[@]}" -gt 0 ] || die "no service read from apps/services.yml (see the error above)"
fi
dirs=()
for app in "${apps[@]}"; do
	[ -f "$repo/apps/$app/go.mod" ] || die "no apps/$app/go.mod: not an app"
	dirs+=("$repo/apps/$app")
done
# Every tag at once, "<app> <12 hex digits>" a line.
digests=$(python3 - "$repo" "${apps[@]}" <<'PY'
import importlib.util
import sys

# Loaded by its path: its directory holds modules named like the standard library's.
path = sys.argv[1] + "/collection/ansible_collections/sre/minikube/plugins/module_utils/context_hash.py"
spec = importlib.util.spec_from_file_location("context_hash", path)
context_hash = importlib.util.module_from_spec(spec)
spec.loader.exec_module(context_hash)

for app, value in context_hash.app_hashes(sys.argv[1] + "/apps", sys.argv[2:]).items():
    print(app, value["hash"][:12])
PY
) || die "cannot hash the apps' builds (see the error above)"

"$here/docker-up.sh"
"$here/images/go-builder.sh" >&2
proxy=$("$here/docker-go-proxy.sh" start "${dirs[@]}")

for app in "${apps[@]}"; do
	ref="$APPS_IMAGE_NAMESPACE/$app:src-$(awk -v app="$app" '$1 == app {print $2}' <<<"$digests")"
	if docker image inspect "$ref" >/dev/null 2>&1; then
		log "$ref exists"
	else
		start=$(date +%s)
		log "building $ref"
		if ! nice -n 10 docker build --network host --build-arg "GOPROXY=$proxy" --build-arg "APP=$app" \
			-t "$ref" -f "$repo/apps/Dockerfile" "$repo/apps" \
			>"${TMPDIR:-/tmp}/docker-build-$app.log" 2>&1; then
			tail -n 30 "${TMPDIR:-/tmp}/docker-build-$app.log" >&2
			die "docker build of $app failed (log: ${TMPDIR:-/tmp}/docker-build-$app.log)"
		fi
		# A build can report success without an image; trust only inspect.
		docker image inspect "$ref" >/dev/null 2>&1 || die "$ref is missing after its build"
		log "$ref built in $(($(date +%s) - start))s"
	fi
	echo "$ref"
done
