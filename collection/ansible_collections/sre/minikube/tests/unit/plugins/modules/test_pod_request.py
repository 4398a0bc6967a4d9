# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest
from ansible_collections.sre.minikube.plugins.module_utils.pod_request import PodRequestError
from ansible_collections.sre.minikube.plugins.modules import pod_request
from ansible_collections.sre.minikube.tests.unit.plugins.modules.utils import run_module

PAID = b'[{"InvoiceId":"I1","Value":12.15,"Currency":"EUR","IsPaid":true}]'
PAY_OK = b'{"paid":["I1","I2"],"failed":[]}'
PAY_FAILED = b'{"error":"payment failed for 1 of 1 invoices","paid":[],"failed":[{"id":"I1","error":"status 500"}]}'


def answer(status, reason, body, content_type="application/json"):
    return (
        f"HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n".encode()
        + body
    )


class FakeSocket:
    """The near end of a port-forward: records what is sent, replays an answer."""

    def __init__(self, reply):
        self.sent = bytearray()
        self._reply = bytearray(reply)

    def settimeout(self, _value):
        pass

    def sendall(self, data):
        self.sent += data

    def recv_into(self, buffer):
        piece = bytes(self._reply[: len(buffer)])
        del self._reply[: len(piece)]
        buffer[: len(piece)] = piece
        return len(piece)


class FakeForward:
    """Stands in for the module_utils PortForwardChannel, recording how it was opened."""

    opened = []

    def __init__(self, reply=b"", error=None, refuse=None):
        self.reply, self.remote_error, self.refuse = reply, error, refuse

    def __call__(self, api_client, namespace, pod, port, timeout):
        if self.refuse:
            raise PodRequestError(self.refuse)
        FakeForward.opened.append({"client": api_client, "namespace": namespace, "pod": pod, "port": port})
        self.sock = FakeSocket(self.reply)
        return self

    def socket(self):
        return self.sock

    def error(self):
        return self.remote_error

    def close(self):
        pass


@pytest.fixture
def forward(monkeypatch, patched_module):
    """Install a fake port-forward; the test sets its reply."""
    FakeForward.opened = []
    fake = FakeForward()
    monkeypatch.setattr(pod_request, "PortForwardChannel", fake)
    monkeypatch.setattr(pod_request, "api_client", lambda kubeconfig, context: (kubeconfig, context))
    monkeypatch.setattr(pod_request, "HAS_KUBERNETES", True)
    return fake


def base_args(**overrides):
    args = {"namespace": "invoice", "pod": "invoice-app-abc", "port": 8081, "path": "/invoices"}
    args.update(overrides)
    return args


def test_get_returns_parsed_json_unchanged(forward):
    forward.reply = answer(200, "OK", PAID)
    result, failed = run_module(pod_request.main, base_args(kubeconfig="/k", context="minikube"))
    assert not failed
    assert result["changed"] is False
    assert result["status"] == 200
    assert result["json"] == [{"InvoiceId": "I1", "Value": 12.15, "Currency": "EUR", "IsPaid": True}]
    assert result["pod"] == "invoice/invoice-app-abc"
    assert FakeForward.opened == [
        {"client": ("/k", "minikube"), "namespace": "invoice", "pod": "invoice-app-abc", "port": 8081}
    ]
    assert forward.sock.sent.startswith(b"GET /invoices HTTP/1.1\r\n")
    assert b"\r\nHost: localhost\r\n" in forward.sock.sent


def test_post_that_pays_reports_changed(forward):
    forward.reply = answer(200, "OK", PAY_OK)
    result, failed = run_module(pod_request.main, base_args(method="POST", path="/invoices/pay"))
    assert not failed
    assert result["changed"] is True
    assert result["json"]["paid"] == ["I1", "I2"]
    assert b"Content-Length: 0\r\n" in forward.sock.sent


def test_unexpected_status_fails_with_the_body(forward):
    forward.reply = answer(502, "Bad Gateway", PAY_FAILED)
    result, failed = run_module(pod_request.main, base_args(method="POST", path="/invoices/pay"))
    assert failed
    assert result["status"] == 502
    assert "POST /invoices/pay on pod invoice/invoice-app-abc port 8081 answered 502 Bad Gateway" in result["msg"]
    assert "(expected 200)" in result["msg"]
    assert '"failed":[{"id":"I1","error":"status 500"}]' in result["msg"]
    assert result["json"]["failed"] == [{"id": "I1", "error": "status 500"}]


def test_listed_status_codes_are_accepted(forward):
    forward.reply = answer(400, "Bad Request", b'{"error":"missing id"}')
    result, failed = run_module(
        pod_request.main, base_args(method="POST", path="/payments/pay", body={"value": 1}, status_code=[200, 400])
    )
    assert not failed
    assert result["status"] == 400
    assert result["changed"] is False
    assert forward.sock.sent.endswith(b'\r\n\r\n{"value":1}')


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_check_mode_does_not_send_state_changing_requests(forward, method):
    result, failed = run_module(pod_request.main, base_args(method=method, _ansible_check_mode=True))
    assert not failed
    assert result["changed"] is False
    assert result["skipped"] is True
    assert "not sent" in result["msg"]
    assert FakeForward.opened == []


def test_check_mode_sends_read_only_requests(forward):
    forward.reply = answer(200, "OK", PAID)
    result, failed = run_module(pod_request.main, base_args(_ansible_check_mode=True))
    assert not failed
    assert result["changed"] is False
    assert result["status"] == 200
    assert len(FakeForward.opened) == 1


def test_refused_port_forward_fails_clearly(forward, monkeypatch):
    monkeypatch.setattr(pod_request, "PortForwardChannel", FakeForward(refuse='pods "x" not found'))
    result, failed = run_module(pod_request.main, base_args())
    assert failed
    assert result["msg"] == 'GET /invoices on pod invoice/invoice-app-abc port 8081 failed: pods "x" not found'


def test_stream_closed_without_answer_names_the_remote_error(forward):
    forward.reply = b""
    forward.remote_error = "failed to dial 127.0.0.1:9: connection refused"
    result, failed = run_module(pod_request.main, base_args())
    assert failed
    assert "closed before any answer" in result["msg"]
    assert "failed to dial 127.0.0.1:9" in result["msg"]


def test_garbage_answer_fails(forward):
    forward.reply = b"SSH-2.0-OpenSSH\r\n\r\n"
    result, failed = run_module(pod_request.main, base_args())
    assert failed
    assert "not valid HTTP/1.x: BadStatusLine" in result["msg"]


BAD_ARGS = [
    pytest.param({"port": 0}, "port must be from 1 to 65535", id="port-zero"),
    pytest.param({"port": 70000}, "port must be from 1 to 65535", id="port-too-big"),
    pytest.param({"timeout": 0}, "timeout must be a number of seconds greater than 0", id="timeout-zero"),
    pytest.param({"path": "invoices"}, "must start with '/'", id="relative-path"),
    pytest.param({"method": "TRACE"}, "value of method must be one of", id="unknown-method"),
    pytest.param({"pod": None}, "missing required arguments: pod", id="no-pod"),
    pytest.param(
        {"namespace": "invoice\n"}, "namespace='invoice\\n' breaks the rule dns_label", id="namespace-newline"
    ),
    pytest.param({"pod": "invoice-app-0 "}, "pod='invoice-app-0 ' breaks the rule dns_name", id="pod-space"),
    pytest.param({"context": "minikube\n"}, "context='minikube\\n' breaks the rule text", id="context-newline"),
    pytest.param({"kubeconfig": "/k\n"}, "kubeconfig='/k\\n' breaks the rule path", id="kubeconfig-newline"),
]


@pytest.mark.parametrize(("overrides", "message"), BAD_ARGS)
def test_bad_arguments_fail_before_any_request(forward, overrides, message):
    args = {key: value for key, value in base_args(**overrides).items() if value is not None}
    result, failed = run_module(pod_request.main, args)
    assert failed
    assert message in result["msg"]
    assert FakeForward.opened == []


def test_missing_kubernetes_library_is_named(forward, monkeypatch):
    monkeypatch.setattr(pod_request, "HAS_KUBERNETES", False)
    result, failed = run_module(pod_request.main, base_args())
    assert failed
    assert "kubernetes" in result["msg"]
