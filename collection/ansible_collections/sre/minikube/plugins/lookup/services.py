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
  - Without a term it reads the stack's own list, found through the collection (not through the role that asks) as
    the built collection's C(playbooks/apps/services.yml), or in a clone, whose collection lies in
    C(collection/ansible_collections/sre/minikube), C(apps/services.yml) at the clone's top.
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

from ansible.errors import AnsibleLookupError  # noqa: E402
from ansible.plugins.lookup import LookupBase  # noqa: E402
from ansible_collections.sre.minikube.plugins.module_utils import services  # noqa: E402


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        if len(terms) > 1:
            raise AnsibleLookupError(f"services: give at most one build context, not {terms!r}")
        try:
            path = services.context_file(terms[0]) if terms else services.default_file()
            return [services.read(path)]
        except services.ServicesFileError as error:
            raise AnsibleLookupError(f"services: {error}") from None
