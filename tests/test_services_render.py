"""The services list (apps/services.yml) drives app_deploy's manifests.

Each case writes a services list, runs the app_deploy role's `render` entry
point on it with ansible-playbook (no cluster: the role writes the manifests
to files) and reads the rendered objects back. The first case adds a
made-up third service, `ledger`, called by payment-provider, with a database
and not public, to the services the repository declares, and checks every
object it must bring and every policy it must change; the refusal cases
give a list the role must refuse, before writing anything, with a message
that says what is wrong.
"""

from __future__ import annotations

import json
import os
import pathlib
import secrets
import subprocess
import sys

import local_playbook
import pytest
import yaml

TOP = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(TOP / "tools"))
import product_facts  # noqa: E402

SERVICES = product_facts.services()
NAMESPACE = "invoice"

PLAYBOOK = """
- hosts: localhost
  gather_facts: false
  vars_files: [input.yml]
  tasks:
    - name: Render the manifests
      ansible.builtin.include_role:
        name: app_deploy
        tasks_from: render
        public: true
    - name: Write what the role derived and does not render to a file
      ansible.builtin.copy:
        dest: "{{ playbook_dir }}/derived.json"
        content: "{{ {'secret_keys': _app_deploy_postgres_secret_keys, 'workloads': _app_deploy_workloads} | to_json }}"
        mode: "0644"
"""


def ledger() -> dict:
    return {
        "name": "ledger",
        "port": 8083,
        "component": "ledger",
        "public": False,
        "database": True,
        "callers": ["payment-provider"],
        "env": {"LEDGER_MODE": "strict"},
    }


def images(services: list[dict]) -> dict:
    return {s["name"]: {"image": s["name"], "tag": f"src-{i:08d}"} for i, s in enumerate(services)}


def render(tmp_path: pathlib.Path, services: list[dict], **extra) -> tuple[subprocess.CompletedProcess, dict]:
    """Runs the render entry point; returns the run and the objects by (kind, name)."""
    out = tmp_path / "manifests"
    variables = {
        "app_deploy_services": services,
        "app_deploy_images": images(services),
        "app_deploy_render_dir": str(out),
    }
    variables.update(extra)
    run = local_playbook.run(tmp_path, PLAYBOOK, variables)
    objects = {}
    for path in sorted(out.glob("*.yaml")) if out.exists() else []:
        for obj in yaml.safe_load_all(path.read_text()):
            if obj:
                objects[(obj["kind"], obj["metadata"]["name"])] = obj
    return run, objects


def selector_names(peers: list[dict]) -> list[str]:
    return [p["podSelector"]["matchLabels"]["app.kubernetes.io/name"] for p in peers if "podSelector" in p]


def container(deployment: dict) -> dict:
    return deployment["spec"]["template"]["spec"]["containers"][0]


def env_of(deployment: dict) -> dict:
    return {e["name"]: e for e in container(deployment).get("env", [])}


@pytest.fixture(scope="module")
def three(tmp_path_factory) -> tuple[dict, dict]:
    tmp = tmp_path_factory.mktemp("three")
    run, objects = render(tmp, SERVICES + [ledger()])
    assert run.returncode == 0, run.stdout + run.stderr
    return objects, json.loads((tmp / "derived.json").read_text())


def test_each_declared_service_is_a_directory_of_apps():
    assert SERVICES
    assert all((TOP / "apps" / s["name"] / "go.mod").is_file() for s in SERVICES)


@pytest.mark.parametrize(
    "kind",
    ["Deployment", "Service", "ServiceAccount", "PodDisruptionBudget"],
)
def test_the_third_service_gets_its_objects(three, kind):
    objects, _ = three
    assert (kind, "ledger") in objects
    obj = objects[(kind, "ledger")]
    assert obj["metadata"]["namespace"] == NAMESPACE
    assert obj["metadata"]["labels"]["app.kubernetes.io/component"] == "ledger"


def test_the_third_service_runs_its_image_on_its_port(three):
    objects, _ = three
    deployment = objects[("Deployment", "ledger")]
    c = container(deployment)
    assert c["image"] == "ledger:" + images(SERVICES + [ledger()])["ledger"]["tag"]
    assert c["ports"] == [{"name": "http", "containerPort": 8083, "protocol": "TCP"}]
    assert env_of(deployment)["LISTEN_ADDR"]["value"] == ":8083"
    assert c["envFrom"] == [{"configMapRef": {"name": "ledger-config"}}]
    assert objects[("ConfigMap", "ledger-config")]["data"] == {"LEDGER_MODE": "strict"}
    service = objects[("Service", "ledger")]
    assert service["spec"]["ports"][0]["port"] == 8083
    assert service["spec"]["selector"]["app.kubernetes.io/name"] == "ledger"


def test_the_third_service_has_its_database(three):
    objects, derived = three
    env = env_of(objects[("Deployment", "ledger")])
    assert env["DATABASE_PASSWORD"]["valueFrom"]["secretKeyRef"]["key"] == "ledger-password"
    assert env["DATABASE_URL"]["value"].startswith("postgres://ledger:$(DATABASE_PASSWORD)@postgres.invoice.svc")
    assert env["DATABASE_URL"]["value"].endswith("/ledger?sslmode=disable")
    script = objects[("ConfigMap", "postgres-init")]["data"]["10-service-databases.sh"]
    assert 'CREATE DATABASE "ledger" OWNER "ledger";' in script
    assert '--set=ledger_password="${LEDGER_PASSWORD}"' in script
    postgres_env = {e["name"]: e for e in container(objects[("StatefulSet", "postgres")])["env"]}
    assert postgres_env["LEDGER_PASSWORD"]["valueFrom"]["secretKeyRef"]["key"] == "ledger-password"
    with_database = [x["name"] for x in SERVICES if x.get("database")] + ["ledger"]
    assert derived["secret_keys"] == ["postgres-password"] + [f"{name}-password" for name in with_database]
    assert "invoice-app-password" in derived["secret_keys"]
    assert derived["workloads"] == [{"kind": "StatefulSet", "name": "postgres"}] + [
        {"kind": "Deployment", "name": x["name"]} for x in SERVICES + [ledger()]
    ]


@pytest.mark.parametrize(
    "service, peers, namespaces, port",
    [
        # name of the policy's service, pods admitted, namespaces admitted, port
        ("invoice-app", [], ["ingress-nginx"], 8081),
        ("payment-provider", ["invoice-app"], [], 8082),
        ("ledger", ["payment-provider"], [], 8083),
        ("postgres", [s["name"] for s in SERVICES if s.get("database")] + ["ledger"], [], 5432),
    ],
)
def test_ingress_policies_admit_exactly_the_callers(three, service, peers, namespaces, port):
    objects, _ = three
    policy = objects[("NetworkPolicy", f"{service}-ingress")]
    assert policy["spec"]["podSelector"]["matchLabels"]["app.kubernetes.io/name"] == service
    assert policy["spec"]["policyTypes"] == ["Ingress"]
    [rule] = policy["spec"]["ingress"]
    assert selector_names(rule["from"]) == peers
    assert [
        p["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"]
        for p in rule["from"]
        if "namespaceSelector" in p
    ] == namespaces
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
    objects, _ = three
    policy = objects[("NetworkPolicy", f"{service}-egress")]
    rules = policy["spec"].get("egress", [])
    pods = [(selector_names(r["to"])[0], r["ports"][0]["port"]) for r in rules if "namespaceSelector" not in r["to"][0]]
    assert pods == destinations
    dns = [r for r in rules if "namespaceSelector" in r["to"][0]]
    assert len(dns) == (1 if destinations else 0)


@pytest.mark.parametrize(
    "caller, variable, url",
    [
        ("invoice-app", "PAYMENT_PROVIDER_URL", "http://payment-provider.invoice.svc.cluster.local:8082"),
        ("payment-provider", "LEDGER_URL", "http://ledger.invoice.svc.cluster.local:8083"),
    ],
)
def test_callers_are_told_the_callee_url(three, caller, variable, url):
    objects, _ = three
    config = objects[("ConfigMap", f"{caller}-config")]["data"]
    assert config[variable] == url
    assert container(objects[("Deployment", caller)])["envFrom"] == [{"configMapRef": {"name": f"{caller}-config"}}]


def test_only_the_public_service_has_an_ingress(three):
    objects, _ = three
    assert [name for kind, name in objects if kind == "Ingress"] == ["invoice-app"]


POSTGRES_SH = TOP / "tests" / "harness" / "postgres.sh"


def left() -> dict:
    """A service whose role and database name is a key word Postgres takes only quoted (CREATE DATABASE left fails)."""
    return {"name": "left", "port": 8084, "component": "left", "public": False, "database": True, "callers": []}


@pytest.fixture(scope="module")
def postgres():
    """A real Postgres server (tests/harness/postgres.sh): its directory, port and superuser password."""
    up = subprocess.run([str(POSTGRES_SH), "up"], capture_output=True, text=True, check=True, timeout=600)
    directory = pathlib.Path(up.stdout.strip())
    try:
        yield {"dir": directory, "port": (directory / "port").read_text().strip(),
               "password": (directory / "password").read_text().strip()}  # fmt: skip
    finally:
        subprocess.run([str(POSTGRES_SH), "down", str(directory)], check=True, timeout=120)


def psql(server: dict, user: str, password: str, database: str, sql: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PGHOST="127.0.0.1", PGPORT=server["port"], PGPASSWORD=password, PGCONNECT_TIMEOUT="10")
    return subprocess.run(
        ["psql", "--no-psqlrc", "-At", "-v", "ON_ERROR_STOP=1", "-U", user, "-d", database, "-c", sql],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_the_init_script_creates_each_role_and_database_on_a_real_postgres(tmp_path, postgres):
    services = SERVICES + [ledger(), left()]
    run, objects = render(tmp_path, services)
    assert run.returncode == 0, run.stdout + run.stderr
    script = objects[("ConfigMap", "postgres-init")]["data"]["10-service-databases.sh"]
    names = [s["name"].replace("-", "_") for s in services if s.get("database")]
    passwords = {name: secrets.token_hex(12) for name in names}
    env = dict(os.environ, PGHOST="127.0.0.1", PGPORT=postgres["port"], PGPASSWORD=postgres["password"])
    env.update(POSTGRES_USER="sre", **{f"{name.upper()}_PASSWORD": password for name, password in passwords.items()})

    init = subprocess.run(["sh", "-c", script], env=env, capture_output=True, text=True, timeout=120)

    assert init.returncode == 0, init.stdout + init.stderr
    for name, password in passwords.items():
        # Each service logs in with its password to its own database, which it owns.
        owner = psql(postgres, name, password, name, "SELECT pg_get_userbyid(datdba) FROM pg_database"
                     " WHERE datname = current_database()")  # fmt: skip
        assert (owner.returncode, owner.stdout.strip()) == (0, name), owner.stderr
        assert psql(postgres, name, password, "postgres", "SELECT 1").returncode != 0
    assert psql(postgres, "left", passwords["left"], "ledger", "SELECT 1").returncode != 0


def with_changed(service: str, **change) -> list[dict]:
    """The two declared services and ledger, with `change` made to `service`."""
    services = [dict(s) for s in SERVICES + [ledger()]]
    for s in services:
        if s["name"] == service:
            s.update(change)
    return services


@pytest.mark.parametrize(
    "services, extra, message",
    [
        (
            with_changed("ledger", callers=["payment-provider", "billing"]),
            {},
            "app_deploy_services entry ledger: caller 'billing' is not a service of the list",
        ),
        (
            with_changed("ledger", callers=["ledger"]),
            {},
            "app_deploy_services entry ledger: caller 'ledger' is the service itself",
        ),
        (with_changed("ledger", public=True), {}, "are all public, but the Ingress has one host"),
        (with_changed("ledger", name="Ledger"), {}, "the name is not a DNS-1123 label"),
        (with_changed("ledger", name="postgres"), {}, "keeps for itself (postgres)"),
        (
            with_changed("ledger", name="user"),
            {},
            "app_deploy_services entry user: its Postgres role and database name",
        ),
        (with_changed("ledger", name="pg-x"), {}, "app_deploy_services entry pg-x: the name starts with pg- or pg_"),
        (with_changed("ledger", name="1abc"), {}, "app_deploy_services entry 1abc: the name starts with a digit"),
        (with_changed("ledger", port=70000), {}, "port 70000 is not a number from 1 to 65535"),
        (
            with_changed("ledger", env={"LEDGER_RETRIES": 3}),
            {},
            "env LEDGER_RETRIES=3 is not a variable name with a string",
        ),
        (with_changed("ledger", env={"DATABASE_URL": "x"}), {}, "env DATABASE_URL is set by the role itself"),
        (
            SERVICES + [ledger()],
            {"app_deploy_images": {**images(SERVICES), "ledger": {"image": "ledger", "tag": "latest"}}},
            "app_deploy_images['ledger'].tag='latest' breaks the rule image_tag",
        ),
        (
            SERVICES + [ledger()],
            {"app_deploy_images": images(SERVICES)},
            "app_deploy_images['ledger'].tag='' breaks the rule image_tag",
        ),
        (
            SERVICES + [ledger()],
            {"app_deploy_images": {**images(SERVICES), "ledger": {"image": "ledger:1.0", "tag": "src-1"}}},
            "app_deploy_images['ledger'].image='ledger:1.0' breaks the rule image_repository",
        ),
        (
            SERVICES + [ledger()],
            {"app_deploy_images": {**images(SERVICES), "ledger": {"image": "ledger", "tag": "abc123\n"}}},
            "app_deploy_images['ledger'].tag='abc123\\n' breaks the rule image_tag",
        ),
        (
            SERVICES,
            {"app_deploy_namespace": "invoice\n"},
            "app_deploy_namespace='invoice\\n' breaks the rule dns_label",
        ),
        (SERVICES, {"app_deploy_namespace": "invoice "}, "app_deploy_namespace='invoice ' breaks the rule dns_label"),
        (
            SERVICES,
            {"app_deploy_ingress_host": "invoice-app.test\n"},
            "app_deploy_ingress_host='invoice-app.test\\n' breaks the rule host_name",
        ),
        (SERVICES, {"app_deploy_memory_limit": "64Mi\n"}, "app_deploy_memory_limit='64Mi\\n' breaks the rule quantity"),
        (
            SERVICES,
            {"app_deploy_postgres_image": "postgres:17.6\n"},
            "app_deploy_postgres_image='postgres:17.6\\n' breaks the rule pinned_image",
        ),
        (
            with_changed("ledger", env={"LEDGER_MODE": "strict\nX=1"}),
            {},
            "env LEDGER_MODE='strict\\nX=1' holds a control character",
        ),
        ([], {}, "app_deploy_services is empty"),
    ],
    ids=[
        "unknown-caller",
        "self-caller",
        "two-public",
        "bad-name",
        "postgres-name",
        "postgres-key-word",
        "postgres-pg-prefix",
        "leading-digit",
        "bad-port",
        "non-string-env",
        "reserved-env",
        "latest-tag",
        "missing-tag",
        "repository-with-tag",
        "tag-trailing-newline",
        "namespace-trailing-newline",
        "namespace-trailing-space",
        "ingress-host-trailing-newline",
        "quantity-trailing-newline",
        "postgres-image-trailing-newline",
        "env-value-line-break",
        "empty-list",
    ],
)
def test_a_bad_list_is_refused_before_anything_is_written(tmp_path, services, extra, message):
    run, objects = render(tmp_path, services, **extra)
    assert run.returncode != 0
    assert message in run.stdout + run.stderr, run.stdout + run.stderr
    assert "Check the values that a type cannot express" in run.stdout
    assert objects == {}


VERIFY_PLAYBOOK = """
- hosts: localhost
  gather_facts: false
  vars_files: [input.yml]
  roles: [verify]
"""


@pytest.mark.parametrize(
    "services, message",
    [
        (
            with_changed("ledger", callers=["billing"]),
            "verify_services entry ledger: caller 'billing' is not a service",
        ),
        (with_changed("invoice-app", public=False), "verify_services must hold exactly one public service (got none)"),
        (
            [s for s in SERVICES if s["name"] != "payment-provider"],
            "the service verify_ledger_service names ('payment-provider'",
        ),
    ],
    ids=["unknown-caller", "no-public-service", "no-ledger-service"],
)
def test_verify_refuses_a_bad_list_before_it_calls_the_cluster(tmp_path, services, message):
    run = local_playbook.run(tmp_path, VERIFY_PLAYBOOK, {"verify_services": services})
    assert run.returncode != 0
    assert "Check the settings that a type cannot express" in run.stdout, run.stdout
    assert message in run.stdout + run.stderr, run.stdout + run.stderr
