#!/usr/bin/env bash
# The tests' image registry for a cluster that already exists: the reference
# registry (distribution, built from its Go module at DISTRIBUTION_VERSION)
# in a container of the harness's Docker engine, on a Docker network of its
# own (sre-registry, REGISTRY_SUBNET) at a fixed address (REGISTRY_ADDRESS).
# It speaks plain HTTP and asks for a user and password (htpasswd, bcrypt).
# No port is published: the machine reaches the container's address through
# the network's bridge, and a minikube node reaches it once its container is
# connected to the network (`connect`). The harness's dockerd lists the
# address in insecure-registries (docker-up.sh); minikube's node gets it with
# `minikube start --insecure-registry=<address>`. docs/real-cluster.md,
# section "The registry".
#
# Usage: registry.sh COMMAND
#   build            build the registry binary once per machine (timed)
#   up DIR           build if needed, start the registry (a no-op when it runs
#                    with the same settings; made again, empty, when they
#                    changed), wait until it answers, and write DIR/address,
#                    DIR/username, DIR/password (mode 0600)
#   connect CONTAINER  connect CONTAINER (a minikube node) to the registry's
#                    network (a no-op when connected)
#   down             remove the container, its storage and its network; fails
#                    if anything of them is left
#
# Environment:
#   SRE_MINIKUBE_CACHE  cache root (default ~/.cache/sre-minikube): the binary
#                       in registry/distribution-<version>/, the running
#                       registry's settings and credentials in registry/run/
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

module=github.com/distribution/distribution/v3
name=sre-registry
ip=${REGISTRY_ADDRESS%:*}
port=${REGISTRY_ADDRESS##*:}
cache=$cache_root/registry
bin_dir=$cache/distribution-$DISTRIBUTION_VERSION
binary=$bin_dir/registry
# The running registry's settings (etc/, mounted read-only) and credentials.
state=$cache/run
# bcrypt's cost: every request carries the password and is checked again.
bcrypt_cost=10

usage() {
	sed -n '/^# Usage:/,/^#$/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
	exit 2
}

# build: go install of cmd/registry into $bin_dir, once; built in a scratch
# directory beside it and moved there whole.
build() {
	if [ -x "$binary" ]; then
		log "distribution $DISTRIBUTION_VERSION: cached in $bin_dir"
		return 0
	fi
	mkdir -p "$cache"
	exec 7>"$cache/build.lock"
	flock -w 3600 7 || die "timed out waiting for another build ($cache/build.lock)"
	if [ -x "$binary" ]; then
		log "distribution $DISTRIBUTION_VERSION: built by another run in $bin_dir"
		exec 7>&-
		return 0
	fi
	use_go
	local start work
	start=$(date +%s)
	work=$(mktemp -d "$cache/.build.XXXXXX")
	# shellcheck disable=SC2064 # the directory is known now
	trap "rm -rf '$work'" EXIT
	log "distribution $DISTRIBUTION_VERSION: go install $module/cmd/registry"
	mkdir "$work/out"
	if ! GOBIN=$work/out nice -n 10 go install \
		-ldflags "-s -w -X $module/version.version=$DISTRIBUTION_VERSION" \
		"$module/cmd/registry@$DISTRIBUTION_VERSION" >"$work/build.log" 2>&1; then
		tail -n 20 "$work/build.log" >&2
		die "distribution $DISTRIBUTION_VERSION: go install failed"
	fi
	"$work/out/registry" --version >&2 || die "the built registry does not run"
	mv "$work/out" "$bin_dir"
	rm -rf "$work"
	trap - EXIT
	exec 7>&-
	phase "distribution $DISTRIBUTION_VERSION: build" "$start"
}

# HTTP status of GET /v2/ on the registry, with USER and PASSWORD when given
# (000 when nothing answers). No proxy: the address is on this machine.
v2_status() {
	python3 - "http://$REGISTRY_ADDRESS/v2/" "$@" <<'PY'
import base64, sys, urllib.error, urllib.request
url, credentials = sys.argv[1], sys.argv[2:]
request = urllib.request.Request(url)
if credentials:
    token = base64.b64encode(":".join(credentials).encode()).decode()
    request.add_header("Authorization", "Basic " + token)
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
try:
    with opener.open(request, timeout=3) as answer:
        print(answer.status)
except urllib.error.HTTPError as error:
    print(error.code)
except OSError:
    print("000")
PY
}

# The registry's settings and credentials: made once per `up` after a
# `down`, kept while it runs so that a second `up` changes nothing.
make_state() {
	if [ -s "$state/username" ] && [ -s "$state/password" ] && [ -s "$state/etc/htpasswd" ] &&
		[ -s "$state/http-secret" ]; then
		return 0
	fi
	rm -rf "$state"
	mkdir -p "$state/etc"
	chmod 0700 "$state"
	(
		umask 077
		python3 -c 'import secrets; print("sre-" + secrets.token_hex(4))' >"$state/username"
		python3 -c 'import secrets; print(secrets.token_urlsafe(24))' >"$state/password"
		python3 -c 'import secrets; print(secrets.token_hex(32))' >"$state/http-secret"
		# bcrypt from the C library of the base image's Debian 12 (libxcrypt,
		# "$2b$"), which the registry's Go bcrypt reads; the password comes
		# on standard input.
		hash=$(docker run --rm -i --network none "$base_image" \
			python3 -W ignore::DeprecationWarning -c '
import crypt, sys
print(crypt.crypt(sys.stdin.readline().strip(), crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=1 << int(sys.argv[1]))))
' "$bcrypt_cost" <"$state/password")
		case "$hash" in
		"\$2b\$"*) ;;
		*) die "the base image's crypt gave no bcrypt hash: '$hash'" ;;
		esac
		printf '%s:%s\n' "$(cat "$state/username")" "$hash" >"$state/etc/htpasswd"
	)
}

write_config() {
	cat >"$state/etc/config.yml.partial" <<EOF
version: 0.1
log:
  level: info
storage:
  filesystem:
    rootdirectory: /var/lib/registry
  delete:
    enabled: true
http:
  addr: :$port
  secret: $(cat "$state/http-secret")
auth:
  htpasswd:
    realm: sre-minikube-tests
    path: /etc/distribution/htpasswd
EOF
	chmod 0600 "$state/etc/config.yml.partial"
	mv "$state/etc/config.yml.partial" "$state/etc/config.yml"
}

# ensure_network: the registry's network with REGISTRY_SUBNET; an existing
# one with another subnet is removed first (with the registry on it).
ensure_network() {
	local subnet
	if subnet=$(docker network inspect --format '{{range .IPAM.Config}}{{.Subnet}}{{end}}' "$name" 2>/dev/null); then
		[ "$subnet" != "$REGISTRY_SUBNET" ] || return 0
		log "network $name has subnet $subnet, not $REGISTRY_SUBNET: replacing it"
		remove_all
	fi
	docker network create --driver bridge --subnet "$REGISTRY_SUBNET" \
		--opt com.docker.network.bridge.name="$name" \
		--label sre-minikube.registry=true "$name" >/dev/null ||
		die "could not create network $name ($REGISTRY_SUBNET); is the subnet taken? change REGISTRY_SUBNET and REGISTRY_ADDRESS in versions.env"
}

up() {
	local out=$1 start settings current
	start=$(date +%s)
	build
	"$here/base-images.sh" bookworm
	mkdir -p "$cache"
	exec 8>"$cache/registry.lock"
	flock -w 600 8 || die "timed out waiting for another up/down of the registry"
	make_state
	write_config
	# What the running container must match, or it is made again.
	settings=$(content_digest "$binary" "$state/etc/config.yml" "$state/etc/htpasswd" \
		"$(base_version)" "$REGISTRY_SUBNET" "$REGISTRY_ADDRESS" "$bcrypt_cost")
	current=$(docker container inspect --format \
		'{{.State.Running}} {{index .Config.Labels "sre-minikube.registry.settings"}}' "$name" 2>/dev/null || true)
	if [ "$current" = "true $settings" ]; then
		log "$name runs at $REGISTRY_ADDRESS with the same settings"
	elif [ "$current" = "false $settings" ]; then
		log "$name is stopped: starting it, with the images it holds"
		docker start "$name" >/dev/null || die "docker start $name failed"
	else
		[ -z "$current" ] || log "$name has other settings: making it again, empty"
		docker rm -f -v "$name" >/dev/null 2>&1 || true
		docker volume rm "$name" >/dev/null 2>&1 || true
		ensure_network
		# Root inside, owner of its files, with no capabilities; the root
		# file system read-only, the images on a volume of its own.
		docker run -d --name "$name" --hostname "$name" \
			--label "sre-minikube.registry.settings=$settings" \
			--network "$name" --ip "$ip" --restart unless-stopped \
			--read-only --tmpfs /tmp --cap-drop ALL --security-opt no-new-privileges \
			--mount "type=volume,source=$name,target=/var/lib/registry" \
			--mount "type=bind,source=$binary,target=/usr/local/bin/registry,readonly" \
			--mount "type=bind,source=$state/etc,target=/etc/distribution,readonly" \
			--env OTEL_TRACES_EXPORTER=none \
			--entrypoint /usr/local/bin/registry \
			"$base_image" serve /etc/distribution/config.yml >/dev/null ||
			die "docker run of $name failed"
	fi
	wait_ready
	(
		umask 077
		mkdir -p "$out"
		printf '%s\n' "$REGISTRY_ADDRESS" >"$out/address"
		cp "$state/username" "$out/username"
		cp "$state/password" "$out/password"
		chmod 0600 "$out/address" "$out/username" "$out/password"
	)
	if ! docker_insecure_registry "$REGISTRY_ADDRESS"; then
		log "warning: this Docker engine does not list $REGISTRY_ADDRESS in insecure-registries; pushes to it fail (docker-up.sh sets it on the harness's dockerd)"
	fi
	phase "registry up at $REGISTRY_ADDRESS (credentials in $out)" "$start"
}

# wait_ready: /v2/ refuses a request without credentials (401) and
# answers one with them (200).
wait_ready() {
	local user password anonymous authorized waited=0
	user=$(cat "$state/username")
	password=$(cat "$state/password")
	while :; do
		anonymous=$(v2_status)
		authorized=$(v2_status "$user" "$password")
		[ "$anonymous $authorized" != "401 200" ] || return 0
		if [ "$waited" -ge 60 ]; then
			docker logs --tail 30 "$name" >&2 || true
			die "$name at $REGISTRY_ADDRESS: /v2/ answered $anonymous without and $authorized with credentials, want 401 and 200"
		fi
		sleep 0.5
		waited=$((waited + 1))
	done
}

connect() {
	local container=$1 networks
	docker network inspect "$name" >/dev/null 2>&1 || die "network $name does not exist; run registry.sh up first"
	networks=$(docker container inspect --format '{{range $net, $_ := .NetworkSettings.Networks}}{{println $net}}{{end}}' "$container") ||
		die "no container $container"
	if grep -qxF "$name" <<<"$networks"; then
		log "$container is on network $name"
		return 0
	fi
	docker network connect "$name" "$container" || die "docker network connect $name $container failed"
	log "$container connected to network $name (registry at $REGISTRY_ADDRESS)"
}

# What the registry leaves in Docker, one item per line.
leftovers() {
	docker ps -aq --filter "name=^/$name\$" | sed 's/^/container /'
	docker network ls -q --filter "name=^$name\$" | sed 's/^/network /'
	docker volume ls -q --filter "name=^$name\$" | sed 's/^/volume /'
}

# remove_all: the container, its volume, and the network (other containers,
# minikube nodes, are disconnected from it first).
remove_all() {
	local other
	docker rm -f -v "$name" >/dev/null 2>&1 || true
	docker volume rm "$name" >/dev/null 2>&1 || true
	if docker network inspect "$name" >/dev/null 2>&1; then
		for other in $(docker network inspect --format '{{range .Containers}}{{println .Name}}{{end}}' "$name"); do
			log "disconnecting $other from network $name"
			docker network disconnect -f "$name" "$other" >/dev/null || true
		done
		docker network rm "$name" >/dev/null || true
	fi
}

down() {
	local start left
	start=$(date +%s)
	mkdir -p "$cache"
	exec 8>"$cache/registry.lock"
	flock -w 600 8 || die "timed out waiting for another up/down of the registry"
	remove_all
	rm -rf "$state"
	left=$(leftovers)
	[ -z "$left" ] || die "still there after removing the registry: $(tr '\n' ' ' <<<"$left")"
	phase "registry removed, nothing left" "$start"
}

case "${1:-}" in
build) build ;;
up)
	[ -n "${2:-}" ] || usage
	up "$2"
	;;
connect)
	[ -n "${2:-}" ] || usage
	connect "$2"
	;;
down) down ;;
*) usage ;;
esac
