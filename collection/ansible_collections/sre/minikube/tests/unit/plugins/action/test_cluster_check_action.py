# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The cluster_check action plugin reads the cluster on the controller only when the host is the controller, and
then answers as the module does (the stand-in cluster of the module_utils tests)."""

from __future__ import annotations

import pytest
from ansible.module_utils import basic
from ansible_collections.sre.minikube.plugins.action import cluster_check as action_plugin
from ansible_collections.sre.minikube.plugins.modules import cluster_check as module
from ansible_collections.sre.minikube.tests.unit.plugins.action import controller_plugin
from ansible_collections.sre.minikube.tests.unit.plugins.module_utils.test_cluster_check import Cluster, version
from ansible_collections.sre.minikube.tests.unit.plugins.module_utils.test_kube_client import closed_port, kubeconfig
from ansible_collections.sre.minikube.tests.unit.plugins.modules.utils import exit_json, fail_json

ARGS = {"context": "team-staging", "front_door": "gateway", "class_name": "sre-minikube", "min_version": "1.30"}
MODULE_ANSWER = {"changed": False, "problems": [], "server_version": "v1.0.0-elsewhere"}


def stand_in(monkeypatch, cluster):
    """One stand-in cluster behind the module and the action alike."""
    for where in (module, action_plugin):
        monkeypatch.setattr(where, "api_client", cluster.connect)
        monkeypatch.setattr(where, "server_version", cluster.server_version)
        monkeypatch.setattr(where, "read_served", cluster.read_served)
    monkeypatch.setattr(basic.AnsibleModule, "exit_json", exit_json)
    monkeypatch.setattr(basic.AnsibleModule, "fail_json", fail_json)
    return cluster


def make_action(args, *where, **mode):
    name = "sre.minikube.cluster_check"
    return controller_plugin.make_action(action_plugin, name, args, MODULE_ANSWER, *where, **mode)


@pytest.mark.parametrize(("transport", "become", "environment", "here"), controller_plugin.where("KUBECONFIG"))
def test_where_the_cluster_is_read(monkeypatch, transport, become, environment, here):
    cluster = stand_in(monkeypatch, Cluster())
    plugin = make_action(ARGS, transport, become, environment)

    result = plugin.run(task_vars={})

    assert plugin._execute_module.called is not here
    assert result["server_version"] == ("v1.35.4" if here else "v1.0.0-elsewhere")
    assert bool(cluster.asked) is here


# (options, check mode, answers of the stand-in cluster)
SAME_ANSWER = [
    pytest.param(ARGS, False, {}, id="good"),
    pytest.param(ARGS, True, {}, id="good-check"),
    pytest.param(ARGS, False, {"Version": version("v1.28.3"), "GatewayClass": None}, id="problems"),
    pytest.param(ARGS, True, {"Version": version("v1.28.3"), "GatewayClass": None}, id="problems-check"),
    pytest.param(dict(ARGS, front_door="ingress", class_name="nginx"), False, {}, id="ingress"),
    pytest.param(dict(ARGS, min_version="1.30.0"), False, {}, id="refused"),
    pytest.param(dict(ARGS, class_name=None), False, {}, id="missing-option"),
]


@pytest.mark.parametrize(("args", "check", "answers"), SAME_ANSWER)
def test_the_action_answers_as_the_module(monkeypatch, args, check, answers):
    args = {key: value for key, value in args.items() if value is not None}
    results = []
    for by_module in (True, False):
        cluster = stand_in(monkeypatch, Cluster(**answers))
        if by_module:
            result = controller_plugin.module_result(module.main, dict(args, _ansible_check_mode=check))
        else:
            result = make_action(args, check=check).run(task_vars={})
        results.append((result, cluster.asked))

    assert results[0] == results[1]


def test_the_action_names_the_context_and_kubeconfig_of_a_cluster_that_does_not_answer(tmp_path):
    path = kubeconfig(tmp_path / "config", f"https://127.0.0.1:{closed_port()}")

    result = make_action(dict(ARGS, kubeconfig=path, context="minikube")).run(task_vars={})

    assert result["failed"] is True
    assert result["msg"].startswith(f"The API server of context minikube in {path} does not answer")
