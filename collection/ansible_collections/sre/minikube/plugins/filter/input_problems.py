# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from ansible_collections.sre.minikube.plugins.module_utils.inputs import problems


def input_problems(checks):
    """Every value of CHECKS that breaks its named rule, one sentence each (empty when all follow theirs)."""
    return problems(checks)


class FilterModule:
    def filters(self):
        return {"input_problems": input_problems}
