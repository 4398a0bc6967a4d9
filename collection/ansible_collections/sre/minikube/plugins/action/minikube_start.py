# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run sre.minikube.minikube_start in the background and print minikube's steps as they arrive.

The mechanism (an async job, a progress file polled over any connection)
is plugin_utils/streaming.py's. Its first look (whether the cluster must be
started) is made in the controller's process when the host is the
controller (plugin_utils/controller.py), with the module's own code
(module_utils/minikube_start.py: examine, in check mode): a re-run on a
running cluster starts no module at all.
"""

from __future__ import annotations

from ansible_collections.sre.minikube.plugins.module_utils.minikube import Minikube, run
from ansible_collections.sre.minikube.plugins.module_utils.minikube_start import ARGUMENT_SPEC, StartError, examine
from ansible_collections.sre.minikube.plugins.plugin_utils.controller import check_options, runs_here
from ansible_collections.sre.minikube.plugins.plugin_utils.streaming import StreamingAction


class ActionModule(StreamingAction):
    label = "minikube"
    default_timeout = 1800

    def look_here(self):
        if not runs_here(self):
            return None
        params, failure = check_options(self, ARGUMENT_SPEC)
        if failure:
            return failure
        minikube = Minikube(params["binary"], run, params["profile"])
        try:
            return examine(params, minikube, minikube, check_mode=True)[2]
        except StartError as error:
            return dict(error.result, failed=True, msg=str(error))
