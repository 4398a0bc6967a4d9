# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run sre.minikube.minikube_images in the background and print each build step as it starts.

The mechanism (an async job, a progress file polled over any connection)
is plugin_utils/streaming.py's. Its first look (which images the cluster
lacks) is made in the controller's process when the host is the controller
(plugin_utils/controller.py), with the module's own code
(module_utils/minikube_images.py: look): a re-run with every image present
starts no module at all.
"""

from __future__ import annotations

from ansible_collections.sre.minikube.plugins.module_utils.minikube import run
from ansible_collections.sre.minikube.plugins.module_utils.minikube_images import (
    ARGUMENT_SPEC,
    CONSTRAINTS,
    ImagesError,
    look,
)
from ansible_collections.sre.minikube.plugins.plugin_utils.controller import check_options, runs_here
from ansible_collections.sre.minikube.plugins.plugin_utils.streaming import StreamingAction


class ActionModule(StreamingAction):
    label = "image build"
    default_timeout = 3600

    def look_here(self):
        if not runs_here(self):
            return None
        params, failure = check_options(self, ARGUMENT_SPEC, **CONSTRAINTS)
        if failure:
            return failure
        try:
            return look(params, run)[0]
        except ImagesError as error:
            return dict(error.result, failed=True, msg=str(error))
