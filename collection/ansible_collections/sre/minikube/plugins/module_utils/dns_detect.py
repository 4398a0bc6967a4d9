# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Find out which service answers the host's DNS queries.

The dns_resolver role must configure the resolver that is really in use,
so every answer here is derived from what the host shows (service states,
where /etc/resolv.conf points, the hosts line of nsswitch.conf), never
from the distribution's name.
"""

from __future__ import annotations

import json
import os

RESOLVED = "systemd-resolved"
NETWORKMANAGER = "networkmanager"
MACOS_RESOLVER = "macos-resolver"
BACKENDS = (RESOLVED, NETWORKMANAGER, MACOS_RESOLVER)

# systemd unit names, as `systemctl is-active` takes them.
RESOLVED_UNIT = "systemd-resolved"
NETWORKMANAGER_UNIT = "NetworkManager"
UNITS = (RESOLVED_UNIT, NETWORKMANAGER_UNIT)

# Addresses of systemd-resolved's stub listeners (the second one, 127.0.0.54,
# is the "proxy" stub of systemd >= 247).
RESOLVED_STUB_ADDRESSES = ("127.0.0.53", "127.0.0.54")
# resolv.conf files that send glibc to a stub listener. The third file that
# systemd-resolved writes, /run/systemd/resolve/resolv.conf, lists the
# upstream servers instead: glibc would then bypass split DNS entirely.
RESOLVED_STUB_FILES = (
    "/run/systemd/resolve/stub-resolv.conf",
    "/usr/lib/systemd/resolv.conf",
    "/lib/systemd/resolv.conf",
)
NETWORKMANAGER_RUN_DIRS = ("/run/NetworkManager/", "/var/run/NetworkManager/")

SUPPORTED = (
    "systemd-resolved (its service active and /etc/resolv.conf pointing at its stub 127.0.0.53, "
    "or 'resolve' in the hosts line of /etc/nsswitch.conf)",
    "NetworkManager (its service active, /etc/resolv.conf written by it, and dnsmasq installed)",
    "macOS (/etc/resolver files)",
)


def parse_nameservers(text):
    """Return the nameserver addresses of a resolv.conf text, in order."""
    servers = []
    for line in (text or "").splitlines():
        fields = line.split()
        if len(fields) >= 2 and fields[0] == "nameserver":
            servers.append(fields[1])
    return servers


def parse_resolved_domains(text):
    """Tell from systemd-resolved's Domains property whether a link claims all names.

    text is the output of ``busctl get-property --json=short
    org.freedesktop.resolve1 /org/freedesktop/resolve1
    org.freedesktop.resolve1.Manager Domains``: entries of (ifindex, domain,
    routing-only), ifindex 0 being the global settings. systemd-resolved
    sends a name that no routing domain matches to every default route, and
    its global DNS= servers are always one; a link with the routing domain
    "." (``~.``) matches every name and so keeps them away from the global
    servers. Returns True or False, or None when text cannot be read.
    """
    try:
        entries = json.loads(text)["data"]
        return any(int(ifindex) != 0 and domain.strip(".") == "" for ifindex, domain, _routing in entries)
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def parse_nss_hosts(text):
    """Return the sources of the hosts database of an nsswitch.conf text.

    Action items such as ``[NOTFOUND=return]`` are dropped.
    """
    for line in (text or "").splitlines():
        content = line.split("#", 1)[0].strip()
        if not content.startswith("hosts:"):
            continue
        words = content[len("hosts:") :].split()
        return [word for word in words if not word.startswith("[")]
    return []


def _read(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except (FileNotFoundError, NotADirectoryError, PermissionError):
        return None


def read_resolv_conf(path):
    """Describe a resolv.conf file: existence, symlink target, nameservers."""
    is_link = os.path.islink(path)
    text = _read(path)
    return {
        "path": path,
        "exists": text is not None,
        "symlink": is_link,
        "target": os.path.realpath(path) if is_link else None,
        "nameservers": parse_nameservers(text),
    }


def read_nss_hosts(path):
    """Return the hosts sources of an nsswitch.conf file ([] when absent)."""
    return parse_nss_hosts(_read(path))


def _under(path, prefixes):
    return bool(path) and any(path.startswith(prefix) for prefix in prefixes)


def uses_resolved_stub(resolv_conf):
    """True when glibc's DNS queries reach systemd-resolved's stub listener."""
    if resolv_conf["symlink"] and resolv_conf["target"] in RESOLVED_STUB_FILES:
        return True
    return any(server in RESOLVED_STUB_ADDRESSES for server in resolv_conf["nameservers"])


def describe(services, resolv_conf, nss_hosts):
    """One line saying what was found, for messages a person reads."""
    parts = [f"{unit}: {services.get(unit, 'unknown')}" for unit in UNITS]
    path = resolv_conf["path"]
    if not resolv_conf["exists"] and not resolv_conf["symlink"]:
        parts.append(f"{path}: missing")
    else:
        kind = f"symlink to {resolv_conf['target']}" if resolv_conf["symlink"] else "regular file"
        if not resolv_conf["exists"]:
            kind += " (dangling)"
        servers = ", ".join(resolv_conf["nameservers"]) or "none"
        parts.append(f"{path}: {kind}, nameservers {servers}")
    parts.append(f"nsswitch hosts: {' '.join(nss_hosts) or 'not set'}")
    return "; ".join(parts)


def detect_linux(services, resolv_conf, nss_hosts, dnsmasq_path):
    """Decide which Linux backend manages DNS.

    services maps unit names to `systemctl is-active` words (``active``,
    ``inactive``, ...; ``unknown`` when systemd does not run). Returns a
    dict with ``backend`` (None when nothing supported was found) and
    ``reason`` (what was found, and why it does or does not qualify).
    """
    found = describe(services, resolv_conf, nss_hosts)
    resolved_active = services.get(RESOLVED_UNIT) == "active"
    nm_active = services.get(NETWORKMANAGER_UNIT) == "active"

    if resolved_active and (uses_resolved_stub(resolv_conf) or "resolve" in nss_hosts):
        return {"backend": RESOLVED, "reason": f"systemd-resolved answers the host's queries ({found})"}

    if nm_active:
        if uses_resolved_stub(resolv_conf):
            # NetworkManager leaves a symlinked resolv.conf alone: its dnsmasq
            # would never be asked while the file points at a dead stub.
            return {
                "backend": None,
                "reason": f"NetworkManager is active but {resolv_conf['path']} points at systemd-resolved, "
                f"which is not active ({found})",
            }
        if resolv_conf["symlink"] and not _under(resolv_conf["target"], NETWORKMANAGER_RUN_DIRS):
            return {
                "backend": None,
                "reason": f"NetworkManager is active but {resolv_conf['path']} is a symlink to "
                f"{resolv_conf['target']}, which NetworkManager does not write ({found})",
            }
        if not dnsmasq_path:
            return {
                "backend": None,
                "reason": f"NetworkManager is active but dnsmasq, which its dns=dnsmasq mode runs, "
                f"is not installed (install the dnsmasq-base package) ({found})",
            }
        return {"backend": NETWORKMANAGER, "reason": f"NetworkManager writes the host's resolv.conf ({found})"}

    if resolved_active:
        return {
            "backend": None,
            "reason": f"systemd-resolved is active but glibc does not ask it: {resolv_conf['path']} does not "
            f"point at its stub and nsswitch has no 'resolve' source ({found})",
        }
    return {"backend": None, "reason": f"neither systemd-resolved nor NetworkManager is active ({found})"}


def detect(system, services, resolv_conf, nss_hosts, dnsmasq_path, resolved_link_claims_all=None):
    """Return the facts for one host: backend, reason and what was read."""
    if system == "Darwin":
        result = {"backend": MACOS_RESOLVER, "reason": "macOS reads per-domain files in /etc/resolver"}
    elif system == "Linux":
        result = detect_linux(services, resolv_conf, nss_hosts, dnsmasq_path)
    else:
        result = {"backend": None, "reason": f"the operating system '{system}' has no supported resolver"}
    result.update(
        {
            "system": system,
            "supported": list(SUPPORTED),
            "services": dict(services),
            "resolv_conf": resolv_conf,
            "nss_hosts": list(nss_hosts),
            "dnsmasq": dnsmasq_path,
            "resolved_link_claims_all": resolved_link_claims_all,
        }
    )
    return result
