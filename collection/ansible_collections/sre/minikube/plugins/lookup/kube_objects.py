# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
name: kube_objects
short_description: Read Kubernetes objects by kind and name, in the controller's own process
version_added: 1.1.0
description:
  - Reads each object named by a term through one API client made from O(kubeconfig) and O(context) (kubernetes.core's
    client factory), and returns it as the API server holds it, in the API's own field names; an empty dict for an
    object that does not exist.
  - One lookup in the controller instead of a module process per read (M(kubernetes.core.k8s_info)), so that the cluster
    stage reads what it needs to decide before it applies anything.
  - Kinds read here are C(Deployment), C(Service), C(Ingress), C(NetworkPolicy), C(Node) and
    C(CustomResourceDefinition).
author:
  - sre.minikube maintainers (@sre-minikube)
options:
  _terms:
    description: The objects, each a dict with C(kind), C(name) and, for a namespaced kind, C(namespace).
    type: list
    elements: dict
    required: true
  kubeconfig:
    description: The kubeconfig file; empty, kubernetes.core's standard lookup (C($KUBECONFIG), C(~/.kube/config)).
    type: str
    default: ""
  context:
    description: The context in that kubeconfig; empty, its current context.
    type: str
    default: ""
"""

EXAMPLES = r"""
- name: Read CoreDNS's Deployment and a CRD at once
  ansible.builtin.set_fact:
    found: >-
      {{ query('sre.minikube.kube_objects',
               {'kind': 'Deployment', 'namespace': 'kube-system', 'name': 'coredns'},
               {'kind': 'CustomResourceDefinition', 'name': 'gateways.gateway.networking.k8s.io'},
               context='sre-minikube') }}
"""

RETURN = r"""
_raw:
  description: Each object as the API server holds it, in the order asked; an empty dict when it does not exist.
  type: list
  elements: dict
"""

from ansible.errors import AnsibleLookupError  # noqa: E402
from ansible.plugins.lookup import LookupBase  # noqa: E402
from ansible_collections.sre.minikube.plugins.module_utils import kube_client, kube_read  # noqa: E402


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        for term in terms:
            if not (isinstance(term, dict) and term.get("kind") in kube_read.KINDS and term.get("name")):
                raise AnsibleLookupError(
                    f"kube_objects: each term is a dict with a kind of {', '.join(kube_read.KINDS)} and a name, "
                    f"not {term!r}"
                )
        try:
            client = kube_client.api_client(self.get_option("kubeconfig") or None, self.get_option("context") or None)
            return [kube_read.read(client, term["kind"], term.get("namespace"), term["name"]) or {} for term in terms]
        except (kube_client.KubeClientError, kube_read.KubeReadError) as error:
            raise AnsibleLookupError(f"kube_objects: {error}") from None
