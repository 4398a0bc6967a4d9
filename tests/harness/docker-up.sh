#!/usr/bin/env bash
# Make a local Docker engine answer: the tests' container engine.
#
# Quick no-op when `docker info` already answers. Otherwise, on a Debian
# machine where we are root: install Debian's Docker engine package (version
# DOCKER_ENGINE_VERSION in versions.env) if dockerd is missing, start dockerd in the background and
# wait until it answers. Safe to run from several shells at once (a lock
# serialises the start). Bash 3.2 compatible.
#
# Environment:
#   SRE_MINIKUBE_CACHE   cache directory (dockerd's log goes to docker/dockerd.log)
#   DOCKER_UP_TIMEOUT    seconds to wait for the daemon (default 90)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=SCRIPTDIR/versions.env
. "$here/versions.env"

cache=${SRE_MINIKUBE_CACHE:-$HOME/.cache/sre-minikube}
timeout=${DOCKER_UP_TIMEOUT:-90}
log_dir="$cache/docker"
log_file="$log_dir/dockerd.log"

say() { printf 'docker-up: %s\n' "$*" >&2; }
die() {
	say "ERROR: $*"
	exit 1
}

daemon_answers() { docker info >/dev/null 2>&1; }

if command -v docker >/dev/null 2>&1 && daemon_answers; then
	exit 0
fi

[ "$(uname -s)" = Linux ] || die "no Docker daemon answers; start Docker Desktop (or colima) and retry"
[ "$(id -u)" -eq 0 ] || die "no Docker daemon answers and starting one needs root; run as root or start dockerd yourself"

mkdir -p "$log_dir"
exec 9>"$log_dir/docker-up.lock"
flock -w "$((timeout * 2))" 9 || die "another docker-up.sh holds $log_dir/docker-up.lock"

# Another shell may have started the daemon while we waited for the lock.
if command -v docker >/dev/null 2>&1 && daemon_answers; then
	exit 0
fi

# The version of the Debian package that holds a file, or nothing.
package_version_of() {
	local package
	package=$(dpkg -S "$1" 2>/dev/null | cut -d: -f1) || return 0
	[ -n "$package" ] && dpkg-query -W -f '${Version}' "$package"
}

if ! command -v dockerd >/dev/null 2>&1; then
	command -v apt-get >/dev/null 2>&1 || die "dockerd is missing and this is not a Debian-like machine; install Docker"
	# Debian names the engine's package after the project's domain; an apt
	# pattern selects it (and its version) by a regular expression.
	version_re=$(printf '%s' "$DOCKER_ENGINE_VERSION" | sed -e 's/[.+~^$*]/\\&/g')
	engine="?and(?name(^docker[.]io\$),?version(^$version_re))"
	say "installing Debian's Docker engine $DOCKER_ENGINE_VERSION"
	start=$(date +%s)
	export DEBIAN_FRONTEND=noninteractive
	apt_opts="-o DPkg::Lock::Timeout=600 -o Dpkg::Options::=--force-confold"
	# shellcheck disable=SC2086 # apt_opts is a list of words
	apt-get install -y -q --no-install-recommends $apt_opts "$engine" >"$log_dir/apt.log" 2>&1 ||
		say "apt-get install failed (see $log_dir/apt.log)"
	if ! command -v dockerd >/dev/null 2>&1; then
		# A stale package list is the usual cause: refresh once and retry.
		# shellcheck disable=SC2086
		apt-get update -q $apt_opts >>"$log_dir/apt.log" 2>&1 || say "apt-get update failed (see $log_dir/apt.log)"
		# shellcheck disable=SC2086
		apt-get install -y -q --no-install-recommends $apt_opts "$engine" >>"$log_dir/apt.log" 2>&1 ||
			say "apt-get install failed (see $log_dir/apt.log)"
	fi
	# A pattern that matches no version installs nothing and still exits 0.
	command -v dockerd >/dev/null 2>&1 ||
		die "Debian offers no Docker engine $DOCKER_ENGINE_VERSION* (see $log_dir/apt.log); if Debian moved on, update DOCKER_ENGINE_VERSION in tests/harness/versions.env"
	say "installed the Docker engine in $(($(date +%s) - start))s"
fi
case "$(package_version_of "$(command -v dockerd)")" in
"" | "$DOCKER_ENGINE_VERSION"*) ;; # a dockerd not from Debian is the user's choice
*) say "warning: dockerd is $(package_version_of "$(command -v dockerd)"), not the pinned $DOCKER_ENGINE_VERSION" ;;
esac
command -v docker >/dev/null 2>&1 || die "dockerd is installed but the docker client is not on PATH"

if [ -S /var/run/docker.sock ] && ! pgrep -x dockerd >/dev/null 2>&1; then
	# A socket left by a daemon that died; dockerd refuses to start on it.
	rm -f /var/run/docker.sock
fi

if ! pgrep -x dockerd >/dev/null 2>&1; then
	say "starting dockerd (log: $log_file)"
	# setsid: the daemon outlives the make target that started it.
	setsid dockerd >>"$log_file" 2>&1 </dev/null 9>&- &
fi

waited=0
until daemon_answers; do
	if [ "$waited" -ge "$timeout" ]; then
		tail -n 30 "$log_file" >&2 || true
		die "dockerd did not answer within ${timeout}s (log: $log_file)"
	fi
	sleep 1
	waited=$((waited + 1))
done
say "Docker daemon answers after ${waited}s: $(docker version --format 'server {{.Server.Version}}')"
