"""The services list (apps/services.yml): each service is a directory of apps, the SQL the stack's model
writes for the services' databases runs on a real Postgres, and the verify role refuses a bad list.

The manifests themselves are the collection's model (module_utils
deploy_model.py), tested without any playbook in the collection's unit
tests (tests/unit/plugins/module_utils/test_deploy_model.py).
"""

from __future__ import annotations

import os
import pathlib
import secrets
import subprocess
import sys

import local_playbook
import pytest

TOP = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(TOP / "tools"))
sys.path.insert(0, str(TOP / "collection"))
import product_facts  # noqa: E402

SERVICES = product_facts.services()


def ledger() -> dict:
    return {
        "name": "ledger",
        "team": "accounting",
        "port": 8083,
        "component": "ledger",
        "public": False,
        "database": True,
        "callers": ["payment-provider"],
        "env": {"LEDGER_MODE": "strict"},
    }


def objects_of(services: list[dict]) -> dict:
    """The stack's objects by (kind, name), built by the model with the role's defaults."""
    return {(obj["kind"], obj["metadata"]["name"]): obj for obj in product_facts.app_definitions(services)}


def test_each_declared_service_is_a_directory_of_apps():
    assert SERVICES
    assert all((TOP / "apps" / s["name"] / "go.mod").is_file() for s in SERVICES)


POSTGRES_SH = TOP / "tests" / "harness" / "postgres.sh"


def left() -> dict:
    """A service whose role and database name is a key word Postgres takes only quoted (CREATE DATABASE left fails)."""
    return {
        "name": "left",
        "team": "accounting",
        "port": 8084,
        "component": "left",
        "public": False,
        "database": True,
        "callers": [],
    }


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


def test_the_init_script_creates_each_role_and_database_on_a_real_postgres(postgres):
    services = SERVICES + [ledger(), left()]
    objects = objects_of(services)
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
