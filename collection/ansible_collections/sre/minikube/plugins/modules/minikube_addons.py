#!/usr/bin/python
# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: minikube_addons
short_description: Enable minikube addons that are disabled, and disable others
version_added: 1.0.0
description:
  - With a local connection, no privilege escalation and no task environment, the host is the controller itself and
    the action plugin does the module's work in the controller's own process, with the module's own code and options;
    otherwise the module runs on the host.
  - Reads C(minikube addons list --output=json) and enables, with C(minikube addons enable), each addon of
    O(enabled) that is disabled. Addons already enabled are left as they are, with their flags.
  - Before that, disables with C(minikube addons disable) each addon of O(disabled) that is enabled (such as the
    addons of a front door the stack no longer uses, which hold the node's ports).
  - Fails before changing anything when O(enabled) or O(disabled) names an addon this minikube does not have (and
    names the ones it has), or when both name the same addon.
  - A failed enable fails the module with minikube's exit reason, message and advice, and what to do about its exit
    code.
  - With O(wait_for), then reads each named Deployment once and, for those that have not rolled out (kubernetes.core's
    judgement of a ready Deployment, and every wanted replica on the latest pod template), again every two seconds
    until they have or O(wait_timeout) has passed; RV(unavailable) lists those that have not. A re-run whose
    Deployments have rolled out costs one read each, in the same process.
author:
  - sre.minikube maintainers (@sre-minikube)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - sre.minikube.minikube
  - sre.minikube.minikube.profile
attributes:
  check_mode:
    support: full
    details: Reports the addons it would enable or disable and runs nothing that changes the cluster.
  diff_mode:
    support: full
options:
  enabled:
    description: Addons that must be enabled.
    type: list
    elements: str
    required: true
  disabled:
    description: Addons that must be disabled.
    type: list
    elements: str
    default: []
  args:
    description:
      - More C(minikube addons enable) flags, a list per addon name (such as C(--images) and C(--registries)).
        Used when the addon is enabled.
    type: dict
    default: {}
  wait_for:
    description:
      - Deployments, as C(namespace/name), that the addons run and that must have rolled out (every wanted replica
        updated and available) once they are enabled, such as C(ingress-nginx/ingress-nginx-controller).
      - In check mode, when an addon would be enabled, nothing is read (the Deployments do not exist yet).
    type: list
    elements: str
    default: []
  wait_timeout:
    description: Seconds to wait for the O(wait_for) Deployments.
    type: int
    default: 360
  kubeconfig:
    description:
      - Kubeconfig for the O(wait_for) reads; when not given, kubernetes.core's lookup applies
        (E(K8S_AUTH_KUBECONFIG), the in-cluster configuration, E(KUBECONFIG), then C(~/.kube/config)).
    type: path
  context:
    description:
      - Kubeconfig context for the O(wait_for) reads; the profile's name (the context minikube writes) when not given.
    type: str
requirements:
  - kubernetes (the Python client) and the kubernetes.core collection (its client factory and rollout judgement),
    for O(wait_for)
"""

EXAMPLES = r"""
- name: Enable the ingress addons
  sre.minikube.minikube_addons:
    profile: sre-minikube
    enabled: [ingress, ingress-dns]
    wait_for: [ingress-nginx/ingress-nginx-controller]
  register: addons

- name: Turn the ingress addons off, as the gateway front door does
  sre.minikube.minikube_addons:
    profile: sre-minikube
    enabled: []
    disabled: [ingress, ingress-dns]

- name: Fail unless the ingress controller is Available
  ansible.builtin.assert:
    that: addons.unavailable == []
"""

RETURN = r"""
enabled_now:
  description: The addons this run enabled (in check mode, the ones it would enable).
  type: list
  elements: str
  returned: always
  sample: [ingress]
disabled_now:
  description: The addons this run disabled (in check mode, the ones it would disable).
  type: list
  elements: str
  returned: always
  sample: [ingress-dns]
pending:
  description: The requested addons still disabled after the run (in check mode, the ones it would enable).
  type: list
  elements: str
  returned: always
commands:
  description:
    - The C(minikube addons disable) and C(minikube addons enable) command lines run (in check mode, the ones that
      would run), in their order.
  type: list
  elements: str
  returned: always
addons:
  description: Every addon of the profile and whether it is enabled, after the run.
  type: dict
  returned: success
unavailable:
  description:
    - The O(wait_for) Deployments that had not rolled out when the wait ended (empty when all had, or none was read).
  type: list
  elements: str
  returned: success
waited:
  description: Whether the O(wait_for) Deployments were read (not in check mode while an addon would be enabled).
  type: bool
  returned: success
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.sre.minikube.plugins.module_utils.minikube_addons import ARGUMENT_SPEC, AddonsError, enable


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    try:
        result = enable(module.params, module.check_mode, module._diff, module.run_command)
    except AddonsError as error:
        module.fail_json(msg=str(error), **error.result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
