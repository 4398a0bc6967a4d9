#!/usr/bin/env bash
# Build the Postgres image of the harness's real minikube cluster once per
# machine: a stand-in for the official image the deploy stage pins, which
# cannot be pulled here. Debian's Postgres server (REAL_CLUSTER_POSTGRES_PACKAGES)
# on the Debian 13 base image, with an entrypoint that offers the official
# image's interface as the deploy stage uses it (postgres-image/,
# docs/real-cluster.md says what differs).
#
# Prints POSTGRES_IMAGE=<reference> on stdout (and only that, building
# nothing, with --paths); progress and timings go to stderr.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
real_cluster_setup

context=$here/postgres-image
trixie_image=sre-minikube-test/debian:13
packages=${REAL_CLUSTER_POSTGRES_PACKAGES//,/ }
# postgresql-17=... -> 17
major=${REAL_CLUSTER_POSTGRES_PACKAGES#postgresql-}
major=${major%%=*}

trixie_version() {
	docker image inspect --format '{{ index .Config.Labels "sre-minikube.base-image.version" }}' \
		"$trixie_image" 2>/dev/null || echo missing
}

image_ref() {
	local digest
	digest=$(content_digest "$REAL_CLUSTER_IMAGES_REVISION" "$REAL_CLUSTER_POSTGRES_PACKAGES" \
		"$context/Dockerfile" "$context/docker-entrypoint.sh" "$(trixie_version)")
	printf 'sre-minikube-test/postgres:%s-%s\n' "$major" "$digest"
}

if [ "${1:-}" = "--paths" ]; then
	printf 'POSTGRES_IMAGE=%s\n' "$(image_ref)"
	exit 0
fi

started=$(date +%s)
"$here/docker-up.sh"
"$here/base-images.sh" trixie
hold_lock postgres-image
ref=$(image_ref)
done_if_image POSTGRES_IMAGE "$ref"

docker_build "$ref" "$context" \
	--build-arg "BASE_IMAGE=$trixie_image" \
	--build-arg "PACKAGES=$packages" \
	--build-arg "MAJOR=$major" \
	--build-arg "IMAGE_VERSION=${ref##*:}"
drop_older_builds "$ref"
phase "postgres image $ref" "$started"
printf 'POSTGRES_IMAGE=%s\n' "$ref"
