# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run sre.minikube.verify_payments's checks in the controller's process when the host is the controller.

When the module would run here as this process does (plugin_utils/controller.py),
its options are checked against the module's own argument spec and rules,
and its own code (module_utils/verify_payments.py: verify, Transports) pays
and checks, with the same client, port-forwards and requests. This saves
the module process (a Python start and the module's payload). Any other
connection, or a controller without the kubernetes client, runs the module
on the host.
"""

from __future__ import annotations

from ansible_collections.sre.minikube.plugins.module_utils.inputs import problems
from ansible_collections.sre.minikube.plugins.module_utils.kube_client import api_client
from ansible_collections.sre.minikube.plugins.module_utils.pod_request import HAS_KUBERNETES
from ansible_collections.sre.minikube.plugins.module_utils.verify_payments import (
    ARGUMENT_SPEC,
    RunError,
    Transports,
    input_checks,
    verify,
)
from ansible_collections.sre.minikube.plugins.plugin_utils.controller import ControllerAction


class ActionModule(ControllerAction):
    argument_spec = ARGUMENT_SPEC

    def available(self):
        return HAS_KUBERNETES

    def work(self, params, check_mode, diff):
        found = problems(input_checks(params))
        if found:
            return {"failed": True, "msg": " ".join(found), "problems": found}
        try:
            return verify(params, check_mode, api_client, Transports)
        except RunError as error:
            return {"failed": True, "msg": str(error), "report": error.report}
