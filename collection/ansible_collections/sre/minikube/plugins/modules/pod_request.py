#!/usr/bin/python
# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: pod_request
short_description: Send one HTTP request to a chosen pod through the API server's port-forward
version_added: 1.0.0
description:
  - Opens a port-forward to one port of one pod through the Kubernetes API
    (the C(pods/portforward) subresource), sends a single HTTP/1.1 request
    over it with the standard library's C(http.client) and returns the
    parsed answer.
  - The request reaches exactly the named pod, never a Service that picks a
    pod for you, so a playbook can check each replica of a Deployment on its
    own. No C(kubectl) process and no local listening port are involved.
  - Fails when the API server refuses the port-forward, when nothing answers
    on the pod's port, when the answer is not valid HTTP or does not arrive
    within O(timeout), and when the status code is not one of O(status_code);
    the message names the pod and carries the body.
author:
  - sre.minikube maintainers (@sre-minikube)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - sre.minikube.kubernetes
attributes:
  check_mode:
    support: full
    details:
      - Requests with a read-only method (V(GET), V(HEAD), V(OPTIONS)) are
        sent in check mode as well.
      - Any other method is not sent in check mode; the module then reports
        RV(skipped) and C(changed=false), since it cannot know what the server
        would have done.
  diff_mode:
    support: none
options:
  namespace:
    description:
      - Namespace of the pod.
    type: str
    required: true
  pod:
    description:
      - Name of the pod.
    type: str
    required: true
  port:
    description:
      - Port of the pod's container to send the request to.
    type: int
    required: true
  method:
    description:
      - HTTP method.
    type: str
    default: GET
    choices: [GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE]
  path:
    description:
      - Request target, that is the path and query, URL-encoded, starting with C(/).
    type: str
    default: /
  body:
    description:
      - Request body, sent as JSON with a C(Content-Type) of C(application/json).
      - A string is sent as it is and must already be JSON text; any other
        value is serialised to JSON.
      - Without a body, V(POST), V(PUT) and V(PATCH) send a C(Content-Length) of V(0).
    type: raw
  host:
    description:
      - Value of the C(Host) header.
    type: str
    default: localhost
  status_code:
    description:
      - Status codes that count as success. Any other code fails the task.
    type: list
    elements: int
    default: [200]
  timeout:
    description:
      - Seconds for the whole exchange, that is opening the port-forward, sending the
        request and reading the complete answer. A pod that answers too
        slowly fails the task even when bytes keep arriving.
    type: float
    default: 30
notes:
  - The caller needs the C(create) verb on C(pods/portforward) in the
    namespace (and C(get) on C(pods)).
  - The request asks the server to close the connection after the answer, which may be sized by
    C(Content-Length), chunked, or end with the stream.
  - An answer whose body is larger than 16 MiB is refused, and so are
    header lines and header counts beyond C(http.client)'s limits.
  - A request with a method other than V(GET), V(HEAD) or V(OPTIONS) that is
    answered with a 2xx or 3xx code reports C(changed=true), as the server
    accepted a request that changes state. Narrow it with C(changed_when)
    when the answer says whether anything changed.
seealso:
  - module: kubernetes.core.k8s_info
"""

EXAMPLES = r"""
- name: List the invoices held by one invoice-app pod
  sre.minikube.pod_request:
    context: minikube
    namespace: invoice
    pod: invoice-app-5d9c7b6f4-x2k8q
    port: 8081
    path: /invoices
  register: invoices

- name: Pay that pod's unpaid invoices; changed only when something was paid
  sre.minikube.pod_request:
    context: minikube
    namespace: invoice
    pod: invoice-app-5d9c7b6f4-x2k8q
    port: 8081
    method: POST
    path: /invoices/pay
  register: pay
  changed_when: pay.json.paid | default([]) | length > 0

- name: Send a JSON body and accept a client error as an answer
  sre.minikube.pod_request:
    namespace: invoice
    pod: payment-provider-7c4d8f9b5-abcde
    port: 8082
    method: POST
    path: /payments/pay
    body:
      id: I1
      value: 12.15
      currency: EUR
    status_code: [200, 400]
"""

RETURN = r"""
status:
  description: HTTP status code of the answer.
  returned: when an answer came back
  type: int
  sample: 200
reason:
  description: Reason phrase of the status line.
  returned: when an answer came back
  type: str
  sample: OK
headers:
  description: Response header fields, names in lower case.
  returned: when an answer came back
  type: dict
  sample: {"content-type": "application/json; charset=utf-8", "content-length": "118"}
body:
  description: Response body as text (UTF-8, invalid bytes replaced).
  returned: when an answer came back
  type: str
  sample: '[{"InvoiceId":"I1","Value":12.15,"Currency":"EUR","IsPaid":true}]'
json:
  description: The body parsed as JSON, or V(null) when it is empty or not JSON.
  returned: when an answer came back
  type: raw
  sample: [{"InvoiceId": "I1", "Value": 12.15, "Currency": "EUR", "IsPaid": true}]
pod:
  description: The pod that was asked, as C(namespace/name).
  returned: always
  type: str
  sample: invoice/invoice-app-5d9c7b6f4-x2k8q
elapsed:
  description: Seconds from opening the port-forward to the complete answer.
  returned: when an answer came back
  type: float
  sample: 0.042
skipped:
  description: V(true) when the request was not sent because of check mode.
  returned: in check mode, for methods that change state
  type: bool
  sample: true
"""

import time

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible_collections.sre.minikube.plugins.module_utils.inputs import refuse
from ansible_collections.sre.minikube.plugins.module_utils.kube_client import (
    CONNECTION_ARGUMENT_SPEC,
    KubeClientError,
    api_client,
    connection_checks,
)
from ansible_collections.sre.minikube.plugins.module_utils.pod_request import (
    HAS_KUBERNETES,
    KUBERNETES_IMPORT_ERROR,
    METHODS,
    SAFE_METHODS,
    PodRequestError,
    PortForwardChannel,
    changed_by,
    decode_body,
    prepare_request,
    send,
)


def main():
    module = AnsibleModule(
        argument_spec={
            **CONNECTION_ARGUMENT_SPEC,
            "namespace": {"type": "str", "required": True},
            "pod": {"type": "str", "required": True},
            "port": {"type": "int", "required": True},
            "method": {"type": "str", "default": "GET", "choices": list(METHODS)},
            "path": {"type": "str", "default": "/"},
            "body": {"type": "raw"},
            "host": {"type": "str", "default": "localhost"},
            "status_code": {"type": "list", "elements": "int", "default": [200]},
            "timeout": {"type": "float", "default": 30},
        },
        supports_check_mode=True,
    )
    params = module.params
    refuse(
        module,
        connection_checks(params)
        + [
            {"name": "namespace", "value": params["namespace"], "rule": "dns_label"},
            {"name": "pod", "value": params["pod"], "rule": "dns_name"},
        ],
    )
    method = params["method"]
    target = f"{params['namespace']}/{params['pod']}"
    where = f"{method} {params['path']} on pod {target} port {params['port']}"

    if not 1 <= params["port"] <= 65535:
        module.fail_json(msg=f"port must be from 1 to 65535, not {params['port']}", pod=target)
    if params["timeout"] <= 0:
        module.fail_json(msg=f"timeout must be a number of seconds greater than 0, not {params['timeout']}", pod=target)
    try:
        request = prepare_request(method, params["path"], params["host"], params["body"])
    except (TypeError, ValueError) as exc:
        module.fail_json(msg=f"cannot build the request {where}: {exc}", pod=target)

    if module.check_mode and method not in SAFE_METHODS:
        module.exit_json(
            changed=False,
            skipped=True,
            pod=target,
            msg=f"check mode: {where} not sent, as it would change state",
        )

    if not HAS_KUBERNETES:
        module.fail_json(msg=missing_required_lib("kubernetes"), exception=str(KUBERNETES_IMPORT_ERROR))

    start = time.monotonic()
    try:
        response = send(
            api_client(params["kubeconfig"], params["context"]),
            params["namespace"],
            params["pod"],
            params["port"],
            request,
            params["timeout"],
            channel=PortForwardChannel,
        )
    except (KubeClientError, PodRequestError) as exc:
        module.fail_json(msg=f"{where} failed: {exc}", pod=target)
    elapsed = round(time.monotonic() - start, 3)

    text, parsed = decode_body(response)
    result = {
        "changed": changed_by(method, response.status),
        "status": response.status,
        "reason": response.reason,
        "headers": response.headers,
        "body": text,
        "json": parsed,
        "pod": target,
        "elapsed": elapsed,
    }
    if response.status not in params["status_code"]:
        expected = ", ".join(str(code) for code in params["status_code"])
        module.fail_json(
            msg=f"{where} answered {response.status} {response.reason} (expected {expected}): {text[:4000]}",
            **result,
        )
    module.exit_json(**result)


if __name__ == "__main__":
    main()
