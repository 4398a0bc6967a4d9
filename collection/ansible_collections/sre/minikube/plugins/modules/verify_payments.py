#!/usr/bin/python
# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: verify_payments
short_description: Pay every unpaid invoice once through the Ingress and prove it on every replica and in the ledger
version_added: 1.0.0
description:
  - With a local connection, no privilege escalation and no task environment, the host is the controller itself and
    the action plugin runs the checks in the controller's own process, with the module's own code and options;
    otherwise (or without the kubernetes client on the controller) the module runs on the host.
  - Lists the invoice-app pods that are Ready and not terminating and fails
    unless their number is the Deployment's C(replicas).
  - Finds invoice-app's public host name from its Ingress and where the
    Ingress answers (O(ingress_address), else the address of the node;
    when this host reaches the API server only on loopback while the node's
    address is not loopback, as with minikube's docker driver on macOS, the
    front door is served on O(tunnel_address) by the node's published ports or C(minikube tunnel), and the
    module fails with what to do, and the tunnel command, when nothing listens there).
  - With O(ca_file), talks to the front door over HTTPS and refuses a certificate that CA did not issue.
  - Sends one C(POST /invoices/pay) through the Ingress; a C(202) (another
    run is paying) is asked again until it settles.
  - Asks each invoice-app pod on its own for C(GET /invoices) through the
    API server's port-forward, and the Ingress as many times as there are
    pods; every answer must show every invoice paid.
  - Asks every Ready payment-provider pod for C(GET /payments); the pods
    must report one ledger, charge no invoice more than once, and hold every
    invoice invoice-app shows paid.
  - "Checks that payment-provider is reachable only from invoice-app's pods:
    no Ingress or HTTPRoute of its namespace routes to it (rules or default
    backend), and no ReferenceGrant there lets another namespace refer to it;
    its Service exists, and no Service that selects its pods is of type
    V(NodePort) or V(LoadBalancer) or has C(externalIPs); every ingress rule
    of every NetworkPolicy that selects its pods admits only invoice-app's
    pods (a C(podSelector) on its name, and for another namespace a
    C(namespaceSelector) on that namespace's C(kubernetes.io/metadata.name)
    label; no C(ipBlock), no empty rule); and a NetworkPolicy admits
    invoice-app on its port. It fails with one sentence
    per problem, each saying what to change. A NetworkPolicy takes effect only
    with a network plugin that enforces it; the check proves the policy is in
    place, not that packets are dropped."
  - Returns a report of what it checked, line by line, also when it fails.
author:
  - sre.minikube maintainers (@sre-minikube)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - sre.minikube.kubernetes
attributes:
  check_mode:
    support: full
    details:
      - The POST is not sent; the module reads every pod and reports
        C(changed=true) when a real run would pay something (RV(would_pay)).
      - With nothing left to pay, check mode runs every check.
  diff_mode:
    support: none
options:
  namespace:
    description:
      - Namespace of both services, unless O(invoice_app_namespace) or O(payment_provider_namespace) name theirs.
    type: str
    default: ""
  invoice_app_namespace:
    description:
      - Namespace of invoice-app (its team's); empty means O(namespace).
    type: str
    default: ""
    version_added: 1.1.0
  payment_provider_namespace:
    description:
      - Namespace of payment-provider (its team's); empty means O(namespace).
    type: str
    default: ""
    version_added: 1.1.0
  profile:
    description:
      - The minikube profile; its node is the one whose address serves the
        Ingress, and it is named in the tunnel command.
    type: str
    required: true
  binary:
    description: The minikube program, a name on E(PATH) or a path; named in the tunnel command.
    type: str
    default: minikube
  invoice_app:
    description: Name of invoice-app's Deployment and Service.
    type: str
    default: invoice-app
  invoice_app_port:
    description: invoice-app's container port.
    type: int
    default: 8081
  payment_provider:
    description: Name of payment-provider's Deployment.
    type: str
    default: payment-provider
  payment_provider_port:
    description: payment-provider's container port.
    type: int
    default: 8082
  ingress_address:
    description:
      - Address where the Ingress is served. Empty means the node's address,
        or O(tunnel_address) when the node cannot be reached from this host.
    type: str
    default: ""
  ingress_port:
    description: Port of the ingress address for plain HTTP (without O(ca_file)).
    type: int
    default: 80
  ingress_tls_port:
    description: Port of the ingress address for HTTPS, used when O(ca_file) is given.
    type: int
    default: 443
  ca_file:
    description:
      - A PEM file holding the CA certificate that issued the front door's certificate (the stack's local CA,
        C(ca.crt) under C(sre_minikube_ca_dir)). When given, every request through the front door goes over HTTPS
        to O(ingress_tls_port), sending O(ingress_host) as the TLS server name (SNI) and as C(Host).
      - The server's certificate must chain to this CA and to no other (the system's CAs are not trusted) and
        must name the host; otherwise the module fails, naming this file, without sending a request.
      - Empty means plain HTTP to O(ingress_port).
    type: path
    default: ""
  ingress_host:
    description:
      - Host name sent to the Ingress. Empty means the host of the Ingress
        rule that routes to invoice-app's Service.
    type: str
    default: ""
  tunnel_address:
    description: Address on which the node's published ports, or C(minikube tunnel), serve the front door.
    type: str
    default: 127.0.0.1
  timeout:
    description:
      - Seconds for each request (the whole exchange) and for each read of the API.
    type: float
    default: 30
  read_attempts:
    description:
      - Attempts of each request to a pod when the transport fails (an HTTP
        answer is never asked again).
    type: int
    default: 3
  pay_attempts:
    description: Attempts of the POST while it answers C(202).
    type: int
    default: 10
  retry_delay:
    description: Seconds between attempts.
    type: float
    default: 2
  settle_timeout:
    description:
      - Seconds the checks wait, in steps of O(retry_delay), while a rollout or a node drain is in progress, that
        is while invoice-app has fewer Ready pods than its replicas, and when a pod stops being Ready while it is
        asked (its replacement is then asked). 0 fails at once.
    type: float
    default: 120
seealso:
  - module: sre.minikube.pod_request
"""

EXAMPLES = r"""
- name: Pay the unpaid invoices once through the Ingress, then check every replica and the charges
  sre.minikube.verify_payments:
    context: sre-minikube
    profile: sre-minikube
    invoice_app_namespace: invoice-billing
    payment_provider_namespace: invoice-payments
  register: payments

- name: The same over HTTPS, trusting only the stack's local CA
  sre.minikube.verify_payments:
    context: sre-minikube
    profile: sre-minikube
    invoice_app_namespace: invoice-billing
    payment_provider_namespace: invoice-payments
    ingress_host: invoice-app.test
    ca_file: ~/.config/sre-minikube/ca/ca.crt

- name: Show what was checked
  ansible.builtin.debug:
    msg: "{{ payments.report }}"
"""

RETURN = r"""
report:
  description: What was checked, one line per check, in order; on failure, the checks that passed.
  returned: always
  type: list
  elements: str
  sample:
    - "3 of 3 invoice-app pods Ready: invoice-app-5d9-a, invoice-app-5d9-b, invoice-app-5d9-c"
    - "Pod invoice-billing/invoice-app-5d9-a: I1 12.15 EUR paid, I2 10.25 GBP paid"
url:
  description: The public URL of invoice-app (C(https) with O(ca_file)).
  returned: success
  type: str
  sample: https://invoice-app.test
address:
  description: Where the Ingress was asked, as address:port.
  returned: success
  type: str
  sample: 192.168.49.2:80
paid:
  description: The invoices shown paid, as C(id value currency).
  returned: success
  type: list
  elements: str
  sample: ["I1 12.15 EUR", "I2 10.25 GBP"]
paid_now:
  description: The invoices this run paid.
  returned: success
  type: list
  elements: str
  sample: ["I1"]
would_pay:
  description: In check mode, the invoices a real run would pay.
  returned: success
  type: list
  elements: str
  sample: []
pods:
  description: Each invoice-app pod's invoices, by pod name.
  returned: success
  type: dict
exposure:
  description: What the check of payment-provider's isolation found.
  returned: success
  type: str
  sample: >-
    payment-provider is internal: no Ingress or HTTPRoute routes to it, no ReferenceGrant lets another namespace
    refer to it, Service payment-provider is ClusterIP, and a NetworkPolicy admits only invoice-app's pods
    (namespace invoice-billing) on port 8082
"""

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible_collections.sre.minikube.plugins.module_utils.inputs import refuse
from ansible_collections.sre.minikube.plugins.module_utils.kube_client import api_client
from ansible_collections.sre.minikube.plugins.module_utils.pod_request import HAS_KUBERNETES, KUBERNETES_IMPORT_ERROR
from ansible_collections.sre.minikube.plugins.module_utils.verify_payments import (
    ARGUMENT_SPEC,
    RunError,
    Transports,
    input_checks,
    verify,
)


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    p = module.params
    refuse(module, input_checks(p))
    if not HAS_KUBERNETES:
        module.fail_json(msg=missing_required_lib("kubernetes"), exception=str(KUBERNETES_IMPORT_ERROR))
    try:
        result = verify(p, module.check_mode, api_client, Transports)
    except RunError as exc:
        module.fail_json(msg=str(exc), report=exc.report)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
