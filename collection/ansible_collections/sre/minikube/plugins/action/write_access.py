# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Answer sre.minikube.write_access in the controller's process when the host is the controller.

With a local connection, no privilege escalation and no task environment,
the module would run as this very process's user, with this process's
home and file system: the answer is computed here, with the module's own
function, and no process is started. Any other connection runs the module
on the host.
"""

from __future__ import annotations

import os

from ansible.plugins.action import ActionBase
from ansible_collections.sre.minikube.plugins.module_utils.privileges import write_access
from ansible_collections.sre.minikube.plugins.plugin_utils.controller import runs_here


class ActionModule(ActionBase):
    _supports_check_mode = True
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp
        if runs_here(self):
            path = self._task.args.get("path")
            if not isinstance(path, str) or not path:
                result.update(failed=True, msg="path is required: the directory to write into")
                return result
            # As the module's path type does: the user's home, then environment variables.
            expanded = os.path.expandvars(os.path.expanduser(path))
            result.update(changed=False, **write_access(expanded, os.geteuid()))
            return result
        result.update(self._execute_module(module_args=dict(self._task.args), task_vars=task_vars))
        return result
