#!/usr/bin/python
# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: write_access
short_description: Say who the connecting user is and whether they can write into a directory
version_added: 1.0.0
description:
  - Reports the connecting user's uid and whether that user can create files in O(path); a missing directory
    counts as created in its nearest existing parent, whose permissions decide. Root can write anywhere.
  - The privilege check that site.yml runs before its stages uses it to find whether the install stage needs root.
  - With a local connection, no privilege escalation and no task environment, the host is the controller itself
    and the action plugin answers in the controller's own process, starting no process; otherwise the module
    runs on the host.
  - Never changes anything on the host.
author:
  - sre.minikube maintainers (@sre-minikube)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - sre.minikube.attributes.read_only
options:
  path:
    description: The directory, absolute or under the connecting user's home (C(~/.local/bin)).
    type: path
    required: true
"""

EXAMPLES = r"""
- name: Find whether installing into /usr/local/bin needs root
  sre.minikube.write_access:
    path: /usr/local/bin
  register: access

- name: Say so
  ansible.builtin.debug:
    msg: "writing into {{ access.path }} needs root"
  when: not access.writable
"""

RETURN = r"""
uid:
  description: The connecting user's uid.
  type: int
  returned: always
  sample: 1000
root:
  description: Whether the connecting user is root.
  type: bool
  returned: always
path:
  description: O(path) with C(~) and environment variables expanded.
  type: str
  returned: always
  sample: /home/dev/.local/bin
nearest:
  description: O(path) when it exists, else its nearest existing parent.
  type: str
  returned: always
writable:
  description: Whether the connecting user can create files there.
  type: bool
  returned: always
"""

import os

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.sre.minikube.plugins.module_utils.privileges import write_access


def main():
    module = AnsibleModule(argument_spec={"path": {"type": "path", "required": True}}, supports_check_mode=True)
    module.exit_json(changed=False, **write_access(module.params["path"], os.geteuid()))


if __name__ == "__main__":
    main()
