# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from ansible_collections.sre.minikube.plugins.module_utils.front_door import build


def front_door_model(settings, prefix="cluster_addons_"):
    """The front door's model (module_utils front_door.build) with SETTINGS."""
    return build(settings, prefix)


class FilterModule:
    def filters(self):
        return {"front_door_model": front_door_model}
