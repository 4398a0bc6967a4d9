# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check the cluster for sre.minikube.cluster_check in the controller's process when the host is the controller.

When the module would run here as this process does (plugin_utils/controller.py),
its options are checked against the module's own argument spec and rules,
and its own code (module_utils/cluster_check.py: survey) reads the cluster
with the same client and readers. This saves the module process (a Python
start and the module's payload). Any other connection, or a controller
without kubernetes.core, runs the module on the host.
"""

from __future__ import annotations

from ansible_collections.sre.minikube.plugins.module_utils.cluster_check import ARGUMENT_SPEC, input_checks, survey
from ansible_collections.sre.minikube.plugins.module_utils.inputs import problems
from ansible_collections.sre.minikube.plugins.module_utils.kube_client import IMPORT_ERROR, api_client
from ansible_collections.sre.minikube.plugins.module_utils.kube_read import read_served, server_version
from ansible_collections.sre.minikube.plugins.plugin_utils.controller import ControllerAction


class ActionModule(ControllerAction):
    argument_spec = ARGUMENT_SPEC

    def available(self):
        return IMPORT_ERROR is None

    def work(self, params, check_mode, diff):
        found = problems(input_checks(params))
        if found:
            return {"failed": True, "msg": " ".join(found), "problems": found}
        return survey(params, api_client, server_version, read_served)
