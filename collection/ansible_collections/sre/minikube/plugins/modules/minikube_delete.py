#!/usr/bin/python
# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: minikube_delete
short_description: Delete a minikube profile, optionally only one the stack created
version_added: 1.1.0
description:
  - Reads C(minikube profile list --output=json); a profile minikube does not list is left alone (no change), any
    other is deleted with C(minikube delete -p <profile>), its node, everything in the cluster, its folder and its
    kubeconfig context.
  - With O(owned_only=true), a profile whose folder holds no mark of the stack (the file C(sre-minikube-owner) that
    M(sre.minikube.minikube_start) writes with O(sre.minikube.minikube_start#module:mark_created=true)) is refused,
    and nothing is deleted.
  - A failed delete fails with minikube's exit reason, message and advice, and what to do about its exit code.
author:
  - sre.minikube maintainers (@sre-minikube)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - sre.minikube.minikube
  - sre.minikube.minikube.profile
attributes:
  check_mode:
    support: full
    details: Reports the command that would run, as changed, and deletes nothing.
  diff_mode:
    support: none
options:
  owned_only:
    description: Delete the profile only when the stack created it (its folder holds the mark); refuse any other.
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Delete the cluster, when the stack created it
  sre.minikube.minikube_delete:
    profile: sre-minikube
    owned_only: true
"""

RETURN = r"""
existed:
  description: Whether minikube listed the profile before the run.
  type: bool
  returned: always
owned:
  description: Whether the profile's folder held the stack's mark before the run.
  type: bool
  returned: always
folder:
  description: The profile's folder in minikube's home, which the delete removes.
  type: str
  returned: always
  sample: /home/user/.minikube/profiles/sre-minikube
command:
  description: The C(minikube delete) command line, as a shell would take it.
  type: str
  returned: always
  sample: minikube delete -p sre-minikube
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.sre.minikube.plugins.module_utils.inputs import refuse
from ansible_collections.sre.minikube.plugins.module_utils.minikube import (
    OWNER_MARK,
    Minikube,
    MinikubeError,
    argument_spec,
    command_line,
    common_checks,
)


def main():
    module = AnsibleModule(
        argument_spec={**argument_spec(profile=True), "owned_only": {"type": "bool", "default": False}},
        supports_check_mode=True,
    )
    params = module.params
    refuse(module, common_checks(params))
    profile = params["profile"]
    minikube = Minikube(params["binary"], module.run_command, profile)
    result = {
        "command": command_line(minikube.delete_argv()),
        "folder": minikube.folder(),
        "owned": minikube.owned(),
    }
    try:
        result["existed"] = profile in minikube.profiles()
    except MinikubeError as error:
        module.fail_json(msg=error.describe(), **{**result, **error.as_dict()})
    if not result["existed"]:
        module.exit_json(changed=False, msg=f'there is no minikube profile "{profile}"', **result)
    if params["owned_only"] and not result["owned"]:
        module.fail_json(
            msg=f'Not deleting the minikube profile "{profile}": its folder {result["folder"]} holds no '
            f"{OWNER_MARK} mark, so the stack did not create it (it may be your own cluster). Nothing was "
            f"deleted. If it should go, with everything in it, delete it yourself: {result['command']}",
            **result,
        )
    if module.check_mode:
        module.exit_json(changed=True, msg=f"would run: {result['command']}", **result)
    try:
        minikube.delete()
    except MinikubeError as error:
        module.fail_json(msg=error.describe(), **{**result, **error.as_dict()})
    module.exit_json(changed=True, **result)


if __name__ == "__main__":
    main()
