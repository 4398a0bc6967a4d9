# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""kube_read: which client call each read makes, and what each answer becomes."""

from __future__ import annotations

import json
import types

import pytest
from ansible_collections.sre.minikube.plugins.module_utils import kube_read
from ansible_collections.sre.minikube.plugins.module_utils.kube_read import (
    KubeReadError,
    read,
    read_served,
    selector_text,
    server_version,
)


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
    fake = types.SimpleNamespace(
        AppsV1Api=FakeApi, CoreV1Api=FakeApi, NetworkingV1Api=FakeApi, StorageV1Api=FakeApi, VersionApi=FakeApi
    )
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
    pytest.param(
        ("IngressClass",),
        Answer(200, {"items": [{"metadata": {"name": "nginx"}}]}),
        ("list_ingress_class", ()),
        [{"metadata": {"name": "nginx"}}],
        id="ingress-classes",
    ),
    pytest.param(
        ("StorageClass", None, "standard"),
        Answer(200, {"kind": "StorageClass"}),
        ("read_storage_class", ("standard",)),
        {"kind": "StorageClass"},
        id="one-storage-class",
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
    pytest.param(
        ("HTTPRoute", "invoice"),
        "https://api.example:8443/apis/gateway.networking.k8s.io/v1/namespaces/invoice/httproutes",
        id="routes",
    ),
    pytest.param(
        ("GatewayClass",), "https://api.example:8443/apis/gateway.networking.k8s.io/v1/gatewayclasses", id="gateway"
    ),
    pytest.param(("IngressClass",), "https://api.example:8443/apis/networking.k8s.io/v1/ingressclasses", id="ingress"),
    pytest.param(("StorageClass",), "https://api.example:8443/apis/storage.k8s.io/v1/storageclasses", id="storage"),
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


@pytest.mark.parametrize(
    ("kind", "outcome"),
    [
        # A cluster without the Gateway API's CRDs has no HTTPRoutes.
        pytest.param("HTTPRoute", [], id="a-kind-the-cluster-lacks-lists-empty"),
        pytest.param("Service", "reading the Service list of namespace invoice failed: 404", id="a-core-kind-fails"),
    ],
)
def test_a_list_of_a_kind_the_server_does_not_know(raw_client, kind, outcome):
    raw_client.answer = RawAnswer(404, {"message": ""})
    if isinstance(outcome, list):
        assert read(raw_client, kind, "invoice") == outcome
    else:
        with pytest.raises(KubeReadError) as caught:
            read(raw_client, kind, "invoice")
        assert str(caught.value) == outcome


# (answer of the list, its result or the error's message and status)
SERVED = [
    pytest.param(RawAnswer(200, {"items": [{"kind": "GatewayClass"}]}), [{"kind": "GatewayClass"}], id="served"),
    pytest.param(RawAnswer(200, {"items": None}), [], id="served-and-empty"),
    # The API group and version are not served: the Gateway API's CRDs are not installed.
    pytest.param(
        RawAnswer(404, {"message": "the server could not find the requested resource"}), None, id="not-served"
    ),
    pytest.param(
        RawAnswer(403, {"message": "gatewayclasses is forbidden"}),
        ("reading the GatewayClass list failed: 403 gatewayclasses is forbidden", 403),
        id="refused",
    ),
]


@pytest.mark.parametrize(("answer", "outcome"), SERVED)
def test_read_served(raw_client, answer, outcome):
    raw_client.answer = answer
    if isinstance(outcome, tuple):
        with pytest.raises(KubeReadError) as caught:
            read_served(raw_client, "GatewayClass", timeout=5)
        assert (str(caught.value), caught.value.status) == outcome
    else:
        assert read_served(raw_client, "GatewayClass", timeout=5) == outcome
    assert raw_client.sent[0][1] == "https://api.example:8443/apis/gateway.networking.k8s.io/v1/gatewayclasses"


VERSION = {"major": "1", "minor": "31+", "gitVersion": "v1.31.2-eks-abc"}


def test_server_version(raw_client):
    raw_client.answer = RawAnswer(200, VERSION)
    assert server_version(raw_client, timeout=5) == VERSION
    assert raw_client.sent == [("GET", "https://api.example:8443/version", "application/json", 5)]


def test_server_version_with_the_typed_api_class(api):
    api.answer = Answer(200, VERSION)
    assert server_version("client", timeout=5) == VERSION
    assert api.calls == [("get_code", (), {"_preload_content": False, "_request_timeout": 5})]


@pytest.mark.parametrize(
    ("answer", "message", "status"),
    [
        pytest.param(Answer(401, {"message": "Unauthorized"}), "failed: 401 Unauthorized", 401, id="refused"),
        pytest.param(ConnectionRefusedError("[Errno 111] Connection refused"), "failed: [Errno 111]", None, id="down"),
    ],
)
def test_server_version_failures(api, answer, message, status):
    if isinstance(answer, Exception):
        api.error, api.fails = answer, True
    else:
        api.answer = answer
    with pytest.raises(KubeReadError) as caught:
        server_version("client")
    assert str(caught.value).startswith("reading the server's /version " + message)
    assert caught.value.status == status
