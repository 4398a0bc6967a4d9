# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # How the modules that talk to the Kubernetes API themselves (pod_request,
    # verify_payments) find the cluster: a kubeconfig and a context, read by
    # the Python client as kubernetes.core's modules read them.
    DOCUMENTATION = r"""
requirements:
  - kubernetes (the Python client, as for kubernetes.core)
options:
  kubeconfig:
    description:
      - Path to the kubeconfig file.
      - When not given, the Python client's standard lookup applies
        (E(KUBECONFIG), then C(~/.kube/config)).
    type: path
  context:
    description:
      - Context of the kubeconfig to use. The current context when not given.
    type: str
attributes:
  platform:
    platforms: posix
"""
