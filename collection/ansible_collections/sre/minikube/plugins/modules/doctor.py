#!/usr/bin/python
# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: doctor
short_description: Check whether this host can run the stack, and say how to fix what stops it
version_added: 1.1.0
description:
  - Looks at the host the way the stages of the site playbook will, and
    returns one check per concern, each with a status (V(ok), V(warn) or
    V(fail)), what was found and what to do.
  - "The checks: minikube publishes a binary for the OS and CPU; Docker runs,
    answers this user and is recent enough; Docker offers the CPUs and memory
    the cluster asks for; free disk for minikube's home and Docker's data;
    the host ports the stack binds (80 and 443, published by the node on
    macOS, 53 for NetworkManager's dnsmasq); the resolver manager the dns
    stage configures; another minikube first on PATH; the Python version;
    whether the stages that need root can get it through sudo; proxy
    settings and C(NO_PROXY)."
  - V(fail) means a stage cannot succeed on this host as it is. The module
    itself never fails for that; it reports, and the caller decides (the
    doctor playbook fails when RV(verdict) is V(fail)).
  - Never changes anything on the host.
author:
  - sre.minikube maintainers (@sre-minikube)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - sre.minikube.attributes.read_only
options:
  cpus:
    description: The CPUs the cluster asks for (the cluster_addons role's C(cluster_addons_cpus)).
    type: int
    default: 2
  memory:
    description: The memory the cluster asks for, in MiB (the cluster_addons role's C(cluster_addons_memory)).
    type: int
    default: 4096
  install_dir:
    description: Where the install stage writes minikube (C(~) is expanded for the connecting user).
    type: path
    default: /usr/local/bin
  dns_become:
    description: Whether the dns stage needs root (the dns_resolver role's C(dns_resolver_become)).
    type: bool
    default: true
  domain:
    description: The test domain the verify stage resolves (checked against C(NO_PROXY)).
    type: str
    default: test
  python_supported:
    description: The Python versions (C(major.minor)) the stack runs on.
    type: list
    elements: str
    default: ["3.11", "3.12", "3.13"]
  resolver:
    description:
      - The facts of M(sre.minikube.resolver_facts) (C(ansible_facts.host_resolver)).
      - When not given, the resolver check warns that it was not looked at.
    type: dict
notes:
  - Docker is asked once, with C(docker info). Ports are probed by
    connecting to 127.0.0.1. Sudo is asked with C(sudo -n true), which
    never prompts.
seealso:
  - module: sre.minikube.resolver_facts
  - module: sre.minikube.minikube_install_plan
"""

EXAMPLES = r"""
- name: Detect the host's resolver
  sre.minikube.resolver_facts:

- name: Check the host
  sre.minikube.doctor:
    cpus: 2
    memory: 4096
    resolver: "{{ ansible_facts['host_resolver'] }}"
  register: doctor

- name: Stop when the stack cannot run here
  ansible.builtin.fail:
    msg: "{{ doctor.lines | join('\n') }}"
  when: doctor.verdict == 'fail'
"""

RETURN = r"""
checks:
  description: One entry per check, in the order they ran.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: What was checked.
      type: str
      returned: always
      sample: docker
    status:
      description: V(ok), V(warn) or V(fail).
      type: str
      returned: always
      sample: ok
    detail:
      description: What was found, for a person to read.
      type: str
      returned: always
      sample: Docker 28.1.1 runs and answers this user
    fix:
      description: What to do; empty when nothing is to be done.
      type: str
      returned: always
      sample: ""
lines:
  description: One line per check, as C(make doctor) prints them.
  returned: always
  type: list
  elements: str
  sample: ["OK   docker: Docker 28.1.1 runs and answers this user"]
verdict:
  description: V(fail) when any check failed, else V(warn) when any warned, else V(ok).
  returned: always
  type: str
  sample: ok
"""

import os
import platform
import sys

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.sre.minikube.plugins.module_utils import doctor


def main():
    module = AnsibleModule(
        argument_spec={
            "cpus": {"type": "int", "default": 2},
            "memory": {"type": "int", "default": 4096},
            "install_dir": {"type": "path", "default": "/usr/local/bin"},
            "dns_become": {"type": "bool", "default": True},
            "domain": {"type": "str", "default": "test"},
            "python_supported": {"type": "list", "elements": "str", "default": ["3.11", "3.12", "3.13"]},
            "resolver": {"type": "dict"},
        },
        supports_check_mode=True,
    )
    params = module.params

    def runner(argv):
        binary = module.get_bin_path(argv[0]) if not os.path.isabs(argv[0]) else argv[0]
        if not binary:
            raise OSError(f"{argv[0]} not found")
        return module.run_command([binary, *argv[1:]])

    system = platform.system()
    install_dir = params["install_dir"]
    info, why = doctor.docker_info(runner)
    disk_paths = {"minikube's home": doctor.minikube_home(os.environ)}
    if info is not None and system == "Linux" and info.get("DockerRootDir"):
        disk_paths["Docker's data"] = info["DockerRootDir"]
    backend = (params["resolver"] or {}).get("backend")
    checks = [
        doctor.check_platform(system, platform.machine()),
        doctor.check_docker(info, why),
        doctor.check_docker_resources(info, params["cpus"], params["memory"]),
        doctor.check_disk(disk_paths, doctor.free_bytes),
        doctor.check_ports(system, backend, doctor.listening),
        doctor.check_resolver(params["resolver"]),
        doctor.check_minikube_path(os.environ.get("PATH", os.defpath), install_dir, runner),
        doctor.check_python(sys.version_info, sys.executable, params["python_supported"]),
        doctor.check_sudo(os.geteuid(), install_dir, params["dns_become"], runner, module.get_bin_path),
        doctor.check_proxy(os.environ, params["domain"]),
    ]
    module.exit_json(
        changed=False,
        checks=checks,
        lines=[doctor.line(check) for check in checks],
        verdict=doctor.verdict(checks),
    )


if __name__ == "__main__":
    main()
