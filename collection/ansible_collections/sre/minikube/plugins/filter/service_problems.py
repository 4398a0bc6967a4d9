# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from ansible_collections.sre.minikube.plugins.module_utils.services import problems


def service_problems(services, where="services", reserved=None):
    """Every problem of a list of services, one sentence each (empty when the list is good)."""
    return problems(services, where=where, reserved=reserved or ())


class FilterModule:
    def filters(self):
        return {"service_problems": service_problems}
