# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The cluster_check module: options in, facts or every problem out; nothing is changed, check mode or not."""

from __future__ import annotations

import pytest
from ansible_collections.sre.minikube.plugins.modules import cluster_check
from ansible_collections.sre.minikube.tests.unit.plugins.module_utils.test_cluster_check import (
    GOOD_FACTS,
    Cluster,
    storage_class,
    version,
)
from ansible_collections.sre.minikube.tests.unit.plugins.module_utils.test_kube_client import closed_port, kubeconfig
from ansible_collections.sre.minikube.tests.unit.plugins.modules.utils import run_module

ARGS = {"context": "team-staging", "front_door": "gateway", "class_name": "sre-minikube", "min_version": "1.30"}


def stand_in(monkeypatch, cluster):
    """CLUSTER (a module_utils test's Cluster) behind the module's client and readers."""
    monkeypatch.setattr(cluster_check, "api_client", cluster.connect)
    monkeypatch.setattr(cluster_check, "server_version", cluster.server_version)
    monkeypatch.setattr(cluster_check, "read_served", cluster.read_served)
    return cluster


@pytest.mark.parametrize("check_mode", [False, True])
def test_a_cluster_with_everything_passes(monkeypatch, patched_module, check_mode):
    stand_in(monkeypatch, Cluster())
    result, failed = run_module(cluster_check.main, dict(ARGS, _ansible_check_mode=check_mode))
    assert not failed
    result.pop("invocation", None)
    assert result == dict(GOOD_FACTS, changed=False, problems=[])


@pytest.mark.parametrize("check_mode", [False, True])
def test_every_problem_fails_the_task_with_the_facts(monkeypatch, patched_module, check_mode):
    stand_in(monkeypatch, Cluster(Version=version("v1.29.1"), StorageClass=[storage_class("slow")]))
    result, failed = run_module(cluster_check.main, dict(ARGS, _ansible_check_mode=check_mode))
    assert failed
    assert result["changed"] is False
    assert [sentence.split(" ")[:3] for sentence in result["problems"]] == [
        ["Kubernetes", "v1.29.1", "is"],
        ["No", "default", "StorageClass"],
    ]
    assert result["msg"] == " ".join(result["problems"])
    assert (result["server_version"], result["gateway_class"]["accepted"], result["storage_class"]) == (
        "v1.29.1",
        True,
        None,
    )


# Options that break their rule, refused before the cluster is asked anything.
REFUSED = [
    pytest.param({"class_name": "Traefik"}, "class_name='Traefik' breaks the rule dns_name", id="class-name"),
    pytest.param({"min_version": "1.30.2"}, "min_version='1.30.2' breaks the rule kubernetes_minor", id="min-version"),
    pytest.param({"storage_class": "a b"}, "storage_class='a b' breaks the rule dns_name", id="storage-class"),
    pytest.param({"context": "team\n"}, "context='team\\n' breaks the rule text", id="context"),
    pytest.param({"front_door": "nodeport"}, "value of front_door must be one of: gateway, ingress", id="front-door"),
]


@pytest.mark.parametrize(("overrides", "words"), REFUSED)
def test_malformed_options_are_refused_before_any_read(monkeypatch, patched_module, overrides, words):
    cluster = stand_in(monkeypatch, Cluster())
    result, failed = run_module(cluster_check.main, dict(ARGS, **overrides))
    assert failed and words in result["msg"]
    assert cluster.asked == []


# Through kubernetes.core's own client factory: a kubeconfig without the context, an API server that is down.
@pytest.mark.parametrize(
    ("context", "words"),
    [
        pytest.param("other", ["Cannot load context other from {path}: ", "holds context other"], id="no-context"),
        pytest.param(
            "minikube",
            ["The API server of context minikube in {path} does not answer", "--context minikube"],
            id="down",
        ),
    ],
)
def test_a_cluster_that_cannot_be_asked_names_the_context_and_kubeconfig(tmp_path, patched_module, context, words):
    path = kubeconfig(tmp_path / "config", f"https://127.0.0.1:{closed_port()}")
    result, failed = run_module(cluster_check.main, dict(ARGS, kubeconfig=path, context=context))
    assert failed
    for text in words:
        assert text.format(path=path) in result["msg"]
    assert f"--kubeconfig {path}" in result["msg"]
