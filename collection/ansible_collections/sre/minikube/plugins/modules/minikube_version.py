#!/usr/bin/python
# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: minikube_version
short_description: Ask a minikube binary which release it is
version_added: 1.0.0
description:
  - Runs C(minikube version --output=json) and returns the release it reports.
  - A binary that is missing, does not run or answers something else is reported with an empty
    RV(version), not as a failure, so that an installer can decide to replace it.
  - Never changes anything on the host.
author:
  - sre.minikube maintainers (@sre-minikube)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - sre.minikube.minikube
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
"""

EXAMPLES = r"""
- name: Read the installed minikube's version
  sre.minikube.minikube_version:
    binary: /usr/local/bin/minikube
  register: installed

- name: Install when it is another release
  ansible.builtin.debug:
    msg: "installed: {{ installed.version or 'none' }}"
"""

RETURN = r"""
version:
  description: The release the binary reports, or an empty string when it is missing or answers otherwise.
  type: str
  returned: always
  sample: v1.38.1
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.sre.minikube.plugins.module_utils.inputs import refuse
from ansible_collections.sre.minikube.plugins.module_utils.minikube import Minikube, argument_spec, common_checks


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    refuse(module, common_checks(module.params))
    # A missing binary is an answer here (no version), not a failure.
    minikube = Minikube(module.params["binary"], lambda argv: module.run_command(argv, handle_exceptions=False))
    module.exit_json(changed=False, version=minikube.version())


if __name__ == "__main__":
    main()
