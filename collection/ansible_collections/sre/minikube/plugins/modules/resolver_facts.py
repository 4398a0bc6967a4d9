#!/usr/bin/python
# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: resolver_facts
short_description: Detect which service answers the host's DNS queries
version_added: 1.0.0
description:
  - Reads the host's DNS set-up and reports which resolver manager a
    per-domain DNS rule must be given to, so that queries for one domain
    (for example C(test)) can be sent to one name server and no others.
  - On Linux, V(systemd-resolved) is reported when its service is active and
    glibc reaches it (C(/etc/resolv.conf) points at its stub 127.0.0.53, or
    the hosts line of C(/etc/nsswitch.conf) has the C(resolve) source).
  - On Linux, V(networkmanager) is reported when NetworkManager is active,
    C(/etc/resolv.conf) is a file NetworkManager writes (a regular file, or a
    symlink into C(/run/NetworkManager)), and dnsmasq, which its
    C(dns=dnsmasq) mode runs, is installed.
  - On macOS, V(macos-resolver) is always reported (C(/etc/resolver) files).
  - Otherwise the backend is null and the reason says what was found.
  - Never changes anything on the host.
author:
  - sre.minikube maintainers (@sre-minikube)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - sre.minikube.attributes.read_only
  - ansible.builtin.action_common_attributes.facts
attributes:
  facts:
    support: full
options: {}
notes:
  - Service states come from C(systemctl is-active). Where systemd is not
    the init system (no C(/run/systemd/system)), every service is reported
    as V(unknown) and no Linux backend is detected.
seealso:
  - module: sre.minikube.macos_resolver
"""

EXAMPLES = r"""
- name: Detect the host's resolver
  sre.minikube.resolver_facts:

- name: Stop when nothing supported manages DNS
  ansible.builtin.assert:
    that: ansible_facts['host_resolver']['backend'] is not none
    fail_msg: "{{ ansible_facts['host_resolver']['reason'] }}"
"""

RETURN = r"""
ansible_facts:
  description: Facts to add to ansible_facts.
  returned: always
  type: dict
  contains:
    host_resolver:
      description: What manages the host's DNS, and what that was decided from.
      returned: always
      type: dict
      contains:
        backend:
          description:
            - V(systemd-resolved), V(networkmanager) or V(macos-resolver);
              null when no supported resolver manager was found.
          type: str
          returned: always
          sample: systemd-resolved
        reason:
          description: What was found, in one sentence for a person to read.
          type: str
          returned: always
          sample: "systemd-resolved answers the host's queries (systemd-resolved: active; ...)"
        supported:
          description: The set-ups this module recognises, for error messages.
          type: list
          elements: str
          returned: always
        system:
          description: The operating system, as C(uname -s) names it.
          type: str
          returned: always
          sample: Linux
        services:
          description: The C(systemctl is-active) word of each unit looked at (Linux only).
          type: dict
          returned: always
          sample: {"systemd-resolved": "active", "NetworkManager": "inactive"}
        resolv_conf:
          description: What C(/etc/resolv.conf) is.
          type: dict
          returned: always
          contains:
            path:
              description: The file looked at.
              type: str
              returned: always
              sample: /etc/resolv.conf
            exists:
              description: Whether it can be read.
              type: bool
              returned: always
              sample: true
            symlink:
              description: Whether it is a symbolic link.
              type: bool
              returned: always
              sample: true
            target:
              description: The fully resolved target of the link; null for a regular file.
              type: str
              returned: always
              sample: /run/systemd/resolve/stub-resolv.conf
            nameservers:
              description: Its nameserver addresses, in order.
              type: list
              elements: str
              returned: always
              sample: ["127.0.0.53"]
        nss_hosts:
          description: The sources of the hosts line of C(/etc/nsswitch.conf).
          type: list
          elements: str
          returned: always
          sample: ["files", "dns"]
        dnsmasq:
          description: The path of the dnsmasq program; null when it is not installed.
          type: str
          returned: always
          sample: /usr/sbin/dnsmasq
        resolved_link_claims_all:
          description:
            - Whether a network link of systemd-resolved has the routing domain C(~.), which
              keeps names outside every routing domain away from its global C(DNS=) servers.
            - Null when systemd-resolved is not active or does not answer.
          type: bool
          returned: always
          sample: false
"""

import os
import platform

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.sre.minikube.plugins.module_utils.dns_detect import (
    RESOLVED_UNIT,
    UNITS,
    detect,
    parse_resolved_domains,
    read_nss_hosts,
    read_resolv_conf,
)

RESOLV_CONF = "/etc/resolv.conf"
NSSWITCH_CONF = "/etc/nsswitch.conf"
# Present only when systemd is the running init system.
SYSTEMD_RUNTIME_DIR = "/run/systemd/system"


def service_states(module):
    """Map each unit to its `systemctl is-active` word."""
    systemctl = module.get_bin_path("systemctl")
    if not systemctl or not os.path.isdir(SYSTEMD_RUNTIME_DIR):
        return dict.fromkeys(UNITS, "unknown")
    states = {}
    for unit in UNITS:
        # A non-zero exit only means "not active": the word says which.
        _rc, out, _err = module.run_command([systemctl, "is-active", unit])
        states[unit] = out.strip() or "unknown"
    return states


def resolved_link_claims_all(module):
    """Ask systemd-resolved (over D-Bus, as JSON) whether a link claims ~."""
    busctl = module.get_bin_path("busctl")
    if not busctl:
        return None
    rc, out, _err = module.run_command(
        [
            busctl,
            "get-property",
            "--json=short",
            "org.freedesktop.resolve1",
            "/org/freedesktop/resolve1",
            "org.freedesktop.resolve1.Manager",
            "Domains",
        ]
    )
    return parse_resolved_domains(out) if rc == 0 else None


def main():
    module = AnsibleModule(argument_spec={}, supports_check_mode=True)
    system = platform.system()
    claims_all = None
    if system == "Linux":
        services = service_states(module)
        dnsmasq = module.get_bin_path("dnsmasq", opt_dirs=["/usr/sbin", "/sbin"])
        if services[RESOLVED_UNIT] == "active":
            claims_all = resolved_link_claims_all(module)
    else:
        services = {}
        dnsmasq = None
    facts = detect(
        system,
        services,
        read_resolv_conf(RESOLV_CONF),
        read_nss_hosts(NSSWITCH_CONF),
        dnsmasq,
        claims_all,
    )
    module.exit_json(changed=False, ansible_facts={"host_resolver": facts})


if __name__ == "__main__":
    main()
