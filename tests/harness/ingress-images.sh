#!/usr/bin/env bash
# Build the stand-in images for minikube's ingress addon once per machine
# (ingress-nginx cannot be built here; docs/real-cluster.md says what differs):
#
#   controller  ingress-standin/controller, installed as /nginx-ingress-controller
#               (and /wait-shutdown) so that the addon's Deployment runs it with
#               ingress-nginx's flags: a reverse proxy on ports 80 and 443 that
#               routes by the cluster's Ingresses, written with Go's standard
#               library
#   certgen     ingress-standin/certgen, for the addon's two admission Jobs
#   dns         ingress-standin/dns, for the ingress-dns addon: answers DNS
#               for every Ingress host with the node's address
#
# All three are small Go programs of this repository, built in seconds.
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
# shellcheck source=lib.sh
. "$here/lib.sh"
real_cluster_setup

standin=$here/ingress-standin
# A name under the reserved .test domain: these images exist only locally.
registry=sre-minikube.test
standin_digest=$(content_digest "$REAL_CLUSTER_IMAGES_REVISION" "$standin"/go.mod "$standin"/*/*.go \
	"$standin"/internal/*/*.go)
controller_image=ingress-nginx-standin/controller:$standin_digest
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

# ------------------------------------------------------------ stand-ins
use_go
start=$(date +%s)
rootfs=$(new_scratch ingress-rootfs)
chmod 0755 "$rootfs"
mkdir -p "$rootfs/controller/tmp" "$rootfs/certgen/tmp" "$rootfs/dns/tmp"
chmod 1777 "$rootfs/controller/tmp" "$rootfs/certgen/tmp" "$rootfs/dns/tmp"
(cd "$standin" && go build -ldflags "-s -w" -o "$rootfs/controller/nginx-ingress-controller" ./controller &&
	go build -ldflags "-s -w" -o "$rootfs/certgen/certgen" ./certgen &&
	go build -ldflags "-s -w" -o "$rootfs/dns/ingress-dns" ./dns) >&2
ln "$rootfs/controller/nginx-ingress-controller" "$rootfs/controller/wait-shutdown"
chmod -R a+rX "$rootfs"
phase "ingress stand-ins" "$start"

start=$(date +%s)
tar --numeric-owner --owner=0 --group=0 -C "$rootfs/controller" -c . |
	docker import --change "LABEL sre-minikube.k8s-image.version=$standin_digest" \
		- "$registry/$controller_image" >/dev/null
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
