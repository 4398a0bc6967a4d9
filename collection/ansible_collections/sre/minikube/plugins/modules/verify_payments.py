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
  - Lists the invoice-app pods that are Ready and not terminating and fails
    unless their number is the Deployment's C(replicas).
  - Finds invoice-app's public host name from its Ingress and where the
    Ingress answers (O(ingress_address), else the address of the node;
    when this host reaches the API server only on loopback while the node's
    address is not loopback, as with minikube's docker driver on macOS, the
    Ingress is served by C(minikube tunnel) on O(tunnel_address), and the
    module fails with the command to start the tunnel when nothing listens there).
  - Sends one C(POST /invoices/pay) through the Ingress; a C(202) (another
    run is paying) is asked again until it settles.
  - Asks each invoice-app pod on its own for C(GET /invoices) through the
    API server's port-forward, and the Ingress as many times as there are
    pods; every answer must show every invoice paid.
  - Asks every Ready payment-provider pod for C(GET /payments); the pods
    must report one ledger, charge no invoice more than once, and hold every
    invoice invoice-app shows paid.
  - "Checks that payment-provider is reachable only from invoice-app's pods:
    no Ingress of the namespace routes to it (rules or default backend); its
    Service exists, and no Service that selects its pods is of type
    V(NodePort) or V(LoadBalancer) or has C(externalIPs); every ingress rule
    of every NetworkPolicy that selects its pods admits only invoice-app's
    pods (no C(namespaceSelector), no C(ipBlock), no empty rule); and a
    NetworkPolicy admits invoice-app on its port. It fails with one sentence
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
    description: Namespace of both services.
    type: str
    required: true
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
    description: Port of the ingress address.
    type: int
    default: 80
  ingress_host:
    description:
      - Host name sent to the Ingress. Empty means the host of the Ingress
        rule that routes to invoice-app's Service.
    type: str
    default: ""
  tunnel_address:
    description: Address on which C(minikube tunnel) serves the Ingress.
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
seealso:
  - module: sre.minikube.pod_request
"""

EXAMPLES = r"""
- name: Pay the unpaid invoices once through the Ingress, then check every replica and the charges
  sre.minikube.verify_payments:
    context: sre-minikube
    profile: sre-minikube
    namespace: invoice
  register: payments

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
    - "Pod invoice/invoice-app-5d9-a: I1 12.15 EUR paid, I2 10.25 GBP paid"
url:
  description: The public URL of invoice-app.
  returned: success
  type: str
  sample: http://invoice-app.test
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
    payment-provider is internal: no Ingress routes to it, Service payment-provider is ClusterIP,
    and a NetworkPolicy admits only invoice-app's pods on port 8082
"""

import socket
import time

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible_collections.sre.minikube.plugins.module_utils.inputs import refuse
from ansible_collections.sre.minikube.plugins.module_utils.kube_client import (
    CONNECTION_ARGUMENT_SPEC,
    KubeClientError,
    api_client,
    connection_checks,
)
from ansible_collections.sre.minikube.plugins.module_utils.kube_read import KubeReadError, read
from ansible_collections.sre.minikube.plugins.module_utils.pod_request import (
    HAS_KUBERNETES,
    KUBERNETES_IMPORT_ERROR,
    Deadline,
    PodRequestError,
    http_exchange,
    prepare_request,
    send,
)
from ansible_collections.sre.minikube.plugins.module_utils.verify_payments import Verifier, VerifyError


class Transports:
    """The real transports: the API server, port-forwards, TCP to the Ingress."""

    def __init__(self, client, namespace, timeout):
        self.client, self.namespace, self.timeout = client, namespace, timeout
        self.api_server = client.configuration.host
        self.sleep = time.sleep

    def read(self, kind, namespace=None, name=None, label_selector=None):
        return read(self.client, kind, namespace, name, label_selector, self.timeout)

    def pod_get(self, pod, port, path):
        # Opening a port-forward swaps its client's call_api for a moment, and
        # the pods are asked side by side: each request gets a client of its
        # own, on the same configuration.
        client = type(self.client)(self.client.configuration)
        return send(client, self.namespace, pod, port, prepare_request("GET", path, "localhost"), self.timeout)

    def ingress_request(self, address, port, host, method, path, body):
        deadline = Deadline(self.timeout)
        try:
            sock = socket.create_connection((address, port), timeout=deadline.remaining("connecting"))
        except OSError as exc:
            raise PodRequestError(f"cannot connect: {exc}") from None
        with sock:
            return http_exchange(sock, prepare_request(method, path, host, body), deadline)

    def port_open(self, address, port):
        try:
            socket.create_connection((address, port), timeout=2).close()
        except OSError:
            return False
        return True


def main():
    module = AnsibleModule(
        argument_spec={
            **CONNECTION_ARGUMENT_SPEC,
            "namespace": {"type": "str", "required": True},
            "profile": {"type": "str", "required": True},
            "binary": {"type": "str", "default": "minikube"},
            "invoice_app": {"type": "str", "default": "invoice-app"},
            "invoice_app_port": {"type": "int", "default": 8081},
            "payment_provider": {"type": "str", "default": "payment-provider"},
            "payment_provider_port": {"type": "int", "default": 8082},
            "ingress_address": {"type": "str", "default": ""},
            "ingress_port": {"type": "int", "default": 80},
            "ingress_host": {"type": "str", "default": ""},
            "tunnel_address": {"type": "str", "default": "127.0.0.1"},
            "timeout": {"type": "float", "default": 30},
            "read_attempts": {"type": "int", "default": 3},
            "pay_attempts": {"type": "int", "default": 10},
            "retry_delay": {"type": "float", "default": 2},
        },
        supports_check_mode=True,
    )
    p = module.params
    refuse(
        module,
        connection_checks(p)
        + [
            {"name": "namespace", "value": p["namespace"], "rule": "dns_label"},
            {"name": "profile", "value": p["profile"], "rule": "minikube_profile"},
            {"name": "binary", "value": p["binary"], "rule": "path"},
            {"name": "invoice_app", "value": p["invoice_app"], "rule": "dns_label"},
            {"name": "payment_provider", "value": p["payment_provider"], "rule": "dns_label"},
            {"name": "ingress_address", "value": p["ingress_address"], "rule": "address", "optional": True},
            {"name": "ingress_host", "value": p["ingress_host"], "rule": "host_name", "optional": True},
            {"name": "tunnel_address", "value": p["tunnel_address"], "rule": "address"},
        ],
    )
    if not HAS_KUBERNETES:
        module.fail_json(msg=missing_required_lib("kubernetes"), exception=str(KUBERNETES_IMPORT_ERROR))
    verifier = None
    try:
        client = api_client(p["kubeconfig"], p["context"])
        verifier = Verifier(p, Transports(client, p["namespace"], p["timeout"]), module.check_mode)
        result = verifier.run()
    except (VerifyError, KubeClientError, KubeReadError, PodRequestError, LookupError) as exc:
        module.fail_json(msg=str(exc), report=verifier.report if verifier else [])
    module.exit_json(**result)


if __name__ == "__main__":
    main()
