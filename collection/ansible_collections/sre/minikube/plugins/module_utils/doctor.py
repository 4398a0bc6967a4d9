# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Whether this host can run the stack, one check at a time, each with its fix.

sre.minikube.doctor (and `make doctor`) asks every check below and prints
one line per check. A check is a function that takes what it looks at as
arguments (a ``runner`` for commands, probes for the file system and the
network, the environment) so that the unit tests drive it with fakes, and
returns a dict: ``name``, ``status`` (ok, warn or fail), ``detail`` (what
was found) and ``fix`` (what to do; empty when nothing is to be done).

``fail`` means a stage of site.yml cannot succeed on this host as it is;
``warn`` means the run can succeed but the user should know (a password
prompt, a second minikube on PATH, a proxy the cluster may not bypass).

The decisions the stages make themselves are asked, not made again: which
stage needs root (module_utils/privileges.py), which resolver manager the
dns stage would configure (module_utils/dns_detect.py, through the facts of
sre.minikube.resolver_facts), which minikube PATH runs first
(module_utils/install_plan.py), whether minikube has a binary for this
OS and CPU (module_utils/platform.py).
"""

from __future__ import annotations

import json
import os
import re
import socket

from ansible_collections.sre.minikube.plugins.module_utils.install_plan import (
    DOCKER_GROUP,
    first_on_path,
    short_version,
)
from ansible_collections.sre.minikube.plugins.module_utils.platform import UnsupportedPlatformError, describe
from ansible_collections.sre.minikube.plugins.module_utils.privileges import DNS, INSTALL, root_reasons, write_access

OK, WARN, FAIL = "ok", "warn", "fail"
STATUSES = (OK, WARN, FAIL)

# minikube's docker driver refuses a Docker older than this
# (pkg/minikube/registry/drvs/docker in minikube's source).
DOCKER_MIN_VERSION = (18, 9)
# minikube documents 20 GB free as its minimum (the node image, its caches
# and the cluster's volume); below the hard floor the node image alone does
# not fit once unpacked.
DISK_RECOMMENDED_GB = 20
DISK_FLOOR_GB = 5
GB = 1000**3
MIB = 1024**2
# The addresses a proxy must let through for the stack: minikube's docker
# network, the cluster's service and pod ranges (minikube's documented
# NO_PROXY set), and the stack's test domain.
NO_PROXY_NEEDS = ("192.168.49.0/24", "10.96.0.0/12", "10.244.0.0/16")
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy")


def result(name, status, detail, fix=""):
    """One check's answer."""
    return {"name": name, "status": status, "detail": detail, "fix": fix}


def line(check):
    """The line `make doctor` prints for one check."""
    text = f"{check['status'].upper():<4} {check['name']}: {check['detail']}"
    return f"{text} Fix: {check['fix']}" if check["fix"] else text


def verdict(checks):
    """fail when any check failed, else warn when any warned, else ok."""
    found = {check["status"] for check in checks}
    return FAIL if FAIL in found else WARN if WARN in found else OK


# ---------------------------------------------------------------- platform


def check_platform(system, machine):
    """minikube publishes a binary for this OS and CPU."""
    try:
        facts = describe(system, machine)
    except UnsupportedPlatformError as error:
        return result("platform", FAIL, str(error), "Run the stack on Linux or macOS, amd64 or arm64.")
    return result("platform", OK, f"{system} {machine}: minikube's {facts['asset']}")


# ---------------------------------------------------------------- Docker


def _version_tuple(text):
    match = re.match(r"(\d+)\.(\d+)", text or "")
    return (int(match.group(1)), int(match.group(2))) if match else None


def docker_info(runner):
    """What `docker info` says as a dict, or (None, why) when Docker does not answer."""
    try:
        rc, stdout, stderr = runner(["docker", "info", "--format", "{{json .}}"])
    except OSError:
        return None, "the docker CLI could not be run: it is not installed or not on PATH"
    try:
        info = json.loads(stdout) if stdout.strip() else {}
    except ValueError:
        info = {}
    errors = [str(error) for error in info.get("ServerErrors") or ()]
    if rc != 0 or errors or not info.get("ServerVersion"):
        why = "; ".join(errors) or stderr.strip() or f"`docker info` exited {rc}"
        return None, f"the Docker daemon does not answer ({why})"
    return info, ""


def check_docker(info, why):
    """Docker runs, answers this user, and is recent enough for minikube's docker driver."""
    if info is None:
        fix = (
            "Install Docker (Docker Engine on Linux, Docker Desktop on macOS)"
            if "not installed" in why
            else "Start Docker (sudo systemctl start docker, or open Docker Desktop)"
        )
        return result("docker", FAIL, why, f"{fix}; if it says permission denied, {DOCKER_GROUP}.")
    version = info["ServerVersion"]
    found = _version_tuple(version)
    if found is not None and found < DOCKER_MIN_VERSION:
        wanted = ".".join(str(part) for part in DOCKER_MIN_VERSION)
        return result(
            "docker",
            FAIL,
            f"Docker {version} runs; minikube's docker driver needs {wanted} or later",
            "Upgrade Docker.",
        )
    return result("docker", OK, f"Docker {version} runs and answers this user")


def check_docker_resources(info, cpus, memory_mib):
    """Docker offers the CPUs and memory the cluster asks for (cluster_addons_cpus, cluster_addons_memory)."""
    name = "docker resources"
    if info is None:
        return result(name, FAIL, "not known: Docker does not answer", "Fix the docker check first.")
    offered_cpus = int(info.get("NCPU") or 0)
    offered_mib = int(info.get("MemTotal") or 0) // MIB
    detail = (
        f"Docker offers {offered_cpus} CPUs and {offered_mib} MiB; "
        f"the cluster asks for {cpus} CPUs and {memory_mib} MiB"
    )
    short = []
    if offered_cpus < cpus:
        short.append(f"{cpus} CPUs")
    if offered_mib < memory_mib:
        short.append(f"{memory_mib} MiB of memory")
    if short:
        return result(
            name,
            FAIL,
            detail,
            f"Give Docker at least {' and '.join(short)} (Docker Desktop: Settings, Resources), or ask for less "
            "with -e cluster_addons_cpus=... -e cluster_addons_memory=... (then make clean CLUSTER=1).",
        )
    return result(name, OK, detail)


# ---------------------------------------------------------------- disk


def check_disk(paths, free_bytes):
    """The file systems minikube fills (its home, Docker's data) have room.

    ``paths`` maps a description to a directory (missing ones are looked at
    in their nearest existing parent); ``free_bytes(path)`` says how many
    bytes an unprivileged user may still write there, or raises OSError.
    """
    seen = []
    for label, path in paths.items():
        try:
            seen.append((free_bytes(path), label, path))
        except OSError:
            continue
    if not seen:
        return result("disk", WARN, "free space unknown: no file system could be read", "Check with df -h.")
    free, label, path = min(seen)
    detail = f"{free / GB:.1f} GB free for {label} ({path})"
    fix = f"Free space on the file system of {path} (docker system prune, rm -rf ~/.minikube/cache)."
    if free < DISK_FLOOR_GB * GB:
        return result("disk", FAIL, f"{detail}; minikube needs {DISK_RECOMMENDED_GB} GB", fix)
    if free < DISK_RECOMMENDED_GB * GB:
        return result("disk", WARN, f"{detail}; minikube documents {DISK_RECOMMENDED_GB} GB as its minimum", fix)
    return result("disk", OK, detail)


def minikube_home(environ):
    """Where minikube keeps its caches and profiles: $MINIKUBE_HOME, else ~/.minikube."""
    return environ.get("MINIKUBE_HOME") or os.path.join(os.path.expanduser("~"), ".minikube")


def free_bytes(path):
    """Bytes an unprivileged user can write on ``path``'s file system (its nearest existing parent)."""
    while not os.path.exists(path) and os.path.dirname(path) != path:
        path = os.path.dirname(path)
    stats = os.statvfs(path)
    return stats.f_bavail * stats.f_frsize


# ---------------------------------------------------------------- ports


def listening(host, port, timeout=0.5):
    """Whether something accepts TCP connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def check_ports(system, backend, is_listening):
    """The host ports the stack binds are free: 80 and 443 on macOS, 53 for NetworkManager's dnsmasq.

    With the docker driver on macOS, the node's container publishes the front
    door on 127.0.0.1:80 and :443 (`minikube start --ports`, when the cluster
    is created): a warning, since the stack's own running cluster holds them
    too. On Linux the front door answers on the cluster's own address and
    binds no host port. NetworkManager's dns=dnsmasq mode
    starts a dnsmasq on 127.0.0.1:53; systemd-resolved's stub has its own
    address (127.0.0.53) and needs no free port.
    """
    if system == "Darwin":
        busy = [port for port in (80, 443) if is_listening("127.0.0.1", port)]
        if busy:
            ports = " and ".join(str(port) for port in busy)
            return result(
                "ports",
                WARN,
                f"something listens on 127.0.0.1 port {ports}, which a new cluster's node publishes for the front door",
                f"Nothing to do when it is this stack's running cluster (`docker container port <profile>` lists it);"
                f" otherwise stop it before the cluster is created (sudo lsof -nP -iTCP:{busy[0]} -sTCP:LISTEN says"
                " what it is).",
            )
        return result("ports", OK, "127.0.0.1 ports 80 and 443 are free for the front door's published ports")
    if backend == "networkmanager" and is_listening("127.0.0.1", 53):
        return result(
            "ports",
            WARN,
            "something listens on 127.0.0.1 port 53, where NetworkManager's dnsmasq answers",
            "If it is not NetworkManager's own dnsmasq, stop it (sudo ss -lntp 'sport = :53' says what it is).",
        )
    return result("ports", OK, "the stack binds no host port here (the ingress answers on the cluster's address)")


# ---------------------------------------------------------------- resolver


def check_resolver(resolver):
    """The dns stage finds a resolver manager it can configure (the facts of sre.minikube.resolver_facts)."""
    if not resolver:
        return result("resolver", WARN, "not looked at", "Run sre.minikube.resolver_facts before this check.")
    if resolver.get("backend"):
        return result("resolver", OK, f"the dns stage would configure {resolver['backend']}: {resolver['reason']}")
    return result(
        "resolver",
        FAIL,
        f"the dns stage finds no resolver manager it supports: {resolver.get('reason', 'unknown')}",
        "Use systemd-resolved, or NetworkManager with dnsmasq-base installed (docs/dns_resolver.md); "
        "or run without the dns stage (--skip-tags dns) and resolve the test domain yourself.",
    )


# ---------------------------------------------------------------- minikube on PATH


def check_minikube_path(search_path, install_dir, runner, on_path=None):
    """The minikube PATH runs first is the one the install stage installs."""
    binary = os.path.join(install_dir, "minikube")
    first, is_installed = (on_path or first_on_path)(search_path, binary)
    if first and not is_installed:
        return result(
            "minikube on PATH",
            WARN,
            f"PATH runs {first} ({short_version(runner, first)}) before {binary}, which the install stage writes; "
            "the stack runs its own, but minikube commands you type run the other",
            f"Remove {first}, or put {install_dir} before {os.path.dirname(first)} in PATH.",
        )
    if first:
        return result("minikube on PATH", OK, f"PATH runs {first}, the one the install stage installs")
    return result(
        "minikube on PATH",
        WARN,
        f"no minikube on PATH yet; the install stage writes {binary}, which PATH does not search",
        f"Add {install_dir} to PATH to run minikube yourself.",
    )


# ---------------------------------------------------------------- Python


def check_python(version_info, executable, supported):
    """ansible-playbook runs on a Python the stack supports."""
    version = f"{version_info[0]}.{version_info[1]}"
    if version in supported:
        return result("python", OK, f"{executable} is Python {version}")
    return result(
        "python",
        FAIL,
        f"{executable} is Python {version}; the stack supports {', '.join(supported)}",
        "Install one of them and name it: make PYTHON=python3.12 ... (on macOS: brew install python@3.12).",
    )


# ---------------------------------------------------------------- sudo


def check_sudo(uid, install_dir, dns_become, runner, which, writable=None):
    """The stages that need root can get it: without a prompt, with one, or not at all."""
    access = write_access(install_dir, uid, writable=writable)
    reasons = root_reasons([INSTALL, DNS], install_dir, access["writable"], dns_become)
    if access["root"]:
        return result("sudo", OK, "running as root")
    if not reasons:
        return result("sudo", OK, "no stage needs root here")
    why = "; ".join(reasons)
    sudo = which("sudo")
    if not sudo:
        return result(
            "sudo",
            FAIL,
            f"root is needed ({why}) and sudo is not installed",
            "Install sudo; or set sre_minikube_install_dir to a directory you own (~/.local/bin) "
            "and leave the dns stage out (--skip-tags dns).",
        )
    try:
        rc, _stdout, _stderr = runner([sudo, "-n", "true"])
    except OSError:
        rc = 1
    if rc == 0:
        return result("sudo", OK, f"root is needed ({why}); sudo works without a password")
    return result(
        "sudo",
        WARN,
        f"root is needed ({why}); sudo asks for a password",
        "Run from a terminal: make asks for it once, at the start (or pass -K to ansible-playbook).",
    )


# ---------------------------------------------------------------- proxy


def check_proxy(environ, domain):
    """A proxy in the environment lets the cluster's addresses and the test domain through."""
    proxies = sorted({environ[name] for name in PROXY_VARIABLES if environ.get(name)})
    if not proxies:
        return result("proxy", OK, "no proxy set")
    no_proxy = {
        entry.strip()
        for name in ("NO_PROXY", "no_proxy")
        for entry in (environ.get(name) or "").split(",")
        if entry.strip()
    }
    wanted = [*NO_PROXY_NEEDS, f".{domain}"]
    missing = [entry for entry in wanted if entry not in no_proxy]
    detail = f"proxy {', '.join(proxies)}"
    if missing:
        return result(
            "proxy",
            WARN,
            f"{detail}; NO_PROXY leaves out {', '.join(missing)}, so minikube and the verify stage "
            "may send the cluster's traffic to the proxy",
            f"export NO_PROXY=$NO_PROXY,{','.join(missing)} (and no_proxy alike).",
        )
    return result("proxy", OK, f"{detail}; NO_PROXY lets the cluster and .{domain} through")
