# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # The minikube program every minikube_* module runs.
    DOCUMENTATION = r"""
options:
  binary:
    description: The minikube program, a name on E(PATH) or a path.
    type: str
    default: minikube
attributes:
  platform:
    platforms: posix
"""

    # The profile of the modules that act on one cluster.
    PROFILE = r"""
options:
  profile:
    description: The profile (cluster) name.
    type: str
    required: true
"""
