"""Black-box tests of several replicas of both apps on one real Postgres server (Debian's package, started on
127.0.0.1 by tests/harness/postgres.sh): each invoice is paid once whatever the replicas and callers do, a replica
killed mid-payment leaves a claim that another recovers, and a database restart loses nothing."""

from __future__ import annotations

import subprocess
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from apps_harness import FakeProvider, Service, accepted_payments, paid_state, request, wait_for

ALL_PAID = {"I1": True, "I2": True, "I3": True}


@pytest.fixture
def databases(postgres):
    """One fresh database per service, dropped afterwards."""
    urls = {"invoice-app": postgres.create_database("invoices"), "payment-provider": postgres.create_database("pay")}
    yield urls
    for url in urls.values():
        postgres.drop_database(url)


@pytest.fixture
def start(services, databases):
    """Start one replica of an app on its database."""

    def start_replica(app: str, **env: str) -> Service:
        return services(app, {"DATABASE_URL": databases[app], **env})

    return start_replica


def wait_ready(service: Service) -> None:
    wait_for(f"{service.name} ready", lambda: request("GET", service.url + "/readyz").status == 200, timeout=20)


def ledger(postgres, databases) -> Counter:
    """Payments payment-provider recorded, per invoice id: its charges."""
    rows = postgres.psql("SELECT invoice_id FROM payments", databases["payment-provider"]).split()
    return Counter(rows)


def replayed_payments(provider: Service) -> list[str]:
    return [line["invoice"] for line in provider.log_lines() if line.get("msg") == "payment replayed"]


def test_three_replicas_pay_each_invoice_once_and_all_read_it_paid(postgres, databases, start):
    provider = start("payment-provider")
    apps = [start("invoice-app", PAYMENT_PROVIDER_URL=provider.url) for _ in range(3)]
    for service in [provider, *apps]:
        wait_ready(service)

    # As the verify stage did: a POST to every replica.
    answers = [request("POST", app.url + "/invoices/pay") for app in apps]

    assert [a.status for a in answers] == [200, 200, 200], answers
    assert answers[0].json()["paid"] == ["I1", "I2", "I3"]
    assert [a.json()["paid"] for a in answers[1:]] == [[], []]
    assert sorted(accepted_payments(provider)) == ["I1", "I2", "I3"]
    assert ledger(postgres, databases) == Counter({"I1": 1, "I2": 1, "I3": 1})
    for app in apps:
        assert paid_state(app.url) == ALL_PAID
    # Each says it uses Postgres, the seed was inserted once, and no log shows the database password.
    for service in [provider, *apps]:
        (starting,) = [line for line in service.log_lines() if line["msg"] == "starting"]
        assert starting["store"] == "postgres" and ":xxxxx@" in starting["database"], starting
        assert postgres.password not in service.log_path.read_text()
    assert postgres.psql("SELECT count(*) FROM invoices", databases["invoice-app"]) == "3"


def test_fifty_concurrent_pays_over_three_replicas_pay_each_invoice_once(postgres, databases, start):
    providers = [start("payment-provider") for _ in range(3)]
    apps = [start("invoice-app", PAYMENT_PROVIDER_URL=p.url) for p in providers]
    for service in [*providers, *apps]:
        wait_ready(service)
    barrier = threading.Barrier(50)

    def pay(i):
        barrier.wait()
        return request("POST", apps[i % 3].url + "/invoices/pay", timeout=30)

    with ThreadPoolExecutor(max_workers=50) as pool:
        answers = list(pool.map(pay, range(50)))

    # 202: the replica found the invoices claimed by another replica's run (listed as pending).
    assert {a.status for a in answers} <= {200, 202}, [(a.status, a.body) for a in answers]
    paid_by = Counter(i for a in answers for i in a.json()["paid"])
    assert all(n >= 1 for n in paid_by.values()) and set(paid_by) == {"I1", "I2", "I3"}
    charged = Counter(i for p in providers for i in accepted_payments(p))
    assert charged == Counter({"I1": 1, "I2": 1, "I3": 1})
    assert ledger(postgres, databases) == Counter({"I1": 1, "I2": 1, "I3": 1})
    for app in apps:
        assert paid_state(app.url) == ALL_PAID


def test_a_replica_killed_mid_payment_leaves_a_claim_another_recovers(postgres, databases, start):
    provider = start("payment-provider")
    with FakeProvider(upstream=provider.url, hold="request") as gate:
        gate.gate.clear()
        # The doomed replica's claims expire 2.5 s after it took them.
        doomed = start("invoice-app", PAYMENT_PROVIDER_URL=gate.url, PAYMENT_TIMEOUT="2s", CLAIM_TIMEOUT="2500ms")
        survivor = start("invoice-app", PAYMENT_PROVIDER_URL=gate.url)
        for service in (provider, doomed, survivor):
            wait_ready(service)
        lost = []

        def pay_on_doomed():
            try:
                request("POST", doomed.url + "/invoices/pay")
            except OSError as err:  # the replica dies under its caller
                lost.append(err)

        caller = threading.Thread(target=pay_on_doomed)
        caller.start()
        wait_for("the doomed replica's payments reach the provider", lambda: len(gate.received) == 3)

        doomed.proc.kill()
        doomed.proc.wait(timeout=10)
        caller.join(timeout=10)
        assert len(lost) == 1
        claims = "SELECT count(*) FROM invoices WHERE claim_token IS NOT NULL"
        assert postgres.psql(claims, databases["invoice-app"]) == "3"
        # The held calls now reach payment-provider: it pays, but nobody is left to record it.
        gate.gate.set()
        wait_for("the orphaned payments are made", lambda: len(accepted_payments(provider)) == 3)
        assert paid_state(survivor.url) == {"I1": False, "I2": False, "I3": False}

        # Once the claims expire, the survivor takes them over and pays with the same keys: answered, not charged.
        def survivor_paid_all():
            answer = request("POST", survivor.url + "/invoices/pay")
            return answer.status == 200 and answer.json()["paid"] == ["I1", "I2", "I3"]

        wait_for("the survivor recovers the claims", survivor_paid_all, timeout=15)

    assert paid_state(survivor.url) == ALL_PAID
    assert ledger(postgres, databases) == Counter({"I1": 1, "I2": 1, "I3": 1})
    assert sorted(accepted_payments(provider)) == ["I1", "I2", "I3"]
    assert sorted(replayed_payments(provider)) == ["I1", "I2", "I3"]
    keys = {}
    for invoice, key in gate.keys:
        keys.setdefault(invoice, set()).add(key)
    assert sorted(gate.received) == ["I1", "I1", "I2", "I2", "I3", "I3"]
    assert all(len(k) == 1 for k in keys.values()), keys
    recovered = [line["invoice"] for line in survivor.log_lines() if line.get("msg") == "claim recovered"]
    assert sorted(recovered) == ["I1", "I2", "I3"]


def test_a_database_restart_mid_run_loses_nothing_and_pays_nothing_twice(postgres, databases, start):
    provider = start("payment-provider")
    with FakeProvider(upstream=provider.url, hold="answer") as gate:
        gate.gate.clear()
        env = {"PAYMENT_PROVIDER_URL": gate.url, "PAYMENT_TIMEOUT": "4s", "CLAIM_TIMEOUT": "5s"}
        apps = [start("invoice-app", **env) for _ in range(3)]
        for service in (provider, *apps):
            wait_ready(service)
        answers = []
        caller = threading.Thread(target=lambda: answers.append(request("POST", apps[0].url + "/invoices/pay")))
        caller.start()
        # payment-provider has paid all three; its answers are held while the database goes down.
        wait_for("the payments are made", lambda: len(accepted_payments(provider)) == 3)
        postgres.stop()
        try:
            gate.gate.set()
            caller.join(timeout=15)
            assert [a.status for a in answers] == [502], answers
            assert {f["error"] for f in answers[0].json()["failed"]} == {
                "paid, but recording it failed; it is recorded by a later pay run"
            }
            for service in (provider, *apps):
                assert request("GET", service.url + "/readyz").status == 503
                assert request("GET", service.url + "/healthz").status == 200
            assert request("GET", apps[1].url + "/invoices").status == 503
            assert request("POST", apps[1].url + "/invoices/pay").status == 503
        finally:
            postgres.start()
        for service in (provider, *apps):
            wait_ready(service)

        # The claims expire; a later run on another replica records the payments through the same keys.
        def paid_all():
            answer = request("POST", apps[1].url + "/invoices/pay")
            return answer.status == 200 and paid_state(apps[1].url) == ALL_PAID

        wait_for("a later run records the payments", paid_all, timeout=20)

    for app in apps:
        assert paid_state(app.url) == ALL_PAID
    assert ledger(postgres, databases) == Counter({"I1": 1, "I2": 1, "I3": 1})
    assert sorted(accepted_payments(provider)) == ["I1", "I2", "I3"]
    assert sorted(replayed_payments(provider)) == ["I1", "I2", "I3"]
    # The outage's errors are logged, without the database password.
    assert any(line.get("msg") == "payment not recorded" for line in apps[0].log_lines())
    for service in (provider, *apps):
        assert postgres.password not in service.log_path.read_text()


def test_a_replica_started_before_its_database_waits_for_it(postgres, databases, start):
    postgres.stop()
    try:
        provider = start("payment-provider")
        app = start("invoice-app", PAYMENT_PROVIDER_URL=provider.url)
        # Alive, not ready, and saying why in its log, without the password.
        wait_for(
            "a failed attempt is logged", lambda: any(line["msg"] == "database not ready" for line in app.log_lines())
        )
        for service in (provider, app):
            assert request("GET", service.url + "/healthz").status == 200
            assert request("GET", service.url + "/readyz").status == 503
        assert request("GET", app.url + "/invoices").status == 503
    finally:
        postgres.start()
    for service in (provider, app):
        wait_ready(service)
        assert postgres.password not in service.log_path.read_text()
    assert request("POST", app.url + "/invoices/pay").status == 200
    assert paid_state(app.url) == ALL_PAID


REFUSED_IDS = ["INV 2026/001", "x" * 129, "Ünï"]


def test_ids_the_provider_refuses_are_rejected_for_good(postgres, databases, start):
    provider = start("payment-provider")
    app = start("invoice-app", PAYMENT_PROVIDER_URL=provider.url)
    for service in (provider, app):
        wait_ready(service)
    values = ", ".join(f"('{invoice_id}', 700, 'EUR')" for invoice_id in REFUSED_IDS)
    postgres.psql(f"INSERT INTO invoices (id, value_minor, currency) VALUES {values}", databases["invoice-app"])
    # The database takes no invoice whose payment key is empty: it would be paid without a key.
    with pytest.raises(subprocess.CalledProcessError) as refused:
        postgres.psql(
            "INSERT INTO invoices (id, value_minor, currency, payment_key) VALUES ('E1', 500, 'EUR', '')",
            databases["invoice-app"],
        )
    assert "invoices_payment_key_format" in refused.value.stderr

    first = request("POST", app.url + "/invoices/pay")

    assert first.status == 502, first
    assert first.json()["paid"] == ["I1", "I2", "I3"]
    failed = first.json()["failed"]
    assert [f["id"] for f in failed] == REFUSED_IDS
    assert all(f["permanent"] and "invalid id" in f["error"] for f in failed), failed
    # Every later run reports them, sends nothing, and answers 200: nothing is left that could be paid.
    for _ in range(2):
        later = request("POST", app.url + "/invoices/pay")
        assert later.status == 200, later
        assert [r["id"] for r in later.json()["rejected"]] == REFUSED_IDS
    shown = {i["InvoiceId"]: i.get("PaymentError", "") for i in request("GET", app.url + "/invoices").json()}
    assert {k for k, v in shown.items() if "invalid id" in v} == set(REFUSED_IDS)
    assert sorted(accepted_payments(provider)) == ["I1", "I2", "I3"]
    refusals = [line for line in app.log_lines() if line.get("msg") == "payment refused for good"]
    assert sorted(line["invoice"] for line in refusals) == sorted(REFUSED_IDS)


@pytest.mark.parametrize("round_", range(4))
def test_both_services_starting_together_on_one_database_migrate_without_a_collision(postgres, services, round_):
    url = postgres.create_database("shared")
    started = []
    try:
        started.append(services("payment-provider", {"DATABASE_URL": url}, wait=False))
        app_env = {"DATABASE_URL": url, "PAYMENT_PROVIDER_URL": "http://127.0.0.1:1"}
        started.append(services("invoice-app", app_env, wait=False))
        for service in started:
            wait_for(
                f"{service.name} migrated", lambda s=service: "migrations applied" in s.log_path.read_text(), timeout=20
            )
        for service in started:
            text = service.log_path.read_text()
            assert "duplicate key" not in text and '"database not ready"' not in text, text
        tables = postgres.psql("SELECT service, count(*) FROM schema_migrations GROUP BY 1 ORDER BY 1", url)
        assert tables.split() == ["invoice-app|4", "payment-provider|2"]
    finally:
        for service in started:
            service.stop()
        postgres.drop_database(url)
