#!/usr/bin/env bash
# Fill the real minikube's caches so that `minikube start` needs no network:
#
#   $MINIKUBE_HOME/.minikube/cache/linux/amd64/<k8s version>/{kubeadm,kubelet,kubectl}
#   $MINIKUBE_HOME/.minikube/cache/images/amd64/<image path>_<tag>   (docker save archives)
#
# The images are the ones `kubeadm config images list` names for the
# product's Kubernetes version (lib.sh's kubernetes_version), plus the
# storage-provisioner addon's image as `minikube addons images` names it;
# the names are read from those commands at run time, never written here. What goes into each:
#   kube-apiserver, kube-controller-manager, kube-scheduler, etcd
#       one static binary of the harness's build (cluster-build.sh) on an empty image
#   kube-proxy   the Debian 12 base image, iptables, conntrack, ipset (k8s-images/iptables-tool.Dockerfile)
#   pause        k8s-images/pause, built with Go
#   coredns      github.com/coredns/coredns at the version of its tag
#   storage-provisioner  k8s.io/minikube's cmd/storage-provisioner at minikube's version
# Each archive is rebuilt only when what goes into it changes (a digest kept
# in $SRE_MINIKUBE_CACHE/real-cluster/image-stamps/). Progress and timings go
# to stderr.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
real_cluster_setup

k8s_version=$(kubernetes_version) || exit 1
arch=amd64
[ "$(uname -m)" = x86_64 ] || die "only amd64 machines are supported (this is $(uname -m))"
minikube_cache=$MINIKUBE_HOME/.minikube/cache
stamps=$real_cache/image-stamps

started=$(date +%s)
"$here/docker-up.sh"
"$here/cluster-build.sh" >/dev/null
"$here/minikube-build.sh" >/dev/null
"$here/base-images.sh" bookworm
kube=$(kube_bin)
etcd=$(etcd_bin)
minikube=$(minikube_bin)

mkdir -p "$stamps"
hold_lock k8s-images

# ------------------------------------------------- Kubernetes binaries
start=$(date +%s)
binaries=$minikube_cache/linux/$arch/$k8s_version
for b in kubeadm kubelet kubectl; do
	if ! cmp -s "$kube/$b" "$binaries/$b"; then
		mkdir -p "$binaries"
		cp "$kube/$b" "$binaries/.$b.partial"
		chmod 0755 "$binaries/.$b.partial"
		mv "$binaries/.$b.partial" "$binaries/$b"
		log "$binaries/$b installed"
	fi
done
phase "kubernetes binaries in minikube's cache" "$start"

# ------------------------------------------------- image names
mapfile -t kube_images < <("$kube/kubeadm" config images list --kubernetes-version "$k8s_version")
[ "${#kube_images[@]}" -ge 7 ] || die "kubeadm config images list printed ${#kube_images[@]} images: ${kube_images[*]}"
provisioner_image=$("$minikube" addons images storage-provisioner --output json | tr -d '[]"\n')
case "$provisioner_image" in
*/storage-provisioner:?*) ;;
*) die "cannot read the storage-provisioner image from minikube addons images: '$provisioner_image'" ;;
esac
minikube_version=$("$minikube" version --short)

# image_of SHORTNAME: the full reference kubeadm listed for it.
image_of() {
	local ref
	for ref in "${kube_images[@]}"; do
		case "${ref%:*}" in
		*/"$1") printf '%s\n' "$ref" && return 0 ;;
		esac
	done
	die "kubeadm lists no $1 image"
}

# ------------------------------------------------- Go-built binaries
coredns_ref=$(image_of coredns)
coredns_version=${coredns_ref##*:}
go_tools coredns "$coredns_version" "" github.com/coredns/coredns
# The provisioner's source asks client-go for an "endpoints" leader election
# lock, which client-go releases since v0.24 refuse; build it against the
# older client-go of versions.env (and the api, apimachinery and kube-openapi
# versions that client-go release requires), as the published image was.
client_go=$REAL_CLUSTER_STORAGE_PROVISIONER_CLIENT_GO
use_go
client_go_mod=$(go mod download -json "k8s.io/client-go@$client_go" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",*$/\1/p')
[ -f "$client_go_mod" ] || die "could not download k8s.io/client-go@$client_go"
go_tools_replace="k8s.io/client-go=$client_go k8s.io/api=$client_go k8s.io/apimachinery=$client_go"
go_tools_replace+=" $(awk '$1 == "k8s.io/kube-openapi" {print $1 "=" $2; exit}' "$client_go_mod")"
provisioner_name=storage-provisioner-client-go-$client_go
go_tools "$provisioner_name" "$minikube_version" \
	"-X k8s.io/minikube/pkg/storage.version=${provisioner_image##*:}" \
	k8s.io/minikube/cmd/storage-provisioner
go_tools_replace=""
provisioner_bin=$real_cache/$provisioner_name-$minikube_version/bin/storage-provisioner

pause_digest=$(content_digest "$here/k8s-images/pause/go.mod" "$here/k8s-images/pause/main.go")
pause_dir=$real_cache/pause-$pause_digest/bin
if [ ! -x "$pause_dir/pause" ]; then
	use_go
	start=$(date +%s)
	work=$(new_scratch pause)
	(cd "$here/k8s-images/pause" && go build -ldflags "-s -w" -o "$work/pause" .)
	rm -rf "$pause_dir" && mkdir -p "$work/bin" "${pause_dir%/bin}" && mv "$work/pause" "$work/bin/" && mv "$work/bin" "$pause_dir"
	phase "pause" "$start"
fi

# ------------------------------------------------- images
# cache_file REF: where minikube looks for REF's archive.
cache_file() {
	local ref=$1
	printf '%s/images/%s/%s_%s\n' "$minikube_cache" "$arch" "${ref%:*}" "${ref##*:}"
}

# up_to_date REF DIGEST: the archive exists and was made from DIGEST.
up_to_date() {
	local stamp
	stamp="$stamps/$(printf '%s' "$1" | tr '/:' '__')"
	[ -s "$(cache_file "$1")" ] && [ "$(cat "$stamp" 2>/dev/null || true)" = "$2" ]
}

# save REF DIGEST: docker save REF into minikube's cache, then stamp it.
save() {
	local ref=$1 digest=$2 file stamp
	file=$(cache_file "$ref")
	stamp="$stamps/$(printf '%s' "$ref" | tr '/:' '__')"
	mkdir -p "$(dirname "$file")"
	docker save -o "$file.partial" "$ref"
	mv "$file.partial" "$file"
	printf '%s\n' "$digest" >"$stamp"
}

# scratch_image REF DIGEST DIR ENTRYPOINT USER: an image holding DIR's files
# (a root file system) and nothing else, like FROM scratch.
scratch_image() {
	local ref=$1 digest=$2 dir=$3 entrypoint=$4 user=$5
	local changes=(--change "LABEL sre-minikube.k8s-image.version=$digest"
		--change "ENV PATH=/usr/local/bin:/usr/bin:/bin")
	[ -z "$entrypoint" ] || changes+=(--change "ENTRYPOINT [\"$entrypoint\"]")
	[ -z "$user" ] || changes+=(--change "USER $user")
	tar --numeric-owner --owner=0 --group=0 -C "$dir" -c . | docker import "${changes[@]}" - "$ref" >/dev/null
}

# rootfs_with SOURCE TARGET...: a scratch root file system with SOURCE copied to
# each TARGET path; prints its directory.
rootfs_with() {
	local source=$1 dir target
	shift
	dir=$(new_scratch rootfs)
	for target in "$@"; do
		mkdir -p "$dir$(dirname "$target")"
		cp "$source" "$dir$target"
		chmod 0755 "$dir$target"
	done
	chmod 0755 "$dir"
	mkdir -p "$dir/tmp" && chmod 1777 "$dir/tmp"
	printf '%s\n' "$dir"
}

build_image() {
	local ref=$1 kind=$2 digest start dir
	case "$kind" in
	static:*) digest=$(content_digest "$REAL_CLUSTER_IMAGES_REVISION" "$kube/${kind#static:}") ;;
	etcd) digest=$(content_digest "$REAL_CLUSTER_IMAGES_REVISION" "$etcd/etcd") ;;
	pause) digest=$(content_digest "$REAL_CLUSTER_IMAGES_REVISION" "$pause_dir/pause") ;;
	coredns) digest=$(content_digest "$REAL_CLUSTER_IMAGES_REVISION" "$real_cache/coredns-$coredns_version/bin/coredns") ;;
	provisioner) digest=$(content_digest "$REAL_CLUSTER_IMAGES_REVISION" "$provisioner_bin") ;;
	kube-proxy) digest=$(content_digest "$REAL_CLUSTER_IMAGES_REVISION" "$kube/kube-proxy" "$REAL_CLUSTER_IPTABLES_TOOL_PACKAGES" \
		"$here/k8s-images/iptables-tool.Dockerfile" "$(base_version)") ;;
	*) die "unknown image kind $kind" ;;
	esac
	if up_to_date "$ref" "$digest"; then
		log "$ref: cached"
		return 0
	fi
	start=$(date +%s)
	local previous
	previous=$(docker image inspect --format '{{.Id}}' "$ref" 2>/dev/null || true)
	case "$kind" in
	static:*)
		dir=$(rootfs_with "$kube/${kind#static:}" "/usr/local/bin/${kind#static:}")
		scratch_image "$ref" "$digest" "$dir" "" ""
		;;
	etcd)
		dir=$(rootfs_with "$etcd/etcd" /usr/local/bin/etcd)
		mkdir -p "$dir/var/lib/etcd"
		scratch_image "$ref" "$digest" "$dir" "" ""
		;;
	pause)
		dir=$(rootfs_with "$pause_dir/pause" /pause)
		scratch_image "$ref" "$digest" "$dir" /pause 65535:65535
		;;
	coredns)
		dir=$(rootfs_with "$real_cache/coredns-$coredns_version/bin/coredns" /coredns)
		scratch_image "$ref" "$digest" "$dir" /coredns ""
		;;
	provisioner)
		dir=$(rootfs_with "$provisioner_bin" /storage-provisioner)
		scratch_image "$ref" "$digest" "$dir" /storage-provisioner ""
		;;
	kube-proxy)
		dir=$(new_scratch rootfs)
		cp "$kube/kube-proxy" "$dir/kube-proxy"
		docker_build "$ref" "$dir" -f "$here/k8s-images/iptables-tool.Dockerfile" \
			--build-arg "BASE_IMAGE=$base_image" \
			--build-arg "PACKAGES=${REAL_CLUSTER_IPTABLES_TOOL_PACKAGES//,/ }" \
			--build-arg BINARY=kube-proxy --build-arg "IMAGE_VERSION=$digest"
		;;
	esac
	docker image inspect "$ref" >/dev/null 2>&1 || die "$ref is missing after its build"
	# The image this one replaces, if nothing else names it any more.
	if [ -n "$previous" ] && [ -z "$(docker image inspect --format '{{join .RepoTags ""}}' "$previous" 2>/dev/null || echo kept)" ]; then
		docker image rm "$previous" >/dev/null 2>&1 || true
	fi
	save "$ref" "$digest"
	phase "image $ref" "$start"
}

for ref in "${kube_images[@]}"; do
	name=${ref%:*}
	name=${name##*/}
	case "$name" in
	kube-apiserver | kube-controller-manager | kube-scheduler) build_image "$ref" "static:$name" ;;
	kube-proxy) build_image "$ref" kube-proxy ;;
	etcd) build_image "$ref" etcd ;;
	pause) build_image "$ref" pause ;;
	coredns) build_image "$ref" coredns ;;
	*) die "kubeadm lists an image this script does not know how to build: $ref" ;;
	esac
done
build_image "$provisioner_image" provisioner
phase "kubernetes and addon images, all" "$started"
