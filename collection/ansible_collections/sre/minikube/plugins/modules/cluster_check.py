#!/usr/bin/python
# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: cluster_check
short_description: Check that an existing Kubernetes cluster offers what the stack needs, changing nothing
version_added: 1.1.0
description:
  - Reads a cluster the stack did not create, named by O(context) in O(kubeconfig), and fails, before anything is
    changed, with every thing that is missing for the stack, each in a sentence that says what to change.
  - Reads the API server's C(/version) and fails when its Kubernetes release is older than O(min_version). The
    version is taken from the answer's C(major) and C(minor) fields, with or without a provider's suffix (V(31+)),
    or from C(gitVersion) (V(v1.35.4), V(v1.31.2-eks-abc), V(v1.30.1+k3s1)).
  - With O(front_door=gateway), reads the GatewayClasses (C(gateway.networking.k8s.io/v1)) and fails when the
    cluster does not serve the Gateway API, when no GatewayClass is named O(class_name), or when that one's
    C(Accepted) condition is not V(True) (its controller has not taken it).
  - With O(front_door=ingress), reads the IngressClasses and fails when none is named O(class_name).
  - Reads the StorageClasses and fails when the database's volume claim would get none, that is when O(storage_class)
    is empty and no StorageClass is marked default (the annotation C(storageclass.kubernetes.io/is-default-class),
    or its beta form, set to V("true")), or when O(storage_class) names a StorageClass that does not exist.
  - A read the API server refuses (no permission) is a problem of its own, with the permission that allows it; the
    other checks still run. All problems are reported at once, in RV(problems) and joined in C(msg).
  - The problems name the stack's settings to change (C(sre_minikube_front_door), C(sre_minikube_gateway_class),
    C(sre_minikube_ingress_class), C(app_deploy_postgres_storage_class), C(sre_minikube_context)).
  - When O(context) is not in the kubeconfig, or its API server does not answer or refuses its credentials, the
    module fails with a message that names the context and the kubeconfig and says what to check.
  - With a local connection, no privilege escalation and no task environment, the host is the controller itself and
    the action plugin does the module's work in the controller's own process, with the module's own code and
    options; otherwise (or without kubernetes.core on the controller) the module runs on the host.
author:
  - sre.minikube maintainers (@sre-minikube)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - sre.minikube.kubernetes
  - sre.minikube.attributes.read_only
attributes:
  check_mode:
    details:
      - The module only reads; check mode reads and answers the same.
options:
  front_door:
    description:
      - How the stack's services will be reached from outside the cluster, which decides the class that must exist.
      - V(gateway) needs the Gateway API and an Accepted GatewayClass named O(class_name); V(ingress) needs an
        IngressClass named O(class_name).
    type: str
    required: true
    choices: [gateway, ingress]
  class_name:
    description:
      - Name of the GatewayClass (O(front_door=gateway)) or IngressClass (O(front_door=ingress)) the stack's
        Gateway or Ingress will name.
    type: str
    required: true
  min_version:
    description:
      - The oldest Kubernetes minor release the stack supports, as V(MAJOR.MINOR) (V(1.30)); a leading V(v) is
        allowed. The server's patch release is not compared.
    type: str
    required: true
  storage_class:
    description:
      - The StorageClass the database's volume claim names. Empty means the claim names none and gets the cluster's
        default StorageClass, which must then exist.
    type: str
    default: ""
  checks:
    description:
      - What to judge, V(version) (O(min_version)), V(front_door) (O(class_name)) and V(storage) (O(storage_class));
        what is left out is neither read, but for the server's version, nor reported.
    type: list
    elements: str
    choices: [version, front_door, storage]
    default: [version, front_door, storage]
notes:
  - The user of the context needs C(get) on the non-resource URL C(/version) (every authenticated user has it by
    default) and C(get) and C(list) on C(storageclasses) and on C(gatewayclasses) or C(ingressclasses), all
    cluster-wide.
seealso:
  - module: kubernetes.core.k8s_cluster_info
"""

EXAMPLES = r"""
- name: Stop before anything is changed unless the team's cluster offers a Gateway API controller and volumes
  sre.minikube.cluster_check:
    kubeconfig: ~/.kube/config
    context: team-staging
    front_door: gateway
    class_name: traefik
    min_version: "1.30"

- name: The same for an ingress controller, with the database's StorageClass named
  sre.minikube.cluster_check:
    context: team-staging
    front_door: ingress
    class_name: nginx
    min_version: "1.30"
    storage_class: fast-ssd
  register: cluster

- name: Show what was found
  ansible.builtin.debug:
    msg: "Kubernetes {{ cluster.server_version }}, volumes from StorageClass {{ cluster.storage_class }}"
"""

RETURN = r"""
server_version:
  description: The API server's version as C(/version) gives it (its C(gitVersion)); V(null) when it could not be read.
  returned: when the cluster answered
  type: str
  sample: v1.31.2-eks-1a2b3c4
gateway_class:
  description: The GatewayClass named O(class_name); V(null) when it is missing or could not be read.
  returned: when the cluster answered, with O(front_door=gateway)
  type: dict
  contains:
    name:
      description: Its name.
      type: str
      sample: traefik
    controller:
      description: Its C(spec.controllerName).
      type: str
      sample: traefik.io/gateway-controller
    accepted:
      description: Whether its C(Accepted) condition is V(True).
      type: bool
      sample: true
ingress_class:
  description: The IngressClass named O(class_name); V(null) when it is missing or could not be read.
  returned: when the cluster answered, with O(front_door=ingress)
  type: dict
  contains:
    name:
      description: Its name.
      type: str
      sample: nginx
    controller:
      description: Its C(spec.controller).
      type: str
      sample: k8s.io/ingress-nginx
default_storage_class:
  description:
    - The StorageClass a volume claim without C(storageClassName) gets (of several marked default, the newest, as
      the API server picks it); V(null) when none is marked default.
  returned: when the cluster answered
  type: str
  sample: standard
storage_class:
  description:
    - The StorageClass the database's volume claim would get, O(storage_class) or the default; V(null) when there is
      none.
  returned: when the cluster answered
  type: str
  sample: standard
problems:
  description: Every problem found, one sentence each, saying what is missing and what to change; empty when none.
  returned: when the cluster answered
  type: list
  elements: str
  sample:
    - >-
      No GatewayClass named 'sre-minikube': the cluster has GatewayClasses istio, traefik. Set
      sre_minikube_gateway_class to one of them, or install a Gateway API controller.
"""

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible_collections.sre.minikube.plugins.module_utils.cluster_check import ARGUMENT_SPEC, input_checks, survey
from ansible_collections.sre.minikube.plugins.module_utils.inputs import refuse
from ansible_collections.sre.minikube.plugins.module_utils.kube_client import IMPORT_ERROR, api_client
from ansible_collections.sre.minikube.plugins.module_utils.kube_read import read_served, server_version


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    refuse(module, input_checks(module.params))
    if IMPORT_ERROR is not None:
        module.fail_json(msg=missing_required_lib("the kubernetes.core collection"), exception=str(IMPORT_ERROR))
    result = survey(module.params, api_client, server_version, read_served)
    if result.get("failed"):
        module.fail_json(**result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
