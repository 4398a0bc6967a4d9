# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Do a module's work in the controller's process when the module would run as that process anyway.

With a local connection, no privilege escalation and no task environment,
a module runs as this process's user, with its home, its environment and
its file system. An action plugin may then do the module's work in its own
process, with the module's own code: no Python is started, no module
payload is built, and its arguments are not serialised and read back.
"""

from __future__ import annotations

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.errors import UnsupportedError
from ansible.plugins.action import ActionBase


def runs_here(action):
    """Whether the task of ACTION (an ActionBase) would run its module as this very process's user, here."""
    return (
        getattr(action._connection, "transport", "") == "local"
        and not action._play_context.become
        and not any(action._task.environment or [])
    )


def check_options(action, spec, **constraints):
    """The task's options checked against the module's argument SPEC (and CONSTRAINTS such as mutually_exclusive):
    (the options, None), or (None, the failure AnsibleModule reports: its first error)."""
    checked = ArgumentSpecValidator(spec, **constraints).validate(dict(action._task.args))
    if not checked.error_messages:
        return checked.validated_parameters, None
    msg = checked.errors.msg
    if isinstance(checked.errors[0], UnsupportedError):
        msg = f"Unsupported parameters for ({action._task.action.rsplit('.', 1)[-1]}) module: {msg}"
    return None, {"failed": True, "msg": msg}


class ControllerAction(ActionBase):
    """Runs the task's module on the host, or its work here when runs_here() says the host is this process's
    (an async task always runs on the host).

    A plugin gives the module's argument spec and work(params, check_mode, diff), which returns the
    module's result (failed and msg when it fails); available() says whether this process can do it (the
    libraries the work needs import here).
    """

    _supports_check_mode = True
    _supports_async = True

    argument_spec = None

    def available(self):
        return True

    def work(self, params, check_mode, diff):
        raise NotImplementedError

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp
        if self._task.async_val or not (self.available() and runs_here(self)):
            # On the host, as the normal action runs a module (an async task too).
            wrap_async = self._task.async_val and not self._connection.has_native_async
            result.update(self._execute_module(task_vars=task_vars, wrap_async=wrap_async))
            if not wrap_async:
                self._remove_tmp_path(self._connection._shell.tmpdir)
            return result
        params, failure = check_options(self, self.argument_spec)
        result.update(failure or self.work(params, bool(self._task.check_mode), bool(self._task.diff)))
        return result
