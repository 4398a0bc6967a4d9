# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""deploy_model: the manifests of the declared services, a third service's objects, and every refusal.

golden/deploy_model_two_services.json holds the objects the app_deploy role
rendered with its Jinja templates for the two declared services, before the
model moved to Python: the model must give exactly those.
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
    {"name": "invoice-app", "port": 8081, "component": "api", "public": True, "database": True, "callers": [],
     "env": {"PAYMENT_TIMEOUT": "5s"}},
    {"name": "payment-provider", "port": 8082, "component": "payments", "public": False, "database": True,
     "callers": ["invoice-app"], "env": {}},
]  # fmt: skip
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
    return {"name": "ledger", "port": 8083, "component": "ledger", "public": False, "database": True,
            "callers": ["payment-provider"], "env": {"LEDGER_MODE": "strict"}}  # fmt: skip


def images(services):
    return {s["name"]: {"image": s["name"], "tag": f"src-{i:08d}"} for i, s in enumerate(services)}


def model(services, **change):
    settings = dict(SETTINGS, images=images(services))
    settings.update(change)
    return build(copy.deepcopy(services), settings)


def by_name(found):
    return {(obj["kind"], obj["metadata"]["name"]): obj for obj in found["definitions"]}


def selector_names(peers):
    return [p["podSelector"]["matchLabels"]["app.kubernetes.io/name"] for p in peers if "podSelector" in p]


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
        (
            "images",
            ["invoice-app:src-00000000", "payment-provider:src-00000001", SETTINGS["postgres_image"]],
        ),
    ],
)  # fmt: skip
def test_the_two_services_derived_facts(key, expected):
    assert model(SERVICES)[key] == expected


@pytest.mark.parametrize("kind", ["Deployment", "Service", "ServiceAccount", "PodDisruptionBudget"])
def test_the_third_service_gets_its_objects(three, kind):
    obj = by_name(three)[(kind, "ledger")]
    assert obj["metadata"]["namespace"] == NAMESPACE
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
    "service, peers, namespaces, port",
    [
        # name of the policy's service, pods admitted, namespaces admitted, port
        ("invoice-app", [], ["ingress-nginx"], 8081),
        ("payment-provider", ["invoice-app"], [], 8082),
        ("ledger", ["payment-provider"], [], 8083),
        ("postgres", ["invoice-app", "payment-provider", "ledger"], [], 5432),
    ],
)
def test_ingress_policies_admit_exactly_the_callers(three, service, peers, namespaces, port):
    policy = by_name(three)[("NetworkPolicy", f"{service}-ingress")]
    assert policy["spec"]["podSelector"]["matchLabels"]["app.kubernetes.io/name"] == service
    assert policy["spec"]["policyTypes"] == ["Ingress"]
    [rule] = policy["spec"]["ingress"]
    assert selector_names(rule["from"]) == peers
    admitted = [p["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"]
                for p in rule["from"] if "namespaceSelector" in p]  # fmt: skip
    assert admitted == namespaces
    assert rule["ports"] == [{"protocol": "TCP", "port": port}]


@pytest.mark.parametrize(
    "service, destinations",
    [
        # name, (pods it may connect to, port) besides the cluster DNS
        ("invoice-app", [("payment-provider", 8082), ("postgres", 5432)]),
        ("payment-provider", [("ledger", 8083), ("postgres", 5432)]),
        ("ledger", [("postgres", 5432)]),
        ("postgres", []),
    ],
)
def test_egress_reaches_exactly_the_callees(three, service, destinations):
    rules = by_name(three)[("NetworkPolicy", f"{service}-egress")]["spec"].get("egress", [])
    pods = [(selector_names(r["to"])[0], r["ports"][0]["port"]) for r in rules if "namespaceSelector" not in r["to"][0]]
    assert pods == destinations
    assert len([r for r in rules if "namespaceSelector" in r["to"][0]]) == (1 if destinations else 0)


@pytest.mark.parametrize(
    "caller, variable, url",
    [
        ("invoice-app", "PAYMENT_PROVIDER_URL", "http://payment-provider.invoice.svc.cluster.local:8082"),
        ("payment-provider", "LEDGER_URL", "http://ledger.invoice.svc.cluster.local:8083"),
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
    assert [(d["kind"], d["metadata"]["name"]) for d in found["definitions"]][:2] == [
        ("Namespace", NAMESPACE),
        ("ServiceAccount", "invoice-app"),
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
    assert gateway["spec"]["gatewayClassName"] == "sre-minikube"
    listeners = {lis["name"]: lis for lis in gateway["spec"]["listeners"]}
    assert {n: (lis["port"], lis["protocol"], lis["hostname"]) for n, lis in listeners.items()} == {
        "http": (8000, "HTTP", "invoice-app.test"),
        "https": (8443, "HTTPS", "invoice-app.test"),
    }
    assert listeners["https"]["tls"] == {
        "mode": "Terminate",
        "certificateRefs": [{"kind": "Secret", "name": "front-door-tls"}],
    }
    route = found[("HTTPRoute", "invoice-app")]["spec"]
    assert route["parentRefs"] == [{"name": "invoice-app", "sectionName": "https"}]
    assert route["rules"] == [{"backendRefs": [{"name": "invoice-app", "port": 8081}]}]
    redirect = found[("HTTPRoute", "invoice-app-redirect")]["spec"]
    assert redirect["parentRefs"] == [{"name": "invoice-app", "sectionName": "http"}]
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
    assert "namespaceSelector" not in str(found[("NetworkPolicy", "payment-provider-ingress")])


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
