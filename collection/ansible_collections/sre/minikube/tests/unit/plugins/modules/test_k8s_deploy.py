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
from ansible_collections.kubernetes.core.plugins.module_utils.k8s.client import K8SClient
from ansible_collections.sre.minikube.plugins.module_utils import k8s_deploy as utils
from ansible_collections.sre.minikube.plugins.modules import k8s_deploy
from ansible_collections.sre.minikube.tests.unit.plugins.modules.utils import run_module
from kubernetes.client.rest import ApiException
from kubernetes.dynamic.exceptions import NotFoundError, UnprocessibleEntityError
from kubernetes.dynamic.resource import ResourceInstance

NAMESPACED = {"Secret", "ConfigMap", "Deployment", "Service"}
KEYS = ["postgres-password", "invoice-app-password", "payment-provider-password"]
MANAGER = "sre.minikube.app_deploy"


class Response:
    """What the client returns with serialize=False: the body as bytes and the headers."""

    def __init__(self, body):
        self.data = json.dumps(body).encode()
        self.headers = {}


def api_error(cls, status, message):
    error = ApiException(status=status, reason=message)
    error.body = json.dumps({"kind": "Status", "message": message})
    return cls(error)


class Cluster:
    """Objects by (kind, namespace, name); each request is logged as (verb, kind, name, dry run)."""

    def __init__(self):
        self.objects = {}
        self.requests = []
        self.version = 0
        self.refuse = set()

    def key(self, kind, namespace, name):
        return (kind, namespace if kind in NAMESPACED else None, name)

    def stored(self, body, previous=None):
        self.version += 1
        obj = copy.deepcopy(body)
        meta = obj.setdefault("metadata", {})
        meta["uid"] = (previous or {}).get("metadata", {}).get("uid") or f"uid-{self.version}"
        meta["resourceVersion"] = str(self.version)
        meta["generation"] = (previous or {}).get("metadata", {}).get("generation", 0) + 1
        meta["managedFields"] = [{"manager": MANAGER, "operation": "Apply"}]
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


class Resource:
    """One kind of the fake API server, with the dynamic client's resource methods."""

    def __init__(self, cluster, kind, api_version):
        self.cluster, self.kind, self.group_version = cluster, kind, api_version

    def get(self, name=None, namespace=None, **_params):
        self.cluster.requests.append(("get", self.kind, name, False))
        found = self.cluster.objects.get(self.cluster.key(self.kind, namespace, name))
        if found is None:
            raise api_error(NotFoundError, 404, f"{self.kind} {name} not found")
        return ResourceInstance(None, copy.deepcopy(found))

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
        if previous is not None and Cluster.declared(previous) == body:
            return Response(previous)
        obj = self.cluster.stored(body, previous)
        if not dry_run:
            self.cluster.objects[key] = obj
        return Response(obj)

    def create(self, body, namespace=None, **params):
        dry_run = params.get("dry_run") == "All"
        self.cluster.requests.append(("create", self.kind, body["metadata"]["name"], dry_run))
        if self.cluster.namespace_missing(self.kind, namespace):
            raise api_error(NotFoundError, 404, f'namespaces "{namespace}" not found')
        obj = self.cluster.stored(body)
        if not dry_run:
            self.cluster.objects[self.cluster.key(self.kind, namespace, body["metadata"]["name"])] = obj
        return Response(obj)


class Resources:
    def __init__(self, cluster):
        self.cluster = cluster

    def get(self, prefix=None, api_version=None, kind=None, **_other):
        return Resource(self.cluster, kind, api_version)


class DynamicClient:
    def __init__(self, cluster):
        self.resources = Resources(cluster)


@pytest.fixture
def cluster(monkeypatch, patched_module):
    """The fake API server, behind kubernetes.core's K8SClient (server-side dry run in check mode)."""
    fake = Cluster()

    def get_api_client(module=None, **_kwargs):
        return K8SClient(configuration=None, client=DynamicClient(fake), dry_run=module.check_mode)

    monkeypatch.setattr(k8s_deploy, "get_api_client", get_api_client)
    return fake


def namespace(name="invoice"):
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": {"team": "a"}}}


def config_map(value="1", ns="invoice"):
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "config", "namespace": ns},
        "data": {"A": value},
    }


def deployment(replicas=3, ns="invoice"):
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "invoice-app", "namespace": ns},
        "spec": {"replicas": replicas},
    }


SECRET = {
    "definition": {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "postgres-credentials", "namespace": "invoice", "labels": {"app": "postgres"}},
        "type": "Opaque",
    },
    "keys": KEYS,
    "hint": "the database was initialised with them. Start it over with app_deploy_remove_data=true.",
}


def args(definitions, check=False, diff=False, secret="the credentials"):
    """The module's arguments; secret: the credentials Secret (SECRET), None for none, or another dict."""
    secret = SECRET if secret == "the credentials" else secret
    result = {
        "definitions": definitions,
        "server_side_apply": {"field_manager": MANAGER, "force_conflicts": True},
        "_ansible_check_mode": check,
        "_ansible_diff": diff,
    }
    if secret is not None:
        result["secret"] = secret
    return result


def passwords(cluster):
    secret = cluster.objects[("Secret", "invoice", "postgres-credentials")]
    return {key: base64.b64decode(value).decode() for key, value in secret["data"].items()}


def writes(cluster):
    return [(verb, kind, name) for verb, kind, name, dry_run in cluster.requests if verb != "get" and not dry_run]


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
    cluster.objects[("Namespace", None, "invoice")] = cluster.stored(namespace())
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
    cluster.objects[("Namespace", None, "invoice")] = cluster.stored(namespace())
    secret = dict(SECRET["definition"], data={key: "c2VjcmV0" for key in held})
    cluster.objects[("Secret", "invoice", "postgres-credentials")] = cluster.stored(secret)
    result, failed = run_module(k8s_deploy.main, args([namespace(), config_map()]))
    assert failed
    assert result["msg"] == f"Secret invoice/postgres-credentials has no {named}: {SECRET['hint']}"
    assert writes(cluster) == [] and result["objects"] == []


def test_without_a_hint_the_refusal_says_what_to_do(cluster):
    cluster.objects[("Namespace", None, "invoice")] = cluster.stored(namespace())
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
