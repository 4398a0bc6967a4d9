# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The base of the action plugins that run a long module in the background and print its progress as it arrives.

A first `minikube start` takes minutes, and so do image builds. The module
(sre.minikube.minikube_start, sre.minikube.minikube_images) appends one
readable line per step to a progress file on the managed host; the plugin
first looks in check mode (a re-run with nothing to do ends there), else
starts the module asynchronously (async_wrapper, as ansible.builtin.gather_facts
does for its time-out), then polls the job and the progress file with
ansible.builtin.async_status and ansible.builtin.slurp, which work over any
connection, and prints each new line with Ansible's display. The task's
result is the module's.

The job and the progress file live in the one async directory Ansible's
async wrapper uses (the shell's async_dir, ~/.ansible_async by default),
wherever that is on the host: the wrapper expands ``~`` itself, in the
module's environment (its HOME, which need not be the account's home
directory: a CI runner, sudo -E, a container, a task environment), and says
where it put the job (results_file). The plugin follows the job there,
never expanding the directory on its own; the module gets the progress
file under the same unexpanded directory and expands it the same way, in
the same environment, so both files end up side by side.
"""

from __future__ import annotations

import base64
import posixpath
import time
import uuid

from ansible import constants as C
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

display = Display()

# Seconds between two looks at the job and its progress file.
POLL_INTERVAL = 3
# What the job adds to the result that is not the module's.
_JOB_KEYS = ("ansible_job_id", "finished", "results_file", "started", "stdout_lines", "stderr_lines")


class StreamingAction(ActionBase):
    """Runs the task's module as an async job and prints its progress file's new lines while it runs."""

    _supports_check_mode = True
    _supports_async = False

    poll_interval = POLL_INTERVAL
    # Each plugin says what its progress lines are prefixed with, and its module's default time-out (seconds).
    label = None
    default_timeout = None

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp
        if self._task.check_mode:
            # Nothing runs for long in check mode: the module says what it would do.
            result.update(self._execute_module(task_vars=task_vars))
            return result

        # A re-run usually has nothing to do (the cluster runs, the images are
        # there): one quick look in check mode answers it without a job and its
        # polls. Only when there is work, or the look fails, does the job run.
        look = self.look(task_vars)
        if not look.get("failed") and not look.get("changed"):
            result.update(look)
            return result

        # As the async wrapper gets it: expanded on the host, by the module's own process.
        async_dir = self.get_shell_option("async_dir", default="~/.ansible_async")
        name = self._task.action.rsplit(".", 1)[-1].replace("_", "-")
        progress_name = f"sre-{name}-{uuid.uuid4().hex}.progress"
        args = dict(self._task.args, progress_file=self._connection._shell.join_path(async_dir, progress_name))
        timeout = int(args.get("timeout") or self.default_timeout)

        saved = self._task.async_val
        self._task.async_val = timeout
        try:
            job = self._execute_module(module_args=args, task_vars=task_vars, wrap_async=True)
        finally:
            self._task.async_val = saved
        if job.get("failed") or "ansible_job_id" not in job:
            result.update(job)
            return result
        if not job.get("results_file"):
            result.update(failed=True, msg=f"{self._task.action}: the async job did not say where it writes its result")
            return result

        # Where the wrapper put the job: the async directory, as the host expanded it.
        job_dir = posixpath.dirname(job["results_file"])
        progress = self._connection._shell.join_path(job_dir, progress_name)
        final = self.follow(job["ansible_job_id"], job_dir, progress, timeout, task_vars)
        result.update({key: value for key, value in final.items() if key not in _JOB_KEYS})
        if result.get("failed") and result.get("msg"):
            # The failure as lines of text (reason, message, advice, hint), not only inside the result's JSON.
            host = task_vars.get("inventory_hostname", "") if task_vars else ""
            for line in str(result["msg"]).splitlines():
                display.display(f"{host}: {line}" if host else line, color=C.COLOR_ERROR)
        return result

    def look_here(self):
        """The look's answer worked out in this process, or None to ask the module (the default)."""
        return None

    def look(self, task_vars):
        """The module's answer in check mode: what a run would change, found without changing anything."""
        here = self.look_here()
        if here is not None:
            return here
        saved = self._task.check_mode
        self._task.check_mode = True
        try:
            return self._execute_module(module_args=dict(self._task.args), task_vars=task_vars)
        finally:
            self._task.check_mode = saved

    def follow(self, jid, async_dir, progress, timeout, task_vars):
        """Poll the job until it ends, printing the progress file's new lines; the job's last status."""
        host = task_vars.get("inventory_hostname", "") if task_vars else ""
        deadline = time.monotonic() + timeout + 60
        shown = 0
        try:
            while True:
                time.sleep(self.poll_interval)
                status = self._execute_module(
                    module_name="ansible.legacy.async_status",
                    module_args={"jid": jid, "_async_dir": async_dir},
                    task_vars=task_vars,
                )
                shown = self.show(progress, shown, host, task_vars)
                if status.get("finished") or (status.get("failed") and "finished" not in status):
                    return status
                if time.monotonic() > deadline:
                    return {"failed": True, "msg": f"{self._task.action} did not end within {timeout} s"}
        finally:
            self._execute_module(
                module_name="ansible.legacy.async_status",
                module_args={"jid": jid, "mode": "cleanup", "_async_dir": async_dir},
                task_vars=task_vars,
            )
            self._execute_module(
                module_name="ansible.legacy.file",
                module_args={"path": progress, "state": "absent"},
                task_vars=task_vars,
            )
            self._remove_tmp_path(self._connection._shell.tmpdir)

    def show(self, progress, shown, host, task_vars):
        """Print the progress file's lines after the first `shown`; the number of lines printed in all."""
        read = self._execute_module(
            module_name="ansible.legacy.slurp", module_args={"src": progress}, task_vars=task_vars
        )
        if read.get("failed"):
            # Not written yet: minikube has printed nothing so far.
            return shown
        lines = base64.b64decode(read.get("content", "")).decode("utf-8", "replace").splitlines()
        for line in lines[shown:]:
            display.display(f"{host}: {self.label}: {line}" if host else f"{self.label}: {line}")
        return max(shown, len(lines))
