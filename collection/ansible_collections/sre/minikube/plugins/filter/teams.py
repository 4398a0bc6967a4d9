# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from ansible_collections.sre.minikube.plugins.module_utils.services import teams as services_teams


def teams(services, namespace, group_prefix=""):
    """The teams of SERVICES (module_utils services.teams) in the stack whose namespace is NAMESPACE."""
    return services_teams(services, namespace, group_prefix)


class FilterModule:
    def filters(self):
        return {"teams": teams}
