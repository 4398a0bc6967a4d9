# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The k8s_deploy action plugin does the module's work on the controller only when the host is the controller,
and then answers as the module does (the fake API server of the module's tests)."""

from __future__ import annotations

import pytest
from ansible.module_utils import basic
from ansible_collections.kubernetes.core.plugins.module_utils.k8s.client import K8SClient
from ansible_collections.sre.minikube.plugins.action import k8s_deploy as action_plugin
from ansible_collections.sre.minikube.plugins.modules import k8s_deploy as module
from ansible_collections.sre.minikube.tests.unit.plugins.action import controller_plugin
from ansible_collections.sre.minikube.tests.unit.plugins.modules import test_k8s_deploy as fake
from ansible_collections.sre.minikube.tests.unit.plugins.modules.utils import exit_json, fail_json, run_module

MODULE_ANSWER = {"changed": False, "objects": [], "deleted": [], "kept": [], "pending": []}


@pytest.fixture
def cluster(monkeypatch):
    """The module tests' fake API server, behind kubernetes.core's K8SClient, for the module and the action."""
    served = fake.Cluster()

    def client(kubeconfig=None, context=None, dry_run=False):
        return K8SClient(configuration=None, client=fake.DynamicClient(served), dry_run=dry_run)

    monkeypatch.setattr(action_plugin, "client", client)
    monkeypatch.setattr(module, "client", client)
    monkeypatch.setattr(basic.AnsibleModule, "exit_json", exit_json)
    monkeypatch.setattr(basic.AnsibleModule, "fail_json", fail_json)
    return served


def make_action(args, *where, **mode):
    name = "sre.minikube.k8s_deploy"
    return controller_plugin.make_action(action_plugin, name, args, MODULE_ANSWER, *where, **mode)


def definitions():
    return [fake.namespace(), fake.config_map(), fake.deployment()]


WHERE = controller_plugin.where("KUBECONFIG")


@pytest.mark.parametrize(("transport", "become", "environment", "here"), WHERE)
def test_where_the_work_is_done(cluster, transport, become, environment, here):
    plugin = make_action(fake.args(definitions()), transport, become, environment)

    result = plugin.run(task_vars={})

    if here:
        plugin._execute_module.assert_not_called()
        assert result["changed"] is True
        assert [verb for verb, _kind, _name in fake.writes(cluster)] == ["apply", "create", "apply", "apply"]
    else:
        plugin._execute_module.assert_called_once()
        assert result["changed"] is False and cluster.requests == []


# (the run's arguments, the objects already in the cluster, check mode, diff)
SAME_ANSWER = [
    pytest.param(definitions(), [], False, True, id="first-run"),
    pytest.param(definitions(), [], True, True, id="first-run-check"),
    pytest.param(definitions(), definitions(), False, False, id="rerun"),
    pytest.param([fake.namespace(), fake.config_map("2")], definitions(), True, True, id="change-check"),
    pytest.param(definitions(), [fake.config_map(labels={})], False, False, id="foreign-object"),
]


def settle(result):
    """A result without what differs from one run to the next (uids, versions)."""
    kept = {key: value for key, value in result.items() if key not in ("objects", "diff", "invocation")}
    kept["objects"] = [(o.get("kind"), o.get("metadata", {}).get("name")) for o in result.get("objects", [])]
    kept["diff"] = [(d.get("before_header"), d.get("after_header")) for d in result.get("diff", [])]
    return kept


@pytest.mark.parametrize(("run", "present", "check", "diff"), SAME_ANSWER)
def test_the_action_answers_as_the_module(cluster, run, present, check, diff):
    answers, writes = [], []
    for by_module in (True, False):
        cluster.objects.clear()
        for obj in present:
            # The deployer's own objects as its applies left them; an unmarked one as someone else made it.
            mine = bool(obj["metadata"]["labels"])
            cluster.put(obj, **({"manager": fake.MANAGER, "operation": "Apply"} if mine else {}))
        cluster.requests.clear()
        if by_module:
            result, failed = run_module(module.main, fake.args(run, check=check, diff=diff))
            result = dict(result, failed=True) if failed else result
        else:
            result = make_action(fake.args(run), check=check, diff=diff).run(task_vars={})
        answers.append(settle(result))
        writes.append(fake.writes(cluster))

    assert answers[0] == answers[1]
    assert writes[0] == writes[1]


def test_a_bad_option_fails_before_any_request(cluster):
    result = make_action(dict(fake.args(definitions()), wait_timeout=0)).run(task_vars={})
    assert result["failed"] and "wait_timeout=0" in result["msg"] and cluster.requests == []
    result = make_action(dict(fake.args(definitions()), colour="blue")).run(task_vars={})
    assert result["failed"] and "colour" in result["msg"] and cluster.requests == []


def test_an_async_task_runs_the_module_on_the_host(cluster):
    plugin = make_action(fake.args(definitions()))
    plugin._task.async_val = 60

    result = plugin.run(task_vars={})

    plugin._execute_module.assert_called_once()
    assert result["changed"] is False and cluster.requests == []
