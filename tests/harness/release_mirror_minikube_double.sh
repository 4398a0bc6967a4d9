#!/bin/sh
# TEST DOUBLE of the minikube CLI: not minikube, never shipped.
#
# tests/harness/release_mirror.py copies this script into its release mirror
# once per version, replacing the two placeholders below, and publishes the
# copy as <version>/minikube-<os>-<arch> with its .sha256, the way the real
# releases are laid out. It answers only `minikube version`, with the output
# formats minikube prints, so the minikube_install role's tests can download,
# verify, install and probe a "minikube" binary without internet access.
version="@MINIKUBE_VERSION@"
commit="@MINIKUBE_COMMIT@"

usage() {
  echo "X Exiting due to MK_USAGE: this minikube test double only implements 'version'" >&2
  exit 14
}

[ "$1" = "version" ] || usage
shift
output=""
short=false
while [ "$#" -gt 0 ]; do
  case "$1" in
    --output=* | -o=*) output="${1#*=}" ;;
    --output | -o)
      [ "$#" -ge 2 ] || usage
      output="$2"
      shift
      ;;
    --short) short=true ;;
    *) usage ;;
  esac
  shift
done

if [ "$short" = true ]; then
  echo "$version"
elif [ "$output" = json ]; then
  printf '{"commit":"%s","minikubeVersion":"%s"}\n' "$commit" "$version"
elif [ -z "$output" ]; then
  printf 'minikube version: %s\ncommit: %s\n' "$version" "$commit"
else
  usage
fi
