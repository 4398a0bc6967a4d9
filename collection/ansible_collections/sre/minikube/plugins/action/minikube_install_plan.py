# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Make sre.minikube.minikube_install_plan's plan in the controller's process when the host is the controller.

When the module would run here as this process does (plugin_utils/controller.py),
its options are checked against the module's own argument spec and its own
code (module_utils/install_plan.py: plan) looks at this host, with this
process's environment; no module process is started. Any other connection
runs the module on the host.
"""

from __future__ import annotations

import os
import platform

from ansible_collections.sre.minikube.plugins.module_utils.install_plan import ARGUMENT_SPEC, PlanError, plan
from ansible_collections.sre.minikube.plugins.plugin_utils.controller import ControllerAction


class ActionModule(ControllerAction):
    argument_spec = ARGUMENT_SPEC

    def work(self, params, check_mode, diff):
        try:
            return dict(plan(params, platform.system(), platform.machine(), os.environ), changed=False)
        except PlanError as error:
            return {"failed": True, "msg": str(error)}
