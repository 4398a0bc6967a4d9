# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The minikube_start action plugin looks at the profile from the controller only when the host is the controller,
and that look answers as the module does in check mode (minikube's recorded answers)."""

from __future__ import annotations

import pytest
from ansible_collections.sre.minikube.plugins.action import minikube_start as action_plugin
from ansible_collections.sre.minikube.plugins.modules import minikube_start as module
from ansible_collections.sre.minikube.tests.unit.plugins.action import controller_plugin
from ansible_collections.sre.minikube.tests.unit.plugins.modules.utils import run_module
from ansible_collections.sre.minikube.tests.unit.plugins.recordings import Recorded

BIN = "/opt/bin/minikube"
START = {"binary": BIN, "profile": "ghost", "driver": "docker", "cpus": 1}
MODULE_ANSWER = {"changed": False, "state_before": "from-the-host"}


def status(rc):
    """minikube's answers: no profile listed, and the status of profile ghost with exit code RC (0: running)."""
    return Recorded("profile-list-json-empty", answers={("status", "-p", "ghost", "--output=json"): (rc, "", "")})


def make_action(args, *where, **mode):
    name = "sre.minikube.minikube_start"
    return controller_plugin.make_action(action_plugin, name, args, MODULE_ANSWER, *where, **mode)


WHERE = controller_plugin.where("MINIKUBE_HOME")


@pytest.mark.parametrize(("transport", "become", "environment", "here"), WHERE)
def test_where_the_look_is_made(minikube, transport, become, environment, here):
    runner = minikube(status(0))
    plugin = make_action(START, transport, become, environment)

    result = plugin.run(task_vars={})

    # The cluster runs: a look from the controller is the whole run; the module's is asked in check mode.
    assert plugin._execute_module.called is not here
    assert result["state_before"] == ("running" if here else "from-the-host")
    assert bool(runner.calls) is here


# (minikube's answers, the options)
SAME_LOOK = [
    pytest.param(lambda: status(0), START, id="running"),
    pytest.param(lambda: Recorded("profile-list-json-empty", "status-json-unknown"), START, id="absent"),
    pytest.param(lambda: Recorded("profile-list-json-running"), dict(START, profile="sre-real", cni="calico"),
                 id="mismatch"),
    pytest.param(lambda: Recorded("profile-list-json-running"),
                 dict(START, profile="sre-real", cni="calico", recreate=True), id="mismatch-recreate"),
    pytest.param(Recorded, dict(START, extra_args=["oops"]), id="refused"),
    pytest.param(lambda: Recorded("profile-list-json-running",
                                  answers={("status", "-p", "sre-real", "--output=json"): (0, "", "")}),
                 dict(START, profile="sre-real", cni="bridge", nodes=3), id="nodes-to-add"),
    pytest.param(lambda: Recorded("profile-list-json-running",
                                  answers={("status", "-p", "sre-real", "--output=json"): (7, "", "")}),
                 dict(START, profile="sre-real", cni="bridge", nodes=2), id="stopped-nodes-to-add"),
    pytest.param(lambda: Recorded("profile-list-json-empty", "status-json-unknown"), dict(START, nodes=0),
                 id="no-node"),
]  # fmt: skip


@pytest.mark.parametrize(("answers", "args"), SAME_LOOK)
def test_the_look_answers_as_the_module_in_check_mode(minikube, answers, args):
    looks = []
    for by_module in (True, False):
        runner = minikube(answers())
        if by_module:
            result, failed = run_module(module.main, dict(args, _ansible_check_mode=True))
            result = dict(result, failed=True) if failed else result
        else:
            result = make_action(args).look_here()
        result.pop("invocation", None)
        looks.append((result, sorted(runner.calls)))

    assert looks[0] == looks[1]


def test_an_unknown_option_is_refused_as_the_module_refuses_it(minikube):
    runner = minikube(Recorded())

    result = make_action(dict(START, hints={"29": "mine"})).look_here()

    assert result["failed"] and result["msg"].startswith("Unsupported parameters for (minikube_start) module: hints.")
    assert runner.calls == []
