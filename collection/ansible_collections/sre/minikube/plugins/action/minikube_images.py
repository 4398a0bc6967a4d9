# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run sre.minikube.minikube_images in the background and print each build step as it starts.

The mechanism (an async job, a progress file polled over any connection)
is plugin_utils/streaming.py's.
"""

from __future__ import annotations

from ansible_collections.sre.minikube.plugins.plugin_utils.streaming import StreamingAction


class ActionModule(StreamingAction):
    label = "image build"
    default_timeout = 3600
