#!/usr/bin/env bash
# A Go module proxy on 127.0.0.1 for image builds on the test machines.
#
# Build containers on these machines cannot verify TLS to the public Go module
# proxy, while the host's `go` can. So the host downloads the modules a Go
# module needs (`go mod download`, checked against go.sum) and this script
# serves the host's module download cache, which has the GOPROXY protocol's
# layout, over plain HTTP on loopback. A build then uses it without any change
# to the Dockerfile:
#
#   docker build --network host --build-arg GOPROXY="$(docker-go-proxy.sh url)" ...
#
# Usage:
#   docker-go-proxy.sh start [go-module-dir...]  download the modules of each dir, start serving (idempotent)
#   docker-go-proxy.sh url                       print the GOPROXY value
#   docker-go-proxy.sh stop                      stop the server this script started
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

state=$cache_root/go-proxy
pidfile="$state/server.pid"
url="http://127.0.0.1:$GO_MODULE_PROXY_PORT"
# A module every image build of the apps needs: proof the server is ours.
probe_path="github.com/gin-gonic/gin/@v/list"

serving() { python3 - "$url/$probe_path" <<'PY'; }
import sys
import urllib.request

try:
    with urllib.request.urlopen(sys.argv[1], timeout=2) as answer:
        sys.exit(0 if answer.status == 200 else 1)
except OSError:
    sys.exit(1)
PY

start() {
	command -v go >/dev/null 2>&1 || die "go is not on PATH"
	local dir cache
	for dir in "$@"; do
		(cd "$dir" && GOFLAGS=-mod=readonly go mod download) || die "go mod download failed in $dir"
		# `list` files make the cache answer version queries like a proxy.
		# Modules replaced by a local directory (apps/common) are not downloaded.
		(cd "$dir" && go list -m -f '{{if or (not .Replace) .Replace.Version}}{{.Path}} {{.Version}}{{end}}' all) |
			while read -r path version; do
				[ -n "$version" ] || continue
				list="$(go env GOMODCACHE)/cache/download/$(escape "$path")/@v/list"
				[ -f "$list" ] && grep -qxF "$version" "$list" || echo "$version" >>"$list"
			done
	done
	cache="$(go env GOMODCACHE)/cache/download"
	[ -d "$cache" ] || die "no module cache at $cache"
	mkdir -p "$state"
	exec 9>"$state/lock"
	flock 9
	if serving; then
		return 0
	fi
	log "serving $cache on $url"
	setsid python3 -m http.server "$GO_MODULE_PROXY_PORT" --bind 127.0.0.1 --directory "$cache" \
		>"$state/server.log" 2>&1 </dev/null 9>&- &
	echo "$!" >"$pidfile"
	for _ in $(seq 1 50); do
		serving && return 0
		sleep 0.1
	done
	die "the module proxy did not answer on $url (log: $state/server.log; is port $GO_MODULE_PROXY_PORT taken? change GO_MODULE_PROXY_PORT)"
}

# Module paths are stored with each upper-case letter as "!" + lower case.
escape() { printf '%s' "$1" | sed -e 's/[A-Z]/!&/g' | tr '[:upper:]' '[:lower:]'; }

stop() {
	[ -f "$pidfile" ] || return 0
	local pid
	pid=$(cat "$pidfile")
	if kill -0 "$pid" 2>/dev/null; then
		kill "$pid"
	fi
	rm -f "$pidfile"
}

case "${1:-}" in
start)
	shift
	start "$@"
	echo "$url"
	;;
url) echo "$url" ;;
stop) stop ;;
*) die "usage: $0 start [go-module-dir...] | url | stop" ;;
esac
