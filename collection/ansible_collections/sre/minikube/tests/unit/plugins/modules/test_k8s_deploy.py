# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""sre.minikube.k8s_deploy on kubernetes.core's real client and service code, against a fake API server.

The fake stands in for the dynamic client's resources only: kubernetes.core's
K8SClient, K8sService and perform_action run unchanged, so the requests, the
server-side dry run of check mode and the comparison that decides `changed`
are those kubernetes.core.k8s makes.
"""

from __future__ import annotations

import base64
import copy
import json

import pytest
from ansible.module_utils import basic
from ansible_collections.kubernetes.core.plugins.module_utils.k8s.client import K8SClient
from ansible_collections.sre.minikube.plugins.module_utils import k8s_deploy as utils
from ansible_collections.sre.minikube.plugins.modules import k8s_deploy
from ansible_collections.sre.minikube.tests.unit.plugins.modules.utils import run_module
from kubernetes.client.rest import ApiException
from kubernetes.dynamic.exceptions import ConflictError, ForbiddenError, NotFoundError, UnprocessibleEntityError
from kubernetes.dynamic.resource import ResourceInstance

NAMESPACED = {
    "Secret",
    "ConfigMap",
    "Deployment",
    "Service",
    "StatefulSet",
    "PersistentVolumeClaim",
    "Endpoints",
    "Event",
}
KEYS = ["postgres-password", "invoice-app-password", "payment-provider-password"]
MANAGER = "sre.minikube.app_deploy"
LABEL = "sre.minikube/owner"
OWNER = "app_deploy"
MARK = {LABEL: OWNER}
OWNERSHIP = {"namespace": "invoice", "label": LABEL, "value": OWNER}
# (kind, apiVersion) of the fake API server's listable namespaced kinds, as discovery reports them.
DISCOVERED = [
    ("ConfigMap", "v1"),
    ("Secret", "v1"),
    ("Service", "v1"),
    ("Endpoints", "v1"),
    ("PersistentVolumeClaim", "v1"),
    ("Event", "v1"),
    ("Deployment", "apps/v1"),
    ("StatefulSet", "apps/v1"),
    ("PodMetrics", "metrics.k8s.io/v1beta1"),
]


class Response:
    """What the client returns with serialize=False: the body as bytes and the headers."""

    def __init__(self, body):
        self.data = json.dumps(body).encode()
        self.headers = {}


def api_error(cls, status, message):
    error = ApiException(status=status, reason=message)
    error.body = json.dumps({"kind": "Status", "message": message})
    return cls(error)


def merged(base, patch):
    """What a server-side apply of patch makes of base: mappings merged, anything else replaced."""
    result = copy.deepcopy(base)
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merged(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result


class Cluster:
    """Objects by (kind, namespace, name); each request is logged as (verb, kind, name, dry run)."""

    def __init__(self):
        self.objects = {}
        self.requests = []
        self.version = 0
        self.refuse = set()
        # Kinds whose listing the fake refuses (403).
        self.unlistable = set()
        # Workload name -> reads after which its controller reports it rolled out (None: never).
        self.rolls_out_after = {}

    def key(self, kind, namespace, name):
        return (kind, namespace if kind in NAMESPACED else None, name)

    def stored(self, body, previous=None, manager=MANAGER, operation="Apply"):
        self.version += 1
        obj = copy.deepcopy(body)
        meta = obj.setdefault("metadata", {})
        meta["uid"] = (previous or {}).get("metadata", {}).get("uid") or f"uid-{self.version}"
        meta["resourceVersion"] = str(self.version)
        meta["generation"] = (previous or {}).get("metadata", {}).get("generation", 0) + 1
        entries = [e for e in (previous or {}).get("metadata", {}).get("managedFields", []) if e["manager"] != manager]
        meta["managedFields"] = [*entries, {"manager": manager, "operation": operation}]
        if obj["kind"] == "Deployment":
            obj["status"] = {"observedGeneration": meta["generation"], "replicas": obj["spec"]["replicas"]}
        if "stringData" in obj:
            data = {k: base64.b64encode(v.encode()).decode() for k, v in obj.pop("stringData").items()}
            obj["data"] = dict(obj.get("data") or {}, **data)
        return obj

    @staticmethod
    def declared(obj):
        """An object as declared: without what the server adds."""
        obj = copy.deepcopy(obj)
        for field in ("uid", "resourceVersion", "generation", "managedFields"):
            obj["metadata"].pop(field, None)
        obj.pop("status", None)
        return obj

    def namespace_missing(self, kind, namespace):
        return kind in NAMESPACED and ("Namespace", None, namespace) not in self.objects

    def put(self, obj, manager="kubectl-create", operation="Update"):
        """An object made by someone (by default not the deployer: created, not applied by its field manager)."""
        meta = obj["metadata"]
        self.objects[self.key(obj["kind"], meta.get("namespace"), meta["name"])] = self.stored(
            obj, manager=manager, operation=operation
        )

    def progress(self, workload):
        """One read of a workload: its rollout moves on, and is complete once the reads planned have been made."""
        name = workload["metadata"]["name"]
        if workload["kind"] not in ("Deployment", "StatefulSet") or name not in self.rolls_out_after:
            return
        left = self.rolls_out_after[name]
        if left is None:
            return
        self.rolls_out_after[name] = left - 1
        if left <= 1:
            wanted = workload["spec"].get("replicas", 1)
            workload["status"] = {
                "observedGeneration": workload["metadata"]["generation"],
                "replicas": wanted,
                "updatedReplicas": wanted,
                "readyReplicas": wanted,
                "availableReplicas": wanted,
                "currentRevision": "r1",
                "updateRevision": "r1",
                "conditions": [{"type": "Available", "status": "True"}],
            }

    def names(self, kind):
        return sorted(name for k, _ns, name in self.objects if k == kind)


class Resource:
    """One kind of the fake API server, with the dynamic client's resource methods."""

    def __init__(self, cluster, kind, api_version):
        self.cluster, self.kind, self.group_version = cluster, kind, api_version

    @property
    def group(self):
        return self.group_version.rpartition("/")[0]

    namespaced = True
    preferred = True
    verbs = ("get", "list", "create", "delete")

    def get(self, name=None, namespace=None, **_params):
        self.cluster.requests.append(("get" if name else "list", self.kind, name, False))
        if name is None:
            if self.kind in self.cluster.unlistable:
                raise api_error(ForbiddenError, 403, f"{self.kind} is forbidden")
            items = [
                {k: v for k, v in copy.deepcopy(o).items() if k not in ("kind", "apiVersion")}
                for (kind, ns, _n), o in self.cluster.objects.items()
                if kind == self.kind and ns == namespace
            ]
            return ResourceInstance(
                None, {"apiVersion": self.group_version, "kind": f"{self.kind}List", "items": items}
            )
        found = self.cluster.objects.get(self.cluster.key(self.kind, namespace, name))
        if found is None:
            raise api_error(NotFoundError, 404, f"{self.kind} {name} not found")
        self.cluster.progress(found)
        return ResourceInstance(None, copy.deepcopy(found))

    def existing(self, namespace, name):
        """The key and the object stored under it; 404 when there is none."""
        key = self.cluster.key(self.kind, namespace, name)
        if key not in self.cluster.objects:
            raise api_error(NotFoundError, 404, f"{self.kind} {name} not found")
        return key, self.cluster.objects[key]

    def delete(self, name=None, namespace=None, body=None, **params):
        dry_run = params.get("dry_run") == "All"
        self.cluster.requests.append(("delete", self.kind, name, dry_run))
        key, found = self.existing(namespace, name)
        if found["metadata"]["uid"] != body["preconditions"]["uid"]:
            raise api_error(ConflictError, 409, f"Precondition failed: UID in precondition: {body}")
        if not dry_run:
            del self.cluster.objects[key]
            if self.kind == "Namespace":
                for other in [k for k in self.cluster.objects if k[1] == name]:
                    del self.cluster.objects[other]
        return ResourceInstance(None, {"kind": "Status", "status": "Success"})

    def apply(self, body, namespace=None, server_side=False, field_manager=None, force_conflicts=None, **params):
        dry_run = params.get("dry_run") == "All"
        name = body["metadata"]["name"]
        self.cluster.requests.append(("apply", self.kind, name, dry_run))
        assert server_side and field_manager == MANAGER and force_conflicts is True
        if name in self.cluster.refuse:
            raise api_error(UnprocessibleEntityError, 422, f"{self.kind} {name} is invalid: spec.replicas")
        if self.cluster.namespace_missing(self.kind, namespace):
            raise api_error(NotFoundError, 404, f'namespaces "{namespace}" not found')
        key = self.cluster.key(self.kind, namespace, name)
        previous = self.cluster.objects.get(key)
        body = merged(Cluster.declared(previous), body) if previous is not None else body
        if previous is not None and Cluster.declared(previous) == body:
            return Response(previous)
        obj = self.cluster.stored(body, previous)
        if not dry_run:
            self.cluster.objects[key] = obj
        return Response(obj)

    def replace(self, body, name=None, namespace=None, **params):
        """A PUT: the object becomes body, provided it is still the version body names."""
        dry_run = params.get("dry_run") == "All"
        self.cluster.requests.append(("replace", self.kind, name, dry_run))
        key, previous = self.existing(namespace, name)
        if body["metadata"].get("resourceVersion") not in (None, previous["metadata"]["resourceVersion"]):
            raise api_error(ConflictError, 409, f"{self.kind} {name}: the object has been modified")
        body = copy.deepcopy(body)
        body["metadata"].pop("resourceVersion", None)
        obj = self.cluster.stored(body, previous, manager="OpenAPI-Generator", operation="Update")
        if not dry_run:
            self.cluster.objects[key] = obj
        return Response(obj)

    def create(self, body, namespace=None, **params):
        dry_run = params.get("dry_run") == "All"
        self.cluster.requests.append(("create", self.kind, body["metadata"]["name"], dry_run))
        if self.cluster.namespace_missing(self.kind, namespace):
            raise api_error(NotFoundError, 404, f'namespaces "{namespace}" not found')
        obj = self.cluster.stored(body, manager="OpenAPI-Generator", operation="Update")
        if not dry_run:
            self.cluster.objects[self.cluster.key(self.kind, namespace, body["metadata"]["name"])] = obj
        return Response(obj)


class Resources:
    def __init__(self, cluster):
        self.cluster = cluster

    def get(self, prefix=None, api_version=None, kind=None, **_other):
        return Resource(self.cluster, kind, api_version)

    def search(self, **_filters):
        """Discovery: every kind and its list, as the dynamic client's search() with no filter answers."""
        kinds = [Resource(self.cluster, kind, api_version) for kind, api_version in DISCOVERED]
        return kinds + [ResourceList(self.cluster, f"{kind}List", api_version) for kind, api_version in DISCOVERED]


class ResourceList(Resource):
    """The client's list view of a kind: its attributes are the kind's, but it cannot be listed."""

    def get(self, **_params):
        raise TypeError("ResourceList.get() missing 1 required positional argument: 'body'")


class DynamicClient:
    def __init__(self, cluster):
        self.resources = Resources(cluster)


@pytest.fixture
def cluster(monkeypatch, patched_module):
    """The fake API server, behind kubernetes.core's K8SClient (server-side dry run in check mode)."""
    fake = Cluster()

    def client(kubeconfig=None, context=None, dry_run=False):
        return K8SClient(configuration=None, client=DynamicClient(fake), dry_run=dry_run)

    monkeypatch.setattr(k8s_deploy, "client", client)
    return fake


def namespace(name="invoice", labels=None):
    labels = dict(MARK, team="a") if labels is None else labels
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": labels}}


def config_map(value="1", ns="invoice", name="config", labels=None):
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": ns, "labels": dict(MARK) if labels is None else labels},
        "data": {"A": value},
    }


def deployment(replicas=3, ns="invoice", labels=None):
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "invoice-app", "namespace": ns, "labels": dict(MARK) if labels is None else labels},
        "spec": {"replicas": replicas},
    }


def statefulset(labels=None):
    return {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": "postgres", "namespace": "invoice", "labels": dict(MARK) if labels is None else labels},
        "spec": {
            "replicas": 1,
            "volumeClaimTemplates": [{"metadata": {"name": "data", "labels": {"app": "postgres"}}}],
        },
    }


def claim(labels=None):
    """Postgres's volume claim, as the StatefulSet controller makes it from the template (never applied)."""
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {"name": "data-postgres-0", "namespace": "invoice", "labels": labels or {"app": "postgres"}},
    }


SECRET = {
    "definition": {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "postgres-credentials", "namespace": "invoice", "labels": {"app": "postgres", **MARK}},
        "type": "Opaque",
    },
    "keys": KEYS,
    "hint": "the database was initialised with them. Start it over with app_deploy_remove_data=true.",
}


def args(definitions, check=False, diff=False, secret="the credentials", **options):
    """The module's arguments; secret: the credentials Secret (SECRET), None for none, or another dict."""
    secret = SECRET if secret == "the credentials" else secret
    result = {
        "definitions": definitions,
        "ownership": dict(OWNERSHIP),
        "server_side_apply": {"field_manager": MANAGER, "force_conflicts": True},
        "_ansible_check_mode": check,
        "_ansible_diff": diff,
        **options,
    }
    if secret is not None:
        result["secret"] = secret
    return result


def passwords(cluster):
    secret = cluster.objects[("Secret", "invoice", "postgres-credentials")]
    return {key: base64.b64decode(value).decode() for key, value in secret["data"].items()}


def writes(cluster):
    return [
        (verb, kind, name)
        for verb, kind, name, dry_run in cluster.requests
        if verb not in ("get", "list") and not dry_run
    ]


def test_a_first_run_creates_the_secret_after_its_namespace_and_never_returns_its_values(cluster):
    result, failed = run_module(k8s_deploy.main, args([namespace(), config_map(), deployment()], diff=True))
    assert not failed and result["changed"] is True
    assert writes(cluster) == [
        ("apply", "Namespace", "invoice"),
        ("create", "Secret", "postgres-credentials"),
        ("apply", "ConfigMap", "config"),
        ("apply", "Deployment", "invoice-app"),
    ]
    values = passwords(cluster)
    assert sorted(values) == sorted(KEYS)
    assert all(len(v) == 40 and v.isalnum() and v.isascii() for v in values.values())
    assert len(set(values.values())) == 3
    shown = json.dumps(result)
    assert not [v for v in values.values() if v in shown or base64.b64encode(v.encode()).decode() in shown]
    assert [o["kind"] for o in result["objects"]] == ["Namespace", "Secret", "ConfigMap", "Deployment"]
    assert result["objects"][1]["data"] == dict.fromkeys(sorted(KEYS), utils.NOT_SHOWN)
    assert result["objects"][3]["status"]["replicas"] == 3
    assert not [o for o in result["objects"] if "managedFields" in o["metadata"]]
    secret_diff = next(d for d in result["diff"] if d["after_header"] == "Secret invoice/postgres-credentials")
    assert secret_diff["after"]["data"] == dict.fromkeys(KEYS, utils.NOT_SHOWN)


def test_without_its_namespace_in_the_list_the_secret_is_created_first(cluster):
    cluster.put(namespace(), manager=MANAGER, operation="Apply")
    result, failed = run_module(k8s_deploy.main, args([config_map()]))
    assert not failed
    assert writes(cluster) == [("create", "Secret", "postgres-credentials"), ("apply", "ConfigMap", "config")]


RERUNS = [
    # (what the second run applies, check mode, changed, objects written by the second run)
    (
        [namespace(), config_map(), deployment()],
        False,
        False,
        [("apply", "Namespace", "invoice"), ("apply", "ConfigMap", "config"), ("apply", "Deployment", "invoice-app")],
    ),
    (
        [namespace(), config_map("2"), deployment()],
        False,
        True,
        [("apply", "Namespace", "invoice"), ("apply", "ConfigMap", "config"), ("apply", "Deployment", "invoice-app")],
    ),
    ([namespace(), config_map(), deployment(5)], True, True, []),
    ([namespace(), config_map(), deployment()], True, False, []),
]


@pytest.mark.parametrize(("definitions", "check", "changed", "written"), RERUNS)
def test_a_second_run_changes_what_differs_and_never_the_secret(cluster, definitions, check, changed, written):
    run_module(k8s_deploy.main, args([namespace(), config_map(), deployment()]))
    before, stored = passwords(cluster), copy.deepcopy(cluster.objects)
    cluster.requests.clear()
    result, failed = run_module(k8s_deploy.main, args(definitions, check=check, diff=True))
    assert not failed and result["changed"] is changed
    assert writes(cluster) == written
    assert passwords(cluster) == before
    if check:
        assert cluster.objects == stored
        assert {dry for verb, _k, _n, dry in cluster.requests if verb == "apply"} == {True}
    assert bool(result["diff"]) is changed


def test_a_check_run_on_an_empty_cluster_sends_no_write_and_reports_everything_new(cluster):
    result, failed = run_module(k8s_deploy.main, args([namespace(), config_map(), deployment()], check=True, diff=True))
    assert not failed and result["changed"] is True
    assert cluster.objects == {} and writes(cluster) == []
    assert [o["kind"] for o in result["objects"]] == ["Namespace", "Secret", "ConfigMap", "Deployment"]
    assert [d["after_header"] for d in result["diff"]] == [
        "Namespace invoice",
        "Secret invoice/postgres-credentials",
        "ConfigMap invoice/config",
        "Deployment invoice/invoice-app",
    ]


MISSING_KEYS = [
    # (keys the Secret holds, the keys named in the refusal)
    (["postgres-password", "payment-provider-password"], "invoice-app-password"),
    (["postgres-password"], "invoice-app-password, payment-provider-password"),
    ([], "postgres-password, invoice-app-password, payment-provider-password"),
]


@pytest.mark.parametrize(("held", "named"), MISSING_KEYS)
def test_a_secret_that_lacks_a_key_refuses_the_run_before_anything_is_applied(cluster, held, named):
    cluster.put(namespace(), manager=MANAGER, operation="Apply")
    secret = dict(SECRET["definition"], data={key: "c2VjcmV0" for key in held})
    cluster.objects[("Secret", "invoice", "postgres-credentials")] = cluster.stored(secret)
    result, failed = run_module(k8s_deploy.main, args([namespace(), config_map()]))
    assert failed
    assert result["msg"] == f"Secret invoice/postgres-credentials has no {named}: {SECRET['hint']}"
    assert writes(cluster) == [] and result["objects"] == []


def test_without_a_hint_the_refusal_says_what_to_do(cluster):
    cluster.put(namespace(), manager=MANAGER, operation="Apply")
    cluster.objects[("Secret", "invoice", "postgres-credentials")] = cluster.stored(dict(SECRET["definition"], data={}))
    secret = {key: value for key, value in SECRET.items() if key != "hint"}
    result, failed = run_module(k8s_deploy.main, args([namespace()], secret=secret))
    assert failed and "Put the missing keys back" in result["msg"] and writes(cluster) == []


def test_a_refused_object_fails_with_its_name_and_what_was_applied_before_it(cluster):
    cluster.refuse.add("invoice-app")
    result, failed = run_module(k8s_deploy.main, args([namespace(), config_map(), deployment()], secret=None))
    assert failed
    assert result["msg"].startswith("applying Deployment invoice/invoice-app failed:")
    assert "spec.replicas" in result["msg"]
    assert [o["kind"] for o in result["objects"]] == ["Namespace", "ConfigMap"] and result["changed"] is True


BAD_DEFINITIONS = [
    ([{"kind": "ConfigMap", "metadata": {"name": "x"}}], "definitions[0] is not a Kubernetes object"),
    ([namespace(), {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {}}], "definitions[1] (ConfigMap) has no"),
]


@pytest.mark.parametrize(("definitions", "message"), BAD_DEFINITIONS)
def test_malformed_definitions_are_refused_before_any_request(cluster, definitions, message):
    result, failed = run_module(k8s_deploy.main, args(definitions))
    assert failed and message in result["msg"]
    assert cluster.requests == []


@pytest.mark.parametrize("length", [15, 257])
def test_a_generated_value_length_outside_16_to_256_is_refused(cluster, length):
    result, failed = run_module(k8s_deploy.main, args([namespace()], secret=dict(SECRET, length=length)))
    assert failed and "16 to 256" in result["msg"] and cluster.requests == []


def test_generated_passwords_use_letters_and_digits_only():
    drawn = utils.generate_password(200)
    assert len(drawn) == 200 and set(drawn) <= set(utils.PASSWORD_CHARACTERS)
    assert utils.generate_password(40) != utils.generate_password(40)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        pytest.param(
            {"server_side_apply": {"field_manager": "sre\nx"}}, "field_manager='sre\\nx' breaks", id="manager"
        ),
        pytest.param(
            {"secret": {**SECRET, "keys": ["a b"]}}, "secret.keys[0]='a b' breaks the rule config_key", id="key"
        ),
        pytest.param({"context": "ctx\n"}, "context='ctx\\n' breaks the rule text", id="context"),
    ],
)
def test_malformed_options_are_refused_before_any_request(cluster, change, words):
    result, failed = run_module(k8s_deploy.main, {**args([namespace(), config_map()]), **change})
    assert failed and words in result["msg"]
    assert cluster.requests == []


# -- ownership: the namespace and the objects it holds


def deploy(cluster, **options):
    return run_module(k8s_deploy.main, args([namespace(), config_map(), deployment()], **options))


def foreign_namespace(cluster, *contents):
    """A namespace someone else made (kubectl create), with what it holds."""
    cluster.put(namespace(labels={"team": "b"}))
    for obj in contents:
        cluster.put(obj)


def ns_labels(cluster):
    return cluster.objects[("Namespace", None, "invoice")]["metadata"]["labels"]


REFUSED_NAMESPACES = [
    # (what is in the cluster before, adopt_namespace, words of the refusal)
    ("foreign, empty", (), False, "it may be someone else's"),
    ("foreign, with a ConfigMap", (config_map(name="notes", labels={}),), False, "no label sre.minikube/owner"),
    ("foreign, with a ConfigMap, adopt", (config_map(name="notes", labels={}),), True, "holds ConfigMap invoice/notes"),
]


@pytest.mark.parametrize(("case", "contents", "adopt", "words"), REFUSED_NAMESPACES)
def test_an_existing_namespace_of_someone_else_is_refused_and_not_relabelled(cluster, case, contents, adopt, words):
    foreign_namespace(cluster, *contents)
    before = copy.deepcopy(cluster.objects)
    ownership = dict(OWNERSHIP, adopt_namespace=adopt, hint="Use another app_deploy_namespace.")
    result, failed = deploy(cluster, ownership=ownership)
    assert failed, case
    assert result["msg"].startswith("Namespace invoice exists and was not created by this deployer")
    assert words in result["msg"] and result["msg"].endswith("Use another app_deploy_namespace.")
    assert writes(cluster) == [] and cluster.objects == before


def test_an_empty_namespace_of_someone_else_is_adopted_when_asked_and_then_carries_the_mark(cluster):
    # What the control plane puts in every namespace does not count.
    default_account = {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": {"name": "default", "namespace": "invoice"},
    }
    root_ca = config_map(name="kube-root-ca.crt", labels={})
    foreign_namespace(cluster, root_ca, default_account)
    result, failed = deploy(cluster, ownership=dict(OWNERSHIP, adopt_namespace=True))
    assert not failed and result["changed"] is True
    assert ns_labels(cluster) == {"team": "a", **MARK}
    result, failed = deploy(cluster)
    assert not failed and result["changed"] is False


@pytest.mark.parametrize("system", ["default", "kube-system", "kube-public", "kube-node-lease"])
@pytest.mark.parametrize("state", ["present", "absent"])
def test_a_system_namespace_is_refused_before_any_request(cluster, system, state):
    definitions = [namespace(system), config_map(ns=system)]
    secret = {"definition": dict(SECRET["definition"], metadata={"name": "s", "namespace": system, "labels": MARK})}
    secret["keys"] = KEYS
    result, failed = run_module(
        k8s_deploy.main,
        args(definitions, secret=secret, state=state, delete_data=True, ownership=dict(OWNERSHIP, namespace=system)),
    )
    assert failed and f"ownership.namespaces: '{system}' is a system namespace" in result["msg"]
    assert cluster.requests == []


UNMARKED_DEFINITIONS = [
    ([namespace(labels={"team": "a"})], "definitions[0] (Namespace invoice) does not carry the label"),
    ([namespace(), config_map(labels={"a": "b"})], "definitions[1] (ConfigMap invoice/config) does not carry"),
    (
        [namespace(), config_map(ns="other")],
        "definitions[1] (ConfigMap other/config) is not in one of ownership.namespaces (invoice)",
    ),
    ([namespace("other")], "definitions[0] is Namespace other, not one of ownership.namespaces (invoice)"),
]


@pytest.mark.parametrize(("definitions", "message"), UNMARKED_DEFINITIONS)
def test_an_object_without_the_mark_or_outside_the_namespace_is_refused_before_any_request(
    cluster, definitions, message
):
    result, failed = run_module(k8s_deploy.main, args(definitions, secret=None))
    assert failed and message in result["msg"]
    assert cluster.requests == []


def test_an_object_of_the_list_that_someone_else_made_is_not_taken_over(cluster):
    deploy(cluster)
    cluster.put(config_map("theirs", labels={"team": "b"}))
    before = copy.deepcopy(cluster.objects)
    cluster.requests.clear()
    result, failed = deploy(cluster)
    assert failed
    assert result["msg"].startswith("ConfigMap invoice/config already exists without the label sre.minikube/owner")
    assert writes(cluster) == [] and cluster.objects == before


def strip_marks(cluster):
    """What an earlier version left: the same objects, applied by the same field manager, without the mark."""
    for obj in cluster.objects.values():
        obj["metadata"].get("labels", {}).pop(LABEL, None)


def test_what_an_earlier_version_applied_or_created_is_recognised_and_marked(cluster):
    deploy(cluster)
    values = passwords(cluster)
    strip_marks(cluster)
    result, failed = deploy(cluster, diff=True)
    assert not failed and result["changed"] is True
    assert {k: o["metadata"]["labels"].get(LABEL) for k, o in cluster.objects.items()} == dict.fromkeys(
        cluster.objects, OWNER
    )
    assert passwords(cluster) == values
    shown = json.dumps(result)
    assert not [v for v in values.values() if v in shown or base64.b64encode(v.encode()).decode() in shown]
    result, failed = deploy(cluster)
    assert not failed and result["changed"] is False


def test_a_secret_of_the_same_name_that_is_not_the_deployers_is_refused(cluster):
    cluster.put(namespace(), manager=MANAGER, operation="Apply")
    cluster.put(dict(SECRET["definition"], metadata={**SECRET["definition"]["metadata"], "labels": {}}, data={}))
    result, failed = deploy(cluster)
    assert failed and "Secret invoice/postgres-credentials exists without the label" in result["msg"]
    assert writes(cluster) == []


# -- state=absent


def deployed(cluster):
    """A deploy with Postgres: the objects, the Secret and the claim its StatefulSet made."""
    definitions = [namespace(), config_map(), statefulset(), deployment()]
    result, failed = run_module(k8s_deploy.main, args(definitions))
    assert not failed
    cluster.put(claim(), manager="kube-controller-manager")
    return definitions


def remove(cluster, definitions, check=False, **options):
    cluster.requests.clear()
    return run_module(
        k8s_deploy.main, args(definitions, check=check, diff=True, state="absent", wait_timeout=5, **options)
    )


def kept(result):
    return {k["object"]: k["foreign"] for k in result["kept"]}


ABSENT = [
    # (what else is in the namespace, delete_data, deleted, kept (foreign or not), what is left)
    (
        "nothing else, keeping the data",
        [],
        False,
        ["Deployment invoice/invoice-app", "StatefulSet invoice/postgres", "ConfigMap invoice/config"],
        {
            "PersistentVolumeClaim invoice/data-postgres-0": False,
            "Secret invoice/postgres-credentials": False,
            "Namespace invoice": False,
        },
        ["data-postgres-0", "invoice", "postgres-credentials"],
    ),
    (
        "nothing else but what Kubernetes adds, with the data",
        [
            config_map(name="kube-root-ca.crt", labels={}),
            {"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": "invoice-app", "namespace": "invoice"}},
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {"name": "invoice-app", "namespace": "invoice", "labels": MARK},
            },
            {"apiVersion": "v1", "kind": "Event", "metadata": {"name": "e.1", "namespace": "invoice"}},
            {
                "apiVersion": "metrics.k8s.io/v1beta1",
                "kind": "PodMetrics",
                "metadata": {"name": "invoice-app-1", "namespace": "invoice"},
            },
            {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {"name": "made", "namespace": "invoice", "ownerReferences": [{"kind": "Deployment"}]},
            },
        ],
        True,
        [
            "Deployment invoice/invoice-app",
            "StatefulSet invoice/postgres",
            "ConfigMap invoice/config",
            "Namespace invoice",
        ],
        {},
        [],
    ),
    (
        "a ConfigMap of someone else, with the data",
        [config_map(name="notes", labels={})],
        True,
        [
            "Deployment invoice/invoice-app",
            "StatefulSet invoice/postgres",
            "ConfigMap invoice/config",
            "PersistentVolumeClaim invoice/data-postgres-0",
            "Secret invoice/postgres-credentials",
        ],
        {"Namespace invoice": True},
        ["invoice", "notes"],
    ),
]


@pytest.mark.parametrize(("case", "others", "delete_data", "deleted", "kept_objects", "left"), ABSENT)
def test_absent_deletes_only_what_carries_the_mark(cluster, case, others, delete_data, deleted, kept_objects, left):
    definitions = deployed(cluster)
    for obj in others:
        cluster.put(obj)
    result, failed = remove(cluster, definitions, delete_data=delete_data)
    assert not failed, result
    assert result["deleted"] == deleted, case
    assert kept(result) == kept_objects
    assert (
        sorted(
            name
            for _k, _ns, name in cluster.objects
            if _k not in ("Endpoints", "Event", "PodMetrics", "Service") and name not in ("kube-root-ca.crt", "made")
        )
        == left
    )
    assert {verb for verb, *_rest in writes(cluster)} <= {"delete"}


def test_absent_keeps_an_object_of_the_same_name_that_someone_else_made(cluster, monkeypatch):
    warned = []
    monkeypatch.setattr(basic.AnsibleModule, "warn", lambda _module, message: warned.append(message))
    definitions = deployed(cluster)
    del cluster.objects[("ConfigMap", "invoice", "config")]
    cluster.put(config_map("theirs", labels={"team": "b"}))
    result, failed = remove(cluster, definitions, delete_data=True)
    assert not failed
    assert cluster.objects[("ConfigMap", "invoice", "config")]["data"] == {"A": "theirs"}
    assert kept(result) == {"ConfigMap invoice/config": True, "Namespace invoice": True}
    assert "Namespace invoice" not in result["deleted"]
    assert "Kept ConfigMap invoice/config: it has no label sre.minikube/owner=app_deploy" in " ".join(warned)


def test_absent_in_a_namespace_it_did_not_create_never_deletes_the_namespace(cluster):
    foreign_namespace(cluster, config_map(labels={}))
    result, failed = remove(cluster, [namespace(), config_map()], delete_data=True)
    assert not failed and result["changed"] is False and writes(cluster) == []
    assert kept(result) == {"ConfigMap invoice/config": True, "Namespace invoice": True}
    assert ("Namespace", None, "invoice") in cluster.objects


def test_absent_removes_what_an_earlier_version_left_without_the_mark(cluster):
    definitions = deployed(cluster)
    strip_marks(cluster)
    result, failed = remove(cluster, definitions, delete_data=True)
    assert not failed and result["deleted"][-1] == "Namespace invoice"
    assert cluster.objects == {}


def test_absent_keeps_the_namespace_when_a_kind_cannot_be_listed(cluster):
    definitions = deployed(cluster)
    cluster.unlistable.add("Secret")
    result, failed = remove(cluster, definitions, delete_data=True)
    assert not failed
    assert kept(result) == {"Namespace invoice": True}
    assert ("Namespace", None, "invoice") in cluster.objects


def test_absent_in_check_mode_deletes_nothing_and_says_what_it_would(cluster):
    definitions = deployed(cluster)
    before = copy.deepcopy(cluster.objects)
    result, failed = remove(cluster, definitions, check=True, delete_data=True)
    assert not failed and result["changed"] is True
    assert result["deleted"][-1] == "Namespace invoice" and cluster.objects == before and writes(cluster) == []
    secret_diff = [d for d in result["diff"] if d["before_header"] == "Secret invoice/postgres-credentials"]
    assert secret_diff == [] or set(secret_diff[0]["before"]["data"].values()) == {utils.NOT_SHOWN}


def test_absent_without_the_namespace_does_nothing(cluster):
    result, failed = remove(cluster, [namespace(), config_map()], delete_data=True)
    assert not failed and result["changed"] is False and result["deleted"] == [] and writes(cluster) == []


def test_a_namespace_whose_contents_cannot_all_be_listed_is_not_adopted(cluster):
    foreign_namespace(cluster)
    cluster.unlistable.add("Secret")
    result, failed = deploy(cluster, ownership=dict(OWNERSHIP, adopt_namespace=True))
    assert failed and "what it holds could not all be listed (Secret (403))" in result["msg"]
    assert writes(cluster) == [] and ns_labels(cluster) == {"team": "b"}


class Clock:
    """The time the rollout wait reads and passes, without sleeping."""

    def __init__(self):
        self.now = 0.0
        self.pauses = []

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.pauses.append(seconds)
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(utils.rollout, "time", fake)
    return fake


def workload_reads(cluster, kind):
    return [name for verb, k, name, _dry in cluster.requests if verb == "get" and k == kind]


# (reads until each workload has rolled out (None: never), timeout, not rolled out in the end, reads after the apply)
ROLLOUTS = [
    pytest.param({"postgres": 1, "invoice-app": 1}, 300, [], {"StatefulSet": 1, "Deployment": 1}, id="at-once"),
    pytest.param({"postgres": 1, "invoice-app": 3}, 300, [], {"StatefulSet": 1, "Deployment": 3}, id="after-a-while"),
    pytest.param(
        {"postgres": 1, "invoice-app": None}, 5, ["Deployment invoice/invoice-app"], {"StatefulSet": 1},
        id="never",
    ),
    # Postgres is still short when its own wait ends, but rolls out while the Deployment is waited for.
    pytest.param(
        {"postgres": 4, "invoice-app": None}, 5, ["Deployment invoice/invoice-app"], {"StatefulSet": 4},
        id="postgres-late",
    ),
    pytest.param(
        {"postgres": None, "invoice-app": None}, 5,
        ["StatefulSet invoice/postgres", "Deployment invoice/invoice-app"], {}, id="neither",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("plan", "timeout", "pending", "reads"), ROLLOUTS)
def test_the_wait_reads_the_workloads_until_they_roll_out(cluster, clock, plan, timeout, pending, reads):
    cluster.rolls_out_after = dict(plan)
    cluster.put(
        {"apiVersion": "v1", "kind": "Event", "metadata": {"name": "ev1", "namespace": "invoice",
         "creationTimestamp": "2026-12-06T10:00:00Z"}, "type": "Warning", "reason": "FailedScheduling",
         "message": "0/3 nodes are available: 3 Insufficient memory.", "lastTimestamp": "2026-12-06T10:00:00Z",
         "involvedObject": {"kind": "Pod", "name": "invoice-app-6d9f-abcde"}}
    )  # fmt: skip
    definitions = [namespace(), statefulset(), deployment()]

    result, failed = run_module(
        k8s_deploy.main, args(definitions, wait=True, wait_timeout=timeout, wait_hint="Check the images.")
    )

    assert failed is bool(pending), result
    assert result["pending"] == pending
    applied = len([r for r in cluster.requests if r[0] == "apply"])
    assert applied == 3
    for kind in ("StatefulSet", "Deployment"):
        # The namespace was missing, so nothing is read before the apply: every read is the wait's.
        assert len(workload_reads(cluster, kind)) >= reads.get(kind, 0)
    if pending:
        for where in pending:
            kind, name = where.split(" ")
            assert f"{kind} {name} is not rolled out and Available after {timeout}s." in result["msg"]
        assert "replicas wanted" in result["msg"]
        assert result["msg"].endswith("Check the images.")
        assert ("FailedScheduling: 0/3 nodes are available" in result["msg"]) is (
            "Deployment invoice/invoice-app" in pending
        )
        # Each workload that does not roll out is given the whole timeout.
        assert sum(clock.pauses) >= timeout * len(pending)
    else:
        assert "msg" not in result or "rolled out" not in result["msg"]


def test_a_rerun_of_rolled_out_workloads_reads_them_no_more(cluster, clock):
    cluster.rolls_out_after = {"postgres": 1, "invoice-app": 1}
    definitions = [namespace(), statefulset(), deployment()]
    run_module(k8s_deploy.main, args(definitions, wait=True))
    cluster.requests.clear()
    clock.pauses.clear()

    result, failed = run_module(k8s_deploy.main, args(definitions, wait=True))

    assert not failed and result["changed"] is False and result["pending"] == [], cluster.requests
    # The ownership check reads each object once and the apply is judged against that read; the apply's answer
    # shows them rolled out, so the wait reads nothing.
    assert workload_reads(cluster, "Deployment") == ["invoice-app"]
    assert workload_reads(cluster, "StatefulSet") == ["postgres"]
    assert clock.pauses == []


def test_check_mode_does_not_wait(cluster, clock):
    cluster.rolls_out_after = {"postgres": None, "invoice-app": None}

    result, failed = run_module(k8s_deploy.main, args([namespace(), statefulset(), deployment()], check=True,
                                                      wait=True))  # fmt: skip

    assert not failed and result["pending"] == []
    assert clock.pauses == []


# -- several namespaces: the stack's own (the Secret, the data) and a team's, with its copy of the Secret

TEAM = "invoice-billing"
TEAM_KEYS = ("invoice-app-password",)


def copy_of(keys=TEAM_KEYS, ns=TEAM, labels=None):
    definition = copy.deepcopy(SECRET["definition"])
    definition["metadata"]["namespace"] = ns
    if labels is not None:
        definition["metadata"]["labels"] = labels
    return {"definition": definition, "keys": list(keys)}


def teams_args(definitions=None, check=False, copies=None, **options):
    """Both namespaces, a team's objects in the second, and the Secret with its copy there."""
    definitions = definitions or [namespace(), namespace(TEAM), config_map(), deployment(ns=TEAM)]
    secret = dict(SECRET, copies=[copy_of()] if copies is None else copies)
    result = args(definitions, check=check, diff=True, secret=secret, **options)
    result["ownership"] = dict(OWNERSHIP, namespaces=["invoice", TEAM])
    del result["ownership"]["namespace"]
    return result


def copied(cluster, ns=TEAM):
    secret = cluster.objects[("Secret", ns, "postgres-credentials")]
    return {key: base64.b64decode(value).decode() for key, value in secret["data"].items()}


def test_a_first_run_creates_each_namespace_and_the_copy_after_its_namespace_with_the_secret_s_values(cluster):
    result, failed = run_module(k8s_deploy.main, teams_args())
    assert not failed and result["changed"] is True, result
    assert writes(cluster) == [
        ("apply", "Namespace", "invoice"),
        ("create", "Secret", "postgres-credentials"),
        ("apply", "Namespace", TEAM),
        ("create", "Secret", "postgres-credentials"),
        ("apply", "ConfigMap", "config"),
        ("apply", "Deployment", "invoice-app"),
    ]
    values = passwords(cluster)
    # The team's namespace holds its own password, with the value Postgres was given, and no other.
    assert copied(cluster) == {"invoice-app-password": values["invoice-app-password"]}
    assert cluster.objects[("Secret", TEAM, "postgres-credentials")]["metadata"]["labels"][LABEL] == OWNER
    shown = json.dumps(result)
    assert not [v for v in values.values() if v in shown or base64.b64encode(v.encode()).decode() in shown]
    assert [o["data"] for o in result["objects"] if o["kind"] == "Secret"] == [
        dict.fromkeys(sorted(KEYS), utils.NOT_SHOWN),
        dict.fromkeys(TEAM_KEYS, utils.NOT_SHOWN),
    ]


# (what happens to the copy between two runs, the writes of the second run)
COPY_RERUNS = [
    ("nothing", []),
    ("a value changed by hand", [("replace", "Secret", "postgres-credentials")]),
    ("a key added by hand", [("replace", "Secret", "postgres-credentials")]),
    ("its mark taken off", [("replace", "Secret", "postgres-credentials")]),
    ("deleted", [("create", "Secret", "postgres-credentials")]),
]


@pytest.mark.parametrize(("change", "written"), COPY_RERUNS, ids=[case[0] for case in COPY_RERUNS])
def test_a_copy_is_brought_back_to_exactly_its_keys_with_the_secret_s_values(cluster, change, written):
    run_module(k8s_deploy.main, teams_args())
    values = passwords(cluster)
    key = ("Secret", TEAM, "postgres-credentials")
    if change == "a value changed by hand":
        cluster.objects[key]["data"]["invoice-app-password"] = base64.b64encode(b"guessed").decode()
    elif change == "a key added by hand":
        cluster.objects[key]["data"]["payment-provider-password"] = cluster.objects[
            ("Secret", "invoice", "postgres-credentials")
        ]["data"]["payment-provider-password"]
    elif change == "its mark taken off":
        del cluster.objects[key]["metadata"]["labels"][LABEL]
    elif change == "deleted":
        del cluster.objects[key]
    cluster.requests.clear()

    result, failed = run_module(k8s_deploy.main, teams_args())
    assert not failed, result
    assert [w for w in writes(cluster) if w[0] != "apply"] == written
    assert result["changed"] is bool(written)
    assert copied(cluster) == {"invoice-app-password": values["invoice-app-password"]}
    assert passwords(cluster) == values
    shown = json.dumps(result)
    assert values["invoice-app-password"] not in shown and "guessed" not in shown


def test_a_check_run_reports_a_stale_copy_and_writes_nothing(cluster):
    run_module(k8s_deploy.main, teams_args())
    cluster.objects[("Secret", TEAM, "postgres-credentials")]["data"]["invoice-app-password"] = "Z3Vlc3NlZA=="
    before = copy.deepcopy(cluster.objects)
    cluster.requests.clear()

    result, failed = run_module(k8s_deploy.main, teams_args(check=True))
    assert not failed and result["changed"] is True
    assert writes(cluster) == [] and cluster.objects == before
    [entry] = [d for d in result["diff"] if d.get("after_header") == f"Secret {TEAM}/postgres-credentials"]
    assert set(entry["before"]["data"].values()) == set(entry["after"]["data"].values()) == {utils.NOT_SHOWN}


def test_a_copy_someone_else_made_is_refused_before_anything_is_written(cluster):
    cluster.put(namespace(TEAM))
    cluster.put({**copy_of(labels={"team": "b"})["definition"], "data": {"x": "eQ=="}})
    result, failed = run_module(k8s_deploy.main, teams_args())
    assert failed
    assert f"Secret {TEAM}/postgres-credentials exists without the label sre.minikube/owner=app_deploy" in result["msg"]
    assert writes(cluster) == []


def test_a_namespace_of_someone_else_among_several_refuses_the_whole_run(cluster):
    cluster.put(namespace(TEAM, labels={"team": "b"}))
    result, failed = run_module(k8s_deploy.main, teams_args())
    assert failed and f"Namespace {TEAM} exists and was not created by this deployer" in result["msg"]
    assert writes(cluster) == []


@pytest.mark.parametrize(
    ("copies", "message"),
    [
        ([copy_of(keys=["ledger-password"])], "secret.copies[0].keys: ledger-password not in secret.keys"),
        ([copy_of(ns="elsewhere")], "(Secret elsewhere/postgres-credentials) is not in one of ownership.namespaces"),
        ([copy_of(labels={})], "does not carry the label sre.minikube/owner=app_deploy"),
    ],
)
def test_a_copy_outside_the_secret_s_keys_namespaces_or_mark_is_refused_before_any_request(cluster, copies, message):
    result, failed = run_module(k8s_deploy.main, teams_args(copies=copies))
    assert failed and message in result["msg"], result["msg"]
    assert cluster.requests == []


def test_absent_deletes_a_team_s_namespace_with_its_copy_and_keeps_the_data_of_the_stack_s(cluster):
    definitions = [namespace(), namespace(TEAM), config_map(), statefulset(), deployment(ns=TEAM)]
    run_module(k8s_deploy.main, teams_args(definitions))
    cluster.put(claim(), manager="kube-controller-manager")
    cluster.requests.clear()

    result, failed = run_module(k8s_deploy.main, teams_args(definitions, state="absent", wait_timeout=5))
    assert not failed, result
    assert result["deleted"] == [
        f"Deployment {TEAM}/invoice-app",
        "StatefulSet invoice/postgres",
        "ConfigMap invoice/config",
        f"Secret {TEAM}/postgres-credentials",
        f"Namespace {TEAM}",
    ]
    assert kept(result) == {
        "PersistentVolumeClaim invoice/data-postgres-0": False,
        "Secret invoice/postgres-credentials": False,
        "Namespace invoice": False,
    }
    assert ("Namespace", None, TEAM) not in cluster.objects
    assert ("Secret", "invoice", "postgres-credentials") in cluster.objects


def test_absent_with_the_data_deletes_every_namespace_and_keeps_a_team_s_that_holds_something_else(cluster):
    definitions = [namespace(), namespace(TEAM), config_map(), statefulset(), deployment(ns=TEAM)]
    run_module(k8s_deploy.main, teams_args(definitions))
    cluster.put(claim(), manager="kube-controller-manager")
    cluster.put(config_map(name="notes", ns=TEAM, labels={}))
    cluster.requests.clear()

    result, failed = run_module(k8s_deploy.main, teams_args(definitions, state="absent", delete_data=True))
    assert not failed, result
    assert result["deleted"][-1] == "Namespace invoice"
    assert f"Namespace {TEAM}" not in result["deleted"]
    assert kept(result) == {f"Namespace {TEAM}": True}
    assert [k for k in cluster.objects if k[1] == TEAM] == [("ConfigMap", TEAM, "notes")]
    assert ("Namespace", None, "invoice") not in cluster.objects


# -- retired: what an earlier layout applied where this one no longer does


def retired_config_map(labels=None):
    """The team's ConfigMap as the layout before the teams' namespaces left it, in the stack's namespace."""
    return config_map(ns="invoice", name="invoice-app-config", labels=labels)


def test_a_deploy_deletes_what_an_earlier_layout_left_and_only_the_owner_s(cluster):
    run_module(k8s_deploy.main, teams_args())
    cluster.put(retired_config_map(), manager=MANAGER, operation="Apply")
    cluster.put(config_map(ns="invoice", name="theirs", labels={}))
    cluster.requests.clear()
    retired = [retired_config_map(), config_map(ns="invoice", name="theirs")]

    result, failed = run_module(k8s_deploy.main, teams_args(retired=retired))
    assert not failed, result
    assert result["changed"] is True
    assert result["deleted"] == ["ConfigMap invoice/invoice-app-config"]
    assert kept(result) == {"ConfigMap invoice/theirs": True}
    assert ("ConfigMap", "invoice", "invoice-app-config") not in cluster.objects
    assert ("ConfigMap", "invoice", "theirs") in cluster.objects
    # Gone, they cost one read each and change nothing.
    cluster.requests.clear()
    again, failed = run_module(k8s_deploy.main, teams_args(retired=retired))
    assert not failed and again["changed"] is False and again["deleted"] == []


def test_a_check_run_reports_what_it_would_retire_and_deletes_nothing(cluster):
    run_module(k8s_deploy.main, teams_args())
    cluster.put(retired_config_map(), manager=MANAGER, operation="Apply")
    cluster.requests.clear()

    result, failed = run_module(k8s_deploy.main, teams_args(check=True, retired=[retired_config_map()]))
    assert not failed and result["changed"] is True
    assert result["deleted"] == ["ConfigMap invoice/invoice-app-config"]
    assert writes(cluster) == []


def test_a_first_deploy_reads_nothing_of_what_it_would_retire(cluster):
    result, failed = run_module(k8s_deploy.main, teams_args(retired=[retired_config_map()]))
    assert not failed and result["deleted"] == []
    assert ("get", "ConfigMap", "invoice-app-config", False) not in cluster.requests


def test_absent_deletes_what_an_earlier_layout_left_first(cluster):
    definitions = [namespace(), namespace(TEAM), config_map(), deployment(ns=TEAM)]
    run_module(k8s_deploy.main, teams_args(definitions))
    cluster.put(retired_config_map(), manager=MANAGER, operation="Apply")

    result, failed = run_module(
        k8s_deploy.main, teams_args(definitions, state="absent", retired=[retired_config_map()], wait_timeout=5)
    )
    assert not failed, result
    assert result["deleted"][:2] == ["ConfigMap invoice/invoice-app-config", f"Deployment {TEAM}/invoice-app"]


@pytest.mark.parametrize(
    ("retired", "message"),
    [
        ([{"kind": "ConfigMap", "metadata": {"name": "x"}}], "retired[0] is not a Kubernetes object"),
        ([config_map(ns="elsewhere")], "(ConfigMap elsewhere/config) is not in one of ownership.namespaces"),
        ([config_map(labels={})], "does not carry the label sre.minikube/owner=app_deploy"),
    ],
)
def test_a_retired_object_outside_the_namespaces_or_without_the_mark_is_refused_before_any_request(
    cluster, retired, message
):
    result, failed = run_module(k8s_deploy.main, teams_args(retired=retired))
    assert failed and message in result["msg"], result["msg"]
    assert cluster.requests == []
