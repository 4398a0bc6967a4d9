#!/usr/bin/env bash
# The Go builder image for image builds inside a real minikube node, saved as
# an archive minikube loads into the node at start.
#
#   node-go-builder.sh ARCHIVE
#
# It is the Go builder stand-in (go-builder.sh) with the modules of every app
# under apps/ in its module cache (node-go-builder.Dockerfile, fed by the
# loopback module proxy of docker-go-proxy.sh), so that a build in the node
# runs offline with GOPROXY=off. ARCHIVE is a `docker save` archive whose
# image is named GO_BUILDER_IMAGE, the exact name the apps' Dockerfiles start
# from; the image itself keeps a name of its own in the local engine, so the
# plain stand-in is left alone. Written through a temporary file; rebuilt
# when the apps' go.mod or go.sum or the Dockerfile change (the image's tag
# is their digest).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=SCRIPTDIR/../lib.sh
. "$here/../lib.sh"
top=$(cd "$harness/../.." && pwd)

archive=${1:?usage: node-go-builder.sh ARCHIVE}

"$here/go-builder.sh" >&2

context=$(mktemp -d)
trap 'rm -rf "$context" "$archive.tmp" "$archive.unpacked"' EXIT
apps=()
for mod in "$top"/apps/*/go.mod; do
	app=$(basename "$(dirname "$mod")")
	mkdir -p "$context/$app"
	cp "$mod" "$(dirname "$mod")/go.sum" "$context/$app/"
	apps+=("$top/apps/$app")
done
digest=$( (cd "$context" && find . -type f -print0 | sort -z | xargs -0 sha256sum; sha256sum <"$here/node-go-builder.Dockerfile") |
	sha256sum | cut -c1-12)
image="$APPS_IMAGE_NAMESPACE/node-go-builder:$digest"

if ! docker image inspect "$image" >/dev/null 2>&1; then
	start=$(date +%s)
	"$harness/docker-go-proxy.sh" start "${apps[@]}" >/dev/null
	docker build --quiet --network host \
		--build-arg BASE="$GO_BUILDER_IMAGE" \
		--build-arg GOPROXY="$("$harness/docker-go-proxy.sh" url)" \
		-f "$here/node-go-builder.Dockerfile" -t "$image" "$context" >/dev/null
	log "built $image in $(($(date +%s) - start)) s"
fi

# docker save names the image after the reference it is given; the archive
# must name it after the Dockerfiles' base instead.
docker save -o "$archive.tmp" "$image"
python3 - "$archive.tmp" "$image" "$GO_BUILDER_IMAGE" <<'PY'
import io
import json
import sys
import tarfile

path, old, new = sys.argv[1:]
with tarfile.open(path) as src:
    members = [(m, src.extractfile(m).read() if m.isfile() else None) for m in src.getmembers()]
with tarfile.open(path, "w") as dst:
    for member, data in members:
        if member.name == "manifest.json":
            manifest = json.loads(data)
            for entry in manifest:
                entry["RepoTags"] = [new if tag == old else tag for tag in entry.get("RepoTags") or []]
            data = json.dumps(manifest).encode()
        elif member.name == "repositories":
            (tags,) = json.loads(data).values()
            (top_layer,) = tags.values()
            name, tag = new.rsplit(":", 1)
            data = json.dumps({name: {tag: top_layer}}).encode()
        if data is None:
            dst.addfile(member)
            continue
        member.size = len(data)
        dst.addfile(member, io.BytesIO(data))
PY
mv "$archive.tmp" "$archive"
log "saved $image as $GO_BUILDER_IMAGE in $archive"
