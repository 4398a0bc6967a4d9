# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The minikube_start action plugin: progress lines are printed while the job runs."""

from __future__ import annotations

import base64
from unittest import mock

import pytest
from ansible.playbook.task import Task
from ansible_collections.sre.minikube.plugins.action import minikube_start as action_plugin

PROGRESS = ("[1/19] [p] minikube v1.38.1 on <host>", "[2/19] Using the docker driver", "[4/19] Starting node")


class Host:
    """The managed host: a job that writes one progress line per poll, then ends with the module's result."""

    def __init__(self, final, lines=PROGRESS, look=None):
        self.final = final
        # The module's check-mode answer to the plugin's first, quick look.
        self.look = {"changed": True} if look is None else look
        self.lines = lines
        self.polls = 0
        self.calls = []
        self.printed_at_poll = []

    def execute(self, module_name=None, module_args=None, task_vars=None, wrap_async=False, **kwargs):
        self.calls.append((module_name, dict(module_args or {}), wrap_async))
        if module_name is None and not wrap_async:
            return dict(self.look)
        if module_name is None:
            return {"ansible_job_id": "j1", "started": 1, "finished": 0, "results_file": "/r/j1", "changed": True}
        if module_name == "ansible.legacy.async_status":
            if module_args.get("mode") == "cleanup":
                return {}
            self.polls += 1
            if self.polls > len(self.lines):
                return dict(self.final, finished=1, ansible_job_id="j1", started=1)
            return {"finished": 0, "started": 1, "ansible_job_id": "j1"}
        if module_name == "ansible.legacy.slurp":
            written = self.lines[: self.polls]
            if not written:
                return {"failed": True, "msg": "file not found"}
            return {"content": base64.b64encode(("\n".join(written) + "\n").encode()).decode()}
        if module_name == "ansible.legacy.file":
            return {"changed": True}
        raise AssertionError(f"unexpected module {module_name}")


def make_action(host, args, check_mode=False):
    task = Task()
    task.action = "sre.minikube.minikube_start"
    task.args = dict(args)
    task.check_mode = check_mode
    connection = mock.MagicMock()
    connection._shell.join_path.side_effect = lambda *parts: "/".join(parts)
    connection._shell.tmpdir = None
    plugin = action_plugin.ActionModule(
        task=task,
        connection=connection,
        play_context=mock.MagicMock(check_mode=check_mode),
        loader=mock.MagicMock(),
        templar=mock.MagicMock(),
        shared_loader_obj=mock.MagicMock(),
    )
    plugin.poll_interval = 0
    plugin._execute_module = host.execute
    plugin._remote_expand_user = lambda path, sudoable=True: path.replace("~", "/home/u")
    plugin.get_shell_option = lambda option, default=None: default
    plugin._remove_tmp_path = lambda path: None
    return plugin


@pytest.fixture
def printed(monkeypatch):
    lines = []
    monkeypatch.setattr(action_plugin.display, "display", lambda msg, *a, **k: lines.append(msg))
    return lines


def test_progress_is_printed_while_the_job_runs(printed):
    host = Host({"changed": True, "start_ran": True, "command": "minikube start"})
    original = host.execute

    def execute(module_name=None, **kwargs):
        if module_name == "ansible.legacy.async_status" and kwargs["module_args"].get("mode") != "cleanup":
            # What was printed before this poll: every line the job wrote before it.
            host.printed_at_poll.append(len(printed))
        return original(module_name=module_name, **kwargs)

    plugin = make_action(host, {"profile": "p"})
    plugin._execute_module = execute
    result = plugin.run(task_vars={"inventory_hostname": "laptop"})

    assert printed == [f"laptop: minikube: {line}" for line in PROGRESS]
    # Each line appears at the poll after it was written, before the job ended.
    assert host.printed_at_poll == [0, 1, 2, 3]
    assert result["changed"] is True and result["start_ran"] is True
    assert "ansible_job_id" not in result and "finished" not in result
    look, start = host.calls[0], host.calls[1]
    assert look == (None, {"profile": "p"}, False)
    assert start[1]["progress_file"].startswith("/home/u/.ansible_async/sre-minikube-start-")
    assert start[1]["profile"] == "p"
    # The job and its progress file are cleaned up.
    assert ("ansible.legacy.file", {"path": start[1]["progress_file"], "state": "absent"}, False) in host.calls
    assert any(call[1].get("mode") == "cleanup" for call in host.calls)
    # The task's async setting is left as it was.
    assert plugin._task.async_val == 0


def test_failed_start_returns_the_modules_failure(printed):
    msg = "`minikube start` failed with exit code 63 (PROVIDER_DOCKER_NOT_RUNNING)\nminikube's advice: Start Docker"
    host = Host({"failed": True, "msg": msg, "rc": 63}, lines=PROGRESS[:2])
    result = make_action(host, {"profile": "p"}).run(task_vars={"inventory_hostname": "laptop"})
    assert result["failed"] is True and result["rc"] == 63
    assert result["msg"] == msg
    # The progress, then the failure as lines of text.
    assert printed == [f"laptop: minikube: {line}" for line in PROGRESS[:2]] + [
        "laptop: `minikube start` failed with exit code 63 (PROVIDER_DOCKER_NOT_RUNNING)",
        "laptop: minikube's advice: Start Docker",
    ]


def test_check_mode_runs_the_module_once_and_synchronously(printed):
    host = Host({})
    calls = []

    def execute(module_name=None, module_args=None, task_vars=None, wrap_async=False, **kwargs):
        calls.append((module_name, wrap_async))
        return {"changed": True, "msg": "would start: minikube start -p p"}

    plugin = make_action(host, {"profile": "p"}, check_mode=True)
    plugin._execute_module = execute
    result = plugin.run(task_vars={})
    assert calls == [(None, False)]
    assert result["changed"] is True and result["msg"].startswith("would start")
    assert printed == []


LOOKS = [
    # (the check-mode answer, whether the job runs)
    ({"changed": False, "start_needed": False, "start_ran": False}, False),
    ({"changed": True, "start_needed": True}, True),
    ({"failed": True, "msg": "minikube status failed"}, True),
]


@pytest.mark.parametrize(("look", "job_runs"), LOOKS)
def test_a_run_with_nothing_to_do_needs_no_job(printed, look, job_runs):
    host = Host({"changed": True, "start_ran": True}, look=look)
    checked = []
    original = host.execute

    def execute(module_name=None, **kwargs):
        checked.append(plugin._task.check_mode)
        return original(module_name=module_name, **kwargs)

    plugin = make_action(host, {"profile": "p"})
    plugin._execute_module = execute
    result = plugin.run(task_vars={"inventory_hostname": "laptop"})
    # The look runs in check mode, and the task's own check mode is left as it was.
    assert checked[0] is True and plugin._task.check_mode is False
    assert any(call[2] for call in host.calls) is job_runs
    if job_runs:
        assert result["start_ran"] is True and set(checked[1:]) == {False}
    else:
        assert host.calls == [(None, {"profile": "p"}, False)]
        assert result["changed"] is False and result["start_ran"] is False
        assert printed == []
