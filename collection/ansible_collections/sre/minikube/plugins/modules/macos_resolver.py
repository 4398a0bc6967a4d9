#!/usr/bin/python
# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: macos_resolver
short_description: Manage one macOS resolver file for a DNS domain
version_added: 1.0.0
description:
  - Writes or removes one file in the macOS resolver directory (see C(man 5 resolver)),
    so that queries for one domain go to the given name servers and no others.
  - The file holds one C(key value) line per setting, always in the same order
    (C(domain), one C(nameserver) line per address, C(search_order), C(timeout)),
    so an unchanged configuration is never rewritten.
  - The file is written through a temporary file in the same directory and
    moved into place, so readers never see a partial file.
  - Every option is validated before anything is written, each as a whole value (a trailing newline never
    passes). O(name) is a plain file name, O(domain) a DNS name, each of O(nameservers) an IP address without a
    zone, O(path) has no control character, and O(owner) and O(group) are resolved to an existing user and group.
  - The rendered file is checked to hold exactly the expected lines (C(domain), one C(nameserver) per address,
    then C(search_order) and C(timeout) when set), one key and one word each, before it is written.
author:
  - sre.minikube maintainers (@sre-minikube)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.files
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
  platform:
    platforms: posix
options:
  name:
    description:
      - The file name inside O(path), for example V(minikube-test).
      - A plain file name of letters, digits, C(.), C(_) and C(-); no path separator.
    type: str
    required: true
  domain:
    description:
      - The DNS domain whose queries go to O(nameservers), for example V(test).
      - V(local) and V(localhost) are refused, as are their subdomains.
      - Required when O(state=present).
    type: str
  nameservers:
    description:
      - IPv4 or IPv6 addresses of the name servers for O(domain), in order.
      - A zone (C(%) scope id), surrounding spaces or any other text are refused.
      - Required when O(state=present).
    type: list
    elements: str
  search_order:
    description:
      - The order in which this resolver is tried (lower first). Omitted from the file when not set.
    type: int
  timeout:
    description:
      - Seconds to wait for an answer, greater than 0. Omitted from the file when not set.
    type: int
  state:
    description:
      - Whether the file should exist.
    type: str
    choices: [present, absent]
    default: present
  path:
    description:
      - The resolver directory. Created with mode 0755 when missing.
    type: path
    default: /etc/resolver
notes:
  - Changes take effect once mDNSResponder reloads its configuration
    (C(killall -HUP mDNSResponder)); run that from a handler.
  - The resolver ignores a C(port) setting, so the name server must listen on port 53.
"""

EXAMPLES = r"""
- name: Send *.test queries to the cluster's DNS server for the test domain
  become: true
  sre.minikube.macos_resolver:
    name: minikube-test
    domain: test
    nameservers:
      - 192.168.49.2
    search_order: 1
    timeout: 5
  notify: Reload mDNSResponder

- name: Remove the resolver file
  become: true
  sre.minikube.macos_resolver:
    name: minikube-test
    state: absent
"""

RETURN = r"""
path:
  description: The full path of the resolver file.
  returned: always
  type: str
  sample: /etc/resolver/minikube-test
content:
  description: The file content the module manages; empty when O(state=absent).
  returned: always
  type: str
  sample: "domain test\nnameserver 192.168.49.2\nsearch_order 1\ntimeout 5\n"
"""

import grp
import os
import pwd
import tempfile

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_bytes, to_text
from ansible_collections.sre.minikube.plugins.module_utils.inputs import InputError, check
from ansible_collections.sre.minikube.plugins.module_utils.resolver import (
    ResolverInputError,
    check_name,
    check_non_negative,
    check_positive,
    check_rendered,
    normalise_domain,
    normalise_nameservers,
    render,
)


def read_text(path):
    try:
        with open(path, "rb") as handle:
            return to_text(handle.read(), errors="surrogate_or_strict")
    except FileNotFoundError:
        return None


def write_atomically(module, directory, path, content):
    if not os.path.isdir(directory):
        os.makedirs(directory, mode=0o755)
    fd, tmp_path = tempfile.mkstemp(prefix=".resolver-", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(to_bytes(content))
        module.atomic_move(tmp_path, path)
    finally:
        if os.path.exists(tmp_path):
            os.unlink(tmp_path)


def resolve_account(option, value, lookup, what):
    """Raise unless VALUE (a name or a numeric id) names an existing user or group: before anything is written."""
    if value is None or value.isdigit():
        return
    try:
        lookup(value)
    except KeyError:
        raise ResolverInputError(
            f"{option}={value!r} is not a {what} of this host: give an existing {what} name or a numeric id;"
            " nothing was written."
        ) from None


def desired_content(params):
    check_name(params["name"])
    check("path", params["path"], "path")
    if params["state"] == "absent":
        return None
    resolve_account("owner", params["owner"], pwd.getpwnam, "user")
    resolve_account("group", params["group"], grp.getgrnam, "group")
    check_positive("timeout", params["timeout"])
    check_non_negative("search_order", params["search_order"])
    nameservers = normalise_nameservers(params["nameservers"])
    content = render(normalise_domain(params["domain"]), nameservers, params["search_order"], params["timeout"])
    return check_rendered(content, nameservers, params["search_order"], params["timeout"])


def main():
    module = AnsibleModule(
        argument_spec={
            "name": {"type": "str", "required": True},
            "domain": {"type": "str"},
            "nameservers": {"type": "list", "elements": "str"},
            "search_order": {"type": "int"},
            "timeout": {"type": "int"},
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
            "path": {"type": "path", "default": "/etc/resolver"},
        },
        required_if=[("state", "present", ("domain", "nameservers"))],
        add_file_common_args=True,
        supports_check_mode=True,
    )
    try:
        wanted = desired_content(module.params)
    except InputError as exc:
        module.fail_json(msg=str(exc))

    directory = module.params["path"]
    path = os.path.join(directory, module.params["name"])
    current = read_text(path)
    changed = current != wanted
    result = {"changed": changed, "path": path, "content": wanted or ""}
    if changed and module._diff:
        result["diff"] = {
            "before": current or "",
            "after": wanted or "",
            "before_header": f"{path} (content)",
            "after_header": f"{path} (content)",
        }

    if changed and not module.check_mode:
        if wanted is None:
            os.unlink(path)
        else:
            write_atomically(module, directory, path, wanted)

    if wanted is not None and (os.path.exists(path) or not module.check_mode):
        file_args = module.load_file_common_arguments(module.params, path=path)
        result["changed"] = module.set_fs_attributes_if_different(file_args, result["changed"])
    module.exit_json(**result)


if __name__ == "__main__":
    main()
