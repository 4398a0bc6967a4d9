# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The exposure checks: each way into payment-provider, one case each.

payment-provider runs in its team's namespace and invoice-app, its one
caller, in another: the policies name invoice-app's namespace and pods.
"""

from __future__ import annotations

import copy

import pytest
from ansible_collections.sre.minikube.plugins.module_utils.exposure import exposure_problems, selector_matches

NS = "invoice-payments"
IA_NS = "invoice-billing"
PP_LABELS = {"app.kubernetes.io/name": "payment-provider", "app.kubernetes.io/instance": "payment-provider"}
IA_LABELS = {"app.kubernetes.io/name": "invoice-app", "app.kubernetes.io/instance": "invoice-app"}
CALLERS = {"invoice-app": (IA_NS, IA_LABELS)}


def ingress(name, service, host="invoice-app.test", path="/", default=None):
    spec = {"rules": [{"host": host, "http": {"paths": [{"path": path, "backend": {"service": {"name": service}}}]}}]}
    if default:
        spec["defaultBackend"] = {"service": {"name": default}}
    return {"metadata": {"name": name}, "spec": spec}


def service(name, selector, kind=None, external=None):
    spec = {"selector": selector}
    if kind:
        spec["type"] = kind
    if external:
        spec["externalIPs"] = external
    return {"metadata": {"name": name}, "spec": spec}


def policy(name, selector, rules, types=("Ingress",)):
    spec = {"podSelector": selector, "ingress": rules}
    if types is not None:
        spec["policyTypes"] = list(types)
    return {"metadata": {"name": name}, "spec": spec}


def in_namespace(name):
    return {"matchLabels": {"kubernetes.io/metadata.name": name}}


def from_invoice_app(port=8082, labels=None, namespace=IA_NS):
    """A rule admitting invoice-app's pods (of NAMESPACE; None: no namespaceSelector, the policy's namespace)."""
    peer = {"podSelector": {"matchLabels": labels or {"app.kubernetes.io/name": "invoice-app"}}}
    if namespace is not None:
        peer["namespaceSelector"] = namespace if isinstance(namespace, dict) else in_namespace(namespace)
    rule = {"from": [peer]}
    if port is not None:
        rule["ports"] = [{"protocol": "TCP", "port": port}]
    return rule


# What the deploy stage applies: no problem.
GOOD = {
    "ingresses": [ingress("invoice-app", "invoice-app")],
    "services": [service("invoice-app", IA_LABELS), service("payment-provider", PP_LABELS)],
    "policies": [
        policy("default-deny-ingress", {}, []),
        policy("payment-provider-ingress", {"matchLabels": PP_LABELS}, [from_invoice_app()]),
        policy("invoice-app-ingress", {"matchLabels": IA_LABELS}, [{"from": [{"namespaceSelector": {}}]}]),
    ],
}


def http_route(name, backend, host="invoice-app.test", group=None):
    ref = {"name": backend, "port": 8082}
    if group:
        ref.update(group=group, kind="Bucket")
    return {"metadata": {"name": name}, "spec": {"hostnames": [host], "rules": [{"backendRefs": [ref]}]}}


def grant(name, to, sources=(("HTTPRoute", "elsewhere"),)):
    spec = {
        "from": [{"group": "gateway.networking.k8s.io", "kind": kind, "namespace": ns} for kind, ns in sources],
        "to": [to],
    }
    return {"metadata": {"name": name}, "spec": spec}


def changed(**parts):
    objects = copy.deepcopy(GOOD)
    for key, change in parts.items():
        objects[key] = change(objects[key])
    return objects


def with_rule(name, rule):
    """The objects as deployed, and one more policy of payment-provider's pods with RULE."""
    return changed(policies=lambda p: p + [policy(name, {"matchLabels": PP_LABELS}, [rule])])


NO_POLICY = (
    "No NetworkPolicy in namespace invoice-payments admits invoice-app's pods (and only them) to payment-provider on"
    " port 8082"
)
TOO_OPEN = "NetworkPolicy {} admits sources other than invoice-app's pods to payment-provider"

# (objects, the problems expected: each a substring of one problem, in order)
CASES = [
    pytest.param(GOOD, [], id="as-deployed"),
    pytest.param(
        changed(
            policies=lambda p: [
                p[0],
                policy("payment-provider-ingress", {"matchLabels": PP_LABELS}, [from_invoice_app("http")]),
            ]
        ),
        [],
        id="named-port",
    ),
    pytest.param(
        changed(policies=lambda p: [policy("pp", {"matchLabels": PP_LABELS}, [from_invoice_app(port=None)])]),
        [],
        id="rule-without-ports-admits-every-port",
    ),
    pytest.param(
        changed(policies=lambda p: [policy("pp", {"matchLabels": PP_LABELS}, [from_invoice_app(labels=IA_LABELS)])]),
        [],
        id="caller-selected-by-all-its-labels",
    ),
    pytest.param(
        changed(policies=lambda p: [policy("pp", {"matchLabels": PP_LABELS}, [from_invoice_app()], types=None)]),
        [],
        id="policy-types-default-to-ingress",
    ),
    pytest.param(
        changed(ingresses=lambda i: i + [ingress("pp-public", "payment-provider", host="payment-provider.test")]),
        ["Ingress pp-public routes payment-provider.test/ to Service payment-provider: remove that rule."],
        id="ingress-rule",
    ),
    pytest.param(
        changed(ingresses=lambda i: [ingress("invoice-app", "invoice-app", default="payment-provider")]),
        ["Ingress invoice-app sends its default backend to Service payment-provider"],
        id="ingress-default-backend",
    ),
    pytest.param(
        changed(services=lambda s: [s[0]]),
        ["Service payment-provider is missing"],
        id="service-missing",
    ),
    pytest.param(
        changed(services=lambda s: [s[0], service("payment-provider", PP_LABELS, kind="NodePort")]),
        [
            "Service payment-provider selects payment-provider's pods and is of type NodePort, "
            "reachable from outside the cluster: make it ClusterIP."
        ],
        id="nodeport",
    ),
    pytest.param(
        changed(
            services=lambda s: (
                s + [service("pp-lb", {"app.kubernetes.io/name": "payment-provider"}, kind="LoadBalancer")]
            )
        ),
        ["Service pp-lb selects payment-provider's pods and is of type LoadBalancer"],
        id="second-service-load-balancer",
    ),
    pytest.param(
        changed(services=lambda s: [s[0], service("payment-provider", PP_LABELS, external=["203.0.113.9"])]),
        ["has externalIPs 203.0.113.9: remove them."],
        id="external-ips",
    ),
    pytest.param(
        changed(services=lambda s: s + [service("other", {"app.kubernetes.io/name": "other"}, kind="NodePort")]),
        [],
        id="nodeport-of-other-pods-is-fine",
    ),
    pytest.param(
        changed(policies=lambda p: [p[0]]),
        [NO_POLICY],
        id="policy-missing",
    ),
    pytest.param(
        changed(policies=lambda p: [p[0], policy("pp", {"matchLabels": PP_LABELS}, [from_invoice_app(9999)])]),
        [NO_POLICY],
        id="policy-on-another-port",
    ),
    pytest.param(
        changed(policies=lambda p: p + [policy("open", {"matchLabels": PP_LABELS}, [{}])]),
        [TOO_OPEN.format("open")],
        id="empty-rule-admits-everything",
    ),
    pytest.param(
        changed(policies=lambda p: p + [policy("ns", {}, [{"from": [{"namespaceSelector": {}}]}])]),
        [TOO_OPEN.format("ns")],
        id="namespace-wide-policy-with-namespace-selector",
    ),
    pytest.param(
        changed(
            policies=lambda p: (
                p + [policy("ip", {"matchLabels": PP_LABELS}, [{"from": [{"ipBlock": {"cidr": "0.0.0.0/0"}}]}])]
            )
        ),
        [TOO_OPEN.format("ip")],
        id="ip-block",
    ),
    pytest.param(
        changed(
            policies=lambda p: (
                p
                + [
                    policy(
                        "both",
                        {"matchLabels": PP_LABELS},
                        [
                            {
                                "from": [
                                    {
                                        "podSelector": {"matchLabels": {"app.kubernetes.io/name": "invoice-app"}},
                                        "namespaceSelector": {},
                                    }
                                ]
                            }
                        ],
                    )
                ]
            )
        ),
        [TOO_OPEN.format("both")],
        id="pod-and-namespace-selector-is-any-namespace",
    ),
    pytest.param(
        changed(
            policies=lambda p: (
                p
                + [
                    policy(
                        "other",
                        {"matchLabels": PP_LABELS},
                        [from_invoice_app(labels={"app.kubernetes.io/name": "other"})],
                    )
                ]
            )
        ),
        [TOO_OPEN.format("other")],
        id="other-caller",
    ),
    pytest.param(
        changed(
            policies=lambda p: (
                p
                + [
                    policy(
                        "expr",
                        {
                            "matchExpressions": [
                                {"key": "app.kubernetes.io/name", "operator": "In", "values": ["payment-provider"]}
                            ]
                        },
                        [{"from": [{"podSelector": {}}]}],
                    )
                ]
            )
        ),
        [TOO_OPEN.format("expr")],
        id="policy-selecting-by-expression",
    ),
    pytest.param(
        changed(policies=lambda p: p + [policy("egress", {"matchLabels": PP_LABELS}, [{}], types=("Egress",))]),
        [],
        id="egress-policy-ignored",
    ),
    pytest.param(
        changed(
            ingresses=lambda i: i + [ingress("pp", "payment-provider", path="/pay")],
            services=lambda s: [s[0], service("payment-provider", PP_LABELS, kind="NodePort")],
            policies=lambda p: [p[0]],
        ),
        ["Ingress pp routes invoice-app.test/pay", "is of type NodePort", NO_POLICY],
        id="every-way-at-once",
    ),
    pytest.param(
        dict(GOOD, routes=[http_route("invoice-app", "invoice-app"), http_route("pp", "payment-provider")]),
        ["HTTPRoute pp routes invoice-app.test to Service payment-provider"],
        id="httproute-to-the-service",
    ),
    pytest.param(
        dict(GOOD, routes=[http_route("other-group", "payment-provider", group="example.com")]),
        [],
        id="httproute-to-another-kind-of-backend",
    ),
    # Across namespaces: a peer names the caller's namespace by its name label, or it admits other pods.
    pytest.param(
        with_rule("alone", from_invoice_app(namespace=None)),
        [TOO_OPEN.format("alone")],
        id="pod-selector-alone-selects-the-policy-s-namespace",
    ),
    pytest.param(
        with_rule("wrong", from_invoice_app(namespace=NS)), [TOO_OPEN.format("wrong")], id="namespace-of-another-team"
    ),
    pytest.param(
        with_rule("label", from_invoice_app(namespace={"matchLabels": {"team": "billing"}})),
        [TOO_OPEN.format("label")],
        id="namespace-by-a-label-anyone-may-set",
    ),
    pytest.param(
        with_rule(
            "expr-ns",
            from_invoice_app(
                namespace={
                    "matchExpressions": [{"key": "kubernetes.io/metadata.name", "operator": "In", "values": [IA_NS]}]
                }
            ),
        ),
        [TOO_OPEN.format("expr-ns")],
        id="namespace-by-expression",
    ),
    pytest.param(
        dict(GOOD, grants=[grant("routes-in", {"group": "", "kind": "Service", "name": "payment-provider"})]),
        ["ReferenceGrant routes-in lets HTTPRoute of namespace elsewhere refer to Service payment-provider"],
        id="reference-grant-to-the-service",
    ),
    pytest.param(
        dict(GOOD, grants=[grant("all-services", {"group": "", "kind": "Service"})]),
        ["ReferenceGrant all-services lets HTTPRoute of namespace elsewhere refer to Service payment-provider"],
        id="reference-grant-to-every-service",
    ),
    pytest.param(
        dict(
            GOOD,
            grants=[
                grant("other", {"group": "", "kind": "Service", "name": "other"}),
                grant("secret", {"group": "", "kind": "Secret"}),
            ],
        ),
        [],
        id="reference-grant-to-something-else",
    ),
]


def test_a_caller_of_the_service_s_own_namespace_may_be_selected_by_its_pods_alone():
    rule = from_invoice_app(namespace=None)
    policies = [policy("payment-provider-ingress", {"matchLabels": PP_LABELS}, [rule])]
    callers = {"invoice-app": (NS, IA_LABELS)}

    assert (
        exposure_problems([], GOOD["services"], policies, NS, "payment-provider", PP_LABELS, 8082, set(), callers) == []
    )


@pytest.mark.parametrize(("objects", "expected"), CASES)
def test_exposure_problems(objects, expected):
    problems = exposure_problems(
        objects["ingresses"],
        objects["services"],
        objects["policies"],
        NS,
        "payment-provider",
        PP_LABELS,
        8082,
        {"http"},
        CALLERS,
        objects.get("routes", []),
        objects.get("grants", []),
    )
    assert len(problems) == len(expected), problems
    for problem, wanted in zip(problems, expected, strict=True):
        assert wanted in problem


# (selector, labels, selects)
SELECTORS = [
    ({}, {"a": "1"}, True),
    ({"matchLabels": {"a": "1"}}, {"a": "1", "b": "2"}, True),
    ({"matchLabels": {"a": "1"}}, {"a": "2"}, False),
    ({"matchExpressions": [{"key": "a", "operator": "In", "values": ["1", "2"]}]}, {"a": "2"}, True),
    ({"matchExpressions": [{"key": "a", "operator": "In", "values": ["1"]}]}, {}, False),
    ({"matchExpressions": [{"key": "a", "operator": "NotIn", "values": ["1"]}]}, {}, True),
    ({"matchExpressions": [{"key": "a", "operator": "NotIn", "values": ["1"]}]}, {"a": "1"}, False),
    ({"matchExpressions": [{"key": "a", "operator": "Exists"}]}, {"a": ""}, True),
    ({"matchExpressions": [{"key": "a", "operator": "DoesNotExist"}]}, {"a": ""}, False),
    ({"matchExpressions": [{"key": "a", "operator": "Gt", "values": ["1"]}]}, {"a": "5"}, False),
]


@pytest.mark.parametrize(("selector", "labels", "selects"), SELECTORS)
def test_selector_matches(selector, labels, selects):
    assert selector_matches(selector, labels) is selects
