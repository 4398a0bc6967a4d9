#!/usr/bin/python
# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: k8s_deploy
short_description: Server-side apply a list of objects, with a Secret of generated values created once
version_added: 1.0.0
description:
  - Applies each object of O(definitions), in the order given, with a server-side apply under the field manager of
    O(server_side_apply), exactly as M(kubernetes.core.k8s) does with C(apply=true) and C(server_side_apply) (the
    same client, the same requests, the same comparison that decides RV(ignore:changed)), in one module process.
  - With O(secret), first reads that Secret. When it exists but lacks one of O(secret.keys), the module fails before
    anything is applied. When it is missing, the module creates it with a random value per key (letters and digits)
    right after the Namespace it lives in is applied (first, when O(definitions) holds no such Namespace). The values
    are never returned, shown in a diff or logged; an existing Secret is never changed.
  - Each of O(secret.copies) is a Secret of another namespace that holds some of its keys with the same values (what
    the pods of that namespace may read, and no more). A missing copy is created right after its Namespace is applied
    (after the Secret, when that is created); one that does not hold exactly its keys with the Secret's values, or
    lacks a label of its definition, is replaced. Their values are never returned, shown or logged either.
  - Returns each object as the API server now holds it, its status included.
  - With O(wait), once everything is applied, waits until every StatefulSet and Deployment of O(definitions) has
    rolled out (kubernetes.core's judgement of a ready Deployment and StatefulSet, and every wanted replica on the
    latest pod template), each in the order applied and for at most O(wait_timeout) seconds. Those the apply's
    answer shows rolled out are not read again. When one has not, the module fails with, for each such workload,
    its replica counts, its conditions and the recent events about it and its pods, then O(wait_hint); RV(pending)
    names them.
  - Every object is the caller's by a mark, the label of O(ownership) (checked on each definition before any
    request). The module creates each namespace of O(ownership.namespaces) or uses one that carries the mark; it
    refuses a namespace that exists without it (unless O(ownership.adopt_namespace) is set and the namespace is
    empty), a system namespace (C(default), C(kube-*)), and an object of O(definitions) or a copy of O(secret) that
    exists without the mark, all before anything is written.
  - With O(state=absent), deletes only the objects of O(definitions) and the copies of O(secret) that carry the mark,
    last first, and waits until each is gone, then each namespace that holds nothing else (other objects are named in
    RV(kept)). A namespace that holds the data (the Secret of O(secret), the StatefulSets' volume claims) is kept,
    with the data, unless O(delete_data) is set.
  - With a local connection, no privilege escalation and no task environment, the host is the controller itself and
    the action plugin does the module's work in the controller's own process, with the module's own code and
    options; otherwise (or without kubernetes.core on the controller) the module runs on the host.
  - Objects of an earlier version carry no mark; they are recognised by the server-side apply entry of the field
    manager of O(server_side_apply) (the Secret and the volume claims, which are created, by every label of their
    definition). With O(state=present) each gets the mark.
author:
  - sre.minikube maintainers (@sre-minikube)
requirements:
  - the kubernetes.core collection (its service code and rollout judgement are used)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - sre.minikube.kubernetes
attributes:
  check_mode:
    support: full
    details:
      - Every object is sent as a server-side dry run, so the answer is what the API server would hold.
      - Objects of a Namespace the run would create cannot be dry-run; they are reported as to be created.
      - With O(state=absent) nothing is deleted; RV(deleted) and RV(kept) say what would be.
      - With O(wait) nothing is waited for, as nothing was rolled out.
      - A missing O(secret) is reported as to be created; nothing is sent for it.
  diff_mode:
    support: full
    details:
      - One entry per object that changes; the generated values of O(secret) show as C((generated, not shown)).
options:
  state:
    description:
      - V(present) applies O(definitions); V(absent) deletes those of them that carry the mark of O(ownership).
    type: str
    choices: [present, absent]
    default: present
  ownership:
    description: Whose the objects are, and the namespaces they live in.
    type: dict
    required: true
    suboptions:
      namespaces:
        description:
          - The namespaces every object of O(definitions) lives in (or is), one or more. Never C(default) or
            C(kube-*).
          - With O(state=absent) they are deleted, once empty, in the reverse order.
        type: list
        elements: str
        required: true
        aliases: [namespace]
      label:
        description: The key of the label that marks the objects as the caller's.
        type: str
        required: true
      value:
        description: Its value.
        type: str
        required: true
      adopt_namespace:
        description:
          - Take over a namespace of O(ownership.namespaces) that exists without the mark, provided it holds nothing
            but what Kubernetes puts in every namespace. Once adopted it carries the mark.
        type: bool
        default: false
      hint:
        description: Text added to the refusal of a namespace that exists without the mark (what the user can do).
        type: str
        default: ""
  delete_data:
    description:
      - With O(state=absent), also delete the Secret of O(secret), the volume claims of the StatefulSets of
        O(definitions) and the namespaces they are in, each only when it is the caller's; a namespace only when
        nothing else is left in it.
    type: bool
    default: false
  wait:
    description:
      - With O(state=present), wait until the StatefulSets and Deployments of O(definitions) have rolled out, and fail
        with the reasons when they have not within O(wait_timeout).
    type: bool
    default: false
  wait_timeout:
    description:
      - Seconds to wait for the rollout (O(wait)), or, with O(state=absent), for each deleted object to be gone.
    type: int
    default: 300
  wait_hint:
    description: Text added to the failure of a rollout that did not finish (what the user can check).
    type: str
    default: ""
  definitions:
    description:
      - The objects to apply, in order (a Namespace before what lives in it). Each needs C(apiVersion), C(kind) and
        C(metadata.name).
    type: list
    elements: dict
    required: true
  retired:
    description:
      - Objects the caller applied before and no longer does (an earlier layout), each with C(apiVersion), C(kind),
        C(metadata.name), C(metadata.namespace) (one of O(ownership.namespaces)) and the mark.
      - With O(state=present), once O(definitions) are applied, each that exists and is the caller's is deleted, last
        first, and waited for up to O(wait_timeout) seconds; one without the mark is left alone and named in
        RV(kept). With O(state=absent) they are deleted first, with the rest.
    type: list
    elements: dict
    default: []
    version_added: 1.1.0
  server_side_apply:
    description:
      - The server-side apply's settings, as for M(kubernetes.core.k8s).
      - With O(state=absent) only O(server_side_apply.field_manager) is used, to recognise an earlier version's objects.
    type: dict
    required: true
    suboptions:
      field_manager:
        description: The field manager the API server records as the owner of the fields these objects set.
        type: str
        required: true
      force_conflicts:
        description: Take over the fields another manager changed (C(kubectl edit), C(kubectl scale)).
        type: bool
        default: false
  secret:
    description:
      - A Secret of generated values that is created once and then only checked.
    type: dict
    suboptions:
      definition:
        description:
          - The Secret without its values (C(apiVersion), C(kind), C(metadata) with name and namespace, C(type));
            C(data) and C(stringData) are ignored.
        type: dict
        required: true
      keys:
        description: The keys the Secret must hold; each gets a generated value when the Secret is created.
        type: list
        elements: str
        required: true
      length:
        description: Characters of each generated value.
        type: int
        default: 40
      hint:
        description: Text added to the refusal of a Secret that lacks a key (what the user can do).
        type: str
        default: ""
      copies:
        description:
          - Secrets in other namespaces of O(ownership.namespaces) that hold some of the keys with the Secret's
            values.
        type: list
        elements: dict
        default: []
        suboptions:
          definition:
            description:
              - The copy without its values (C(apiVersion), C(kind), C(metadata) with name, namespace and the mark,
                C(type)).
            type: dict
            required: true
          keys:
            description: The keys of O(secret.keys) it holds.
            type: list
            elements: str
            required: true
  hidden_fields:
    description:
      - Fields left out of the returned objects and diffs, as for M(kubernetes.core.k8s).
    type: list
    elements: str
    default: [metadata.managedFields]
seealso:
  - module: kubernetes.core.k8s
"""

EXAMPLES = r"""
- name: Apply the services' objects, creating the database credentials once
  sre.minikube.k8s_deploy:
    context: sre-minikube
    definitions: "{{ objects }}"
    ownership: &ownership
      namespaces: [invoice, invoice-billing]
      label: sre.minikube/owner
      value: app_deploy
    server_side_apply:
      field_manager: sre.minikube.app_deploy
      force_conflicts: true
    secret:
      definition:
        apiVersion: v1
        kind: Secret
        metadata:
          name: postgres-credentials
          namespace: invoice
        type: Opaque
      keys: [postgres-password, invoice-app-password]
      # invoice-app's pods read their password in their own namespace.
      copies:
        - definition:
            apiVersion: v1
            kind: Secret
            metadata:
              name: postgres-credentials
              namespace: invoice-billing
              labels:
                sre.minikube/owner: app_deploy
            type: Opaque
          keys: [invoice-app-password]
    wait: true
    wait_timeout: 300
    wait_hint: Check that the images exist in the cluster.
  register: applied

- name: Remove them, the data and the namespace too, leaving anything that does not carry the mark
  sre.minikube.k8s_deploy:
    context: sre-minikube
    state: absent
    delete_data: true
    definitions: "{{ objects }}"
    ownership: *ownership
    server_side_apply:
      field_manager: sre.minikube.app_deploy
    secret:
      definition: "{{ credentials }}"
      keys: [postgres-password]
"""

RETURN = r"""
objects:
  description:
    - Each object as the API server now holds it (in check mode, as it would), status included, in the order
      applied; a created Secret appears with its key names only.
  type: list
  elements: dict
  returned: always
deleted:
  description:
    - Each object deleted (in check mode, to be deleted), as C(Kind namespace/name); with O(state=present), the
      objects of O(retired) only.
  type: list
  elements: str
  returned: always
  sample: [Deployment invoice/invoice-app, Namespace invoice]
kept:
  description:
    - With O(state=absent) (and of O(retired) with O(state=present)), each object found but not deleted, and why;
      C(foreign) when that is something the caller did not make (the object itself, or what a namespace holds), not
      data kept on purpose.
  type: list
  elements: dict
  returned: always
  sample:
    - object: ConfigMap invoice/notes
      reason: "it has no label sre.minikube/owner=app_deploy: the deployer did not make it"
      foreign: true
    - object: Secret invoice/postgres-credentials
      reason: it holds the data (delete_data is false)
      foreign: false
pending:
  description:
    - With O(wait), the StatefulSets and Deployments that had not rolled out when the wait ended, as
      C(Kind namespace/name) (the module then fails); empty otherwise.
  type: list
  elements: str
  returned: always
  sample: [Deployment invoice/payment-provider]
diff:
  description: With C(--diff), one before/after entry per object that changes.
  type: list
  elements: dict
  returned: when diff mode is on
"""

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible_collections.sre.minikube.plugins.module_utils.k8s_deploy import (
    ARGUMENT_SPEC,
    IMPORT_ERROR,
    DeployError,
    argument_problems,
    execute,
    service,
)
from ansible_collections.sre.minikube.plugins.module_utils.kube_client import KubeClientError, client

try:
    from ansible_collections.kubernetes.core.plugins.module_utils.k8s.core import AnsibleK8SModule
except ImportError:  # reported below, as IMPORT_ERROR
    AnsibleK8SModule = None


def main():
    if IMPORT_ERROR is not None:
        module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
        module.fail_json(msg=missing_required_lib("the kubernetes.core collection"), exception=str(IMPORT_ERROR))
    module = AnsibleK8SModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    params = module.params
    problems = argument_problems(params)
    if problems:
        module.fail_json(msg=" ".join(problems), problems=problems)
    try:
        svc = service(client(params["kubeconfig"], params["context"], dry_run=module.check_mode), module)
        result = execute(svc, params, module.check_mode, module._diff, module.warn)
    except DeployError as error:
        module.fail_json(msg=str(error), **error.result)
    except KubeClientError as error:
        module.fail_json(msg=str(error))
    module.exit_json(**result)


if __name__ == "__main__":
    main()
