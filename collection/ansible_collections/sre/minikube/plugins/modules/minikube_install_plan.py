#!/usr/bin/python
# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: minikube_install_plan
short_description: Decide what installing a minikube release on a host takes, in one look
version_added: 1.0.0
description:
  - With a local connection, no privilege escalation and no task environment, the host is the controller itself and
    the action plugin makes the plan in the controller's own process, with the module's own code and options;
    otherwise the module runs on the host.
  - Looks at the host once and says what installing minikube O(version) there takes; the
    sre.minikube.minikube_install role acts on the answer.
  - Checks the settings, each value as a whole (a trailing newline, a space or a control character is refused), before
    it runs anything; detects the host's OS and CPU as minikube names them (see M(sre.minikube.platform_info)),
    and chooses the release asset, its URL and the checksum to verify it against.
  - Refuses a plain C(http://) O(base_url) unless the asset's checksum is pinned in O(sha256) or O(checksums), since a
    C(.sha256) from the same unauthenticated server proves nothing. C(https://) and C(file:///) mirrors may use
    the published C(.sha256).
  - Resolves the install directory as the connecting user (C(~) is that user's home); a missing directory counts
    as created in its nearest existing parent, whose permissions say whether writing needs privilege escalation.
  - Asks the binary in the install directory for its version and, with O(preflight), asks Docker for its version,
    both at the same time.
  - Finds the minikube that the connecting user's PATH runs first once the binary is installed, and that one's
    version when it is another file.
  - Fails, saying what to change, on a wrong setting, a host minikube publishes no binary for, an install path that
    is not a directory, and (with O(preflight)) a Docker that does not answer.
  - Never changes anything on the host.
author:
  - sre.minikube maintainers (@sre-minikube)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - sre.minikube.attributes.read_only
options:
  version:
    description: The release to install, an exact vX.Y.Z (role variable C(minikube_install_version)).
    type: str
    required: true
  base_url:
    description:
      - Base of the release layout C(<base>/<version>/<asset>) (role variable C(minikube_install_base_url)).
      - An C(https://), C(http://) or C(file:///) URL of printable ASCII, without user information, query or fragment.
      - With C(http://) the asset's checksum must be pinned in O(sha256) or O(checksums).
    type: str
    required: true
  sha256:
    description:
      - Expected sha256 of the host's asset, empty or exactly 64 hex digits; wins over O(checksums) and the published
        C(.sha256).
    type: str
    default: ""
  checksums:
    description:
      - Published sha256 (64 hex digits) per release (C(vX.Y.Z)) and asset name (C(minikube-<os>-<arch>)), every key and
        value checked. A release listed here without the host's asset is refused.
    type: dict
    default: {}
  dir:
    description:
      - Directory of the binary, absolute or under the connecting user's home (C(~/.local/bin)), without whitespace,
        control characters or C(:).
    type: str
    required: true
  download_timeout:
    description: Seconds before a stalled download fails; checked to be positive.
    type: int
    default: 60
  preflight:
    description: Check that the docker CLI runs and the Docker daemon answers the connecting user.
    type: bool
    default: true
notes:
  - Versions compare as semver (V(v1.100.0) is newer than V(v1.38.1)); a version in another form cannot be
    ordered and is reported as RV(change=other).
"""

EXAMPLES = r"""
- name: Look at the host before installing minikube
  sre.minikube.minikube_install_plan:
    version: v1.38.1
    base_url: https://storage.googleapis.com/minikube/releases
    dir: ~/.local/bin
  register: plan

- name: Say when a download is needed
  ansible.builtin.debug:
    msg: "{{ plan.binary }} is {{ plan.current or 'missing' }}; would download {{ plan.url }}"
  when: plan.current != 'v1.38.1'
"""

RETURN = r"""
platform:
  description: The host's platform as minikube names it (the facts M(sre.minikube.platform_info) reports).
  type: dict
  returned: success
  sample: {os: linux, arch: amd64, asset: minikube-linux-amd64, last_version: null, system: Linux, machine: x86_64}
asset:
  description: The release asset for this host.
  type: str
  returned: success
  sample: minikube-linux-amd64
url:
  description: Where the asset is downloaded from.
  type: str
  returned: success
  sample: https://storage.googleapis.com/minikube/releases/v1.38.1/minikube-linux-amd64
checksum:
  description: The sha256 to verify the download against, or the URL of the published C(.sha256) file.
  type: str
  returned: success
  sample: 099477eaf248bcb5bcea8ce78a2898e93ac01461c35189da1848c3de82ecd22e
checksum_pinned:
  description: Whether RV(checksum) is a pinned sha256 (from O(sha256) or O(checksums)) rather than a C(.sha256) URL.
  type: bool
  returned: success
dir:
  description: The install directory, C(~) expanded.
  type: str
  returned: success
  sample: /usr/local/bin
dir_exists:
  description: Whether the install directory exists.
  type: bool
  returned: success
become:
  description: Whether the connecting user cannot write to the install directory (or its nearest existing parent).
  type: bool
  returned: success
binary:
  description: The path of the binary.
  type: str
  returned: success
  sample: /usr/local/bin/minikube
current:
  description: The version the installed binary reports; empty when there is no working minikube there.
  type: str
  returned: success
  sample: v1.38.1
change:
  description: How the installed version compares with O(version).
  type: str
  returned: success
  choices: [none, upgrade, downgrade, other]
path:
  description: The minikube the connecting user's PATH runs first, once the binary is installed.
  type: dict
  returned: success
  contains:
    search_path:
      description: The PATH searched.
      type: str
    first:
      description: The first minikube on PATH, empty when there is none.
      type: str
    shadowed:
      description: Whether that is another file than RV(binary).
      type: bool
    other_version:
      description:
        - The version that other file reports (C(version unknown) when it does not say); empty when not shadowed.
      type: str
docker_checked:
  description: Whether Docker was asked and answered.
  type: bool
  returned: success
"""

import os
import platform

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.sre.minikube.plugins.module_utils.install_plan import ARGUMENT_SPEC, PlanError
from ansible_collections.sre.minikube.plugins.module_utils.install_plan import plan as make_plan


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    try:
        result = make_plan(module.params, platform.system(), platform.machine(), os.environ)
    except PlanError as error:
        module.fail_json(msg=str(error))
    module.exit_json(changed=False, **result)


if __name__ == "__main__":
    main()
