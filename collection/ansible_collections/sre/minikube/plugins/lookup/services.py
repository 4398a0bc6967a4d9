# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
name: services
short_description: The stack's services, as the build context's services.yml declares them
version_added: 1.0.0
description:
  - Reads C(services.yml) of the services' build context (the C(apps) directory) and returns its list of services,
    each a dict (C(name), C(port), C(component), C(callers), C(public), C(database), C(env)).
  - Without a term it looks where the stack keeps the file, relative to the role that asks (C(role_path)), first at the
    top of a clone (C(apps/services.yml)), then in the installed collection (C(playbooks/apps/services.yml)).
  - Fails, naming the file and what is wrong, when there is no such file or it holds no C(services) list of
    named entries. The roles check every entry's values themselves (they also take a list given directly).
author:
  - sre.minikube maintainers (@sre-minikube)
options:
  _terms:
    description: The build context (a directory holding C(services.yml)); at most one.
    type: list
    elements: path
    required: false
"""

EXAMPLES = r"""
- name: Name the services to build
  ansible.builtin.debug:
    msg: "{{ lookup('sre.minikube.services', playbook_dir ~ '/../apps') | map(attribute='name') | list }}"
"""

RETURN = r"""
_raw:
  description: The services, in the order the file lists them.
  type: list
  elements: dict
  sample:
    - name: payment-provider
      port: 8082
      component: payments
      callers: [invoice-app]
      public: false
      database: true
      env: {}
"""

import os  # noqa: E402

import yaml  # noqa: E402
from ansible.errors import AnsibleLookupError  # noqa: E402
from ansible.plugins.lookup import LookupBase  # noqa: E402

FILE = "services.yml"
# Where the build context is, relative to a role of the stack: a clone keeps
# roles/ beside apps/, the collection artifact keeps it as playbooks/apps.
ROLE_RELATIVE = (("..", "..", "apps"), ("..", "..", "playbooks", "apps"))


def candidates(terms, role_path):
    """The services.yml files to try, in order."""
    if terms:
        return [os.path.join(terms[0], FILE)]
    if not role_path:
        raise AnsibleLookupError("services: name the build context (the apps directory) outside a role")
    return [os.path.normpath(os.path.join(role_path, *parts, FILE)) for parts in ROLE_RELATIVE]


def read(path):
    """The list of services in PATH, or an AnsibleLookupError saying what is wrong."""
    with open(path, encoding="utf-8") as handle:
        try:
            document = yaml.safe_load(handle)
        except yaml.YAMLError as error:
            raise AnsibleLookupError(f"services: {path} is not YAML: {error}") from None
    services = document.get("services") if isinstance(document, dict) else None
    if not isinstance(services, list) or not all(
        isinstance(entry, dict) and isinstance(entry.get("name"), str) for entry in services
    ):
        raise AnsibleLookupError(f"services: {path} must hold `services:`, a list of entries each with a name")
    return services


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        if len(terms) > 1:
            raise AnsibleLookupError(f"services: give at most one build context, not {terms!r}")
        tried = candidates(terms, (variables or {}).get("role_path"))
        for path in tried:
            if os.path.isfile(path):
                return [read(path)]
        raise AnsibleLookupError(f"services: no services list at {' or '.join(tried)}")
