#!/usr/bin/python
# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: minikube_profile_info
short_description: Read a minikube profile's configuration and state
version_added: 1.0.0
description:
  - Reads C(minikube profile list --output=json) and returns what it says of one profile
    (driver, container runtime, CNI, Kubernetes version, node addresses) and whether it exists at all.
  - With O(status=true), also reads C(minikube status) and reports whether the cluster runs.
  - With O(ip=true), also reads C(minikube ip), the address of the control-plane node, and fails with minikube's
    reason and a hint when it cannot (the profile does not exist, or the cluster does not run).
  - Says whether the stack created the profile (RV(owned)); M(sre.minikube.minikube_start) with
    O(sre.minikube.minikube_start#module:mark_created=true) leaves a mark, a file C(sre-minikube-owner), in the
    folder of a profile it creates.
  - The commands run side by side. Never changes anything on the host.
author:
  - sre.minikube maintainers (@sre-minikube)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - sre.minikube.minikube
  - sre.minikube.minikube.profile
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
options:
  status:
    description: Also read the cluster's state with C(minikube status).
    type: bool
    default: false
  ip:
    description: Also read the control-plane node's address with C(minikube ip); fails unless the cluster runs.
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Read the profile
  sre.minikube.minikube_profile_info:
    profile: sre-minikube
    status: true
  register: cluster

- name: Say which driver it uses
  ansible.builtin.debug:
    msg: "{{ cluster.profile.driver if cluster.exists else 'no such profile' }}, {{ cluster.state }}"

- name: Read the address of the running cluster
  sre.minikube.minikube_profile_info:
    profile: sre-minikube
    ip: true
  register: node

- name: Refuse to delete a profile the stack did not create
  ansible.builtin.assert:
    that: not cluster.exists or cluster.owned
"""

RETURN = r"""
exists:
  description: Whether minikube lists the profile, valid or not.
  type: bool
  returned: always
profile:
  description: What minikube says of the profile; empty when it does not exist.
  type: dict
  returned: always
  contains:
    name:
      description: The profile's name.
      type: str
    valid:
      description: False when minikube cannot read the profile's configuration.
      type: bool
    driver:
      description: The driver the cluster was created with.
      type: str
      sample: docker
    container_runtime:
      description: The cluster's container runtime.
      type: str
      sample: containerd
    cni:
      description: The CNI the cluster was created with.
      type: str
      sample: calico
    kubernetes_version:
      description: The cluster's Kubernetes version.
      type: str
      sample: v1.35.0
    node_ips:
      description: The nodes' addresses.
      type: list
      elements: str
state:
  description:
    - With O(status=true), V(absent), V(running), V(stale-context) (running, but the kubeconfig context is missing
      or points elsewhere) or V(stopped); V(unknown) otherwise.
  type: str
  returned: always
  sample: running
ip:
  description: With O(ip=true), the control-plane node's address, as C(minikube ip) prints it; empty otherwise.
  type: str
  returned: always
  sample: 192.168.49.2
owned:
  description: Whether the profile's folder holds the mark the stack leaves in a profile it creates.
  type: bool
  returned: always
folder:
  description: The profile's folder in minikube's home (C($MINIKUBE_HOME/.minikube) or C(~/.minikube)), whether or
    not it exists.
  type: str
  returned: always
  sample: /home/user/.minikube/profiles/sre-minikube
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.sre.minikube.plugins.module_utils.inputs import refuse
from ansible_collections.sre.minikube.plugins.module_utils.minikube import (
    Minikube,
    MinikubeError,
    argument_spec,
    common_checks,
    together,
)


def main():
    module = AnsibleModule(
        argument_spec={
            **argument_spec(profile=True),
            "status": {"type": "bool", "default": False},
            "ip": {"type": "bool", "default": False},
        },
        supports_check_mode=True,
    )
    params = module.params
    refuse(module, common_checks(params))
    # The questions are asked side by side, by a runner that raises instead of ending the module.
    minikube = Minikube(
        params["binary"], lambda argv: module.run_command(argv, handle_exceptions=False), params["profile"]
    )
    calls = [minikube.profiles]
    calls += [minikube.status] if params["status"] else []
    calls += [minikube.ip] if params["ip"] else []
    outcomes = together(*calls)
    errors = [error for _answer, error in outcomes if error is not None]
    if errors:
        error = errors[0]
        if isinstance(error, MinikubeError):
            module.fail_json(msg=error.describe(), **error.as_dict())
        if isinstance(error, OSError):
            module.fail_json(msg=f"cannot run {params['binary']}: {error}")
        raise error
    answers = iter(answer for answer, _error in outcomes)
    profile = next(answers).get(params["profile"], {})
    state = next(answers) if params["status"] else "unknown"
    address = next(answers) if params["ip"] else ""
    module.exit_json(
        changed=False,
        exists=bool(profile),
        profile=profile,
        state=state,
        ip=address,
        owned=minikube.owned(),
        folder=minikube.folder(),
    )


if __name__ == "__main__":
    main()
