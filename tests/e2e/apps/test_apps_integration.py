"""Black-box tests of the two built binaries running on 127.0.0.1."""

from __future__ import annotations

import json
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from apps_harness import (
    SEEDED,
    FakeProvider,
    accepted_payments,
    paid_state,
    request,
    wait_for,
)


@pytest.fixture
def stack(services):
    provider = services("payment-provider")
    app = services("invoice-app", {"PAYMENT_PROVIDER_URL": provider.url, "PAYMENT_TIMEOUT": "2s"})
    return app, provider


def test_one_post_pays_all_three(stack):
    app, provider = stack
    assert paid_state(app.url) == {"I1": False, "I2": False, "I3": False}

    answer = request("POST", app.url + "/invoices/pay")

    assert answer.status == 200, answer
    assert sorted(answer.json()["paid"]) == ["I1", "I2", "I3"]
    assert answer.json()["failed"] == []
    assert paid_state(app.url) == {"I1": True, "I2": True, "I3": True}
    assert sorted(accepted_payments(provider)) == ["I1", "I2", "I3"]
    # Amounts cross the wire exactly: payment-provider logs what it parsed.
    logged = {line["invoice"]: (line["value"], line["currency"]) for line in provider.log_lines() if "invoice" in line}
    assert logged == SEEDED
    # Without DATABASE_URL both say at start that they keep their state in memory.
    for service in (app, provider):
        (starting,) = [line for line in service.log_lines() if line["msg"] == "starting"]
        assert starting["store"] == "memory" and "database" not in starting, starting


def test_invoices_keep_the_contract(stack):
    app, _ = stack
    raw = request("GET", app.url + "/invoices").body.decode()
    assert '"Value":12.15' in raw and '"Value":10.25' in raw and '"Value":66.13' in raw
    for invoice in json.loads(raw):
        assert set(invoice) == {"InvoiceId", "Value", "Currency", "IsPaid"}


@pytest.mark.parametrize("status", [500, 503, 400])
def test_provider_failure_pays_nothing(services, status):
    with FakeProvider(status=status) as fake:
        app = services("invoice-app", {"PAYMENT_PROVIDER_URL": fake.url})

        answer = request("POST", app.url + "/invoices/pay")

        assert not 200 <= answer.status < 300
        assert answer.status == 502
        body = answer.json()
        assert sorted(f["id"] for f in body["failed"]) == ["I1", "I2", "I3"]
        assert body["paid"] == []
        assert paid_state(app.url) == {"I1": False, "I2": False, "I3": False}
        assert sorted(fake.received) == ["I1", "I2", "I3"]


def test_provider_down_pays_nothing_and_stays_ready(services, binaries, tmp_path):
    provider = services("payment-provider")
    url = provider.url
    assert provider.stop() == 0  # nothing listens on that port any more
    app = services("invoice-app", {"PAYMENT_PROVIDER_URL": url})

    answer = request("POST", app.url + "/invoices/pay")

    assert answer.status == 502
    assert all(f["error"] == "payment-provider unreachable" for f in answer.json()["failed"]), answer.json()
    # The client is not told where payment-provider lives.
    assert url.removeprefix("http://") not in answer.body.decode()
    assert paid_state(app.url) == {"I1": False, "I2": False, "I3": False}
    # Readiness does not follow payment-provider: one outage takes one service down, not both.
    assert request("GET", app.url + "/readyz").status == 200


def test_provider_timeout_pays_nothing(services):
    with FakeProvider(status=200, delay=2) as fake:
        app = services("invoice-app", {"PAYMENT_PROVIDER_URL": fake.url, "PAYMENT_TIMEOUT": "300ms"})
        start = time.monotonic()
        answer = request("POST", app.url + "/invoices/pay")
        assert time.monotonic() - start < 2
        assert answer.status == 502
        assert paid_state(app.url) == {"I1": False, "I2": False, "I3": False}


def test_twenty_concurrent_pay_calls_pay_each_invoice_once(stack):
    app, provider = stack
    barrier = threading.Barrier(20)

    def pay(_):
        barrier.wait()
        return request("POST", app.url + "/invoices/pay").status

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(pay, range(20)))

    assert statuses == [200] * 20
    assert sorted(accepted_payments(provider)) == ["I1", "I2", "I3"]
    assert paid_state(app.url) == {"I1": True, "I2": True, "I3": True}


MALFORMED = {
    "empty": b"",
    "bad json": b'{"id":',
    "not an object": b"[1,2]",
    "missing id": b'{"value":12.15,"currency":"EUR"}',
    "missing value": b'{"id":"I1","currency":"EUR"}',
    "missing currency": b'{"id":"I1","value":12.15}',
    "value as text": b'{"id":"I1","value":"12.15","currency":"EUR"}',
    "value with three decimals": b'{"id":"I1","value":12.151,"currency":"EUR"}',
    "unknown field": b'{"id":"I1","value":12.15,"currency":"EUR","tip":1}',
    "duplicate key": b'{"id":"I1","value":0.01,"currency":"EUR","value":12.15}',
    "key in upper case": b'{"ID":"I1","value":12.15,"currency":"EUR"}',
    "unsafe id": b'{"id":"I1<script>","value":12.15,"currency":"EUR"}',
}


@pytest.mark.parametrize("body", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_payment_is_400_json(stack, body):
    _, provider = stack
    answer = request("POST", provider.url + "/payments/pay", body)
    assert answer.status == 400
    assert isinstance(answer.json()["error"], str) and answer.json()["error"]
    assert accepted_payments(provider) == []


def test_sigterm_drains_then_finishes_in_flight_and_queued_pays_and_exits_0(services):
    with FakeProvider(status=200) as fake:
        fake.gate.clear()  # hold the payments in flight
        app = services(
            "invoice-app",
            {"PAYMENT_PROVIDER_URL": fake.url, "PAYMENT_TIMEOUT": "5s", "DRAIN_DELAY": "1s", "LOG_LEVEL": "debug"},
        )
        results = []

        def pay():
            results.append(request("POST", app.url + "/invoices/pay"))

        def logged(msg):
            return any(line.get("msg") == msg for line in app.log_lines())

        first = threading.Thread(target=pay)
        first.start()
        wait_for("the pay run reaches the provider", lambda: len(fake.received) == 3)

        start = time.monotonic()
        app.proc.send_signal(signal.SIGTERM)
        # Readiness turns 503 first while the server still answers: the endpoints have time to forget the pod.
        wait_for("readiness 503", lambda: request("GET", app.url + "/readyz").status == 503)
        assert request("GET", app.url + "/healthz").status == 200
        assert request("GET", app.url + "/invoices").status == 200
        # A pay arriving during the drain joins the run in progress.
        second = threading.Thread(target=pay)
        second.start()
        wait_for("the second pay joins the run", lambda: logged("waiting for the pay run in progress"))
        # The listener closes while both pays are still waiting for the provider: they are answered all the same.
        wait_for("the shutdown starts", lambda: logged("shutting down"))
        fake.gate.set()
        code = app.proc.wait(timeout=15)
        first.join(timeout=10)
        second.join(timeout=10)

        assert code == 0
        assert time.monotonic() - start < 10
        assert [r.status for r in results] == [200, 200], results
        assert all(r.json()["paid"] == ["I1", "I2", "I3"] for r in results), results
        assert sorted(fake.received) == ["I1", "I2", "I3"]
        lines = app.log_lines()
        order = [line["msg"] for line in lines]
        pay_lines = [i for i, line in enumerate(lines) if line.get("path") == "/invoices/pay"]
        assert len(pay_lines) == 2
        # Both pays were answered after the listener closed, then the server stopped.
        assert order.index("draining") < order.index("shutting down") < min(pay_lines)
        assert max(pay_lines) < order.index("stopped") == len(order) - 1


def test_payment_provider_exits_0_on_sigterm(services):
    provider = services("payment-provider")
    start = time.monotonic()
    provider.proc.send_signal(signal.SIGTERM)
    assert provider.proc.wait(timeout=10) == 0
    assert time.monotonic() - start < 10


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "PAYMENT_PROVIDER_URL is required"),
        ({"PAYMENT_PROVIDER_URL": "payment-provider:8082"}, "PAYMENT_PROVIDER_URL"),
        ({"PAYMENT_PROVIDER_URL": "http://h:1", "PAYMENT_TIMEOUT": "5"}, "PAYMENT_TIMEOUT"),
        ({"PAYMENT_PROVIDER_URL": "http://h:1", "LISTEN_ADDR": "8081"}, "LISTEN_ADDR"),
    ],
)
def test_invalid_configuration_exits_2_naming_the_variable(services, env, message):
    app = services("invoice-app", env, wait=False)
    assert app.proc.wait(timeout=10) == 2
    (line,) = app.log_lines()
    assert line["level"] == "ERROR" and message in line["error"], line


FORMS = {
    "form": "application/x-www-form-urlencoded",
    "text": "text/plain",
    "multipart": "multipart/form-data; boundary=x",
}


@pytest.mark.parametrize("content_type", FORMS.values(), ids=FORMS.keys())
def test_a_cross_site_form_post_pays_nothing(stack, content_type):
    app, provider = stack
    headers = {"Content-Type": content_type}
    body = b'{"id":"I1","value":12.15,"currency":"EUR"}'
    assert request("POST", app.url + "/invoices/pay", b"x=1", headers=headers).status == 415
    assert request("POST", provider.url + "/payments/pay", body, headers=headers).status == 415
    assert accepted_payments(provider) == []
    assert paid_state(app.url) == {"I1": False, "I2": False, "I3": False}


@pytest.mark.parametrize("status", [307, 308])
def test_a_redirecting_provider_is_not_followed(services, status):
    with FakeProvider() as target, FakeProvider(status=status, location=target.url + "/payments/pay") as redirector:
        app = services("invoice-app", {"PAYMENT_PROVIDER_URL": redirector.url})

        answer = request("POST", app.url + "/invoices/pay")

        assert answer.status == 502
        assert {f["error"] for f in answer.json()["failed"]} == {f"payment-provider answered {status}"}
        assert target.received == []  # the payment was not re-sent to the redirect target
        assert paid_state(app.url) == {"I1": False, "I2": False, "I3": False}


def test_provider_answers_are_not_echoed_and_logged_bounded(services):
    secret = "internal-trace at 10.20.30.40:5432 " + "x" * 5000
    with FakeProvider(status=500, error_body=secret) as fake:
        app = services("invoice-app", {"PAYMENT_PROVIDER_URL": fake.url})

        answer = request("POST", app.url + "/invoices/pay")

        assert answer.status == 502
        assert "internal-trace" not in answer.body.decode() and "10.20.30.40" not in answer.body.decode()
        failures = [line for line in app.log_lines() if line.get("msg") == "payment failed"]
        assert len(failures) == 3
        assert all("internal-trace" in line["error"] and len(line["error"]) < 600 for line in failures), failures


def test_each_invoice_keeps_its_idempotency_key_across_attempts(services):
    with FakeProvider(status=500) as fake:
        app = services("invoice-app", {"PAYMENT_PROVIDER_URL": fake.url})
        assert request("POST", app.url + "/invoices/pay").status == 502
        fake.status = 200
        assert request("POST", app.url + "/invoices/pay").status == 200

        keys: dict[str, set[str]] = {}
        for invoice, key in fake.keys:
            keys.setdefault(invoice, set()).add(key)
        assert sorted(fake.received) == ["I1", "I1", "I2", "I2", "I3", "I3"]
        assert all(len(k) == 1 and "" not in k for k in keys.values()), keys
        assert len(set.union(*keys.values())) == 3  # one key per invoice


def test_payment_provider_answers_a_repeated_key_with_the_first_answer(stack):
    _, provider = stack
    pay = provider.url + "/payments/pay"
    body = b'{"id":"I1","value":12.15,"currency":"EUR"}'
    key = {"Idempotency-Key": "invoice-I1-attempt"}

    first = request("POST", pay, body, headers=key)
    again = request("POST", pay, body, headers=key)
    other = request("POST", pay, b'{"id":"I1","value":99.99,"currency":"EUR"}', headers=key)

    assert (first.status, first.json()) == (200, {"id": "I1"})
    assert (again.status, again.json()) == (200, {"id": "I1"})
    assert other.status == 422 and "Idempotency-Key" in other.json()["error"]
    assert accepted_payments(provider) == ["I1"]  # paid once
    assert [line["invoice"] for line in provider.log_lines() if line.get("msg") == "payment replayed"] == ["I1"]
