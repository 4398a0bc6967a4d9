# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from ansible_collections.sre.minikube.plugins.module_utils.deploy_model import build


def deploy_model(settings, services, prefix="app_deploy_"):
    """The stack's model (module_utils deploy_model.build) of SERVICES with SETTINGS."""
    return build(services, settings, prefix)


class FilterModule:
    def filters(self):
        return {"deploy_model": deploy_model}
