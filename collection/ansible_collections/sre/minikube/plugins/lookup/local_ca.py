# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
name: local_ca
short_description: What a run would make or fix of the local CA and the test domain's certificate
version_added: 1.1.0
description:
  - Reads, on the controller, the CA directory the cluster stage keeps (C(ca.crt), C(ca.key), C(<domain>.crt),
    C(<domain>.key)) and returns one sentence per thing a run would have to make or fix; an empty list when the CA and
    the certificate are current, so that the stage skips the tasks that would only confirm it.
  - Current means every file is there, the directory is mode 0700 and the keys 0600, each certificate belongs to the
    key beside it, the CA signed the certificate, the certificate names exactly O(names) and does not end within
    O(renew_days) days.
  - Keys are read to compare public keys and never returned.
author:
  - sre.minikube maintainers (@sre-minikube)
options:
  _terms:
    description: The CA directory; exactly one.
    type: list
    elements: path
    required: true
  domain:
    description: The test domain; the certificate is C(<domain>.crt).
    type: str
    required: true
  names:
    description: The DNS names the certificate must hold.
    type: list
    elements: str
    required: true
  renew_days:
    description: A certificate that ends within this many days is not current.
    type: int
    required: true
"""

EXAMPLES = r"""
- name: Skip the CA tasks when nothing would change
  ansible.builtin.debug:
    msg: "{{ query('sre.minikube.local_ca', '~/.config/sre-minikube/ca', domain='test',
                   names=['*.test', 'test'], renew_days=30) }}"
"""

RETURN = r"""
_raw:
  description: One sentence per thing to make or fix; empty when current.
  type: list
  elements: str
"""

import os  # noqa: E402

from ansible.plugins.lookup import LookupBase  # noqa: E402
from ansible_collections.sre.minikube.plugins.module_utils.local_ca import problems  # noqa: E402


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        return problems(
            os.path.expanduser(terms[0]),
            self.get_option("domain"),
            self.get_option("names"),
            self.get_option("renew_days"),
        )
