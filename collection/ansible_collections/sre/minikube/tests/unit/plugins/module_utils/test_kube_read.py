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
