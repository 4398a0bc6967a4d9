#!/usr/bin/env bash
# Build the local stand-in (a test double) of the Go builder image the apps'
# Dockerfiles name, tagged with that exact name (GO_BUILDER_IMAGE): the Debian
# 12 base image plus the Go toolchain GO_TOOLCHAIN_VERSION, which the Go
# module proxy serves as the module golang.org/toolchain (checked against the
# Go checksum database by `go mod download`). Skipped when an image with the
# same version label exists; the unpacked toolchain is cached under
# $SRE_MINIKUBE_CACHE/go-builder/.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=SCRIPTDIR/../lib.sh
. "$here/../lib.sh"

cache=$cache_root/go-builder

"$harness/base-images.sh" bookworm

base_version=$(docker image inspect --format '{{ index .Config.Labels "sre-minikube.base-image.version" }}' \
	"$BASE_IMAGES_REPO:12")
dockerfile_digest=$(sha256sum "$here/go-builder.Dockerfile" | cut -c1-12)
version="go$GO_TOOLCHAIN_VERSION-$base_version-$dockerfile_digest"
current=$(docker image inspect --format '{{ index .Config.Labels "sre-minikube.go-builder.version" }}' \
	"$GO_BUILDER_IMAGE" 2>/dev/null || echo none)
if [ "$current" = "$version" ]; then
	log "$GO_BUILDER_IMAGE is up to date ($version)"
	exit 0
fi

start=$(date +%s)
context="$cache/go$GO_TOOLCHAIN_VERSION"
if [ ! -x "$context/go/bin/go" ]; then
	command -v go >/dev/null 2>&1 || die "a Go toolchain on PATH is needed to fetch the toolchain module"
	module="golang.org/toolchain@v0.0.1-go$GO_TOOLCHAIN_VERSION.linux-amd64"
	log "fetching $module from the Go module proxy"
	zip=$(cd "$(mktemp -d)" && GOFLAGS=-mod=mod GOTOOLCHAIN=local go mod download -json "$module" |
		python3 -c 'import json, sys; print(json.load(sys.stdin)["Zip"])')
	[ -s "$zip" ] || die "go mod download $module gave no zip"
	rm -rf "$context.partial"
	mkdir -p "$context.partial"
	python3 - "$zip" "$context.partial/go" <<'PY'
import os
import sys
import zipfile

zip_path, dest = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(zip_path) as archive:
    for info in archive.infolist():
        # Every entry sits under "golang.org/toolchain@<version>/".
        _, _, rel = info.filename.partition("@")
        _, _, rel = rel.partition("/")
        if not rel or info.is_dir():
            continue
        target = os.path.join(dest, rel)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with archive.open(info) as src, open(target, "wb") as out:
            out.write(src.read())
        # Module zips carry no file modes: executables are bin/ and pkg/tool/.
        executable = rel.startswith("bin/") or rel.startswith("pkg/tool/")
        os.chmod(target, 0o755 if executable else 0o644)
PY
	rm -rf "$context"
	mv "$context.partial" "$context"
fi

docker build --quiet \
	--build-arg "GO_VERSION=$GO_TOOLCHAIN_VERSION" \
	--build-arg "STANDIN_VERSION=$version" \
	-f "$here/go-builder.Dockerfile" -t "$GO_BUILDER_IMAGE" "$context" >/dev/null
docker run --rm "$GO_BUILDER_IMAGE" go version | grep -q "go$GO_TOOLCHAIN_VERSION " ||
	die "$GO_BUILDER_IMAGE does not run go $GO_TOOLCHAIN_VERSION"
log "$GO_BUILDER_IMAGE ($version) built in $(($(date +%s) - start))s"
