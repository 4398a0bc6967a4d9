#!/usr/bin/env bash
# Builds the sre.minikube collection artifact from the one source tree.
#
# The roles, site.yml with the stage playbooks it imports, the services'
# sources, the default settings and the LICENSE live once, at the top of the
# repository, where `ansible-playbook site.yml` runs them. This script copies
# them beside the collection's own files (galaxy.yml, plugins/, meta/, ...)
# into a temporary staging tree and builds the artifact from that tree, so
# the artifact holds them and git holds one copy:
#
#   artifact                    source in the repository
#   roles/                      roles/
#   playbooks/site.yml          site.yml  (ansible-playbook sre.minikube.site)
#   playbooks/playbooks/        playbooks/
#   playbooks/apps/             apps/
#   playbooks/inventory/        inventory/
#   LICENSE                     LICENSE
#
# The collection's playbooks/ directory has the shape of the top of a clone,
# so the paths the playbooks use ({{ playbook_dir }}/../apps, vars/)
# resolve the same way in an installed collection as in a clone.
#
# ansible-galaxy cannot do this with symbolic links: it skips a link to a
# directory outside the collection (with a warning) instead of following it.
#
# Usage: collection/build-artifact.sh [OUTPUT_DIR]     (default: dist)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "${1:-dist}"
out=$(cd "${1:-dist}" && pwd)
collection=collection/ansible_collections/sre/minikube
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

# The files of SRC (a file or a directory, relative to the top): those git
# tracks or would track, or every file but Python caches outside a git work
# tree (a source archive), one per line ending in NUL.
files() {
  if git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git -C "$top" ls-files -z --cached --others --exclude-standard -- "$1" | sort -zu
  else
    (cd "$top" && find "$1" -type f ! -path '*/__pycache__/*' ! -name '*.pyc' -print0)
  fi
}

# stage SRC DEST: copies SRC to DEST in the staging tree; a directory's files
# keep their paths below it.
stage() {
  local src=$1 dest=$2 file target
  while IFS= read -r -d '' file; do
    [ -f "$top/$file" ] || continue # deleted from the work tree, not yet from git
    if [ "$file" = "$src" ]; then target=$dest; else target=$dest/${file#"$src"/}; fi
    mkdir -p "$stage/$(dirname "$target")"
    cp -p "$top/$file" "$stage/$target"
  done < <(files "$src")
  [ -e "$stage/$dest" ] || { echo "build-artifact: nothing to stage from $src" >&2; exit 1; }
}

# What is staged from the top must not also exist in the collection's
# directory: that would be the second copy this build avoids.
for path in roles playbooks LICENSE; do
  if [ -e "$top/$collection/$path" ]; then
    echo "build-artifact: $collection/$path exists; its source is $path at the top of the repository" >&2
    exit 1
  fi
done

stage "$collection" .
stage roles roles
stage site.yml playbooks/site.yml
stage playbooks playbooks/playbooks
stage apps playbooks/apps
stage inventory playbooks/inventory
stage LICENSE LICENSE

ansible-galaxy collection build --force --output-path "$out" "$stage"
