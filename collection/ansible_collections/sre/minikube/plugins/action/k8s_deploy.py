# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Do sre.minikube.k8s_deploy's work in the controller's process when the host is the controller.

When the module would run here as this process does (plugin_utils/controller.py),
its options are checked against the module's own argument spec and its own
code (module_utils/k8s_deploy.py: argument_problems, execute) applies the
objects, with the same kubernetes.core client and service, check mode and
diff. This saves the module process: a Python start, the module's payload
with kubernetes.core's module_utils, and its arguments (every manifest)
serialised and read back. Any other connection, or a controller without
kubernetes.core, runs the module on the host.
"""

from __future__ import annotations

from ansible_collections.sre.minikube.plugins.module_utils.k8s_deploy import (
    ARGUMENT_SPEC,
    IMPORT_ERROR,
    DeployError,
    argument_problems,
    execute,
    service,
)
from ansible_collections.sre.minikube.plugins.module_utils.kube_client import KubeClientError, client
from ansible_collections.sre.minikube.plugins.plugin_utils.controller import ControllerAction


class Host:
    """What kubernetes.core's K8sService asks of its module: the options, check mode and warnings."""

    def __init__(self, params, check_mode, diff):
        self.params = params
        self.check_mode = check_mode
        self._diff = diff
        self.warnings = []

    def warn(self, warning):
        self.warnings.append(warning)


class ActionModule(ControllerAction):
    argument_spec = ARGUMENT_SPEC

    def available(self):
        return IMPORT_ERROR is None

    def work(self, params, check_mode, diff):
        problems = argument_problems(params)
        if problems:
            return {"failed": True, "msg": " ".join(problems), "problems": problems}
        host = Host(params, check_mode, diff)
        try:
            svc = service(client(params["kubeconfig"], params["context"], dry_run=check_mode), host)
            result = execute(svc, params, check_mode, diff, host.warn)
        except DeployError as error:
            result = dict(error.result, failed=True, msg=str(error))
        except KubeClientError as error:
            result = {"failed": True, "msg": str(error)}
        if host.warnings:
            result["warnings"] = host.warnings
        return result
