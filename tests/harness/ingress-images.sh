#!/usr/bin/env bash
# Build the stand-in images for minikube's ingress addon once per machine
# (ingress-nginx cannot be built here; docs/real-cluster.md says what differs):
#
#   controller  Traefik (github.com/traefik/traefik/v3, REAL_CLUSTER_TRAEFIK_VERSION)
#               behind ingress-standin/controller, installed as
#               /nginx-ingress-controller so that the addon's Deployment runs
#               it with ingress-nginx's flags
#   certgen     ingress-standin/certgen, for the addon's two admission Jobs
#   dns         ingress-standin/dns, for the ingress-dns addon: answers DNS
#               for every Ingress host with the node's address
#
# Traefik's go.mod replaces three modules with forks and one nested module
# with a directory of its repository; the wrapper module that builds it
# repeats the fork replaces (read from that go.mod) and points the nested
# module, which the module proxy does not serve, at ingress-standin/traefik-ext.
#
# Prints, on stdout, the lines
#   INGRESS_IMAGES=<value for minikube addons enable ingress --images>
#   INGRESS_REGISTRIES=<value for --registries>
#   INGRESS_DNS_IMAGES=<value for minikube addons enable ingress-dns --images>
#   INGRESS_DNS_REGISTRIES=<value for its --registries>
#   INGRESS_REFS=<the three image references, space-separated, for minikube image load>
# (and only those, building nothing, with --paths). Progress goes to stderr.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
prog=ingress-images
# shellcheck source=real-cluster-lib.sh
. "$here/real-cluster-lib.sh"

standin=$here/ingress-standin
traefik_version=$REAL_CLUSTER_TRAEFIK_VERSION
# A name under the reserved .test domain: these images exist only locally.
registry=sre-minikube.test
standin_digest=$(content_digest "$REAL_CLUSTER_IMAGES_REVISION" "$standin"/go.mod "$standin"/*/*.go \
	"$standin"/internal/*/*.go "$standin"/traefik-ext/*)
controller_image=ingress-nginx-standin/controller:traefik-$traefik_version-$standin_digest
certgen_image=ingress-nginx-standin/certgen:$standin_digest
dns_image=ingress-dns-standin/dns:$standin_digest

print_paths() {
	printf 'INGRESS_IMAGES=IngressController=%s,KubeWebhookCertgenCreate=%s,KubeWebhookCertgenPatch=%s\n' \
		"$controller_image" "$certgen_image" "$certgen_image"
	printf 'INGRESS_REGISTRIES=IngressController=%s,KubeWebhookCertgenCreate=%s,KubeWebhookCertgenPatch=%s\n' \
		"$registry" "$registry" "$registry"
	printf 'INGRESS_DNS_IMAGES=IngressDNS=%s\n' "$dns_image"
	printf 'INGRESS_DNS_REGISTRIES=IngressDNS=%s\n' "$registry"
	printf 'INGRESS_REFS=%s %s %s\n' "$registry/$controller_image" "$registry/$certgen_image" "$registry/$dns_image"
}

if [ "${1:-}" = "--paths" ]; then
	print_paths
	exit 0
fi

started=$(date +%s)
"$here/docker-up.sh"
hold_lock ingress-images

if docker image inspect "$registry/$controller_image" >/dev/null 2>&1 &&
	docker image inspect "$registry/$certgen_image" >/dev/null 2>&1 &&
	docker image inspect "$registry/$dns_image" >/dev/null 2>&1; then
	log "the ingress stand-in images exist"
	print_paths
	exit 0
fi

# ------------------------------------------------------------ Traefik
use_go
traefik_mod=$(go mod download -json "github.com/traefik/traefik/v3@$traefik_version" |
	sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",*$/\1/p')
[ -f "$traefik_mod" ] || die "could not download github.com/traefik/traefik/v3@$traefik_version"
# "old => new version" lines, inside a replace block or on a replace line.
go_tools_replace=$(awk '$2 == "=>" && $4 ~ /^v/ {print $1 "=" $3 "@" $4}
	$1 == "replace" && $3 == "=>" && $5 ~ /^v/ {print $2 "=" $4 "@" $5}' "$traefik_mod" | tr '\n' ' ')
go_tools_replace+=" github.com/traefik/traefik/dynamic/ext=$standin/traefik-ext"
go_tools traefik "$traefik_version" "-X github.com/traefik/traefik/v3/pkg/version.Version=$traefik_version" \
	github.com/traefik/traefik/v3/cmd/traefik
go_tools_replace=""
traefik_bin=$real_cache/traefik-$traefik_version/bin/traefik

# ------------------------------------------------------------ stand-ins
start=$(date +%s)
rootfs=$(new_scratch ingress-rootfs)
chmod 0755 "$rootfs"
mkdir -p "$rootfs/controller/usr/local/bin" "$rootfs/controller/tmp" "$rootfs/certgen/tmp" "$rootfs/dns/tmp"
chmod 1777 "$rootfs/controller/tmp" "$rootfs/certgen/tmp" "$rootfs/dns/tmp"
(cd "$standin" && go build -ldflags "-s -w" -o "$rootfs/controller/nginx-ingress-controller" ./controller &&
	go build -ldflags "-s -w" -o "$rootfs/certgen/certgen" ./certgen &&
	go build -ldflags "-s -w" -o "$rootfs/dns/ingress-dns" ./dns) >&2
cp "$rootfs/controller/nginx-ingress-controller" "$rootfs/controller/wait-shutdown"
cp "$traefik_bin" "$rootfs/controller/usr/local/bin/traefik"
chmod -R a+rX "$rootfs"
phase "ingress stand-ins" "$start"

start=$(date +%s)
tar --numeric-owner --owner=0 --group=0 -C "$rootfs/controller" -c . |
	docker import --change "LABEL sre-minikube.k8s-image.version=$standin_digest" \
		--change "ENV PATH=/usr/local/bin:/usr/bin:/bin" - "$registry/$controller_image" >/dev/null
tar --numeric-owner --owner=0 --group=0 -C "$rootfs/certgen" -c . |
	docker import --change "LABEL sre-minikube.k8s-image.version=$standin_digest" \
		--change 'ENTRYPOINT ["/certgen"]' - "$registry/$certgen_image" >/dev/null
tar --numeric-owner --owner=0 --group=0 -C "$rootfs/dns" -c . |
	docker import --change "LABEL sre-minikube.k8s-image.version=$standin_digest" \
		--change 'ENTRYPOINT ["/ingress-dns"]' - "$registry/$dns_image" >/dev/null
phase "ingress images" "$start"
for image in "$controller_image" "$certgen_image" "$dns_image"; do
	drop_older_builds "$registry/$image"
done
phase "ingress images, all" "$started"
print_paths
