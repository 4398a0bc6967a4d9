# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""kube_client: kubernetes.core's client factory, and what its failures say."""

from __future__ import annotations

import socket

import pytest
import yaml
from ansible_collections.sre.minikube.plugins.module_utils import kube_client


def kubeconfig(path, server):
    path.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "clusters": [{"name": "c", "cluster": {"server": server}}],
                "users": [{"name": "u", "user": {"token": "t"}}],
                "contexts": [{"name": "minikube", "context": {"cluster": "c", "user": "u"}}],
                "current-context": "minikube",
            }
        )
    )
    return str(path)


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize(
    ("config", "context", "message"),
    [
        pytest.param("missing", "minikube", "cannot load context minikube from {path}: ", id="no-file"),
        pytest.param("written", "other", "cannot load context other from {path}: ", id="no-context"),
        pytest.param("written", "minikube", "cannot reach the API server of context minikube of {path}: ",
                     id="no-server"),
    ],
)  # fmt: skip
def test_a_client_that_cannot_be_made_says_why(tmp_path, config, context, message):
    path = (
        str(tmp_path / "nope")
        if config == "missing"
        else kubeconfig(tmp_path / "config", f"https://127.0.0.1:{closed_port()}")
    )

    with pytest.raises(kube_client.KubeClientError) as caught:
        kube_client.api_client(path, context)

    assert str(caught.value).startswith(message.format(path=path))
    # Only a context that loads can have an API server that does not answer.
    assert caught.value.unreachable is message.startswith("cannot reach")
    assert str(caught.value).endswith(caught.value.reason)


def test_the_api_client_is_the_one_inside_kubernetes_cores_client(monkeypatch):
    made = []

    class K8SClient:
        def __init__(self):
            self.dry_run = False
            self.client = type("DynamicClient", (), {"client": "the ApiClient"})()

    def get_api_client(**kwargs):
        made.append(kwargs)
        return K8SClient()

    monkeypatch.setattr(kube_client, "get_api_client", get_api_client)

    assert kube_client.api_client("/k/config", "sre-minikube") == "the ApiClient"
    assert kube_client.client(None, "", dry_run=True).dry_run is True
    # Empty means "not given": kubernetes.core's own lookup (K8S_AUTH_*, KUBECONFIG, ~/.kube/config) applies.
    assert made == [{"kubeconfig": "/k/config", "context": "sre-minikube"}, {"kubeconfig": None, "context": None}]
