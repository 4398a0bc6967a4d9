# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""An action plugin of the collection as a task would make it, for the tests of where its work is done."""

from __future__ import annotations

from unittest import mock

from ansible.playbook.task import Task
from ansible_collections.sre.minikube.tests.unit.plugins.modules.utils import run_module


def make_action(plugin, name, args, module_answer, transport="local", become=False, environment=None, **mode):
    """The plugin module's ActionModule for a task of action NAME with ARGS, on a connection of TRANSPORT.

    MODE takes check and diff (both off by default). A module run on the host answers MODULE_ANSWER.
    """
    check, diff = mode.get("check", False), mode.get("diff", False)
    task = Task()
    task.action = name
    # The task's own options, without what Ansible adds for a module (check mode and diff are the task's).
    task.args = {key: value for key, value in args.items() if not key.startswith("_ansible_")}
    task.environment = environment
    task.check_mode = check
    task.diff = diff
    action = plugin.ActionModule(
        task=task,
        connection=mock.MagicMock(transport=transport),
        play_context=mock.MagicMock(check_mode=check, become=become),
        loader=mock.MagicMock(),
        templar=mock.MagicMock(),
        shared_loader_obj=mock.MagicMock(),
    )
    action._execute_module = mock.MagicMock(return_value=dict(module_answer))
    return action


def where(variable):
    """(transport, become, task environment, done on the controller): a task environment setting VARIABLE,
    which the module would see on the host, sends the work there; an empty one does not."""
    return [
        ("local", False, None, True),
        ("local", False, [{}], True),
        ("local", True, None, False),
        ("local", False, [{variable: "/elsewhere"}], False),
        ("ssh", False, None, False),
    ]


def module_result(main, args):
    """The result of the module's MAIN run with ARGS, as the action plugin would return it: failed set when it failed,
    without the invocation Ansible adds."""
    result, failed = run_module(main, args)
    result = dict(result, failed=True) if failed else result
    result.pop("invocation", None)
    return result
