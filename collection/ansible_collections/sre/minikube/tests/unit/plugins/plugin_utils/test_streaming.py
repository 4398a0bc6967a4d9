# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The streaming base of the minikube_start and minikube_images action plugins: the job is followed, its progress
printed while it runs."""

from __future__ import annotations

import base64
from unittest import mock

import pytest
from ansible.playbook.task import Task
from ansible_collections.sre.minikube.plugins.action import minikube_images as images_plugin
from ansible_collections.sre.minikube.plugins.action import minikube_start as action_plugin
from ansible_collections.sre.minikube.plugins.plugin_utils import streaming

PROGRESS = ("[1/19] [p] minikube v1.38.1 on <host>", "[2/19] Using the docker driver", "[4/19] Starting node")


class Host:
    """The managed host: a job that writes one progress line per poll, then ends with the module's result."""

    def __init__(self, final, lines=PROGRESS, look=None, results_file="/r/j1"):
        self.final = final
        # Where Ansible's async wrapper put the job, as it answers when the job starts.
        self.results_file = results_file
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
            return {
                "ansible_job_id": "j1",
                "started": 1,
                "finished": 0,
                "results_file": self.results_file,
                "changed": True,
            }
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


def make_action(host, args, check_mode=False, async_dir=None, plugin_class=action_plugin.ActionModule):
    task = Task()
    task.action = (
        "sre.minikube.minikube_images" if plugin_class is images_plugin.ActionModule else "sre.minikube.minikube_start"
    )
    task.args = dict(args)
    task.check_mode = check_mode
    connection = mock.MagicMock()
    connection._shell.join_path.side_effect = lambda *parts: "/".join(parts)
    connection._shell.tmpdir = None
    plugin = plugin_class(
        task=task,
        connection=connection,
        play_context=mock.MagicMock(check_mode=check_mode),
        loader=mock.MagicMock(),
        templar=mock.MagicMock(),
        shared_loader_obj=mock.MagicMock(),
    )
    plugin.poll_interval = 0
    plugin._execute_module = host.execute

    def expand_user(path, sudoable=True):
        # The controller's guess of the host's home (the account's, from its passwd entry): never the job's place.
        raise AssertionError(f"the plugin expanded {path} itself instead of following the job")

    plugin._remote_expand_user = expand_user
    plugin.get_shell_option = lambda option, default=None: async_dir if option == "async_dir" and async_dir else default
    plugin._remove_tmp_path = lambda path: None
    return plugin


@pytest.fixture
def printed(monkeypatch):
    lines = []
    monkeypatch.setattr(streaming.display, "display", lambda msg, *a, **k: lines.append(msg))
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
    assert start[1]["progress_file"].startswith("~/.ansible_async/sre-minikube-start-")
    assert start[1]["profile"] == "p"
    # The job and its progress file are cleaned up, where the job is.
    progress = "/r/" + start[1]["progress_file"].rsplit("/", 1)[1]
    assert ("ansible.legacy.file", {"path": progress, "state": "absent"}, False) in host.calls
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


WHERE_THE_JOB_IS = [
    # (id, the shell's async_dir (None: Ansible's default), where the async wrapper put the job)
    ("HOME elsewhere than the account's home", None, "/tmp/runner-home/.ansible_async/j1"),
    ("the account's home", None, "/home/dev/.ansible_async/j1"),
    ("a custom async_dir", "/var/tmp/ansible-jobs", "/var/tmp/ansible-jobs/j1"),
    ("a custom async_dir under HOME", "~/jobs", "/srv/ci/jobs/j1"),
]


@pytest.mark.parametrize(
    "plugin_class", [action_plugin.ActionModule, images_plugin.ActionModule], ids=["minikube_start", "minikube_images"]
)
@pytest.mark.parametrize(
    ("async_dir", "results_file"), [case[1:] for case in WHERE_THE_JOB_IS], ids=[case[0] for case in WHERE_THE_JOB_IS]
)
def test_the_job_and_its_progress_are_followed_where_the_wrapper_put_them(
    printed, plugin_class, async_dir, results_file
):
    host = Host({"changed": True, "start_ran": True}, results_file=results_file)
    plugin = make_action(host, {"profile": "p"}, async_dir=async_dir, plugin_class=plugin_class)

    result = plugin.run(task_vars={"inventory_hostname": "laptop"})

    assert result["changed"] is True and "failed" not in result
    job_dir = results_file.rsplit("/", 1)[0]
    start = next(call for call in host.calls if call[2])
    # The module gets the progress file under the async directory as configured, ~ not expanded:
    # it expands it in its own environment, as the wrapper does.
    configured, name = start[1]["progress_file"].rsplit("/", 1)
    assert configured == (async_dir or "~/.ansible_async")
    polls = [call[1] for call in host.calls if call[0] == "ansible.legacy.async_status"]
    assert polls and {poll["_async_dir"] for poll in polls} == {job_dir}
    reads = [call[1]["src"] for call in host.calls if call[0] == "ansible.legacy.slurp"]
    assert reads and set(reads) == {f"{job_dir}/{name}"}
    assert ("ansible.legacy.file", {"path": f"{job_dir}/{name}", "state": "absent"}, False) in host.calls
    assert printed == [f"laptop: {plugin.label}: {line}" for line in PROGRESS]


def test_a_job_that_does_not_say_where_it_is_is_a_failure(printed):
    host = Host({"changed": True}, results_file="")
    result = make_action(host, {"profile": "p"}).run(task_vars={})
    assert result["failed"] is True and "did not say where" in result["msg"]
    assert [call[0] for call in host.calls if call[0]] == []
