# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # How the modules that talk to the Kubernetes API find the cluster: a
    # kubeconfig and a context, given to kubernetes.core's client factory
    # (module_utils kube_client), so they are read as kubernetes.core's own
    # modules read them.
    DOCUMENTATION = r"""
requirements:
  - kubernetes (the Python client, as for kubernetes.core)
  - the kubernetes.core collection (its client factory is used)
options:
  kubeconfig:
    description:
      - Path to the kubeconfig file.
      - When not given, kubernetes.core's lookup applies (E(K8S_AUTH_KUBECONFIG), the in-cluster configuration,
        E(KUBECONFIG), then C(~/.kube/config)).
    type: path
  context:
    description:
      - Context of the kubeconfig to use (E(K8S_AUTH_CONTEXT) when not given). The current context when neither is.
    type: str
attributes:
  platform:
    platforms: posix
"""
