#!/usr/bin/env bash
# Make a local Docker engine answer: the tests' container engine.
#
# Quick no-op when `docker info` already answers. Otherwise, on a Debian
# machine where we are root: install Debian's Docker engine package (version
# DOCKER_ENGINE_VERSION in versions.env) if dockerd is missing, start dockerd in the background and
# wait until it answers. Safe to run from several shells at once (a lock
# serialises the start). Bash 3.2 compatible.
#
# On a Linux machine whose capability bounding set lacks CAP_SYS_RESOURCE,
# privileged containers (minikube's node) fail in runc with "unable to apply
# caps". The harness's own dockerd (the one this script started, whose output
# goes to its log file) then gets runc-wrapper.py as its default runtime: it
# drops that one capability from the OCI spec and runs the real runc. A daemon
# that is already running reloads the setting on SIGHUP; its existing
# containers keep the runtime they were created with.
#
# The harness's dockerd also lists the tests' registry (REGISTRY_ADDRESS in
# versions.env, registry.sh) in insecure-registries: it pushes there over
# plain HTTP. A fresh daemon reads it from daemon.json at start; a running
# one reloads it on SIGHUP, with the runtime above when both change. A
# dockerd the harness did not start is never reconfigured.
#
# Environment:
#   SRE_MINIKUBE_CACHE   cache directory (dockerd's log goes to docker/dockerd.log)
#   DOCKER_UP_TIMEOUT    seconds to wait for the daemon (default 90)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

cache=$cache_root
timeout=${DOCKER_UP_TIMEOUT:-90}
log_dir="$cache/docker"
log_file="$log_dir/dockerd.log"

daemon_answers() { docker info >/dev/null 2>&1; }

# ------------------------------------------- runc wrapper, insecure registry
wrapper_source="$here/runc-wrapper.py"
wrapper="$log_dir/runc-wrapper"
wrapper_runtime=sre-minikube-runc
daemon_config=/etc/docker/daemon.json

# True on Linux when the capability bounding set lacks CAP_SYS_RESOURCE (bit 24).
needs_runc_wrapper() {
	[ "$(uname -s)" = Linux ] || return 1
	local bounding
	bounding=$(awk '/^CapBnd:/ {print $2}' /proc/self/status 2>/dev/null || true)
	[ -n "$bounding" ] || return 1
	[ $(((16#$bounding >> 24) & 1)) -eq 0 ]
}

# The pid of the dockerd this script started (its output goes to our log), if any.
harness_dockerd_pid() {
	local pid
	for pid in $(pgrep -x dockerd 2>/dev/null || true); do
		if [ "$(readlink "/proc/$pid/fd/1" 2>/dev/null || true)" = "$log_file" ]; then
			echo "$pid"
			return 0
		fi
	done
	return 1
}

install_runc_wrapper() {
	if ! cmp -s "$wrapper_source" "$wrapper"; then
		cp "$wrapper_source" "$wrapper.partial.$$"
		chmod 0755 "$wrapper.partial.$$"
		mv "$wrapper.partial.$$" "$wrapper"
	fi
}

# Writes the harness's settings into daemon.json, keeping the others: the
# registry in insecure-registries and, when the machine needs it, the runc
# wrapper as default runtime. Prints "changed" when it wrote anything
# (dockerd must then reload), nothing otherwise.
write_daemon_config() {
	local runtime=""
	if needs_runc_wrapper; then
		install_runc_wrapper
		runtime=$wrapper_runtime
	fi
	mkdir -p "$(dirname "$daemon_config")"
	python3 - "$daemon_config" "$REGISTRY_ADDRESS" "$runtime" "$wrapper" <<'PY'
import json, os, sys
path, registry, runtime, wrapper = sys.argv[1:]
try:
    with open(path, encoding="utf-8") as handle:
        config = json.load(handle)
except FileNotFoundError:
    config = {}
wanted = json.loads(json.dumps(config))
insecure = wanted.setdefault("insecure-registries", [])
if registry not in insecure:
    insecure.append(registry)
if runtime:
    wanted.setdefault("runtimes", {})[runtime] = {"path": wrapper}
    wanted["default-runtime"] = runtime
if wanted != config:
    partial = "%s.partial.%d" % (path, os.getpid())
    with open(partial, "w", encoding="utf-8") as handle:
        json.dump(wanted, handle, indent=2, sort_keys=True)
        handle.write("\n")
    os.replace(partial, path)
    print("changed")
PY
}

default_runtime() { docker info --format '{{.DefaultRuntime}}' 2>/dev/null || true; }

# What the running daemon lacks of the harness's settings, comma-separated;
# nothing when it has them all.
daemon_lacks() {
	local lacks=""
	if needs_runc_wrapper && [ "$(default_runtime)" != "$wrapper_runtime" ]; then
		lacks="default-runtime=$wrapper_runtime"
	fi
	if ! docker_insecure_registry "$REGISTRY_ADDRESS"; then
		lacks="${lacks:+$lacks, }insecure-registries+=$REGISTRY_ADDRESS"
	fi
	printf '%s' "$lacks"
}

# Called with the harness's dockerd running: reconfigure and reload it if needed.
ensure_daemon_config() {
	local pid lacking
	pid=$(harness_dockerd_pid) || return 0
	lacking=$(daemon_lacks)
	if [ "$(write_daemon_config)" = changed ] || [ -n "$lacking" ]; then
		case "$lacking" in
		*default-runtime=*) log "CAP_SYS_RESOURCE is not in this machine's bounding set: dockerd's default runtime is $wrapper_runtime" ;;
		esac
		log "dockerd (pid $pid): reloading $daemon_config (${lacking:-settings changed})"
		kill -HUP "$pid"
		local waited=0
		until lacking=$(daemon_lacks) && [ -z "$lacking" ]; do
			[ "$waited" -lt 20 ] || die "dockerd still lacks $lacking after SIGHUP (log: $log_file)"
			sleep 0.5
			waited=$((waited + 1))
		done
	fi
}

if command -v docker >/dev/null 2>&1 && daemon_answers; then
	ensure_daemon_config
	exit 0
fi

[ "$(uname -s)" = Linux ] || die "no Docker daemon answers; start Docker Desktop (or colima) and retry"
[ "$(id -u)" -eq 0 ] || die "no Docker daemon answers and starting one needs root; run as root or start dockerd yourself"

mkdir -p "$log_dir"
exec 9>"$log_dir/docker-up.lock"
flock -w "$((timeout * 2))" 9 || die "another docker-up.sh holds $log_dir/docker-up.lock"

# Another shell may have started the daemon while we waited for the lock.
if command -v docker >/dev/null 2>&1 && daemon_answers; then
	ensure_daemon_config
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
	log "installing Debian's Docker engine $DOCKER_ENGINE_VERSION"
	start=$(date +%s)
	export DEBIAN_FRONTEND=noninteractive
	apt_opts="-o DPkg::Lock::Timeout=600 -o Dpkg::Options::=--force-confold"
	# shellcheck disable=SC2086 # apt_opts is a list of words
	apt-get install -y -q --no-install-recommends $apt_opts "$engine" >"$log_dir/apt.log" 2>&1 ||
		log "apt-get install failed (see $log_dir/apt.log)"
	if ! command -v dockerd >/dev/null 2>&1; then
		# A stale package list is the usual cause: refresh once and retry.
		# shellcheck disable=SC2086
		apt-get update -q $apt_opts >>"$log_dir/apt.log" 2>&1 || log "apt-get update failed (see $log_dir/apt.log)"
		# shellcheck disable=SC2086
		apt-get install -y -q --no-install-recommends $apt_opts "$engine" >>"$log_dir/apt.log" 2>&1 ||
			log "apt-get install failed (see $log_dir/apt.log)"
	fi
	# A pattern that matches no version installs nothing and still exits 0.
	command -v dockerd >/dev/null 2>&1 ||
		die "Debian offers no Docker engine $DOCKER_ENGINE_VERSION* (see $log_dir/apt.log); if Debian moved on, update DOCKER_ENGINE_VERSION in tests/harness/versions.env"
	log "installed the Docker engine in $(($(date +%s) - start))s"
fi
case "$(package_version_of "$(command -v dockerd)")" in
"" | "$DOCKER_ENGINE_VERSION"*) ;; # a dockerd not from Debian is the user's choice
*) log "warning: dockerd is $(package_version_of "$(command -v dockerd)"), not the pinned $DOCKER_ENGINE_VERSION" ;;
esac
command -v docker >/dev/null 2>&1 || die "dockerd is installed but the docker client is not on PATH"

if [ -S /var/run/docker.sock ] && ! pgrep -x dockerd >/dev/null 2>&1; then
	# A socket left by a daemon that died; dockerd refuses to start on it.
	rm -f /var/run/docker.sock
fi

if ! pgrep -x dockerd >/dev/null 2>&1; then
	if needs_runc_wrapper; then
		log "CAP_SYS_RESOURCE is not in this machine's bounding set: dockerd's default runtime is $wrapper_runtime"
	fi
	write_daemon_config >/dev/null
	log "starting dockerd (log: $log_file)"
	# setsid: the daemon outlives the make target that started it. It keeps
	# none of the caller's open files: a lock held by whoever ran the target
	# (flock on the test lock) would otherwise stay held as long as dockerd runs.
	(
		for fd in /proc/self/fd/*; do
			fd=${fd##*/}
			[ "$fd" -gt 2 ] && eval "exec $fd>&-"
		done
		exec setsid dockerd >>"$log_file" 2>&1 </dev/null
	) &
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
log "Docker daemon answers after ${waited}s: $(docker version --format 'server {{.Server.Version}}')"
# Started with the settings already in daemon.json; make sure they took effect.
ensure_daemon_config
