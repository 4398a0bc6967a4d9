#!/usr/bin/python
# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: verify_exposure
short_description: Check that an internal service is reachable only from the pods allowed to call it
version_added: 1.0.0
description:
  - Reads the Deployments of the service and of its callers, and the
    namespace's Ingresses, Services and NetworkPolicies, and reports every way
    into the service other than its callers' pods.
  - "A problem is: an Ingress rule or default backend that routes to the
    service; a missing Service; a Service that selects the service's pods and
    is of type V(NodePort) or V(LoadBalancer) or has C(externalIPs); an
    ingress rule of a NetworkPolicy that selects the service's pods and
    admits anything but the callers' pods (C(namespaceSelector), C(ipBlock),
    an empty rule); and no NetworkPolicy that admits the callers on the
    service's port."
  - Fails with one sentence per problem, each saying what to change.
  - A NetworkPolicy takes effect only with a network plugin that enforces
    it; the module proves the policy is in place, not that packets are dropped.
author:
  - sre.minikube maintainers (@sre-minikube)
requirements:
  - kubernetes (the Python client, as for kubernetes.core)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details: It only reads; check mode changes nothing.
  diff_mode:
    support: none
  platform:
    platforms: posix
options:
  kubeconfig:
    description:
      - Path to the kubeconfig file; the client's standard lookup when not given.
    type: path
  context:
    description:
      - Context of the kubeconfig to use. The current context when not given.
    type: str
  namespace:
    description:
      - Namespace of the service and its callers.
    type: str
    required: true
  service:
    description:
      - Name of the internal service's Deployment and Service, and the
        C(app.kubernetes.io/name) label of its pods.
    type: str
    required: true
  port:
    description:
      - The service's container port.
    type: int
    required: true
  callers:
    description:
      - Names of the Deployments whose pods may call the service.
    type: list
    elements: str
    required: true
  timeout:
    description:
      - Seconds for each read from the API server.
    type: float
    default: 30
seealso:
  - module: sre.minikube.verify_payments
"""

EXAMPLES = r"""
- name: Check payment-provider is reachable only from invoice-app
  sre.minikube.verify_exposure:
    context: sre-minikube
    namespace: invoice
    service: payment-provider
    port: 8082
    callers: [invoice-app]
  register: exposure

- name: Say so
  ansible.builtin.debug:
    msg: "{{ exposure.msg }}"
"""

RETURN = r"""
problems:
  description: One sentence per way into the service; empty when it is internal.
  returned: when the objects were read
  type: list
  elements: str
  sample:
    - >-
      Service payment-provider selects payment-provider's pods and is of type NodePort,
      reachable from outside the cluster: make it ClusterIP.
msg:
  description: What was checked, or the problems found.
  returned: always
  type: str
  sample: >-
    payment-provider is internal: no Ingress routes to it, Service payment-provider is ClusterIP,
    and a NetworkPolicy admits only invoice-app's pods on port 8082
"""

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible_collections.sre.minikube.plugins.module_utils.exposure import exposure_problems
from ansible_collections.sre.minikube.plugins.module_utils.kube_read import KubeReadError, pod_template, read
from ansible_collections.sre.minikube.plugins.module_utils.pod_request import (
    HAS_KUBERNETES,
    KUBERNETES_IMPORT_ERROR,
    PodRequestError,
    api_client_from_kubeconfig,
)


def main():
    module = AnsibleModule(
        argument_spec={
            "kubeconfig": {"type": "path"},
            "context": {"type": "str"},
            "namespace": {"type": "str", "required": True},
            "service": {"type": "str", "required": True},
            "port": {"type": "int", "required": True},
            "callers": {"type": "list", "elements": "str", "required": True},
            "timeout": {"type": "float", "default": 30},
        },
        supports_check_mode=True,
    )
    if not HAS_KUBERNETES:
        module.fail_json(msg=missing_required_lib("kubernetes"), exception=str(KUBERNETES_IMPORT_ERROR))
    p = module.params
    namespace, service, port = p["namespace"], p["service"], p["port"]
    try:
        client = api_client_from_kubeconfig(p["kubeconfig"], p["context"])

        def read_kind(kind, ns=None, name=None):
            return read(client, kind, ns, name, timeout=p["timeout"])

        labels, port_names = pod_template(read_kind, namespace, service, port)
        callers = {name: pod_template(read_kind, namespace, name, None)[0] for name in p["callers"]}
        problems = exposure_problems(
            read_kind("Ingress", namespace),
            read_kind("Service", namespace),
            read_kind("NetworkPolicy", namespace),
            namespace,
            service,
            labels,
            port,
            port_names,
            callers,
        )
    except (KubeReadError, PodRequestError, LookupError) as exc:
        module.fail_json(msg=str(exc))
    if problems:
        module.fail_json(msg=f"{service} can be reached from outside: {' '.join(problems)}", problems=problems)
    who = ", ".join(p["callers"])
    module.exit_json(
        changed=False,
        problems=[],
        msg=(
            f"{service} is internal: no Ingress routes to it, Service {service} is ClusterIP, "
            f"and a NetworkPolicy admits only {who}'s pods on port {port}"
        ),
    )


if __name__ == "__main__":
    main()
