# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""deploy_model: the manifests of the declared services, a third service's objects, the teams' namespaces and
rights, and every refusal.

golden/deploy_model_two_services.json holds the objects of the two declared
services, each in its team's namespace: first what the app_deploy role
rendered with its Jinja templates before the model moved to Python, then
with the teams' namespaces, Roles, RoleBindings and namespaced policy peers
added (and nothing else changed). The model must give exactly those.
"""

from __future__ import annotations

import copy
import json
import pathlib

import pytest
from ansible_collections.sre.minikube.plugins.module_utils.deploy_model import build

GOLDEN = pathlib.Path(__file__).parent / "golden" / "deploy_model_two_services.json"
NAMESPACE = "invoice"
# apps/services.yml's two services.
SERVICES = [
    {"name": "invoice-app", "team": "billing", "port": 8081, "component": "api", "public": True, "database": True,
     "callers": [], "env": {"PAYMENT_TIMEOUT": "5s"}},
    {"name": "payment-provider", "team": "payments", "port": 8082, "component": "payments", "public": False,
     "database": True, "callers": ["invoice-app"], "env": {}},
]  # fmt: skip
BILLING, PAYMENTS, ACCOUNTING = "invoice-billing", "invoice-payments", "invoice-accounting"
# Where each service of the tests runs.
HOME = {"invoice-app": BILLING, "payment-provider": PAYMENTS, "ledger": ACCOUNTING, "postgres": NAMESPACE}
RBAC = "rbac.authorization.k8s.io"
# Resources that belong to no namespace: a Role that names one grants nothing, and none of them is a team's.
CLUSTER_SCOPED = {
    "namespaces", "nodes", "persistentvolumes", "clusterroles", "clusterrolebindings", "customresourcedefinitions",
    "storageclasses", "priorityclasses", "ingressclasses", "gatewayclasses", "runtimeclasses", "csidrivers",
    "csinodes", "volumeattachments", "certificatesigningrequests", "validatingwebhookconfigurations",
    "mutatingwebhookconfigurations", "apiservices", "componentstatuses", "selfsubjectaccessreviews",
    "tokenreviews", "subjectaccessreviews",
}  # fmt: skip
# The app_deploy role's defaults, and its marks.
SETTINGS = {
    "state": "present",
    "namespace": NAMESPACE,
    "images": {},
    "replicas": 3,
    "wait_timeout": 300,
    "cpu_request": "50m",
    "memory_request": "32Mi",
    "memory_limit": "64Mi",
    "postgres_image": "postgres:17.6@sha256:00bc86618629af00d2937fdc5a5d63db3ff8450acf52f0636ec813c7f4902929",
    "postgres_storage": "1Gi",
    "postgres_storage_class": "",
    "postgres_cpu_request": "100m",
    "postgres_memory_request": "128Mi",
    "postgres_memory_limit": "512Mi",
    "ingress_host": "invoice-app.test",
    "ingress_class": "nginx",
    "ingress_controller_namespace": "ingress-nginx",
    # The golden objects are the Ingress front door's.
    "front_door": "ingress",
    "gateway_class": "sre-minikube",
    "tls_secret": "front-door-tls",
    "owner_label": "sre.minikube/owner",
    "owner": "app_deploy",
    "part_of": "invoice",
}


def ledger():
    return {"name": "ledger", "team": "accounting", "port": 8083, "component": "ledger", "public": False,
            "database": True, "callers": ["payment-provider"], "env": {"LEDGER_MODE": "strict"}}  # fmt: skip


def images(services):
    return {s["name"]: {"image": s["name"], "tag": f"src-{i:08d}"} for i, s in enumerate(services)}


def model(services, **change):
    settings = dict(SETTINGS, images=images(services))
    settings.update(change)
    return build(copy.deepcopy(services), settings)


def by_name(found):
    """The objects by kind and name (for the names one namespace holds: not the Namespaces' own objects)."""
    return {(obj["kind"], obj["metadata"]["name"]): obj for obj in found["definitions"]}


def by_key(found):
    """The objects by kind, namespace and name."""
    return {(o["kind"], o["metadata"].get("namespace"), o["metadata"]["name"]): o for o in found["definitions"]}


def of_kind(found, kind):
    return [obj for obj in found["definitions"] if obj["kind"] == kind]


def peers_of(peers):
    """Each NetworkPolicy peer as (the namespace it names or None, the app it names or None)."""
    return [
        (
            p.get("namespaceSelector", {}).get("matchLabels", {}).get("kubernetes.io/metadata.name"),
            p.get("podSelector", {}).get("matchLabels", {}).get("app.kubernetes.io/name"),
        )
        for p in peers
    ]


def container(deployment):
    return deployment["spec"]["template"]["spec"]["containers"][0]


def env_of(deployment):
    return {e["name"]: e for e in container(deployment).get("env", [])}


@pytest.fixture(scope="module")
def three():
    found = model(SERVICES + [ledger()])
    assert found["problems"] == []
    return found


def test_the_two_services_render_exactly_the_golden_objects():
    found = model(SERVICES)

    assert found["problems"] == []
    # JSON in and out, as the role hands the objects over (tuples and such would not compare equal).
    assert json.loads(json.dumps(found["definitions"])) == json.loads(GOLDEN.read_text())


@pytest.mark.parametrize(
    "key, expected",
    [
        ("secret_keys", ["postgres-password", "invoice-app-password", "payment-provider-password"]),
        (
            "workloads",
            [{"kind": "StatefulSet", "name": "postgres"}, {"kind": "Deployment", "name": "invoice-app"},
             {"kind": "Deployment", "name": "payment-provider"}],
        ),
        (
            "secret",
            {"apiVersion": "v1", "kind": "Secret", "type": "Opaque", "metadata": {
                "name": "postgres-credentials", "namespace": NAMESPACE, "labels": {
                    "app.kubernetes.io/name": "postgres", "app.kubernetes.io/instance": "postgres",
                    "app.kubernetes.io/component": "database", "app.kubernetes.io/part-of": "invoice",
                    "app.kubernetes.io/managed-by": "ansible", "sre.minikube/owner": "app_deploy"}}},
        ),
        ("namespaces", [NAMESPACE, BILLING, PAYMENTS]),
        (
            "teams",
            [{"name": "billing", "namespace": BILLING, "group": "billing", "services": ["invoice-app"]},
             {"name": "payments", "namespace": PAYMENTS, "group": "payments", "services": ["payment-provider"]}],
        ),
        (
            "images",
            ["invoice-app:src-00000000", "payment-provider:src-00000001", SETTINGS["postgres_image"]],
        ),
    ],
)  # fmt: skip
def test_the_two_services_derived_facts(key, expected):
    assert model(SERVICES)[key] == expected


def test_each_team_namespace_gets_a_copy_of_its_own_services_passwords_only():
    found = model(SERVICES)
    secret = found["secret"]
    copies = [(c["definition"]["metadata"]["namespace"], c["keys"]) for c in found["secret_copies"]]

    assert copies == [(BILLING, ["invoice-app-password"]), (PAYMENTS, ["payment-provider-password"])]
    for copied in found["secret_copies"]:
        definition = copied["definition"]
        assert definition["metadata"]["name"] == secret["metadata"]["name"]
        assert definition["metadata"]["labels"] == secret["metadata"]["labels"]
        assert "data" not in definition and "stringData" not in definition
    # Each service's pods read their password from the Secret of their own namespace, by a key its copy holds.
    held = dict(copies)
    for deployment in of_kind(found, "Deployment"):
        ref = env_of(deployment)["DATABASE_PASSWORD"]["valueFrom"]["secretKeyRef"]
        assert ref["key"] in held[deployment["metadata"]["namespace"]]


def test_a_team_without_a_database_gets_no_copy():
    services = [dict(s, database=s["name"] == "invoice-app") for s in SERVICES]

    assert [c["definition"]["metadata"]["namespace"] for c in model(services)["secret_copies"]] == [BILLING]


@pytest.mark.parametrize("kind", ["Deployment", "Service", "ServiceAccount", "PodDisruptionBudget"])
def test_the_third_service_gets_its_objects(three, kind):
    obj = by_name(three)[(kind, "ledger")]
    assert obj["metadata"]["namespace"] == ACCOUNTING
    assert obj["metadata"]["labels"]["app.kubernetes.io/component"] == "ledger"
    assert obj["metadata"]["labels"]["sre.minikube/owner"] == "app_deploy"


def test_the_third_service_runs_its_image_on_its_port(three):
    objects = by_name(three)
    deployment = objects[("Deployment", "ledger")]
    c = container(deployment)
    assert c["image"] == "ledger:src-00000002"
    assert c["ports"] == [{"name": "http", "containerPort": 8083, "protocol": "TCP"}]
    assert env_of(deployment)["LISTEN_ADDR"]["value"] == ":8083"
    assert c["envFrom"] == [{"configMapRef": {"name": "ledger-config"}}]
    assert objects[("ConfigMap", "ledger-config")]["data"] == {"LEDGER_MODE": "strict"}
    service = objects[("Service", "ledger")]
    assert service["spec"]["ports"][0]["port"] == 8083
    assert service["spec"]["selector"]["app.kubernetes.io/name"] == "ledger"


DIGEST = "sha256:" + "5e" * 32


@pytest.mark.parametrize(
    ("ref", "pull_secret", "image", "pull_secrets"),
    [
        pytest.param({"image": "ledger", "tag": "src-1"}, "", "ledger:src-1", None, id="built-in-the-node"),
        pytest.param({"image": "registry.example:5000/team/ledger", "tag": "src-1", "digest": DIGEST}, "",
                     f"registry.example:5000/team/ledger:src-1@{DIGEST}", None, id="pushed-by-digest"),
        pytest.param({"image": "registry.example/ledger", "tag": "src-1", "digest": DIGEST}, "registry-credentials",
                     f"registry.example/ledger:src-1@{DIGEST}", [{"name": "registry-credentials"}],
                     id="pushed-with-credentials"),
    ],
)  # fmt: skip
def test_a_pushed_image_runs_by_digest_with_the_pull_secret(ref, pull_secret, image, pull_secrets):
    services = SERVICES + [ledger()]
    found = build(
        copy.deepcopy(services),
        dict(SETTINGS, images=dict(images(SERVICES), ledger=ref), image_pull_secret=pull_secret),
    )
    assert found["problems"] == []
    pod = by_name(found)[("Deployment", "ledger")]["spec"]["template"]["spec"]
    assert container(by_name(found)[("Deployment", "ledger")])["image"] == image
    assert pod.get("imagePullSecrets") == pull_secrets
    assert image in found["images"]


def test_the_third_service_has_its_database(three):
    objects = by_name(three)
    env = env_of(objects[("Deployment", "ledger")])
    assert env["DATABASE_PASSWORD"]["valueFrom"]["secretKeyRef"]["key"] == "ledger-password"
    assert env["DATABASE_URL"]["value"].startswith("postgres://ledger:$(DATABASE_PASSWORD)@postgres.invoice.svc")
    assert env["DATABASE_URL"]["value"].endswith("/ledger?sslmode=disable")
    script = objects[("ConfigMap", "postgres-init")]["data"]["10-service-databases.sh"]
    assert 'CREATE DATABASE "ledger" OWNER "ledger";' in script
    assert '--set=ledger_password="${LEDGER_PASSWORD}"' in script
    postgres_env = {e["name"]: e for e in container(objects[("StatefulSet", "postgres")])["env"]}
    assert postgres_env["LEDGER_PASSWORD"]["valueFrom"]["secretKeyRef"]["key"] == "ledger-password"
    assert three["secret_keys"] == ["postgres-password", "invoice-app-password", "payment-provider-password",
                                    "ledger-password"]  # fmt: skip
    assert three["workloads"] == [{"kind": "StatefulSet", "name": "postgres"}] + [
        {"kind": "Deployment", "name": s["name"]} for s in SERVICES + [ledger()]
    ]


def test_a_changed_init_script_changes_the_postgres_pod_template(three):
    two = by_name(model(SERVICES))[("StatefulSet", "postgres")]["spec"]["template"]["metadata"]["annotations"]
    with_ledger = by_name(three)[("StatefulSet", "postgres")]["spec"]["template"]["metadata"]["annotations"]
    assert two["checksum/init"] != with_ledger["checksum/init"]


@pytest.mark.parametrize(
    "service, peers, port",
    [
        # name of the policy's service, the peers admitted (namespace, app; None: any), port
        ("invoice-app", [("ingress-nginx", None)], 8081),
        ("payment-provider", [(BILLING, "invoice-app")], 8082),
        ("ledger", [(PAYMENTS, "payment-provider")], 8083),
        ("postgres", [(BILLING, "invoice-app"), (PAYMENTS, "payment-provider"), (ACCOUNTING, "ledger")], 5432),
    ],
)
def test_ingress_policies_admit_exactly_the_callers_of_their_namespaces(three, service, peers, port):
    policy = by_name(three)[("NetworkPolicy", f"{service}-ingress")]
    assert policy["metadata"]["namespace"] == HOME[service]
    assert policy["spec"]["podSelector"]["matchLabels"]["app.kubernetes.io/name"] == service
    assert policy["spec"]["policyTypes"] == ["Ingress"]
    [rule] = policy["spec"]["ingress"]
    assert peers_of(rule["from"]) == peers
    assert rule["ports"] == [{"protocol": "TCP", "port": port}]


@pytest.mark.parametrize(
    "service, destinations",
    [
        # name, (namespace, pods it may connect to, port) besides the cluster DNS
        ("invoice-app", [(PAYMENTS, "payment-provider", 8082), (NAMESPACE, "postgres", 5432)]),
        ("payment-provider", [(ACCOUNTING, "ledger", 8083), (NAMESPACE, "postgres", 5432)]),
        ("ledger", [(NAMESPACE, "postgres", 5432)]),
        ("postgres", []),
    ],
)
def test_egress_reaches_exactly_the_callees_in_their_namespaces(three, service, destinations):
    policy = by_name(three)[("NetworkPolicy", f"{service}-egress")]
    assert policy["metadata"]["namespace"] == HOME[service]
    rules = policy["spec"].get("egress", [])
    reached = [(*peers_of(r["to"])[0], r["ports"][0]["port"]) for r in rules]
    if not destinations:
        assert reached == []
        return
    # The cluster DNS first (UDP and TCP), then each destination.
    assert reached[0] == ("kube-system", None, 53)
    assert rules[0]["to"][0]["podSelector"] == {"matchLabels": {"k8s-app": "kube-dns"}}
    assert reached[1:] == destinations


def test_every_peer_of_a_service_or_postgres_names_its_namespace(three):
    """Within a team's namespace or across: a peer never selects pods of whatever namespace the policy is in."""
    for policy in of_kind(three, "NetworkPolicy"):
        for rule in policy["spec"].get("ingress", []) + policy["spec"].get("egress", []):
            for peer in rule.get("from", []) + rule.get("to", []):
                assert "namespaceSelector" in peer, (policy["metadata"], peer)
                assert set(peer["namespaceSelector"]) == {"matchLabels"}
                assert set(peer["namespaceSelector"]["matchLabels"]) == {"kubernetes.io/metadata.name"}
                assert "ipBlock" not in peer


@pytest.mark.parametrize(
    "caller, variable, url",
    [
        ("invoice-app", "PAYMENT_PROVIDER_URL", f"http://payment-provider.{PAYMENTS}.svc.cluster.local:8082"),
        ("payment-provider", "LEDGER_URL", f"http://ledger.{ACCOUNTING}.svc.cluster.local:8083"),
    ],
)
def test_callers_are_told_the_callee_url(three, caller, variable, url):
    objects = by_name(three)
    assert objects[("ConfigMap", f"{caller}-config")]["data"][variable] == url
    assert container(objects[("Deployment", caller)])["envFrom"] == [{"configMapRef": {"name": f"{caller}-config"}}]


def test_only_the_public_service_has_an_ingress(three):
    assert [name for kind, name in by_name(three) if kind == "Ingress"] == ["invoice-app"]


def with_changed(service, **change):
    """The two declared services and ledger, with `change` made to `service`."""
    services = copy.deepcopy(SERVICES + [ledger()])
    for s in services:
        if s["name"] == service:
            s.update(change)
    return services


def ledger_images(**ledger_ref):
    return dict(images(SERVICES), ledger=ledger_ref)


@pytest.mark.parametrize(
    "services, change, message",
    [
        pytest.param(with_changed("ledger", callers=["payment-provider", "billing"]), {},
                     "app_deploy_services entry ledger: caller 'billing' is not a service of the list",
                     id="unknown-caller"),
        pytest.param(with_changed("ledger", callers=["ledger"]), {},
                     "app_deploy_services entry ledger: caller 'ledger' is the service itself", id="self-caller"),
        pytest.param(with_changed("ledger", public=True), {}, "are all public, but the Ingress has one host",
                     id="two-public"),
        pytest.param(with_changed("ledger", name="Ledger"), {}, "the name is not a DNS-1123 label", id="bad-name"),
        pytest.param(with_changed("ledger", name="postgres"), {}, "keeps for itself (postgres)", id="postgres-name"),
        pytest.param(with_changed("ledger", name="user"), {},
                     "app_deploy_services entry user: its Postgres role and database name", id="postgres-key-word"),
        pytest.param(with_changed("ledger", name="pg-x"), {},
                     "app_deploy_services entry pg-x: the name starts with pg- or pg_", id="postgres-pg-prefix"),
        pytest.param(with_changed("ledger", name="1abc"), {},
                     "app_deploy_services entry 1abc: the name starts with a digit", id="leading-digit"),
        pytest.param(with_changed("ledger", port=70000), {}, "port 70000 is not a number from 1 to 65535",
                     id="bad-port"),
        pytest.param(with_changed("ledger", env={"LEDGER_RETRIES": 3}), {},
                     "env LEDGER_RETRIES=3 is not a variable name with a string", id="non-string-env"),
        pytest.param(with_changed("ledger", env={"DATABASE_URL": "x"}), {},
                     "env DATABASE_URL is set by the role itself", id="reserved-env"),
        pytest.param(with_changed("ledger", env={"LEDGER_MODE": "strict\nX=1"}), {},
                     "env LEDGER_MODE='strict\\nX=1' holds a control character", id="env-value-line-break"),
        pytest.param(SERVICES + [ledger()], {"images": ledger_images(image="ledger", tag="latest")},
                     "app_deploy_images['ledger'].tag='latest' breaks the rule image_tag", id="latest-tag"),
        pytest.param(SERVICES + [ledger()], {"images": images(SERVICES)},
                     "app_deploy_images['ledger'].tag='' breaks the rule image_tag", id="missing-tag"),
        pytest.param(SERVICES + [ledger()], {"images": ledger_images(image="ledger:1.0", tag="src-1")},
                     "app_deploy_images['ledger'].image='ledger:1.0' breaks the rule image_repository",
                     id="repository-with-tag"),
        pytest.param(SERVICES + [ledger()], {"images": ledger_images(image="ledger", tag="abc123\n")},
                     "app_deploy_images['ledger'].tag='abc123\\n' breaks the rule image_tag",
                     id="tag-trailing-newline"),
        pytest.param(SERVICES + [ledger()], {"images": ledger_images(image="ledger", tag="src-1", digest="sha256:12")},
                     "app_deploy_images['ledger'].digest='sha256:12' breaks the rule image_digest",
                     id="short-digest"),
        pytest.param(SERVICES, {"image_pull_secret": "Registry"},
                     "app_deploy_image_pull_secret='Registry' breaks the rule dns_name", id="pull-secret-name"),
        pytest.param(SERVICES, {"namespace": "invoice\n"},
                     "app_deploy_namespace='invoice\\n' breaks the rule dns_label", id="namespace-trailing-newline"),
        pytest.param(SERVICES, {"namespace": "invoice "},
                     "app_deploy_namespace='invoice ' breaks the rule dns_label", id="namespace-trailing-space"),
        pytest.param(SERVICES, {"ingress_host": "invoice-app.test\n"},
                     "app_deploy_ingress_host='invoice-app.test\\n' breaks the rule host_name",
                     id="ingress-host-trailing-newline"),
        pytest.param(SERVICES, {"memory_limit": "64Mi\n"}, "app_deploy_memory_limit='64Mi\\n' breaks the rule quantity",
                     id="quantity-trailing-newline"),
        pytest.param(SERVICES, {"postgres_image": "postgres:17.6\n"},
                     "app_deploy_postgres_image='postgres:17.6\\n' breaks the rule pinned_image",
                     id="postgres-image-trailing-newline"),
        pytest.param(SERVICES, {"postgres_image": "postgres"}, "app_deploy_postgres_image='postgres' breaks the rule",
                     id="postgres-image-unpinned"),
        pytest.param(SERVICES, {"postgres_storage_class": "Fast_Disks"},
                     "app_deploy_postgres_storage_class='Fast_Disks' breaks the rule dns_name", id="storage-class"),
        pytest.param(SERVICES, {"replicas": 0}, "app_deploy_replicas=0 must be at least 1.", id="zero-replicas"),
        pytest.param(SERVICES, {"replicas": "three"}, "app_deploy_replicas=three must be at least 1.",
                     id="replicas-not-a-number"),
        pytest.param(SERVICES, {"wait_timeout": 0}, "app_deploy_wait_timeout=0 must be at least 1 (seconds).",
                     id="zero-timeout"),
        pytest.param(SERVICES, {"render_dir": "out\n"}, "app_deploy_render_dir='out\\n' breaks the rule path",
                     id="render-dir"),
        pytest.param([], {}, "app_deploy_services is empty", id="empty-list"),
        pytest.param(SERVICES, {"postgres_local_volume": "yes"},
                     "app_deploy_postgres_local_volume='yes' must be true or false.", id="local-volume-not-a-bool"),
    ],
)  # fmt: skip
def test_a_bad_value_is_refused_naming_the_variable_and_the_rule(services, change, message):
    found = build(copy.deepcopy(services), dict(SETTINGS, **{"images": images(services), **change}))

    assert any(message in sentence for sentence in found["problems"]), found["problems"]
    # Nothing is computed from a bad value.
    assert set(found) == {"problems"}


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"images": {}}, id="no-tags"),
        pytest.param({"postgres_image": "postgres:latest"}, id="postgres-on-latest"),
        pytest.param({"ingress_host": "Invoice_App.test"}, id="bad-ingress-host"),
    ],
)
def test_a_removal_does_not_check_what_only_a_deploy_uses(change):
    found = build(copy.deepcopy(SERVICES), dict(SETTINGS, state="absent", **change))

    assert found["problems"] == []
    assert [(d["kind"], d["metadata"]["name"]) for d in found["definitions"]][:4] == [
        ("Namespace", NAMESPACE),
        ("Namespace", BILLING),
        ("Namespace", PAYMENTS),
        ("Role", "team"),
    ]


def test_the_init_script_is_the_one_the_golden_objects_hold():
    golden = {(o["kind"], o["metadata"]["name"]): o for o in json.loads(GOLDEN.read_text())}
    script = golden[("ConfigMap", "postgres-init")]["data"]["10-service-databases.sh"]

    assert by_name(model(SERVICES))[("ConfigMap", "postgres-init")]["data"]["10-service-databases.sh"] == script


# --- The gateway front door ---

GATEWAY = {"front_door": "gateway", "ingress_controller_namespace": "sre-front-door"}


def test_the_gateway_front_door_publishes_with_a_gateway_and_routes_and_no_ingress():
    found = by_name(model(SERVICES, **GATEWAY))

    assert [k for k in found if k[0] == "Ingress"] == []
    gateway = found[("Gateway", "invoice-app")]
    # With the certificate's Secret in the stack's namespace; the routes are the team's.
    assert gateway["metadata"]["namespace"] == NAMESPACE
    assert gateway["spec"]["gatewayClassName"] == "sre-minikube"
    listeners = {lis["name"]: lis for lis in gateway["spec"]["listeners"]}
    for listener in listeners.values():
        assert listener["allowedRoutes"] == {
            "namespaces": {"from": "Selector", "selector": {"matchLabels": {"kubernetes.io/metadata.name": BILLING}}}
        }
    assert {n: (lis["port"], lis["protocol"], lis["hostname"]) for n, lis in listeners.items()} == {
        "http": (8000, "HTTP", "invoice-app.test"),
        "https": (8443, "HTTPS", "invoice-app.test"),
    }
    assert listeners["https"]["tls"] == {
        "mode": "Terminate",
        "certificateRefs": [{"kind": "Secret", "name": "front-door-tls"}],
    }
    assert {
        found[("HTTPRoute", name)]["metadata"]["namespace"] for name in ("invoice-app", "invoice-app-redirect")
    } == {BILLING}
    route = found[("HTTPRoute", "invoice-app")]["spec"]
    assert route["parentRefs"] == [{"name": "invoice-app", "namespace": NAMESPACE, "sectionName": "https"}]
    assert route["rules"] == [{"backendRefs": [{"name": "invoice-app", "port": 8081}]}]
    redirect = found[("HTTPRoute", "invoice-app-redirect")]["spec"]
    assert redirect["parentRefs"] == [{"name": "invoice-app", "namespace": NAMESPACE, "sectionName": "http"}]
    assert redirect["rules"] == [
        {"filters": [{"type": "RequestRedirect", "requestRedirect": {"scheme": "https", "statusCode": 301}}]}
    ]


def test_only_public_services_get_a_gateway_and_the_front_door_namespace_may_reach_them():
    found = by_name(model(SERVICES + [ledger()], **GATEWAY))

    assert sorted(name for kind, name in found if kind in ("Gateway", "HTTPRoute")) == [
        "invoice-app",
        "invoice-app",
        "invoice-app-redirect",
    ]
    peers = found[("NetworkPolicy", "invoice-app-ingress")]["spec"]["ingress"][0]["from"]
    assert {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "sre-front-door"}}} in peers
    [rule] = found[("NetworkPolicy", "payment-provider-ingress")]["spec"]["ingress"]
    assert peers_of(rule["from"]) == [(BILLING, "invoice-app")]


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"front_door": "nginx"}, "app_deploy_front_door='nginx' must be one of gateway, ingress"),
        ({"gateway_class": "Bad_Class"}, "app_deploy_gateway_class='Bad_Class' breaks the rule dns_name"),
        ({"tls_secret": "tls\n"}, "app_deploy_tls_secret='tls\\n' breaks the rule dns_name"),
    ],
)
def test_a_bad_front_door_setting_is_named(change, named):
    found = model(SERVICES, **dict(GATEWAY, **change))

    assert [p for p in found["problems"] if p.startswith(named)], found["problems"]
    assert "definitions" not in found


# --- The teams: a namespace each, and a Role bound to the team's group there ---


def test_each_team_gets_its_namespace_a_role_and_a_binding_and_nothing_cluster_wide(three):
    found = by_key(three)

    assert three["namespaces"] == [NAMESPACE, BILLING, PAYMENTS, ACCOUNTING]
    assert [o["metadata"]["name"] for o in of_kind(three, "Namespace")] == three["namespaces"]
    for namespace in three["namespaces"]:
        labels = found[("Namespace", None, namespace)]["metadata"]["labels"]
        assert labels["pod-security.kubernetes.io/enforce"] == "restricted"
        assert labels["sre.minikube/owner"] == "app_deploy"
        # Every namespace denies ingress to its pods but for what a policy admits.
        assert found[("NetworkPolicy", namespace, "default-deny-ingress")]["spec"] == {
            "podSelector": {},
            "policyTypes": ["Ingress"],
        }
    assert [(o["metadata"]["namespace"], o["metadata"]["name"]) for o in of_kind(three, "Role")] == [
        (BILLING, "team"),
        (PAYMENTS, "team"),
        (ACCOUNTING, "team"),
    ]
    assert {o["kind"] for o in three["definitions"]}.isdisjoint({"ClusterRole", "ClusterRoleBinding"})
    # Postgres and its Secret stay in the stack's namespace, where no team has a right.
    assert {o["metadata"].get("namespace") for o in three["definitions"] if "postgres" in o["metadata"]["name"]} == {
        NAMESPACE
    }
    assert not [
        o for o in of_kind(three, "Role") + of_kind(three, "RoleBinding") if o["metadata"]["namespace"] == NAMESPACE
    ]


def rules_of(found):
    """Every (apiGroup, resource, verb) the teams' Roles grant."""
    return {
        (group, resource, verb)
        for role in of_kind(found, "Role")
        for rule in role["rules"]
        for group in rule["apiGroups"]
        for resource in rule["resources"]
        for verb in rule["verbs"]
    }


def test_a_team_s_role_grants_no_cluster_scoped_resource_no_secret_and_no_rights_to_grant_rights(three):
    granted = rules_of(three)

    assert granted
    assert not [g for g in granted if g[1].split("/")[0] in CLUSTER_SCOPED]
    assert not [g for g in granted if g[1] == "secrets"]
    assert not [g for g in granted if g[0] == RBAC or g[1] in ("roles", "rolebindings")]
    assert not [g for g in granted if "*" in g or g[2] in ("escalate", "bind", "impersonate", "create", "delete")]
    # No way into a pod's process or around the NetworkPolicies.
    assert not [g for g in granted if g[1] in ("pods/exec", "pods/attach", "pods/portforward", "pods/proxy")]
    # Nor its own policies, routes or workloads beyond the Deployments.
    writes = {(group, resource) for group, resource, verb in granted if verb not in ("get", "list", "watch")}
    assert writes == {("apps", "deployments"), ("apps", "deployments/scale")}


@pytest.mark.parametrize(
    ("wanted", "granted"),
    [
        # What a team needs to run its services (what docs/app_deploy.md, "Teams", promises).
        (("", "pods", "get"), True),
        (("", "pods/log", "get"), True),
        (("", "events", "list"), True),
        (("", "configmaps", "get"), True),
        (("", "services", "get"), True),
        (("apps", "deployments", "update"), True),
        (("apps", "deployments", "patch"), True),
        (("apps", "deployments/scale", "update"), True),
        (("apps", "replicasets", "list"), True),
        (("", "secrets", "get"), False),
        (("", "secrets", "update"), False),
        (("", "pods", "delete"), False),
        (("", "pods/exec", "create"), False),
        (("", "configmaps", "update"), False),
        (("networking.k8s.io", "networkpolicies", "delete"), False),
        (("apps", "statefulsets", "get"), False),
    ],
)
def test_what_a_team_may_and_may_not_do_in_its_namespace(three, wanted, granted):
    assert (wanted in rules_of(three)) is granted


def test_every_role_binding_binds_the_role_of_its_own_namespace_to_the_team_s_group(three):
    roles = {(o["metadata"]["namespace"], o["metadata"]["name"]) for o in of_kind(three, "Role")}
    bindings = of_kind(three, "RoleBinding")

    assert len(bindings) == len(three["teams"])
    for binding, team in zip(bindings, three["teams"], strict=True):
        namespace = binding["metadata"]["namespace"]
        assert namespace == team["namespace"]
        assert binding["roleRef"] == {"apiGroup": RBAC, "kind": "Role", "name": "team"}
        assert (namespace, binding["roleRef"]["name"]) in roles
        assert binding["subjects"] == [{"apiGroup": RBAC, "kind": "Group", "name": team["name"]}]


def test_the_group_prefix_comes_before_each_team_s_name():
    found = model(SERVICES, team_group_prefix="oidc:")

    assert [b["subjects"][0]["name"] for b in of_kind(found, "RoleBinding")] == ["oidc:billing", "oidc:payments"]
    assert [t["group"] for t in found["teams"]] == ["oidc:billing", "oidc:payments"]


def test_two_services_of_one_team_share_its_namespace():
    services = [dict(s, team="billing") for s in SERVICES]
    found = model(services)

    assert found["namespaces"] == [NAMESPACE, BILLING]
    assert {d["metadata"]["namespace"] for d in of_kind(found, "Deployment")} == {BILLING}
    [rule] = by_name(found)[("NetworkPolicy", "payment-provider-ingress")]["spec"]["ingress"]
    assert peers_of(rule["from"]) == [(BILLING, "invoice-app")]
    assert [c["keys"] for c in found["secret_copies"]] == [["invoice-app-password", "payment-provider-password"]]


@pytest.mark.parametrize(
    ("services", "change", "message"),
    [
        pytest.param([{k: v for k, v in s.items() if k != "team"} for s in SERVICES], {},
                     "app_deploy_services entry invoice-app: team is missing", id="no-team"),
        pytest.param(with_changed("ledger", team="Accounting"), {},
                     "app_deploy_services entry ledger: team 'Accounting' is not a DNS-1123 label", id="bad-team"),
        pytest.param(with_changed("ledger", team="a" * 60), {},
                     f"team {'a' * 60}'s namespace invoice-{'a' * 60} (app_deploy_namespace, '-', the team) is not a"
                     " namespace the role may own", id="namespace-too-long"),
        pytest.param(SERVICES, {"namespace": "kube"},
                     "team billing's namespace kube-billing (app_deploy_namespace, '-', the team) is not a namespace",
                     id="system-namespace"),
        pytest.param(SERVICES, {"team_group_prefix": "oidc:\n"},
                     "app_deploy_team_group_prefix='oidc:\\n' breaks the rule text", id="group-prefix-line-break"),
    ],
)  # fmt: skip
def test_a_team_that_cannot_make_a_namespace_is_refused(services, change, message):
    found = build(copy.deepcopy(services), dict(SETTINGS, **{"images": images(services), **change}))

    assert any(message in sentence for sentence in found["problems"]), found["problems"]
    assert set(found) == {"problems"}


def test_a_system_namespace_of_the_stack_is_left_to_its_own_refusal():
    """The role's ownership check refuses kube-* and default by name; no sentence per team repeats it."""
    found = model(SERVICES, namespace="kube-system")

    assert not [p for p in found["problems"] if "kube-system-" in p]


@pytest.mark.parametrize(
    ("front_door", "published"),
    [("ingress", [("Ingress", "invoice-app")]),
     ("gateway", [("HTTPRoute", "invoice-app"), ("HTTPRoute", "invoice-app-redirect")])],
)  # fmt: skip
def test_what_the_layout_before_the_teams_kept_in_the_stack_s_namespace_is_retired(front_door, published):
    found = model(SERVICES, front_door=front_door, ingress_controller_namespace="sre-front-door")
    retired = [(o["kind"], o["metadata"]["name"]) for o in found["retired"]]

    assert retired == [
        ("ServiceAccount", "invoice-app"), ("ConfigMap", "invoice-app-config"),
        ("NetworkPolicy", "invoice-app-ingress"), ("NetworkPolicy", "invoice-app-egress"), ("Service", "invoice-app"),
        ("PodDisruptionBudget", "invoice-app"), ("Deployment", "invoice-app"), *published,
        ("ServiceAccount", "payment-provider"), ("NetworkPolicy", "payment-provider-ingress"),
        ("NetworkPolicy", "payment-provider-egress"), ("Service", "payment-provider"),
        ("PodDisruptionBudget", "payment-provider"), ("Deployment", "payment-provider"),
    ]  # fmt: skip
    assert {o["metadata"]["namespace"] for o in found["retired"]} == {NAMESPACE}
    assert all(o["metadata"]["labels"] == {"sre.minikube/owner": "app_deploy"} for o in found["retired"])
    # None of them is an object this layout applies (the Gateway stays where it was).
    applied = set(by_key(found))
    assert not [o for o in found["retired"] if (o["kind"], NAMESPACE, o["metadata"]["name"]) in applied]


POSTGRES_PLACEMENT = [
    # (postgres_local_volume, Postgres's nodeSelector, its PodDisruptionBudget's spec or None)
    (False, None, None),
    (True, {"minikube.k8s.io/primary": "true"},
     {"maxUnavailable": 0, "selector": {"matchLabels": {"app.kubernetes.io/name": "postgres",
                                                        "app.kubernetes.io/instance": "postgres"}}}),
]  # fmt: skip


@pytest.mark.parametrize(("local", "node_selector", "budget"), POSTGRES_PLACEMENT)
def test_postgres_on_a_node_local_volume_stays_on_its_node_and_is_never_evicted(local, node_selector, budget):
    """minikube's storage provisioner makes volumes on the primary node; Postgres started elsewhere would find an
    empty directory. Pinned there, with a budget that lets no eviction take it, a drain stops at it and says so."""
    found = model(SERVICES, postgres_local_volume=local)
    objects = by_name(found)

    pod = objects[("StatefulSet", "postgres")]["spec"]["template"]["spec"]
    assert pod.get("nodeSelector") == node_selector
    pdb = objects.get(("PodDisruptionBudget", "postgres"))
    assert (pdb["spec"] if pdb else None) == budget
    # The services' pods go anywhere: their replicas spread over the nodes.
    for app in SERVICES:
        assert "nodeSelector" not in objects[("Deployment", app["name"])]["spec"]["template"]["spec"]
    kinds = [(obj["kind"], obj["metadata"]["name"]) for obj in found["definitions"]]
    budgets = [name for kind, name in kinds if kind == "PodDisruptionBudget"]
    assert budgets == ["invoice-app", "payment-provider"] + (["postgres"] if local else [])


@pytest.mark.parametrize("app", [s["name"] for s in SERVICES])
def test_replicas_spread_over_the_nodes_and_a_drain_takes_one_at_a_time(app):
    """Several nodes: at most one replica more on one node than on another, nodes the pods may not run on (a
    cordoned node's taint) left out of the count, so a drained node's pods fit on the others; the budget lets one
    pod of the service go at a time."""
    objects = by_name(model(SERVICES))

    (spread,) = objects[("Deployment", app)]["spec"]["template"]["spec"]["topologySpreadConstraints"]
    assert (spread["topologyKey"], spread["maxSkew"], spread["whenUnsatisfiable"]) == (
        "kubernetes.io/hostname",
        1,
        "DoNotSchedule",
    )
    assert spread["nodeTaintsPolicy"] == "Honor"
    pdb = objects[("PodDisruptionBudget", app)]["spec"]
    assert (
        spread["labelSelector"]
        == pdb["selector"]
        == {"matchLabels": {"app.kubernetes.io/name": app, "app.kubernetes.io/instance": app}}
    )
    assert pdb["maxUnavailable"] == 1
