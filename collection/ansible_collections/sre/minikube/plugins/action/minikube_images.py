# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run sre.minikube.minikube_images in the background and print each build step as it starts.

The same mechanism as sre.minikube.minikube_start's plugin: the module runs
as an asynchronous job and appends progress lines to a file that this plugin
reads and prints while the builds run.
"""

from __future__ import annotations

from ansible_collections.sre.minikube.plugins.action.minikube_start import ActionModule as StreamingAction


class ActionModule(StreamingAction):
    label = "image build"
    default_timeout = 3600
