# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""kube_read: which client call each read makes, and what each answer becomes."""

from __future__ import annotations

import json
import types

import pytest
from ansible_collections.sre.minikube.plugins.module_utils import kube_read
from ansible_collections.sre.minikube.plugins.module_utils.kube_read import KubeReadError, read, selector_text


class Answer:
    def __init__(self, status, document):
        self.status = status
        self.data = json.dumps(document).encode()


class FakeApi:
    """Any typed API class: records the call, returns the answer the test set."""

    calls = []
    answer = Answer(500, {})
    error = OSError("no error set")
    fails = False

    def __init__(self, api_client):
        self.api_client = api_client

    def __getattr__(self, method):
        def call(*args, **kwargs):
            FakeApi.calls.append((method, args, kwargs))
            if FakeApi.fails:
                raise FakeApi.error
            return FakeApi.answer

        return call


@pytest.fixture
def api(monkeypatch):
    FakeApi.calls = []
    FakeApi.fails = False
    fake = types.SimpleNamespace(AppsV1Api=FakeApi, CoreV1Api=FakeApi, NetworkingV1Api=FakeApi)
    monkeypatch.setattr(kube_read, "_k8s_client", fake)
    return FakeApi


# (read arguments, answer, expected call, expected result)
READS = [
    pytest.param(
        ("Deployment", "invoice", "invoice-app"),
        Answer(200, {"kind": "Deployment", "spec": {"replicas": 3}}),
        ("read_namespaced_deployment", ("invoice-app", "invoice")),
        {"kind": "Deployment", "spec": {"replicas": 3}},
        id="one-object",
    ),
    pytest.param(
        ("Deployment", "invoice", "gone"),
        Answer(404, {"kind": "Status", "message": "not found"}),
        ("read_namespaced_deployment", ("gone", "invoice")),
        None,
        id="missing-object-is-none",
    ),
    pytest.param(
        ("NetworkPolicy", "invoice"),
        Answer(200, {"items": [{"metadata": {"name": "a"}}]}),
        ("list_namespaced_network_policy", ("invoice",)),
        [{"metadata": {"name": "a"}}],
        id="list",
    ),
    pytest.param(
        ("Ingress", "invoice"),
        Answer(200, {"items": None}),
        ("list_namespaced_ingress", ("invoice",)),
        [],
        id="empty-list",
    ),
    pytest.param(
        ("Node",),
        Answer(200, {"items": []}),
        ("list_node", ()),
        [],
        id="cluster-wide-list",
    ),
]


@pytest.mark.parametrize(("args", "answer", "call", "expected"), READS)
def test_read(api, args, answer, call, expected):
    api.answer = answer
    assert read("client", *args, timeout=7) == expected
    method, call_args, kwargs = api.calls[0]
    assert (method, call_args) == call
    assert kwargs["_preload_content"] is False
    assert kwargs["_request_timeout"] == 7


def test_read_passes_the_label_selector(api):
    api.answer = Answer(200, {"items": []})
    read("client", "Pod", "invoice", label_selector=selector_text({"b": "2", "a": "1"}))
    assert api.calls[0][2]["label_selector"] == "a=1,b=2"


# (read arguments, answer, message)
FAILURES = [
    pytest.param(
        ("Service", "invoice"),
        Answer(403, {"kind": "Status", "message": 'services is forbidden: User "dev" cannot list'}),
        'reading the Service list of namespace invoice failed: 403 services is forbidden: User "dev" cannot list',
        id="forbidden",
    ),
    pytest.param(
        ("Pod", "nope"),
        Answer(404, {"kind": "Status", "message": 'namespaces "nope" not found'}),
        'reading the Pod list of namespace nope failed: 404 namespaces "nope" not found',
        id="list-404-is-an-error",
    ),
    pytest.param(
        ("Deployment", "invoice", "x"),
        ConnectionRefusedError("[Errno 111] Connection refused"),
        "reading Deployment invoice/x failed: [Errno 111] Connection refused",
        id="unreachable",
    ),
]


@pytest.mark.parametrize(("args", "answer", "message"), FAILURES)
def test_read_failures(api, args, answer, message):
    if isinstance(answer, Exception):
        api.error, api.fails = answer, True
    else:
        api.answer = answer
    with pytest.raises(KubeReadError) as caught:
        read("client", *args)
    assert str(caught.value) == message


# ---------------------------------------------------------------- Deployments Available


def deployment(*conditions):
    return {"status": {"conditions": [{"type": kind, "status": status} for kind, status in conditions]}}


AVAILABILITY = [
    # (deployment, available)
    (deployment(("Available", "True"), ("Progressing", "True")), True),
    (deployment(("Progressing", "True"), ("Available", "True")), True),
    (deployment(("Available", "False")), False),
    (deployment(("Progressing", "True")), False),
    ({"status": {}}, False),
    ({}, False),
    (None, False),
]


@pytest.mark.parametrize(("found", "available"), AVAILABILITY)
def test_deployment_available(found, available):
    assert kube_read.deployment_available(found) is available


class Cluster:
    """Deployments that become Available after some reads, and a clock that the waits move."""

    def __init__(self, reads_until_available):
        self.left = dict(reads_until_available)
        self.reads = []
        self.now = 0.0
        self.pauses = []

    def read(self, kind, namespace, name):
        target = f"{namespace}/{name}"
        self.reads.append((kind, target))
        left = self.left.get(target)
        if left is None:
            return None
        self.left[target] = left - 1
        return deployment(("Available", "True" if left <= 1 else "False"))

    def pause(self, seconds):
        self.pauses.append(seconds)
        self.now += seconds


WAITS = [
    # (reads until each is Available (None: never there), timeout, not Available in the end, reads, pauses)
    ({"a/x": 1}, 360, [], 1, []),
    ({"a/x": 1, "b/y": 1}, 360, [], 2, []),
    ({"a/x": 3}, 360, [], 3, [2.0, 2.0]),
    ({"a/x": 1, "b/y": 2}, 360, [], 3, [2.0]),
    ({"a/x": 100}, 5, ["a/x"], 4, [2.0, 2.0, 1.0]),
    ({"a/x": None}, 3, ["a/x"], 3, [2.0, 1.0]),
    ({"a/x": 2}, 0, ["a/x"], 1, []),
]


@pytest.mark.parametrize(("plan", "timeout", "left", "reads", "pauses"), WAITS)
def test_wait_available(plan, timeout, left, reads, pauses):
    cluster = Cluster(plan)
    targets = list(plan) + list(plan)[:1]  # a repeated target is read once a round

    found = kube_read.wait_available(cluster.read, targets, timeout, clock=lambda: cluster.now, pause=cluster.pause)

    assert found == left
    assert len(cluster.reads) == reads
    assert {kind for kind, _target in cluster.reads} == {"Deployment"}
    assert cluster.pauses == pauses


class RawAnswer:
    def __init__(self, status, document):
        self.status = status
        self.body = json.dumps(document).encode()

    def read(self):
        return self.body


@pytest.fixture
def raw_client(monkeypatch):
    """A real ApiClient whose requests are recorded; the typed API classes must not be touched."""
    kubernetes = pytest.importorskip("kubernetes.client")
    if not hasattr(kubernetes.ApiClient, "param_serialize"):
        pytest.skip("this kubernetes client has no param_serialize")
    monkeypatch.setattr(kube_read, "_k8s_client", None)
    client = kubernetes.ApiClient(kubernetes.Configuration(host="https://api.example:8443"))
    client.sent = []

    def call_api(method, url, header_params=None, body=None, post_params=None, _request_timeout=None):
        client.sent.append((method, url, header_params.get("Accept"), _request_timeout))
        return client.answer

    monkeypatch.setattr(client, "call_api", call_api)
    return client


# (read arguments, the URL asked)
RAW_READS = [
    pytest.param(
        ("Deployment", "invoice", "invoice-app"),
        "https://api.example:8443/apis/apps/v1/namespaces/invoice/deployments/invoice-app",
        id="one-deployment",
    ),
    pytest.param(
        ("Pod", "invoice", None, "app=invoice-app,tier=web"),
        "https://api.example:8443/api/v1/namespaces/invoice/pods?labelSelector=app%3Dinvoice-app%2Ctier%3Dweb",
        id="pods-by-selector",
    ),
    pytest.param(("Node",), "https://api.example:8443/api/v1/nodes", id="nodes"),
    pytest.param(
        ("NetworkPolicy", "invoice"),
        "https://api.example:8443/apis/networking.k8s.io/v1/namespaces/invoice/networkpolicies",
        id="policies",
    ),
    pytest.param(
        ("Ingress", "invoice", "invoice-app", "ignored=for-one-object"),
        "https://api.example:8443/apis/networking.k8s.io/v1/namespaces/invoice/ingresses/invoice-app",
        id="one-ingress",
    ),
    pytest.param(("Service", "invoice"), "https://api.example:8443/api/v1/namespaces/invoice/services", id="services"),
]


@pytest.mark.parametrize(("arguments", "url"), RAW_READS)
def test_reads_without_the_typed_api_classes(raw_client, arguments, url):
    raw_client.answer = RawAnswer(200, {"items": [{"kind": "Thing"}], "kind": "Thing"})
    found = read(raw_client, *arguments, timeout=7)
    assert raw_client.sent == [("GET", url, "application/json", 7)]
    assert found == (
        {"items": [{"kind": "Thing"}], "kind": "Thing"} if len(arguments) > 2 and arguments[2] else [{"kind": "Thing"}]
    )


# (answer, result or error)
RAW_ANSWERS = [
    pytest.param(RawAnswer(404, {"message": "not found"}), None, id="missing-is-none"),
    pytest.param(
        RawAnswer(403, {"message": "forbidden: no"}),
        "reading Deployment invoice/invoice-app failed: 403 forbidden: no",
        id="refused",
    ),
]


@pytest.mark.parametrize(("answer", "outcome"), RAW_ANSWERS)
def test_raw_read_answers(raw_client, answer, outcome):
    raw_client.answer = answer
    if outcome is None:
        assert read(raw_client, "Deployment", "invoice", "invoice-app") is None
    else:
        with pytest.raises(KubeReadError) as caught:
            read(raw_client, "Deployment", "invoice", "invoice-app")
        assert str(caught.value) == outcome
