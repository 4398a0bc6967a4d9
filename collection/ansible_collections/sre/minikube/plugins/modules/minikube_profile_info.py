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
  - Never changes anything on the host.
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
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.sre.minikube.plugins.module_utils.inputs import refuse
from ansible_collections.sre.minikube.plugins.module_utils.minikube import (
    Minikube,
    MinikubeError,
    argument_spec,
    common_checks,
)


def main():
    module = AnsibleModule(
        argument_spec={
            **argument_spec(profile=True),
            "status": {"type": "bool", "default": False},
        },
        supports_check_mode=True,
    )
    refuse(module, common_checks(module.params))
    minikube = Minikube(module.params["binary"], module.run_command)
    name = module.params["profile"]
    try:
        profile = minikube.profiles().get(name, {})
        state = minikube.status(name) if module.params["status"] else "unknown"
    except MinikubeError as error:
        module.fail_json(msg=error.describe(), **error.as_dict())
    module.exit_json(changed=False, exists=bool(profile), profile=profile, state=state)


if __name__ == "__main__":
    main()
