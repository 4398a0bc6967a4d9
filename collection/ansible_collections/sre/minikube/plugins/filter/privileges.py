# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from ansible.module_utils.parsing.convert_bool import boolean
from ansible_collections.sre.minikube.plugins.module_utils import privileges


def root_stages(run_tags, skip_tags=None):
    """The stages of site.yml that can need root among those a run with these tags runs."""
    return privileges.selected_stages(run_tags, skip_tags)


def root_reasons(stages, install_dir, install_writable, dns_become=True, trust_ca=False):
    """Why each stage needs root on the host, one sentence each; empty when none does."""
    return privileges.root_reasons(
        stages,
        install_dir,
        boolean(install_writable, strict=False),
        boolean(dns_become, strict=False),
        boolean(trust_ca, strict=False),
    )


class FilterModule:
    def filters(self):
        return {"root_stages": root_stages, "root_reasons": root_reasons}
