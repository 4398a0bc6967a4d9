#!/usr/bin/env bash
# Build the dns_resolver role's test images (molecule/dns_resolver/Dockerfile)
# on top of the local Debian 12 base image.
#
#   sre-minikube-test/dns-resolver:networkmanager
#   sre-minikube-test/dns-resolver:resolved
#
# Each is first tagged <target>-<digest>, where the digest covers the
# Dockerfile, the dns_resolver section of versions.env and the base image's
# id: when that tag exists nothing is built, so a second run takes a second.
# Starts Docker and builds the base image first when needed (docker-up.sh,
# base-images.sh). Prints the image names as KEY=VALUE lines on stdout.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

repo=sre-minikube-test/dns-resolver
dockerfile="$root/molecule/dns_resolver/Dockerfile"

"$here/docker-up.sh"
"$here/base-images.sh" bookworm >&2

base_id=$(docker image inspect --format '{{.Id}}' "$DNS_RESOLVER_BASE_IMAGE")
digest=$(
	{
		cat "$dockerfile"
		printf '%s\n' "$base_id" "$DNS_RESOLVER_IMAGE_REVISION" "$DNS_RESOLVER_SYSTEMD_VERSION" \
			"$DNS_RESOLVER_NETWORK_MANAGER_VERSION" "$DNS_RESOLVER_DNSMASQ_VERSION" "$DNS_RESOLVER_IPROUTE2_VERSION"
	} | sha256sum | cut -c1-12
)

for target in networkmanager resolved; do
	pinned="$repo:$target-$digest"
	if docker image inspect "$pinned" >/dev/null 2>&1; then
		log "$pinned is up to date"
	else
		start=$(date +%s)
		build_log=$(mktemp)
		log "building $pinned"
		if ! nice -n 10 docker build --quiet --target "$target" \
			--build-arg "BASE_IMAGE=$DNS_RESOLVER_BASE_IMAGE" \
			--build-arg "SYSTEMD_VERSION=$DNS_RESOLVER_SYSTEMD_VERSION" \
			--build-arg "NETWORK_MANAGER_VERSION=$DNS_RESOLVER_NETWORK_MANAGER_VERSION" \
			--build-arg "DNSMASQ_VERSION=$DNS_RESOLVER_DNSMASQ_VERSION" \
			--build-arg "IPROUTE2_VERSION=$DNS_RESOLVER_IPROUTE2_VERSION" \
			--label "sre-minikube.dns-resolver.digest=$digest" \
			--tag "$pinned" --file "$dockerfile" "$root/molecule/dns_resolver" >"$build_log" 2>&1; then
			tail -n 30 "$build_log" >&2
			rm -f "$build_log"
			die "building $pinned failed; if apt cannot find a version, update the dns_resolver section of tests/harness/versions.env"
		fi
		rm -f "$build_log"
		log "built $pinned in $(($(date +%s) - start))s"
	fi
	docker tag "$pinned" "$repo:$target"
	key=$(printf '%s' "$target" | tr '[:lower:]' '[:upper:]')
	echo "DNS_RESOLVER_IMAGE_$key=$repo:$target"
done
