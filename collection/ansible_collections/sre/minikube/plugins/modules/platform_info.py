#!/usr/bin/python
# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: platform_info
short_description: Report the host's OS and CPU as minikube names them
version_added: 1.0.0
description:
  - Reads the operating system and CPU of the managed host and maps them to
    the names minikube uses in its release assets (Go's GOOS and GOARCH).
  - Returns the asset name to download, for example C(minikube-linux-amd64)
    or C(minikube-windows-amd64.exe).
  - Fails when minikube publishes no binary for the host's OS/CPU pair, and
    names what was detected and which pairs are supported.
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
  - CPU names are normalised as follows. V(x86_64) and V(amd64) become
    V(amd64); V(aarch64) and V(arm64) become V(arm64); V(armv7l) and
    V(armv6l) become V(arm); V(ppc64le) and V(s390x) are kept.
  - 32-bit ARM Linux binaries stopped with minikube v1.37.0; RV(ansible_facts.minikube_platform.last_version)
    says so, so that an installer can refuse a newer version.
"""

EXAMPLES = r"""
- name: Find the minikube asset for this host
  sre.minikube.platform_info:

- name: Download the matching binary
  ansible.builtin.get_url:
    url: "https://example.invalid/minikube/releases/v1.38.1/{{ ansible_facts['minikube_platform']['asset'] }}"
    dest: /tmp/minikube
    mode: "0755"
"""

RETURN = r"""
ansible_facts:
  description: Facts to add to ansible_facts.
  returned: always
  type: dict
  contains:
    minikube_platform:
      description: The host's platform as minikube names it.
      returned: always
      type: dict
      contains:
        os:
          description: The operating system (GOOS).
          type: str
          returned: always
          sample: linux
        arch:
          description: The CPU architecture (GOARCH).
          type: str
          returned: always
          sample: amd64
        asset:
          description: The name of the release asset for this host.
          type: str
          returned: always
          sample: minikube-linux-amd64
        last_version:
          description: The last minikube release that shipped this asset, or V(null) while it is still published.
          type: str
          returned: always
          sample: null
        system:
          description: The operating system name as the host reports it.
          type: str
          returned: always
          sample: Linux
        machine:
          description: The CPU name as the host reports it.
          type: str
          returned: always
          sample: x86_64
"""

import platform

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.sre.minikube.plugins.module_utils.platform import (
    UnsupportedPlatformError,
    describe,
)


def main():
    module = AnsibleModule(argument_spec={}, supports_check_mode=True)
    system, machine = platform.system(), platform.machine()
    try:
        facts = describe(system, machine)
    except UnsupportedPlatformError as exc:
        module.fail_json(msg=str(exc), system=system, machine=machine)
    module.exit_json(changed=False, ansible_facts={"minikube_platform": facts})


if __name__ == "__main__":
    main()
