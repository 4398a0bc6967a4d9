#!/usr/bin/python
# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: minikube_addons
short_description: Enable minikube addons that are disabled
version_added: 1.0.0
description:
  - Reads C(minikube addons list --output=json) and enables, with C(minikube addons enable), each addon of
    O(enabled) that is disabled. Addons already enabled are left as they are, with their flags.
  - Fails before enabling anything when O(enabled) names an addon this minikube does not have, and names the ones
    it has.
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
    details: Reports the addons it would enable and runs nothing that changes the cluster.
  diff_mode:
    support: full
options:
  enabled:
    description: Addons that must be enabled.
    type: list
    elements: str
    required: true
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
pending:
  description: The requested addons still disabled after the run (in check mode, the ones it would enable).
  type: list
  elements: str
  returned: always
commands:
  description: The C(minikube addons enable) command lines run (in check mode, the ones that would run).
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

import threading

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.sre.minikube.plugins.module_utils.inputs import refuse
from ansible_collections.sre.minikube.plugins.module_utils.kube_client import (
    CONNECTION_ARGUMENT_SPEC,
    connection_checks,
)
from ansible_collections.sre.minikube.plugins.module_utils.minikube import (
    Minikube,
    MinikubeError,
    argument_spec,
    common_checks,
)


class DeploymentReader:
    """Loads the Kubernetes client on a side thread while minikube answers; then reads Deployments with it.

    Importing the client is most of the cost of a read: done beside the
    `minikube addons list` process, a re-run's one read costs little more
    than the request itself.
    """

    def __init__(self, kubeconfig, context):
        self.outcome = (None, None)
        self.thread = threading.Thread(target=self.load, args=(kubeconfig, context))
        self.thread.start()

    def load(self, kubeconfig, context):
        try:
            from ansible_collections.sre.minikube.plugins.module_utils.kube_client import api_client
            from ansible_collections.sre.minikube.plugins.module_utils.kube_read import read

            client = api_client(kubeconfig, context)
            self.outcome = (lambda kind, namespace, name: read(client, kind, namespace, name), None)
        except Exception as error:  # reported by wait() when the reads are needed
            self.outcome = (None, error)

    def get(self):
        """(read, None) once the client is loaded, or (None, the error that stopped it)."""
        self.thread.join()
        return self.outcome


def main():
    module = AnsibleModule(
        argument_spec={
            **argument_spec(profile=True),
            "enabled": {"type": "list", "elements": "str", "required": True},
            "args": {"type": "dict", "default": {}},
            "wait_for": {"type": "list", "elements": "str", "default": []},
            "wait_timeout": {"type": "int", "default": 360},
            **CONNECTION_ARGUMENT_SPEC,
        },
        supports_check_mode=True,
    )
    params = module.params
    refuse(
        module,
        common_checks(params)
        + [
            {"name": "enabled", "value": params["enabled"], "rule": "dns_label", "elements": True},
            {"name": "args", "value": params["args"], "rule": "dns_label", "elements": True},
        ]
        + connection_checks(params),
    )
    bad_args = sorted(
        name
        for name, value in params["args"].items()
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value)
    )
    if bad_args:
        module.fail_json(msg=f"args must map addon names to lists of flags (strings), not: {bad_args}")
    refuse(
        module,
        [{"name": "wait_for", "value": params["wait_for"], "rule": "namespaced_name", "elements": True}]
        + [
            {"name": f"args[{name!r}]", "value": value, "rule": "flag", "elements": True}
            for name, value in params["args"].items()
        ],
    )
    profile = params["profile"]
    reader = DeploymentReader(params["kubeconfig"], params["context"] or profile) if params["wait_for"] else None
    minikube = Minikube(params["binary"], module.run_command, profile)
    try:
        before = minikube.addons()
    except MinikubeError as error:
        module.fail_json(msg=error.describe(), **error.as_dict())
    unknown = [name for name in params["enabled"] if name not in before]
    if unknown:
        module.fail_json(
            msg=f"minikube has no addon named {', '.join(unknown)}. Available: {', '.join(sorted(before))}.",
            unknown=unknown,
        )
    wanted = list(dict.fromkeys(params["enabled"]))
    to_enable = [name for name in wanted if not before[name]]
    after = dict(before, **dict.fromkeys(to_enable, True))
    result = {
        "changed": bool(to_enable),
        "enabled_now": to_enable,
        "commands": [" ".join(minikube.enable_addon_argv(n, params["args"].get(n, []))) for n in to_enable],
    }
    if module._diff:
        result["diff"] = {
            "before": "".join(f"{name}: {'enabled' if before[name] else 'disabled'}\n" for name in wanted),
            "after": "".join(f"{name}: {'enabled' if after[name] else 'disabled'}\n" for name in wanted),
        }
    result["pending"] = to_enable if module.check_mode else []
    if not module.check_mode:
        done = []
        for name in to_enable:
            try:
                minikube.enable_addon(name, params["args"].get(name, []))
            except MinikubeError as error:
                module.fail_json(
                    msg=error.describe(), enabled_now=done, changed=bool(done), addon=name, **error.as_dict()
                )
            done.append(name)
    result["addons"] = after
    result["waited"] = bool(params["wait_for"]) and not (module.check_mode and to_enable)
    result["unavailable"] = wait(module, params, reader) if result["waited"] else []
    module.exit_json(**result)


def wait(module, params, reader):
    """The wait_for Deployments that have not rolled out once the wait ends; fails when they cannot be read."""
    from ansible_collections.sre.minikube.plugins.module_utils import rollout
    from ansible_collections.sre.minikube.plugins.module_utils.kube_read import KubeReadError

    read, error = reader.get()
    if error is None:
        targets = [("Deployment", *target.split("/", 1)) for target in params["wait_for"]]
        try:
            pending = rollout.wait(read, targets, params["wait_timeout"])
        except KubeReadError as failure:
            error = failure
        else:
            return [f"{namespace}/{name}" for _kind, namespace, name in pending]
    module.fail_json(msg=f"could not read the addons' Deployments: {error}")


if __name__ == "__main__":
    main()
