# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The minikube_images action plugin looks at the cluster's images from the controller only when the host is the
controller, and that look answers as the module's does in check mode (the module tests' stand-in cluster)."""

from __future__ import annotations

import pytest
from ansible_collections.sre.minikube.plugins.action import minikube_images as action_plugin
from ansible_collections.sre.minikube.plugins.modules import minikube_images as module
from ansible_collections.sre.minikube.tests.unit.plugins.action import controller_plugin
from ansible_collections.sre.minikube.tests.unit.plugins.modules import test_minikube_modules as fake
from ansible_collections.sre.minikube.tests.unit.plugins.modules.utils import run_module
from ansible_collections.sre.minikube.tests.unit.plugins.recordings import Recorded

MODULE_ANSWER = {"changed": False, "built": [], "present": ["from-the-host"]}


def make_action(args, *where, **mode):
    name = "sre.minikube.minikube_images"
    return controller_plugin.make_action(action_plugin, name, args, MODULE_ANSWER, *where, **mode)


OPTIONS = {"binary": fake.BIN, "profile": "p", "images": fake.IMAGES}

WHERE = controller_plugin.where("MINIKUBE_HOME")


@pytest.mark.parametrize(("transport", "become", "environment", "here"), WHERE)
def test_where_the_look_is_made(minikube, transport, become, environment, here):
    runner = minikube(fake.Cluster(["app:2", "postgres:17"]))
    plugin = make_action(OPTIONS, transport, become, environment)

    result = plugin.run(task_vars={})

    # Every image is there: a look from the controller is the whole run; the module's is asked in check mode.
    assert plugin._execute_module.called is not here
    assert result["present"] == (["app:2", "postgres:17"] if here else ["from-the-host"])
    assert bool(runner.calls) is here


# (what the cluster holds, the options)
SAME_LOOK = [
    pytest.param(lambda: fake.Cluster(["app:2", "postgres:17"]), OPTIONS, id="all-present"),
    pytest.param(lambda: fake.Cluster(["app:1"]), OPTIONS, id="missing"),
    pytest.param(
        lambda: Recorded("image-ls-json-unknown", "profile-list-json-empty"),
        dict(OPTIONS, profile="ghost"),
        id="no-profile",
    ),
    pytest.param(
        lambda: fake.Cluster(["app:2", "postgres:17"], nodes=2, lacking={"p-m02": ["app:2"]}),
        OPTIONS,
        id="a-node-lacks-one",
    ),
    pytest.param(lambda: fake.Cluster([]), dict(OPTIONS, profile="--all"), id="refused"),
    pytest.param(lambda: fake.Cluster([]), dict(OPTIONS, apps=["a"], context="/src"), id="apps-and-images"),
]


@pytest.mark.parametrize(("cluster", "args"), SAME_LOOK)
def test_the_look_answers_as_the_module_in_check_mode(minikube, cluster, args):
    answers = []
    for by_module in (True, False):
        runner = minikube(cluster())
        if by_module:
            result, failed = run_module(module.main, dict(args, _ansible_check_mode=True))
            result = dict(result, failed=True) if failed else result
        else:
            result = make_action(args).look_here()
        result.pop("invocation", None)
        # The lists are asked side by side: in any order.
        answers.append((result, sorted(runner.calls)))

    assert answers[0] == answers[1]
