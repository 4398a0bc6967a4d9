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
    build_binaries,
    paid_state,
    request,
    start_service,
)


@pytest.fixture(scope="module")
def binaries(tmp_path_factory):
    return build_binaries(tmp_path_factory.mktemp("bin"))


@pytest.fixture
def services(binaries, tmp_path):
    """Start functions whose services are stopped after the test."""
    started = []

    def start(app, env=None, wait=True):
        service = start_service(binaries[app], env or {}, tmp_path, wait=wait)
        started.append(service)
        return service

    yield start
    for service in started:
        service.stop()


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
    assert all("refused" in f["error"] for f in answer.json()["failed"]), answer.json()
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
}


@pytest.mark.parametrize("body", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_payment_is_400_json(stack, body):
    _, provider = stack
    answer = request("POST", provider.url + "/payments/pay", body)
    assert answer.status == 400
    assert isinstance(answer.json()["error"], str) and answer.json()["error"]
    assert accepted_payments(provider) == []


def test_sigterm_finishes_in_flight_request_and_exits_0(services):
    with FakeProvider(status=200, delay=1) as fake:
        app = services("invoice-app", {"PAYMENT_PROVIDER_URL": fake.url, "PAYMENT_TIMEOUT": "5s"})
        results = []
        caller = threading.Thread(target=lambda: results.append(request("POST", app.url + "/invoices/pay")))
        caller.start()
        deadline = time.monotonic() + 5
        while not fake.received and time.monotonic() < deadline:
            time.sleep(0.02)
        assert fake.received, "the pay run never reached the provider"

        start = time.monotonic()
        app.proc.send_signal(signal.SIGTERM)
        code = app.proc.wait(timeout=10)
        caller.join(timeout=10)

        assert code == 0
        assert time.monotonic() - start < 10
        assert results and results[0].status == 200, results
        lines = app.log_lines()
        order = [line["msg"] for line in lines]
        (pay_line,) = [i for i, line in enumerate(lines) if line.get("path") == "/invoices/pay"]
        # The pay request was answered after the shutdown began, then the server stopped.
        assert order.index("shutting down") < pay_line < order.index("stopped") == len(order) - 1


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
