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

    # The modules run by an action plugin of the collection that shows their
    # progress (minikube_start, minikube_images): the plugin runs the module
    # as an async job of its own, on the host, once per host.
    ACTION = r"""
attributes:
  action:
    support: full
  async:
    support: none
  bypass_host_loop:
    support: none
  diff_mode:
    support: none
"""
