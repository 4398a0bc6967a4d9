# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The minikube_addons action plugin enables the addons from the controller only when the host is the controller,
and then answers as the module does (minikube's recorded answers)."""

from __future__ import annotations

import pytest
from ansible_collections.sre.minikube.plugins.action import minikube_addons as action_plugin
from ansible_collections.sre.minikube.plugins.modules import minikube_addons as module
from ansible_collections.sre.minikube.tests.unit.plugins.action import controller_plugin
from ansible_collections.sre.minikube.tests.unit.plugins.recordings import Recorded, load

BIN = "/opt/bin/minikube"
MODULE_ANSWER = {"changed": False, "enabled_now": ["from-the-host"]}


def recorded(*names, rc=0):
    """minikube answering the addons list of a running cluster, and each enable of NAMES with RC."""
    failure = load("addons-enable-not-an-addon-running")
    answer = (rc, "", "") if rc == 0 else (failure["exit"], failure["stdout"], failure["stderr"])
    return Recorded("addons-list-json-running",
                    answers={("addons", "enable", name, "-p", "sre-real"): answer for name in names})  # fmt: skip


def make_action(args, *where, **mode):
    name = "sre.minikube.minikube_addons"
    return controller_plugin.make_action(action_plugin, name, args, MODULE_ANSWER, *where, **mode)


def options(*enabled, **more):
    return {"binary": BIN, "profile": "sre-real", "enabled": list(enabled), **more}


WHERE = controller_plugin.where("MINIKUBE_HOME")


@pytest.mark.parametrize(("transport", "become", "environment", "here"), WHERE)
def test_where_the_addons_are_enabled(minikube, transport, become, environment, here):
    runner = minikube(recorded("ingress"))
    plugin = make_action(options("ingress"), transport, become, environment)

    result = plugin.run(task_vars={})

    assert plugin._execute_module.called is not here
    assert result["enabled_now"] == (["ingress"] if here else ["from-the-host"])
    assert bool(runner.calls) is here


# (options, what minikube answers, check mode, diff)
SAME_ANSWER = [
    pytest.param(options("ingress", "ingress-dns"), ("ingress", "ingress-dns"), False, True, id="enables"),
    pytest.param(options("ingress"), ("ingress",), True, True, id="check"),
    pytest.param(options("storage-provisioner"), (), False, False, id="nothing-to-do"),
    pytest.param(options("no-such-addon"), (), False, False, id="unknown"),
    pytest.param(options("ingress", args={"ingress": "--images=x"}), (), False, False, id="bad-args"),
    pytest.param(options("ingress", profile="--all"), (), False, False, id="refused"),
]


@pytest.mark.parametrize(("args", "answered", "check", "diff"), SAME_ANSWER)
def test_the_action_answers_as_the_module(minikube, args, answered, check, diff):
    answers = []
    for by_module in (True, False):
        runner = minikube(recorded(*answered))
        if by_module:
            result = controller_plugin.module_result(
                module.main, dict(args, _ansible_check_mode=check, _ansible_diff=diff)
            )
        else:
            result = make_action(args, check=check, diff=diff).run(task_vars={})
        answers.append((result, runner.calls))

    assert answers[0] == answers[1]


def test_a_failed_enable_answers_as_the_module(minikube):
    answers = []
    for by_module in (True, False):
        minikube(recorded("ingress", rc=10))
        if by_module:
            result = controller_plugin.module_result(module.main, options("ingress"))
        else:
            result = make_action(options("ingress")).run(task_vars={})
        answers.append(result)

    assert answers[0] == answers[1] and answers[0]["reason"] == "MK_ADDON_ENABLE"
