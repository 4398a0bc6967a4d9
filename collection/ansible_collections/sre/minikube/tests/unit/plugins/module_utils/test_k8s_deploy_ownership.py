# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ownership judgements of sre.minikube.k8s_deploy: pure functions on objects as the API server holds them."""

from __future__ import annotations

import pytest
from ansible_collections.sre.minikube.plugins.module_utils.k8s_deploy import (
    Owner,
    claims_of,
    foreign_objects,
    ownership_problems,
    system_namespace,
)

LABEL, VALUE, MANAGER = "sre.minikube/owner", "app_deploy", "sre.minikube.app_deploy"
OWNER = Owner(LABEL, VALUE, MANAGER)


def obj(kind="ConfigMap", name="x", labels=None, managers=(), owners=None, namespace="invoice"):
    metadata = {"name": name, "namespace": namespace, "labels": labels or {}}
    metadata["managedFields"] = [{"manager": m, "operation": op} for m, op in managers]
    if owners:
        metadata["ownerReferences"] = owners
    return {"apiVersion": "v1", "kind": kind, "metadata": metadata}


SYSTEM = [
    ("default", True),
    ("kube-system", True),
    ("kube-public", True),
    ("kube-node-lease", True),
    ("kube-anything", True),
    ("invoice", False),
    ("kube", False),
    ("defaults", False),
    ("my-kube-system", False),
]


@pytest.mark.parametrize(("name", "system"), SYSTEM)
def test_system_namespaces_are_default_and_kube_prefixed(name, system):
    assert system_namespace(name) is system


OWNERSHIP = {"namespaces": ["invoice", "invoice-billing"], "label": LABEL, "value": VALUE}
PROBLEMS = [
    # (changes to a valid ownership, the start of each problem)
    ({}, []),
    ({"namespaces": ["invoice"]}, []),
    ({"namespaces": ["kube-system"]}, ["ownership.namespaces: 'kube-system' is a system namespace"]),
    ({"namespaces": ["invoice", "default"]}, ["ownership.namespaces: 'default' is a system namespace"]),
    ({"namespaces": ["invoice\n"]}, ["ownership.namespaces: 'invoice\\n' is not a namespace name"]),
    ({"namespaces": ["Invoice"]}, ["ownership.namespaces: 'Invoice' is not a namespace name"]),
    ({"namespaces": ["a" * 64]}, ["ownership.namespaces: '" + "a" * 64 + "' is not a namespace name"]),
    ({"namespaces": []}, ["ownership.namespaces is empty"]),
    ({"namespaces": ["invoice", "invoice"]}, ["ownership.namespaces names invoice more than once"]),
    ({"label": "owner"}, []),
    ({"label": "sre.minikube/owner\n"}, ["ownership.label='sre.minikube/owner\\n' is not a label key"]),
    ({"label": "Sre/owner"}, ["ownership.label='Sre/owner' is not a label key"]),
    ({"label": "/owner"}, ["ownership.label='/owner' is not a label key"]),
    ({"value": ""}, ["ownership.value='' is not a label value"]),
    ({"value": "app deploy"}, ["ownership.value='app deploy' is not a label value"]),
    (
        {"namespaces": ["kube-x"], "value": "-x"},
        ["ownership.namespaces: 'kube-x' is a system namespace", "ownership.value='-x' is not a label value"],
    ),
]


@pytest.mark.parametrize(("changes", "problems"), PROBLEMS)
def test_ownership_problems_name_the_sub_option_and_the_rule(changes, problems):
    found = ownership_problems(dict(OWNERSHIP, **changes))
    assert len(found) == len(problems)
    assert all(message.startswith(start) for message, start in zip(found, problems, strict=True))


JUDGEMENTS = [
    # (object, created from (the definition of what is created, not applied), judgement)
    (None, None, Owner.MISSING),
    (obj(labels={LABEL: VALUE}), None, Owner.MARKED),
    (obj(labels={LABEL: "someone-else"}), None, Owner.FOREIGN),
    (obj(labels={"team": "b"}, managers=[("kubectl-client-side-apply", "Update")]), None, Owner.FOREIGN),
    # An earlier version applied it under the same field manager.
    (obj(managers=[("kubectl-edit", "Update"), (MANAGER, "Apply")]), None, Owner.EARLIER),
    # The field manager's name alone, in an update, is not an apply of the deployer.
    (obj(managers=[(MANAGER, "Update")]), None, Owner.FOREIGN),
    # Created (the Secret, a volume claim): recognised by every label of the definition.
    (
        obj("Secret", labels={"app": "postgres", "part": "invoice"}),
        obj("Secret", labels={"app": "postgres", LABEL: VALUE}),
        Owner.EARLIER,
    ),
    (obj("Secret", labels={"app": "other"}), obj("Secret", labels={"app": "postgres"}), Owner.FOREIGN),
    (obj("Secret", labels={}), obj("Secret", labels={LABEL: VALUE}), Owner.FOREIGN),
]


@pytest.mark.parametrize(("found", "created_from", "judgement"), JUDGEMENTS)
def test_an_object_is_marked_made_by_an_earlier_version_or_foreign(found, created_from, judgement):
    assert OWNER.judge(found, created_from) == judgement


OURS = obj(labels={LABEL: VALUE})
NAMESPACE_CONTENTS = [
    # (objects listed in the namespace, the names judged foreign)
    ([], []),
    ([OURS, obj("ServiceAccount", "default"), obj("ConfigMap", "kube-root-ca.crt"), obj("Event", "x.1")], []),
    ([obj("Pod", "p", owners=[{"kind": "ReplicaSet", "name": "rs"}])], []),
    ([obj("Service", "api", labels={LABEL: VALUE}), obj("Endpoints", "api")], []),
    ([obj("Endpoints", "api")], ["api"]),
    ([obj("ConfigMap", "notes")], ["notes"]),
    ([obj("ServiceAccount", "robot"), obj("Secret", "postgres-credentials", labels={"app": "postgres"})], ["robot"]),
    ([obj("Secret", "postgres-credentials", labels={"app": "mine"})], ["postgres-credentials"]),
    ([obj("PersistentVolumeClaim", "data-postgres-0", labels={"app": "postgres"})], []),
    ([obj("PersistentVolumeClaim", "data-postgres-1", labels={"app": "postgres"})], ["data-postgres-1"]),
    ([obj("Deployment", "old", managers=[(MANAGER, "Apply")])], []),
    # A copy of the Secret in a team's namespace is created as well; one of the same name elsewhere is not.
    ([obj("Secret", "postgres-credentials", labels={"app": "postgres"}, namespace="invoice-billing")], []),
    (
        [obj("Secret", "postgres-credentials", labels={"app": "postgres"}, namespace="invoice-payments")],
        ["postgres-credentials"],
    ),
]


@pytest.mark.parametrize(("objects", "foreign"), NAMESPACE_CONTENTS)
def test_what_deleting_a_namespace_would_destroy_of_someone_else(objects, foreign):
    created = {
        ("Secret", "invoice", "postgres-credentials"): obj("Secret", labels={"app": "postgres", LABEL: VALUE}),
        ("Secret", "invoice-billing", "postgres-credentials"): obj(
            "Secret", labels={"app": "postgres", LABEL: VALUE}, namespace="invoice-billing"
        ),
        ("PersistentVolumeClaim", "invoice", "data-postgres-0"): obj(
            "PersistentVolumeClaim", labels={"app": "postgres"}
        ),
    }
    assert [o["metadata"]["name"] for o in foreign_objects(objects, OWNER, created)] == foreign


def test_the_claims_of_a_statefulset_are_named_by_template_set_and_ordinal():
    statefulset = {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": "postgres", "namespace": "invoice"},
        "spec": {
            "replicas": 2,
            "volumeClaimTemplates": [
                {"metadata": {"name": "data", "labels": {"app": "postgres"}}},
                {"metadata": {"name": "wal"}},
            ],
        },
    }
    claims = claims_of([obj(), statefulset])
    assert sorted(claims) == ["data-postgres-0", "data-postgres-1", "wal-postgres-0", "wal-postgres-1"]
    assert claims["data-postgres-1"]["metadata"] == {
        "name": "data-postgres-1",
        "namespace": "invoice",
        "labels": {"app": "postgres"},
    }
