#!/usr/bin/env bash
# A throwaway Postgres server for the apps' tests: Debian's postgresql
# package (POSTGRES_VERSION in versions.env), one server per call of `up`,
# listening on 127.0.0.1 and a free port, its data in a temporary directory
# that `down` removes.
#
# Installs the package when the pinned version is missing (root on Debian;
# otherwise the package must be there already). Postgres refuses to run as
# root, so as root the server runs as the `postgres` user.
#
# Usage:
#   postgres.sh up            start a new server; prints its directory
#   postgres.sh url DIR       print the URL of its superuser `sre` (password auth)
#   postgres.sh createdb DIR NAME...   create empty databases, owned by `sre`
#   postgres.sh stop DIR      stop it, keeping its data (a database outage)
#   postgres.sh start DIR     start it again, on the same port
#   postgres.sh down DIR      stop it and remove DIR
# Bash 3.2 compatible.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

major=${POSTGRES_VERSION%%.*}
bin=/usr/lib/postgresql/$major/bin
package=postgresql-$major

# Run a server command as the postgres user when we are root.
as_owner() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

apt_install() {
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		-o DPkg::Lock::Timeout=600 "$@" >&2
}

installed_version() { dpkg-query -W -f '${Version}' "$package" 2>/dev/null || true; }

ensure_installed() {
	local version
	version=$(installed_version)
	# shellcheck disable=SC2254 # POSTGRES_VERSION is an apt version glob
	case "$version" in
	$POSTGRES_VERSION) [ -x "$bin/postgres" ] && return 0 ;;
	esac
	if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
		die "$package $POSTGRES_VERSION is not installed (found '${version:-none}'); install it or run as root on Debian"
	fi
	log "installing $package=$POSTGRES_VERSION"
	# A fresh machine may have no package lists yet: refresh them once.
	if ! apt_install "$package=$POSTGRES_VERSION"; then
		apt-get update -q -o DPkg::Lock::Timeout=600 >&2 || die "apt-get update failed"
		apt_install "$package=$POSTGRES_VERSION" || die "apt-get install $package=$POSTGRES_VERSION failed"
	fi
	version=$(installed_version)
	# shellcheck disable=SC2254
	case "$version" in
	$POSTGRES_VERSION) ;;
	*) die "installed $package $version, want $POSTGRES_VERSION" ;;
	esac
}

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start_server() {
	local dir=$1
	as_owner "$bin/pg_ctl" start --wait --timeout 60 --silent -D "$dir/data" -l "$dir/server.log" \
		-o "-c listen_addresses=127.0.0.1 -c port=$(cat "$dir/port") -c unix_socket_directories=$dir" >&2 ||
		die "the server did not start: $(tail -n 20 "$dir/server.log" 2>/dev/null)"
}

stop_server() {
	local dir=$1
	[ -f "$dir/data/postmaster.pid" ] || return 0
	as_owner "$bin/pg_ctl" stop --wait --timeout 60 --silent -m fast -D "$dir/data" >&2
}

check_dir() {
	if [ -z "${1:-}" ] || [ ! -f "$1/port" ] || [ ! -d "$1/data" ]; then
		die "no server directory given (the output of '$0 up')"
	fi
}

up() {
	ensure_installed
	local dir
	dir=$(mktemp -d "${TMPDIR:-/tmp}/sre-postgres.XXXXXX")
	# Only this process and the server may read the data and the password.
	chmod 700 "$dir"
	python3 -c 'import secrets; print(secrets.token_hex(16))' >"$dir/password"
	free_port >"$dir/port"
	if [ "$(id -u)" = 0 ]; then
		chown -R postgres: "$dir"
	fi
	as_owner "$bin/initdb" --pgdata "$dir/data" --username sre --pwfile "$dir/password" \
		--auth-host scram-sha-256 --auth-local peer --encoding UTF8 --locale C.UTF-8 >"$dir/initdb.log" 2>&1 ||
		die "initdb failed: $(tail -n 20 "$dir/initdb.log")"
	start_server "$dir"
	log "serving on 127.0.0.1:$(cat "$dir/port") from $dir"
	echo "$dir"
}

case "${1:-}" in
up) up ;;
url)
	check_dir "${2:-}"
	echo "postgres://sre:$(cat "$2/password")@127.0.0.1:$(cat "$2/port")/postgres?sslmode=disable"
	;;
createdb)
	check_dir "${2:-}"
	dir=$2
	shift 2
	for db in "$@"; do
		PGPASSWORD=$(cat "$dir/password") "$bin/createdb" --host 127.0.0.1 --port "$(cat "$dir/port")" \
			--username sre "$db" || die "could not create database $db"
	done
	;;
stop)
	check_dir "${2:-}"
	stop_server "$2"
	;;
start)
	check_dir "${2:-}"
	start_server "$2"
	;;
down)
	check_dir "${2:-}"
	stop_server "$2"
	rm -rf "$2"
	;;
*) die "usage: $0 up | url DIR | createdb DIR NAME... | stop DIR | start DIR | down DIR" ;;
esac
