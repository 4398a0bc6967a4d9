#!/usr/bin/env bash
# Test the tests' registry (registry.sh) end to end: start it, check its
# credentials and that it refuses a request without them, push an image of
# its own through the harness's Docker engine over plain HTTP, remove it
# locally and pull it back by digest (refused without credentials), reach
# the registry from a container connected to its network (as a minikube
# node is), then remove the registry and check that nothing of it is left.
#
# Prints one line per check and "N passed, M failed"; exits non-zero on any
# failure. Refuses to run while the registry runs: `down` would take it from
# its user. make test-registry runs it; it is not part of `make test`.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

reg=$here/registry.sh
name=sre-registry
client=sre-registry-selftest-client
repo=$REGISTRY_ADDRESS/selftest
passed=0
failed=0
started=$(date +%s)

"$here/docker-up.sh"
if docker container inspect "$name" >/dev/null 2>&1; then
	die "container $name exists: the registry is in use (registry.sh down removes it)"
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/sre-registry-selftest.XXXXXX")
# docker login writes here, not into the user's Docker configuration.
export DOCKER_CONFIG=$scratch/docker
mkdir -p "$DOCKER_CONFIG"
registry_up=0
cleanup() {
	docker rm -f "$client" >/dev/null 2>&1 || true
	docker image rm "$repo:1" >/dev/null 2>&1 || true
	if [ -n "${digest:-}" ]; then
		docker image rm "$repo@$digest" >/dev/null 2>&1 || true
	fi
	if [ "$registry_up" = 1 ]; then
		"$reg" down >/dev/null 2>&1 || true
	fi
	rm -rf "$scratch"
}
trap cleanup EXIT

check_out=$scratch/check.out

# expect_output PATTERN COMMAND...: COMMAND succeeds and prints a line matching PATTERN.
expect_output() {
	local pattern=$1 out
	shift
	out=$("$@" 2>&1) || {
		printf '%s\n' "$out"
		return 1
	}
	printf '%s\n' "$out"
	grep -qE -- "$pattern" <<<"$out"
}

# fails COMMAND...: COMMAND exits non-zero.
fails() {
	if "$@"; then
		echo "succeeded, should have failed"
		return 1
	fi
}

# v2 [CURL OPTION...]: the HTTP status of GET /v2/ from this machine.
v2() { curl -sS --noproxy '*' -m 5 -o /dev/null -w '%{http_code}\n' "$@" "http://$REGISTRY_ADDRESS/v2/"; }

mode_600() { [ "$(stat -c %a "$1")" = 600 ]; }
same_container() { [ "$(docker container inspect --format '{{.Id}}' "$name")" = "$1" ]; }
no_published_port() { [ -z "$(docker port "$name")" ]; }
on_network() {
	docker container inspect --format '{{range $net, $_ := .NetworkSettings.Networks}}{{println $net}}{{end}}' "$1" |
		grep -qxF "$name"
}

# ------------------------------------------------------------ up
creds=$scratch/creds
registry_up=1
check "up: the registry answers at $REGISTRY_ADDRESS" "$reg" up "$creds"
check "address file holds REGISTRY_ADDRESS" expect_output "^$REGISTRY_ADDRESS\$" cat "$creds/address"
check "username and password files are not empty" test -s "$creds/username" -a -s "$creds/password"
for file in address username password; do
	check "$file file has mode 0600" mode_600 "$creds/$file"
done
user=$(cat "$creds/username" 2>/dev/null || true)
password=$(cat "$creds/password" 2>/dev/null || true)
check "no port published on the machine" no_published_port
check "/v2/ without credentials: 401" expect_output '^401$' v2
check "/v2/ with a wrong password: 401" expect_output '^401$' v2 -u "$user:wrong-$password"
check "/v2/ with the credentials: 200" expect_output '^200$' v2 -u "$user:$password"
id=$(docker container inspect --format '{{.Id}}' "$name" 2>/dev/null || true)
check "a second up changes nothing" "$reg" up "$scratch/creds-again"
check "a second up keeps the container" same_container "$id"
check "a second up writes the same password" cmp "$creds/password" "$scratch/creds-again/password"

# ------------------------------------------------------------ push and pull
check "the harness's dockerd lists $REGISTRY_ADDRESS in insecure-registries" \
	docker_insecure_registry "$REGISTRY_ADDRESS"
mkdir -p "$scratch/image"
token=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
printf '%s\n' "$token" >"$scratch/image/token"
printf 'FROM %s\nCOPY token /selftest-token\n' "$base_image" >"$scratch/image/Dockerfile"
check "an image of its own: $repo:1" docker build -q -t "$repo:1" "$scratch/image"
image_id=$(docker image inspect --format '{{.Id}}' "$repo:1" 2>/dev/null || true)
login() { docker login --username "$user" --password-stdin "$REGISTRY_ADDRESS" <<<"$password"; }
check "docker login" login
check "docker push $repo:1 (plain HTTP)" docker push "$repo:1"
digest=$(docker image inspect --format '{{range .RepoDigests}}{{println .}}{{end}}' "$repo:1" 2>/dev/null |
	sed -n "s#^$repo@##p" | head -n 1)
check "the pushed image has a digest of the registry" expect_output '^sha256:[0-9a-f]{64}$' echo "$digest"
check "the registry serves the manifest by digest" expect_output '^HTTP/1.1 200' \
	curl -sS --noproxy '*' -m 5 -I -u "$user:$password" \
	-H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
	-H 'Accept: application/vnd.oci.image.manifest.v1+json' \
	"http://$REGISTRY_ADDRESS/v2/selftest/manifests/$digest"
check "local tag removed" docker image rm "$repo:1"
check "the image is gone from the engine" fails docker image inspect "$image_id"
check "docker logout" docker logout "$REGISTRY_ADDRESS"
check "pull by digest without credentials is refused" fails docker pull "$repo@$digest"
check "docker login again" login
check "pull by digest" docker pull "$repo@$digest"
check "the pulled image holds what was pushed" expect_output "^$token\$" \
	docker run --rm --network none "$repo@$digest" cat /selftest-token
check "pulled image removed" docker image rm "$repo@$digest"

# ------------------------------------------------------------ connect
reach_from_client() {
	docker exec "$client" python3 -c '
import sys, urllib.error, urllib.request
try:
    urllib.request.urlopen(sys.argv[1], timeout=5)
except urllib.error.HTTPError as error:
    print(error.code)
' "http://$REGISTRY_ADDRESS/v2/"
}
check "a container on Docker's default network" \
	docker run -d --name "$client" "$base_image" sleep 600
check "the container does not reach the registry before connect" fails expect_output '^401$' reach_from_client
check "connect puts it on the registry's network" "$reg" connect "$client"
check "connect again is a no-op" expect_output 'is on network' "$reg" connect "$client"
check "the connected container reaches the registry (401 without credentials)" expect_output '^401$' reach_from_client

# ------------------------------------------------------------ down
check "down: the registry removed, nothing left" "$reg" down
registry_up=0
check "down disconnected the connected container" fails on_network "$client"
check "no container $name" expect_output '^$' docker ps -aq --filter "name=^/$name\$"
check "no network $name" expect_output '^$' docker network ls -q --filter "name=^$name\$"
check "no volume $name" expect_output '^$' docker volume ls -q --filter "name=^$name\$"
check "no settings or credentials left in the cache" fails test -e "$cache_root/registry/run"
check "nothing answers at $REGISTRY_ADDRESS" fails expect_output '^401$' v2 -m 2

phase "registry self-test" "$started"
printf '%d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
