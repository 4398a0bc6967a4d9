# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Enable sre.minikube.minikube_addons's addons from the controller's process when the host is the controller.

When the module would run here as this process does (plugin_utils/controller.py),
its options are checked against the module's own argument spec and its own
code (module_utils/minikube_addons.py: enable) lists and enables the addons
and reads their Deployments, running minikube from this process. This saves
the module process (a Python start and the module's payload). Any other
connection runs the module on the host.
"""

from __future__ import annotations

from ansible_collections.sre.minikube.plugins.module_utils.minikube import run
from ansible_collections.sre.minikube.plugins.module_utils.minikube_addons import ARGUMENT_SPEC, AddonsError, enable
from ansible_collections.sre.minikube.plugins.plugin_utils.controller import ControllerAction


class ActionModule(ControllerAction):
    argument_spec = ARGUMENT_SPEC

    def work(self, params, check_mode, diff):
        try:
            return enable(params, check_mode, diff, run)
        except AddonsError as error:
            return dict(error.result, failed=True, msg=str(error))
