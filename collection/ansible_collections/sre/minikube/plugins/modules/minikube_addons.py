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
  - A failed enable fails the module with minikube's exit reason, message and advice.
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
"""

EXAMPLES = r"""
- name: Enable the ingress addons
  sre.minikube.minikube_addons:
    profile: sre-minikube
    enabled: [ingress, ingress-dns]
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
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.sre.minikube.plugins.module_utils.minikube import Minikube, MinikubeError, argument_spec


def main():
    module = AnsibleModule(
        argument_spec={
            **argument_spec(profile=True),
            "enabled": {"type": "list", "elements": "str", "required": True},
            "args": {"type": "dict", "default": {}},
        },
        supports_check_mode=True,
    )
    params = module.params
    bad_args = sorted(
        name
        for name, value in params["args"].items()
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value)
    )
    if bad_args:
        module.fail_json(msg=f"args must map addon names to lists of flags (strings), not: {bad_args}")
    minikube = Minikube(params["binary"], module.run_command)
    profile = params["profile"]
    try:
        before = minikube.addons(profile)
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
        "commands": [" ".join(minikube.enable_addon_argv(profile, n, params["args"].get(n, []))) for n in to_enable],
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
                minikube.enable_addon(profile, name, params["args"].get(name, []))
            except MinikubeError as error:
                module.fail_json(
                    msg=error.describe(), enabled_now=done, changed=bool(done), addon=name, **error.as_dict()
                )
            done.append(name)
    result["addons"] = after
    module.exit_json(**result)


if __name__ == "__main__":
    main()
