# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""verify_payments' checks, driven through stand-in transports: one case per way to fail."""

from __future__ import annotations

import json
import threading

import pytest
from ansible_collections.sre.minikube.plugins.module_utils.pod_request import HttpResponse, PodRequestError
from ansible_collections.sre.minikube.plugins.module_utils.verify_payments import (
    PodAnswer,
    Verifier,
    VerifyError,
    ingress_address,
    invoice_line,
    ledger_problem,
    node_address,
    ready_pods,
)
from ansible_collections.sre.minikube.tests.unit.plugins.module_utils.test_exposure import (
    GOOD,
    IA_LABELS,
    IA_NS,
    PP_LABELS,
    from_invoice_app,
    ingress,
    policy,
    service,
)
from ansible_collections.sre.minikube.tests.unit.plugins.module_utils.test_exposure import NS as PP_NS

SEED = [("I1", 12.15, "EUR"), ("I2", 10.25, "GBP"), ("I3", 66.13, "DKK")]
IA = {"app.kubernetes.io/name": "invoice-app"}
PP = {"app.kubernetes.io/name": "payment-provider"}


def pod(name, labels, ready=True, terminating=False, phase="Running"):
    meta = {"name": name, "labels": labels}
    if terminating:
        meta["deletionTimestamp"] = "2026-01-01T00:00:00Z"
    return {"metadata": meta, "status": {"phase": phase, "conditions": [{"type": "Ready", "status": str(ready)}]}}


def answer(status, body):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return HttpResponse(status, {200: "OK", 202: "Accepted", 502: "Bad Gateway"}.get(status, "X"), {}, data)


def route(name, backend, host="invoice-app.test"):
    """An HTTPRoute sending HOST to the Service BACKEND."""
    return {
        "metadata": {"name": name},
        "spec": {"hostnames": [host], "rules": [{"backendRefs": [{"name": backend, "port": 8081}]}]},
    }


class Stack:
    """A stand-in for the cluster, the pods and the Ingress, with faults to switch on.

    Each service is found in its home namespace only (homes: name -> namespace; by default its team's).
    """

    def __init__(self, homes=None, **faults):
        self.homes = homes or {"invoice-app": IA_NS, "payment-provider": PP_NS}
        self.paid = set()
        self.charges = {}
        self.pay_answers = list(faults.pop("pay_answers", []))
        self.faults = faults
        self.api_server = faults.get("api_server", "https://192.168.49.2:8443")
        self.sent = []
        self.sleeps = []
        self.ia_pods = faults.get("ia_pods", [pod(f"invoice-app-{c}", IA) for c in "abc"])
        self.pp_pods = [pod(f"payment-provider-{c}", PP) for c in "xyz"]
        self.transport_failures = faults.get("transport_failures", 0)
        # The verifier asks the pods side by side, each on its own thread.
        self.lock = threading.Lock()

    def invoices(self, unpaid=()):
        return [
            {"InvoiceId": i, "Value": v, "Currency": c, "IsPaid": i in self.paid and i not in unpaid}
            for i, v, c in SEED
        ]

    # --- the transports ---
    def read(self, kind, namespace=None, name=None, label_selector=None):
        if kind == "Deployment":
            if name in self.faults.get("missing", ()) or self.homes.get(name) != namespace:
                return None
            labels, pod_labels, port = (IA, IA_LABELS, 8081) if name == "invoice-app" else (PP, PP_LABELS, 8082)
            template = {
                "metadata": {"labels": pod_labels},
                "spec": {"containers": [{"ports": [{"name": "http", "containerPort": port}]}]},
            }
            return {"spec": {"replicas": 3, "selector": {"matchLabels": labels}, "template": template}}
        if kind == "Pod":
            app = "invoice-app" if "invoice-app" in label_selector else "payment-provider"
            if self.homes[app] != namespace:
                return []
            return self.ia_pods if app == "invoice-app" else self.pp_pods
        if kind == "Ingress":
            return self.faults.get(
                "ingresses",
                [
                    {
                        "spec": {
                            "rules": [
                                {
                                    "host": "invoice-app.test",
                                    "http": {"paths": [{"backend": {"service": {"name": "invoice-app"}}}]},
                                }
                            ]
                        }
                    }
                ],
            )
        if kind == "Service":
            return self.faults.get("services", GOOD["services"])
        if kind == "NetworkPolicy":
            return self.faults.get("policies", GOOD["policies"])
        if kind == "HTTPRoute":
            return self.faults.get("routes", [])
        if kind == "ReferenceGrant":
            return self.faults.get("grants", [])
        if kind == "Node":
            return [
                {
                    "metadata": {"name": "sre-minikube"},
                    "status": {"addresses": [{"type": "InternalIP", "address": "192.168.49.2"}]},
                }
            ]
        raise AssertionError(kind)

    def pod_get(self, namespace, name, port, path):
        app = "invoice-app" if name.startswith("invoice-app") else "payment-provider"
        assert namespace == self.homes[app], (namespace, name)
        with self.lock:
            self.sent.append(("pod", name, port, path))
            unreachable = name in self.faults.get("unreachable", ())
            flaky = not unreachable and self.transport_failures > 0
            if flaky:
                self.transport_failures -= 1
        if unreachable or flaky:
            raise PodRequestError("the stream broke")
        if path == "/invoices":
            return answer(200, self.invoices(self.faults.get("unpaid_on", {}).get(name, ())))
        ledger = [{"id": i, "count": n} for i, n in sorted(self.charges.items())]
        if name in self.faults.get("own_ledger", ()):
            ledger = []
        return answer(200, {"store": "postgres", "payments": ledger})

    def ingress_request(self, address, port, host, method, path, body):
        self.sent.append(("ingress", address, port, host, method, path))
        if method == "POST":
            if self.pay_answers:
                return self.pay_answers.pop(0)
            now = [seed[0] for seed in SEED if seed[0] not in self.paid]
            for i in now:
                self.paid.add(i)
                self.charges[i] = self.charges.get(i, 0) + 1
            for i in self.faults.get("charged_twice", ()):
                self.charges[i] += 1
            for i in self.faults.get("never_charged", ()):
                del self.charges[i]
            return answer(200, {"paid": now, "failed": []})
        if self.faults.get("gateway_errors", 0) > 0:
            self.faults["gateway_errors"] -= 1
            return answer(502, b"Bad Gateway")
        return answer(200, self.invoices(self.faults.get("ingress_unpaid", ())))

    def port_open(self, address, port):
        self.sent.append(("probe", address, port))
        return self.faults.get("tunnel_running", False)

    def sleep(self, seconds):
        self.sleeps.append(seconds)


SETTINGS = {
    "namespace": "",
    "invoice_app_namespace": IA_NS,
    "payment_provider_namespace": PP_NS,
    "profile": "sre-minikube",
    "binary": "/usr/local/bin/minikube",
    "invoice_app": "invoice-app",
    "invoice_app_port": 8081,
    "payment_provider": "payment-provider",
    "payment_provider_port": 8082,
    "ingress_address": "",
    "ingress_port": 80,
    "ingress_host": "",
    "tunnel_address": "127.0.0.1",
    "read_attempts": 3,
    "pay_attempts": 10,
    "retry_delay": 2,
}


def verify(stack, check_mode=False, **settings):
    return Verifier(dict(SETTINGS, **settings), stack, check_mode).run()


def test_pays_once_and_proves_it():
    stack = Stack()
    result = verify(stack)
    assert result["changed"] is True
    assert result["paid_now"] == ["I1", "I2", "I3"]
    assert result["paid"] == ["I1 12.15 EUR", "I2 10.25 GBP", "I3 66.13 DKK"]
    assert result["url"] == "http://invoice-app.test"
    assert result["address"] == "192.168.49.2:80"
    assert [s for s in stack.sent if s[0] == "ingress" and s[4] == "POST"] == [
        ("ingress", "192.168.49.2", 80, "invoice-app.test", "POST", "/invoices/pay")
    ]
    # Each pod once (asked side by side, so in any order).
    assert sorted(s[1] for s in stack.sent if s[0] == "pod" and s[3] == "/invoices") == [
        f"invoice-app-{c}" for c in "abc"
    ]
    assert sorted(s[1] for s in stack.sent if s[0] == "pod" and s[3] == "/payments") == [
        f"payment-provider-{c}" for c in "xyz"
    ]
    assert len([s for s in stack.sent if s[0] == "ingress" and s[4] == "GET"]) == 3
    report = "\n".join(result["report"])
    assert "Pod invoice-billing/invoice-app-a: I1 12.15 EUR paid, I2 10.25 GBP paid, I3 66.13 DKK paid" in report
    assert "Paid, and charged once each by payment-provider (3 pods, one ledger): I1 12.15 EUR" in report
    assert result["exposure"] == (
        "payment-provider is internal: no Ingress or HTTPRoute routes to it, no ReferenceGrant lets another namespace"
        " refer to it, Service payment-provider is ClusterIP, and a NetworkPolicy admits only invoice-app's pods"
        " (namespace invoice-billing) on port 8082"
    )
    assert report.endswith(result["exposure"])
    # A second run pays nothing and changes nothing.
    again = verify(stack)
    assert again["changed"] is False
    assert again["paid_now"] == []
    assert stack.charges == {"I1": 1, "I2": 1, "I3": 1}


def test_check_mode_pays_nothing_and_says_what_it_would_pay():
    stack = Stack()
    result = verify(stack, check_mode=True)
    assert result["changed"] is True
    assert result["would_pay"] == ["I1", "I2", "I3"]
    assert not any(s[0] == "ingress" and s[4] == "POST" for s in stack.sent)
    assert stack.paid == set()
    lines = [line for line in result["report"] if line.startswith("Pod ")]
    assert len(lines) == 3
    assert all(line.count("unpaid, would be paid") == 3 for line in lines)
    assert result["report"][-1].startswith("payment-provider is internal")


def test_check_mode_when_converged_runs_every_check():
    stack = Stack()
    verify(stack)
    stack.sent.clear()
    result = verify(stack, check_mode=True)
    assert result["changed"] is False
    assert not any(s[0] == "ingress" and s[4] == "POST" for s in stack.sent)
    assert any(s[3] == "/payments" for s in stack.sent if s[0] == "pod")


def test_asks_again_while_another_run_pays():
    stack = Stack(pay_answers=[answer(202, {"paying": ["I1"]})] * 2)
    result = verify(stack)
    assert stack.sleeps == [2, 2]
    assert result["paid_now"] == ["I1", "I2", "I3"]


def test_read_retried_after_a_transport_error():
    stack = Stack(transport_failures=2)
    verify(stack)
    assert stack.sleeps == [2, 2]


class MeetingStack(Stack):
    """Each pod answers only once all three pods of its Deployment have been asked."""

    def __init__(self):
        super().__init__()
        self.meetings = {path: threading.Barrier(3, timeout=5) for path in ("/invoices", "/payments")}

    def pod_get(self, namespace, name, port, path):
        self.meetings[path].wait()
        return super().pod_get(namespace, name, port, path)


def test_pods_are_asked_side_by_side():
    # One after the other, the first pod would wait for the others and time out.
    result = verify(MeetingStack())
    assert result["paid"] == ["I1 12.15 EUR", "I2 10.25 GBP", "I3 66.13 DKK"]


# (faults, settings, message expected in the failure)
FAILURES = [
    pytest.param(
        {"missing": ["invoice-app"]},
        {},
        "Deployment invoice-billing/invoice-app not found. Run the deploy stage",
        id="no-deployment",
    ),
    pytest.param(
        {
            "ia_pods": [
                pod("invoice-app-a", IA),
                pod("invoice-app-b", IA, ready=False, phase="Pending"),
                pod("invoice-app-c", IA, terminating=True),
            ]
        },
        {},
        "wants 3 replicas but 1 pod(s) are Ready and not terminating (pods: invoice-app-a Running, "
        "invoice-app-b Pending, invoice-app-c Running)",
        id="replicas-not-ready",
    ),
    pytest.param(
        {"ingresses": []},
        {},
        "No Ingress or HTTPRoute in namespace invoice-billing routes a host name to Service invoice-app",
        id="no-ingress",
    ),
    pytest.param(
        {"pay_answers": [answer(502, {"error": "payment failed for 3 of 3 invoices"})]},
        {},
        "POST http://invoice-app.test/invoices/pay through the Ingress (192.168.49.2:80) answered 502 "
        'Bad Gateway: {"error": "payment failed for 3 of 3 invoices"}',
        id="pay-refused",
    ),
    pytest.param({"pay_answers": [answer(202, {})] * 10}, {}, "answered 202", id="pay-never-settles"),
    pytest.param(
        {"unpaid_on": {"invoice-app-b": ["I2"]}},
        {},
        "Pod invoice-billing/invoice-app-b shows unpaid invoices after POST /invoices/pay through the Ingress: I2",
        id="replica-with-own-store",
    ),
    pytest.param({"ingress_unpaid": ["I3"]}, {}, "answered with unpaid invoices I3", id="ingress-serves-stale-pod"),
    pytest.param({"charged_twice": ["I2"]}, {}, "payment-provider charged I2 2 times.", id="charged-twice"),
    pytest.param(
        {"never_charged": ["I1"]},
        {},
        "invoice-app shows I1 paid, but payment-provider never charged it",
        id="never-charged",
    ),
    pytest.param(
        {"own_ledger": ["payment-provider-y"]}, {}, "The payment-provider pods disagree", id="ledgers-disagree"
    ),
    pytest.param(
        {"unreachable": ["invoice-app-a"]},
        {},
        "GET /invoices on pod invoice-billing/invoice-app-a port 8081 failed 3 time(s)",
        id="pod-unreachable",
    ),
    # The pods are asked side by side; the failure named is the first pod's, as in order.
    pytest.param(
        {"unreachable": ["invoice-app-c", "invoice-app-b"]},
        {},
        "GET /invoices on pod invoice-billing/invoice-app-b port 8081 failed 3 time(s)",
        id="first-unreachable-pod-named",
    ),
    pytest.param(
        {"unreachable": ["payment-provider-z"]},
        {},
        "GET /payments on pod invoice-payments/payment-provider-z port 8082 failed 3 time(s)",
        id="ledger-pod-unreachable",
    ),
    pytest.param(
        {"api_server": "https://127.0.0.1:50123"},
        {},
        "With sre_minikube_tunnel auto the node's container publishes that port: run the cluster stage again",
        id="tunnel-not-running",
    ),
    pytest.param(
        {"api_server": "https://127.0.0.1:50123"},
        {},
        "set sre_minikube_tunnel: false and keep `/usr/local/bin/minikube -p sre-minikube tunnel` running",
        id="tunnel-not-running-by-hand",
    ),
    pytest.param(
        {"missing": ["payment-provider"]},
        {},
        "Deployment invoice-payments/payment-provider not found",
        id="no-payment-provider-deployment",
    ),
    pytest.param(
        {
            "ingresses": [
                ingress("invoice-app", "invoice-app"),
                ingress("payment-provider-public", "payment-provider", host="payment-provider.test"),
            ]
        },
        {},
        "payment-provider can be reached from outside: Ingress payment-provider-public routes "
        "payment-provider.test/ to Service payment-provider: remove that rule.",
        id="exposure-ingress",
    ),
    pytest.param(
        {
            "routes": [
                route("invoice-app", "invoice-app"),
                route("payment-provider-public", "payment-provider", host="payment-provider.test"),
            ]
        },
        {},
        "payment-provider can be reached from outside: HTTPRoute payment-provider-public routes "
        "payment-provider.test to Service payment-provider: remove that rule.",
        id="exposure-httproute",
    ),
    pytest.param(
        {"services": [service("invoice-app", IA_LABELS), service("payment-provider", PP_LABELS, kind="NodePort")]},
        {},
        "payment-provider can be reached from outside: Service payment-provider selects payment-provider's pods "
        "and is of type NodePort",
        id="exposure-nodeport",
    ),
    pytest.param(
        {"policies": []},
        {},
        "payment-provider can be reached from outside: No NetworkPolicy in namespace invoice-payments admits "
        "invoice-app's pods (and only them) to payment-provider on port 8082",
        id="exposure-no-policy",
    ),
    pytest.param(
        {
            "grants": [
                {
                    "metadata": {"name": "in"},
                    "spec": {
                        "from": [{"kind": "HTTPRoute", "namespace": "x"}],
                        "to": [{"group": "", "kind": "Service"}],
                    },
                }
            ]
        },
        {},
        "payment-provider can be reached from outside: ReferenceGrant in lets HTTPRoute of namespace x refer to"
        " Service payment-provider",
        id="exposure-reference-grant",
    ),
    # Only what runs where the settings say is found.
    pytest.param(
        {},
        {"invoice_app_namespace": "invoice"},
        "Deployment invoice/invoice-app not found",
        id="invoice-app-elsewhere",
    ),
    pytest.param(
        {},
        {"payment_provider_namespace": IA_NS},
        "Deployment invoice-billing/payment-provider not found",
        id="payment-provider-elsewhere",
    ),
    # A pod with invoice-app's labels in payment-provider's namespace is not invoice-app.
    pytest.param(
        {"policies": [policy("pp", {"matchLabels": PP_LABELS}, [from_invoice_app(namespace=None)])]},
        {},
        "NetworkPolicy pp admits sources other than invoice-app's pods to payment-provider",
        id="exposure-policy-for-the-wrong-namespace",
    ),
]


@pytest.mark.parametrize(("faults", "settings", "message"), FAILURES)
def test_failures(faults, settings, message):
    stack = Stack(**faults)
    verifier = Verifier(dict(SETTINGS, **settings), stack)
    with pytest.raises((VerifyError, LookupError)) as caught:
        verifier.run()
    assert message in str(caught.value)


def test_failure_keeps_the_report_of_what_passed():
    stack = Stack(charged_twice=["I1"])
    verifier = Verifier(SETTINGS, stack)
    with pytest.raises(VerifyError):
        verifier.run()
    assert len([line for line in verifier.report if line.startswith("Pod invoice-billing/")]) == 3


def test_exposure_failure_keeps_the_payment_report():
    stack = Stack(policies=[])
    verifier = Verifier(SETTINGS, stack)
    with pytest.raises(VerifyError):
        verifier.run()
    assert verifier.report[-1].startswith("Paid, and charged once each by payment-provider")
    assert stack.charges == {"I1": 1, "I2": 1, "I3": 1}


def test_tunnel_path_when_the_tunnel_runs():
    stack = Stack(api_server="https://127.0.0.1:50123", tunnel_running=True)
    result = verify(stack)
    assert result["address"] == "127.0.0.1:80"
    assert ("probe", "127.0.0.1", 80) in stack.sent
    assert "(published ports or minikube tunnel)" in result["report"][1]


# (given address, API server, node address, expected)
ADDRESSES = [
    ("10.0.0.5", "https://127.0.0.1:1", "192.168.49.2", ("10.0.0.5", "given")),
    ("", "https://192.168.49.2:8443", "192.168.49.2", ("192.168.49.2", "node")),
    ("", "https://127.0.0.1:50123", "192.168.49.2", ("127.0.0.1", "tunnel")),
    ("", "https://localhost:50123", "192.168.49.2", ("127.0.0.1", "tunnel")),
    ("", "https://[::1]:50123", "192.168.49.2", ("127.0.0.1", "tunnel")),
    ("", "https://127.0.0.1:6443", "127.0.0.1", ("127.0.0.1", "node")),
    ("", "https://control-plane.minikube.internal:8443", "192.168.49.2", ("192.168.49.2", "node")),
]


@pytest.mark.parametrize(("given", "server", "node", "expected"), ADDRESSES)
def test_ingress_address(given, server, node, expected):
    assert ingress_address(given, server, node, "127.0.0.1") == expected


def test_ingress_address_without_a_node_address_says_what_to_set():
    with pytest.raises(VerifyError, match="set verify_ingress_address"):
        ingress_address("", "https://127.0.0.1:1", None, "127.0.0.1")


def node(name, *addresses):
    return {"metadata": {"name": name}, "status": {"addresses": [{"type": t, "address": a} for t, a in addresses]}}


@pytest.mark.parametrize(
    ("nodes", "expected"),
    [
        (
            [
                node("m02", ("InternalIP", "10.0.0.3")),
                node("sre-minikube", ("Hostname", "h"), ("InternalIP", "10.0.0.2")),
            ],
            "10.0.0.2",
        ),
        ([node("b", ("InternalIP", "10.0.0.3")), node("a", ("InternalIP", "10.0.0.4"))], "10.0.0.4"),
        ([node("a", ("Hostname", "a"))], None),
        ([], None),
    ],
)
def test_node_address(nodes, expected):
    assert node_address(nodes, "sre-minikube") == expected


def test_ready_pods_sorted_without_terminating_or_unready():
    pods = [pod("c", IA), pod("a", IA), pod("b", IA, ready=False), pod("d", IA, terminating=True)]
    assert ready_pods(pods) == ["a", "c"]


@pytest.mark.parametrize(
    ("check_mode", "expected"),
    [
        (False, "I1 12.15 EUR paid, I2 10.25 GBP UNPAID"),
        (True, "I1 12.15 EUR paid, I2 10.25 GBP unpaid, would be paid"),
    ],
)
def test_invoice_line(check_mode, expected):
    invoices = [
        {"InvoiceId": "I1", "Value": 12.15, "Currency": "EUR", "IsPaid": True},
        {"InvoiceId": "I2", "Value": 10.25, "Currency": "GBP", "IsPaid": False},
    ]
    assert invoice_line(invoices, check_mode) == expected


def test_ledger_problem_without_answers():
    assert (
        ledger_problem([], [], "invoice")
        == "No Ready payment-provider pod in namespace invoice answered GET /payments."
    )


def test_ledger_problem_with_an_error_answer():
    problem = ledger_problem([PodAnswer("p-1", 500, "boom", None)], [], "invoice")
    assert problem == "GET /payments on the payment-provider pods answered: p-1: 500 boom"


def test_the_host_of_a_gateway_published_service_comes_from_its_httproute():
    stack = Stack(ingresses=[], routes=[route("invoice-app", "invoice-app", host="shop.test")])

    result = verify(stack)

    assert result["url"].endswith("://shop.test")


def test_both_services_in_one_namespace_are_found_by_the_namespace_option_alone():
    stack = Stack(
        homes={"invoice-app": "invoice", "payment-provider": "invoice"},
        policies=[policy("pp", {"matchLabels": PP_LABELS}, [from_invoice_app(namespace=None)])],
    )
    settings = dict(SETTINGS, namespace="invoice", invoice_app_namespace="", payment_provider_namespace="")

    result = Verifier(settings, stack).run()

    assert result["exposure"].endswith("admits only invoice-app's pods (namespace invoice) on port 8082")
    assert any(line.startswith("Pod invoice/invoice-app-a: ") for line in result["report"])


class DrainingStack(Stack):
    """A node drain in progress: the pod lists change from one read to the next (the last list stays), and
    a pod of GONE no longer answers (evicted after it was listed)."""

    def __init__(self, ia_lists=None, pp_lists=None, gone=(), **faults):
        super().__init__(unreachable=list(gone), **faults)
        self.ia_lists = list(ia_lists or [self.ia_pods])
        self.pp_lists = list(pp_lists or [self.pp_pods])

    def read(self, kind, namespace=None, name=None, label_selector=None):
        if kind == "Pod":
            app = "invoice-app" if "invoice-app" in label_selector else "payment-provider"
            if self.homes[app] != namespace:
                return []
            lists = self.ia_lists if app == "invoice-app" else self.pp_lists
            return lists.pop(0) if len(lists) > 1 else lists[0]
        return super().read(kind, namespace, name, label_selector)


def ia(*names, terminating=()):
    return [pod(f"invoice-app-{n}", IA, terminating=n in terminating) for n in names]


def pp(*names, terminating=()):
    return [pod(f"payment-provider-{n}", PP, terminating=n in terminating) for n in names]


# (the stack, settle_timeout, the invoice-app pods asked at the end or the words of the failure, waits)
DRAINS = [
    # One replica evicted, its replacement not Ready yet: the checks wait for it.
    pytest.param(lambda: DrainingStack([ia("a", "b", "c", terminating="c"), ia("a", "b"), ia("a", "b", "d")]),
                 10, ["invoice-app-a", "invoice-app-b", "invoice-app-d"], 2, id="replica-being-replaced"),
    # A pod listed Ready, evicted before it was asked: its replacement is asked.
    pytest.param(lambda: DrainingStack([ia("a", "b", "c"), ia("a", "b", "c", terminating="c"), ia("a", "b", "d")],
                                       gone=["invoice-app-c"]),
                 10, ["invoice-app-a", "invoice-app-b", "invoice-app-d"], 1, id="pod-evicted-while-asked"),
    pytest.param(lambda: DrainingStack(pp_lists=[pp("x", "y", "z"), pp("x", "y")], gone=["payment-provider-z"]),
                 10, ["invoice-app-a", "invoice-app-b", "invoice-app-c"], 1, id="ledger-pod-evicted-while-asked"),
    # The replica never comes back: the settle time runs out.
    pytest.param(lambda: DrainingStack([ia("a", "b")]), 4,
                 "wants 3 replicas but 2 pod(s) are Ready and not terminating (pods: invoice-app-a Running, "
                 "invoice-app-b Running), after waiting up to 4 s", 2, id="replica-never-back"),
    # A pod that does not answer but stays Ready is a failure, not a drain.
    pytest.param(lambda: DrainingStack(gone=["invoice-app-b"]), 10,
                 f"GET /invoices on pod {IA_NS}/invoice-app-b port 8081 failed 3 time(s)", 0, id="ready-pod-silent"),
    # No settle time: the first look decides, as before.
    pytest.param(lambda: DrainingStack([ia("a", "b"), ia("a", "b", "c")]), 0, "wants 3 replicas but 2 pod(s)", 0,
                 id="no-settle-time"),
]  # fmt: skip


@pytest.mark.parametrize(("make", "settle", "expected", "waits"), DRAINS)
def test_the_checks_wait_for_a_drain_in_progress(make, settle, expected, waits):
    stack = make()
    verifier = Verifier(dict(SETTINGS, settle_timeout=settle), stack)
    if isinstance(expected, str):
        with pytest.raises(VerifyError) as caught:
            verifier.run()
        assert expected in str(caught.value)
    else:
        result = verifier.run()
        assert sorted(result["pods"]) == expected
        # Paid once, charged once: the pods asked again are only read.
        assert stack.charges == {"I1": 1, "I2": 1, "I3": 1}
    settled = [line for line in verifier.report if line.endswith("waiting 2 s for it to settle")]
    assert len(settled) == waits, verifier.report


def pay_answer(status, paid=(), failed=(), rejected=()):
    return answer(status, {"paid": list(paid), "failed": list(failed), "pending": [], "rejected": list(rejected)})


UNREACHABLE = {"id": "I1", "error": "payment-provider unreachable"}
REFUSED = {"id": "I1", "error": "payment-provider refused it as malformed (400)", "permanent": True}

# (invoice-app's first answers to the POST, settle_timeout, the failure's words or None, waits)
PAY_AFTER_FAILURES = [
    # payment-provider's pod went away mid-call (a drain): the next run pays it, with the same key.
    pytest.param([pay_answer(502, ["I2", "I3"], [UNREACHABLE])], 10, None, 1, id="unreachable-for-now"),
    pytest.param([pay_answer(502, [], [UNREACHABLE])] * 2, 10, None, 2, id="unreachable-twice"),
    pytest.param([pay_answer(502, ["I2", "I3"], [UNREACHABLE])] * 9, 4, "answered 502", 2, id="settle-time-spent"),
    pytest.param([pay_answer(502, ["I2", "I3"], [UNREACHABLE])], 0, "answered 502", 0, id="no-settle-time"),
    # Refused for good: asking again cannot help.
    pytest.param([pay_answer(502, ["I2", "I3"], [REFUSED])], 10, "answered 502", 0, id="refused-for-good"),
    pytest.param([pay_answer(502, ["I2"], [UNREACHABLE], [{"id": "I3", "error": "x"}])], 10, "answered 502", 0,
                 id="one-rejected"),
    # The front door's own answer (invoice-app not reached, or gone): asked again too.
    pytest.param([answer(502, b"Bad Gateway"), answer(503, b"Service Unavailable")], 10, None, 2,
                 id="front-door-gateway-errors"),
    pytest.param([answer(500, {"error": "internal error"})], 10, "answered 500", 0, id="server-error"),
]  # fmt: skip


@pytest.mark.parametrize(("answers", "settle", "words", "waits"), PAY_AFTER_FAILURES)
def test_a_payment_that_failed_for_now_is_asked_again(answers, settle, words, waits):
    stack = Stack(pay_answers=answers)
    verifier = Verifier(dict(SETTINGS, settle_timeout=settle), stack)
    if words:
        with pytest.raises(VerifyError) as caught:
            verifier.run()
        assert words in str(caught.value)
    else:
        result = verifier.run()
        assert result["paid_now"] == ["I1", "I2", "I3"]
        assert stack.charges == {"I1": 1, "I2": 1, "I3": 1}
        assert "POST http://invoice-app.test/invoices/pay: paid I1, I2, I3" in result["report"]
    settled = [line for line in verifier.report if "failed for now" in line]
    assert len(settled) == waits, verifier.report


@pytest.mark.parametrize(("errors", "settle", "fails"), [(2, 10, False), (1, 0, True)])
def test_a_gateway_error_through_the_front_door_is_asked_again(errors, settle, fails):
    stack = Stack(gateway_errors=errors)
    verifier = Verifier(dict(SETTINGS, settle_timeout=settle), stack)
    if fails:
        with pytest.raises(VerifyError, match="through the Ingress answered 502"):
            verifier.run()
        return
    verifier.run()
    gets = [sent for sent in stack.sent if sent[0] == "ingress" and sent[4] == "GET"]
    # One per replica, and one more for each gateway error.
    assert len(gets) == 3 + errors
    assert len([line for line in verifier.report if "answered 502: waiting" in line]) == errors
