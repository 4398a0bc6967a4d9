#!/usr/bin/env bash
# Installs the built collection artifact into an empty collections path and
# runs both modules from it, so a broken build (a file missing from the
# tarball, a bad galaxy.yml) fails here rather than on a user's machine.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
version=$(python -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["version"])' \
  "$top/collection/ansible_collections/sre/minikube/galaxy.yml")
artifact="$top/dist/sre-minikube-$version.tar.gz"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Only the installed copy may be found: not the work tree's, not the venv's.
cd "$work"
unset ANSIBLE_CONFIG
export ANSIBLE_COLLECTIONS_PATH="$work/collections" ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false
ansible-galaxy collection install --no-deps --force -p "$work/collections" "$artifact" >/dev/null
export ANSIBLE_PYTHON_INTERPRETER="$(command -v python)"

for module in platform_info macos_resolver; do
  ANSIBLE_NOCOLOR=1 ansible-doc "sre.minikube.$module" >"$work/doc.out"
  grep -q "^> MODULE sre.minikube.$module " "$work/doc.out"
done
ansible localhost -c local -i localhost, -m sre.minikube.platform_info | tee "$work/platform.out"
grep -q '"asset": "minikube-' "$work/platform.out"
ansible localhost -c local -i localhost, -m sre.minikube.macos_resolver \
  -a "name=artifact-test domain=test nameservers=192.0.2.53 path=$work/resolver"
expected=$'domain test\nnameserver 192.0.2.53'
[ "$(cat "$work/resolver/artifact-test")" = "$expected" ] || {
  echo "unexpected resolver file content:" >&2
  cat "$work/resolver/artifact-test" >&2
  exit 1
}
echo "collection artifact $artifact installs and works"
