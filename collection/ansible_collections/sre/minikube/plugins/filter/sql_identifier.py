# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from ansible_collections.sre.minikube.plugins.module_utils.services import quote_identifier


def sql_identifier(name):
    """NAME quoted as a Postgres identifier."""
    return quote_identifier(name)


class FilterModule:
    def filters(self):
        return {"sql_identifier": sql_identifier}
