# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The write_access action plugin answers on the controller only when the host is the controller."""

from __future__ import annotations

import os
from unittest import mock

import pytest
from ansible.playbook.task import Task
from ansible_collections.sre.minikube.plugins.action import write_access as action_plugin

MODULE_ANSWER = {"changed": False, "uid": 1000, "root": False, "path": "/p", "nearest": "/", "writable": False}

CASES = [
    # (transport, become, task environment, answered on the controller)
    ("local", False, [{}], True),
    ("local", False, None, True),
    ("local", False, [], True),
    ("local", True, [{}], False),
    ("local", False, [{"HOME": "/home/other"}], False),
    ("ssh", False, [{}], False),
    ("community.docker.docker", False, [{}], False),
]


def make_action(transport, become, environment, path):
    task = Task()
    task.action = "sre.minikube.write_access"
    task.args = {"path": path}
    task.environment = environment
    connection = mock.MagicMock(transport=transport)
    plugin = action_plugin.ActionModule(
        task=task,
        connection=connection,
        play_context=mock.MagicMock(check_mode=False, become=become),
        loader=mock.MagicMock(),
        templar=mock.MagicMock(),
        shared_loader_obj=mock.MagicMock(),
    )
    plugin._execute_module = mock.MagicMock(return_value=dict(MODULE_ANSWER))
    return plugin


@pytest.mark.parametrize(("transport", "become", "environment", "local"), CASES)
def test_where_the_answer_comes_from(tmp_path, transport, become, environment, local):
    plugin = make_action(transport, become, environment, str(tmp_path / "missing" / "bin"))

    result = plugin.run(task_vars={})

    if local:
        plugin._execute_module.assert_not_called()
        assert result["uid"] == os.geteuid()
        assert result["nearest"] == str(tmp_path)
        assert result["writable"] is os.access(str(tmp_path), os.W_OK)
    else:
        plugin._execute_module.assert_called_once()
        assert result["uid"] == 1000 and result["writable"] is False


def test_the_controller_answer_needs_a_path():
    result = make_action("local", False, [{}], "").run(task_vars={})
    assert result["failed"] and "path is required" in result["msg"]
