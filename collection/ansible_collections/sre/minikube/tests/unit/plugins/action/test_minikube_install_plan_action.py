# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The minikube_install_plan action plugin makes the plan on the controller only when the host is the controller,
and then answers as the module does."""

from __future__ import annotations

import pytest
from ansible.module_utils import basic
from ansible_collections.sre.minikube.plugins.action import minikube_install_plan as action_plugin
from ansible_collections.sre.minikube.plugins.module_utils import install_plan
from ansible_collections.sre.minikube.plugins.modules import minikube_install_plan as module
from ansible_collections.sre.minikube.tests.unit.plugins.action import controller_plugin
from ansible_collections.sre.minikube.tests.unit.plugins.modules.utils import exit_json, fail_json, run_module

MODULE_ANSWER = {"changed": False, "asset": "from-the-host"}


@pytest.fixture
def host(monkeypatch):
    """This host with no minikube and no docker on it: every command it would run is missing."""

    def missing(argv):
        raise FileNotFoundError(argv[0])

    monkeypatch.setattr(install_plan, "run", missing)
    monkeypatch.setattr(basic.AnsibleModule, "exit_json", exit_json)
    monkeypatch.setattr(basic.AnsibleModule, "fail_json", fail_json)


def make_action(args, *where, **mode):
    name = "sre.minikube.minikube_install_plan"
    return controller_plugin.make_action(action_plugin, name, args, MODULE_ANSWER, *where, **mode)


def options(install_dir, **changes):
    return {"version": "v1.38.1", "base_url": "https://example.invalid/r", "dir": install_dir, "preflight": False,
            **changes}  # fmt: skip


WHERE = controller_plugin.where("PATH")


@pytest.mark.parametrize(("transport", "become", "environment", "here"), WHERE)
def test_where_the_plan_is_made(host, tmp_path, transport, become, environment, here):
    plugin = make_action(options(str(tmp_path)), transport, become, environment)

    result = plugin.run(task_vars={})

    assert plugin._execute_module.called is not here
    assert (result["asset"] != "from-the-host") is here


# Options the plan accepts, and options it refuses.
SAME_ANSWER = [
    pytest.param({}, id="plan"),
    pytest.param({"version": "1.38.1"}, id="version-without-v"),
    pytest.param({"base_url": "ftp://example.invalid"}, id="scheme"),
    pytest.param({"download_timeout": "soon"}, id="type"),
]


@pytest.mark.parametrize("changes", SAME_ANSWER)
def test_the_action_answers_as_the_module(host, tmp_path, changes):
    args = options(str(tmp_path), **changes)
    by_module, failed = run_module(module.main, args)
    by_module = dict(by_module, failed=True) if failed else by_module
    by_module.pop("invocation", None)

    by_action = make_action(args).run(task_vars={})

    assert by_action == by_module
