# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The HTTP exchange of pod_request: http.client over a socket, one deadline, a size bound.

The far end of a socket pair stands in for the pod behind the port-forward:
a thread reads the request and sends the answer in the pieces (and at the
pace) each case gives.
"""

from __future__ import annotations

import socket
import threading
import time

import pytest
from ansible_collections.sre.minikube.plugins.module_utils.pod_request import (
    Deadline,
    HttpResponse,
    PodRequestError,
    changed_by,
    decode_body,
    exchange,
    handshake_message,
    prepare_request,
    send,
)


class SocketPairChannel:
    """A stand-in for the port-forward: a socket pair whose far end a thread serves."""

    def __init__(self, pieces, remote_error=None, close_after=True, delay=0.0):
        self.near, self.far = socket.socketpair()
        self.remote_error = remote_error
        self.received = bytearray()
        self.closed = False
        self._thread = threading.Thread(target=self._serve, args=(pieces, close_after, delay), daemon=True)
        self._thread.start()

    def _serve(self, pieces, close_after, delay):
        self.far.settimeout(5)
        try:
            while b"\r\n\r\n" not in self.received:
                data = self.far.recv(4096)
                if not data:
                    return
                self.received += data
            head = bytes(self.received).split(b"\r\n\r\n", 1)[0].lower()
            length = int(head.split(b"content-length:", 1)[1].split(b"\r\n", 1)[0]) if b"content-length:" in head else 0
            while len(self.received) < len(head) + 4 + length:
                data = self.far.recv(4096)
                if not data:
                    return
                self.received += data
            for piece in pieces:
                if delay:
                    threading.Event().wait(delay)
                self.far.sendall(piece)
            if close_after:
                self.far.shutdown(socket.SHUT_WR)
            else:
                threading.Event().wait(3)
        except OSError:
            pass

    def socket(self):
        return self.near

    def error(self):
        return self.remote_error

    def close(self):
        self.closed = True
        self.near.close()


def run(pieces, method="GET", timeout=5, max_bytes=1 << 20, **channel_args):
    channel = SocketPairChannel(pieces, **channel_args)
    request = prepare_request(method, "/invoices", "localhost")
    response = exchange(channel, request, Deadline(timeout), max_bytes)
    assert channel.closed
    return channel, response


def split_every(data, size):
    return [data[i : i + size] for i in range(0, len(data), size)]


CL = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n[1,2,3]"
CHUNKED = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n[1,\r\n4\r\n2,3]\r\n0\r\nX-Trailer: t\r\n\r\n"

# (pieces the pod sends, method, close after, expected status, headers subset, body)
ANSWERS = [
    pytest.param([CL], "GET", True, 200, {"content-length": "7"}, b"[1,2,3]", id="content-length"),
    pytest.param(split_every(CL, 3), "GET", True, 200, {}, b"[1,2,3]", id="content-length-in-3-byte-pieces"),
    pytest.param([CL], "GET", False, 200, {}, b"[1,2,3]", id="content-length-stops-without-close"),
    pytest.param([CHUNKED], "GET", False, 200, {"transfer-encoding": "chunked"}, b"[1,2,3]", id="chunked"),
    pytest.param(split_every(CHUNKED, 5), "GET", False, 200, {}, b"[1,2,3]", id="chunked-in-5-byte-pieces"),
    pytest.param([b"HTTP/1.0 200 OK\r\n\r\nuntil close"], "GET", True, 200, {}, b"until close", id="until-close"),
    pytest.param(
        [b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}"],
        "POST",
        True,
        201,
        {},
        b"{}",
        id="interim-100-skipped",
    ),
    pytest.param([b"HTTP/1.1 204 No Content\r\n\r\n"], "GET", False, 204, {}, b"", id="no-content"),
    pytest.param([b"HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n"], "HEAD", False, 200, {}, b"", id="head"),
    pytest.param(
        [b"HTTP/1.1 200 OK\r\nVary: a\r\nvary: b\r\nContent-Length: 0\r\n\r\n"],
        "GET",
        True,
        200,
        {"vary": "a, b"},
        b"",
        id="repeated-headers-joined",
    ),
]


@pytest.mark.parametrize(("pieces", "method", "close_after", "status", "headers", "body"), ANSWERS)
def test_exchange_reads_the_answer(pieces, method, close_after, status, headers, body):
    response = run(pieces, method=method, close_after=close_after, delay=0.005)[1]
    assert response.status == status
    assert headers.items() <= response.headers.items()
    assert response.body == body


# (pieces the pod sends, close after, delay between pieces, timeout, max_bytes, error message)
FAILURES = [
    pytest.param([], True, 0, 5, 1000, "closed before any answer", id="closed-empty"),
    pytest.param([b"SSH-2.0-OpenSSH\r\n\r\n"], True, 0, 5, 1000, "not valid HTTP/1.x: BadStatusLine", id="garbage"),
    pytest.param(
        [b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"],
        True,
        0,
        5,
        1000,
        "closed inside the answer's body \\(3 of 10 bytes\\)",
        id="truncated-body",
    ),
    pytest.param(
        [b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab"],
        True,
        0,
        5,
        1000,
        "chunked body is cut short",
        id="truncated-chunk",
    ),
    pytest.param(
        [b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"],
        True,
        0,
        5,
        1000,
        "chunked body is cut short or malformed",
        id="bad-chunk-size",
    ),
    pytest.param(
        [b"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n" + b"x" * 5000],
        True,
        0,
        5,
        1000,
        "body \\(5000 bytes\\) is larger than 1000 bytes",
        id="oversize-declared",
    ),
    pytest.param(
        [b"HTTP/1.1 200 OK\r\n\r\n" + b"x" * 5000],
        True,
        0,
        5,
        1000,
        "body is larger than 1000 bytes",
        id="oversize-until-close",
    ),
    pytest.param(
        [b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"] + [b"100\r\n" + b"y" * 256 + b"\r\n"] * 8,
        False,
        0,
        5,
        1000,
        "body is larger than 1000 bytes",
        id="oversize-chunked",
    ),
    pytest.param(
        [b"HTTP/1.1 200 OK\r\nX-Long: " + b"h" * 70000 + b"\r\n\r\n"],
        True,
        0,
        5,
        1 << 20,
        "not valid HTTP/1.x: LineTooLong",
        id="header-line-too-long",
    ),
    pytest.param([b"HTTP/1.1 200 OK\r\n"], False, 0, 0.3, 1000, "within the timeout of 0.3 s", id="silent-pod"),
    # Every piece comes well within a per-read timeout, but the whole answer
    # takes longer than the timeout: the deadline covers the exchange.
    pytest.param(
        [b"HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\n"] + [b"x"] * 20,
        False,
        0.05,
        0.4,
        1000,
        "within the timeout of 0.4 s",
        id="slow-trickle",
    ),
]


@pytest.mark.parametrize(("pieces", "close_after", "delay", "timeout", "max_bytes", "message"), FAILURES)
def test_exchange_refuses(pieces, close_after, delay, timeout, max_bytes, message):
    started = time.monotonic()
    with pytest.raises(PodRequestError, match=message):
        run(pieces, timeout=timeout, max_bytes=max_bytes, close_after=close_after, delay=delay)
    assert time.monotonic() - started < timeout + 1


def test_exchange_sends_one_well_formed_request():
    channel = SocketPairChannel([CL])
    request = prepare_request("POST", "/payments/pay?x=1", "invoice-app.test", {"b": 2, "a": 1})
    exchange(channel, request, Deadline(5))
    head, body = bytes(channel.received).split(b"\r\n\r\n", 1)
    lines = head.split(b"\r\n")
    assert lines[0] == b"POST /payments/pay?x=1 HTTP/1.1"
    assert b"Host: invoice-app.test" in lines
    assert b"Connection: close" in lines
    assert b"Content-Type: application/json" in lines
    assert b"Content-Length: 13" in lines
    assert body == b'{"a":1,"b":2}'


def test_exchange_names_the_remote_error_when_the_stream_ends_empty():
    with pytest.raises(PodRequestError, match="before any answer.*port-forward reported: failed to dial"):
        run([], remote_error="failed to dial 127.0.0.1:1: connection refused\n")


def test_send_counts_the_time_to_open_the_port_forward():
    """A slow port-forward leaves less of the timeout for the answer."""
    opened = []

    def slow_channel(api_client, namespace, pod, port, timeout):
        opened.append((namespace, pod, port, timeout))
        time.sleep(0.3)
        return SocketPairChannel([b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n"] + [b"[", b"]"], delay=0.15)

    with pytest.raises(PodRequestError, match="within the timeout of 0.5 s"):
        send(None, "invoice", "p-1", 8081, prepare_request("GET", "/", "localhost"), 0.5, channel=slow_channel)
    assert opened[0][:3] == ("invoice", "p-1", 8081)
    assert 0.4 < opened[0][3] <= 0.5


# (arguments, headers expected, body expected)
REQUESTS = [
    pytest.param(("get", "/invoices", "localhost", None), {"Host": "localhost"}, None, id="get-upper-cased"),
    pytest.param(("POST", "/x", "h", {"b": 1}), {"Content-Type": "application/json"}, b'{"b":1}', id="json-body"),
    pytest.param(("POST", "/x", "h", '{"raw": true}'), {}, b'{"raw": true}', id="text-body-as-is"),
    pytest.param(("POST", "/x", "h", None), {}, None, id="post-without-body"),
]


@pytest.mark.parametrize(("args", "headers", "body"), REQUESTS)
def test_prepare_request(args, headers, body):
    request = prepare_request(*args)
    assert request.method == args[0].upper()
    assert headers.items() <= request.headers.items()
    assert request.headers["Connection"] == "close"
    assert request.body == body


BAD_REQUESTS = [
    pytest.param(("TRACE", "/", "h"), "method must be one of", id="unknown-method"),
    pytest.param(("GET", "invoices", "h"), "must start with '/'", id="relative-path"),
    pytest.param(("GET", "/a b", "h"), "URL-encoded", id="space-in-path"),
    pytest.param(("GET", "/a\r\nX: y", "h"), "line break", id="crlf-in-path"),
    pytest.param(("GET", "/a\tb", "h"), "URL-encoded", id="tab-in-path"),
    pytest.param(("GET", "/", "h\r\nX: y"), "line break", id="crlf-in-host"),
    pytest.param(("GET", "/", "a b"), "host name without spaces", id="space-in-host"),
    pytest.param(("GET", "/", ""), "host name without spaces", id="empty-host"),
]


@pytest.mark.parametrize(("args", "message"), BAD_REQUESTS)
def test_prepare_request_refuses(args, message):
    with pytest.raises(ValueError, match=message):
        prepare_request(*args)


def test_prepare_request_refuses_unserialisable_body():
    with pytest.raises(TypeError):
        prepare_request("POST", "/", "h", {"when": object()})


@pytest.mark.parametrize(
    ("method", "status", "changed"),
    [
        ("GET", 200, False),
        ("HEAD", 200, False),
        ("POST", 200, True),
        ("POST", 302, True),
        ("POST", 400, False),
        ("DELETE", 500, False),
        ("put", 201, True),
    ],
)
def test_changed_by(method, status, changed):
    assert changed_by(method, status) is changed


@pytest.mark.parametrize(
    ("headers", "body", "parsed"),
    [
        ({"content-type": "application/json"}, b'{"a":1}', {"a": 1}),
        ({}, b"[1]", [1]),
        ({"content-type": "text/plain"}, b"hello", None),
        ({"content-type": "application/json"}, b"{broken", None),
        ({}, b"", None),
    ],
)
def test_decode_body(headers, body, parsed):
    text, value = decode_body(HttpResponse(200, "OK", headers, body))
    assert text == body.decode()
    assert value == parsed


def test_decode_body_replaces_invalid_utf8():
    assert decode_body(HttpResponse(200, "OK", {}, b"a\xffb")) == ("a\ufffdb", None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "Handshake status 404 Not Found -+-+- {'audit-id': 'x'} -+-+- "
            '{"kind":"Status","status":"Failure","message":"pods \\"nope\\" not found","code":404}',
            '404 Not Found: pods "nope" not found',
            id="status-object",
        ),
        pytest.param(
            "Handshake status 403 Forbidden -+-+- {} -+-+- <html>",
            "Handshake status 403 Forbidden -+-+- {} -+-+- <html>",
            id="body-not-json-kept-whole",
        ),
        pytest.param("Connection refused", "Connection refused", id="not-a-handshake"),
    ],
)
def test_handshake_message(text, expected):
    assert handshake_message(text) == expected


@pytest.fixture
def kubernetes():
    """The Python client, for the tests of the parts that call it."""
    return pytest.importorskip("kubernetes")


def test_refused_port_forward_becomes_a_pod_request_error(kubernetes, monkeypatch):
    from ansible_collections.sre.minikube.plugins.module_utils import pod_request
    from kubernetes.client.rest import ApiException

    calls = []

    def refuse(method, name, namespace, ports):
        calls.append((method.__name__, name, namespace, ports))
        raise ApiException(
            status=0,
            reason='Handshake status 403 Forbidden -+-+- {} -+-+- {"kind":"Status","message":"portforward denied"}',
        )

    monkeypatch.setattr(pod_request, "_portforward", refuse)
    with pytest.raises(PodRequestError) as caught:
        pod_request.PortForwardChannel(kubernetes.client.ApiClient(), "invoice", "p-1", 8081, timeout=1)
    assert str(caught.value) == (
        "the API server refused the port-forward to pod invoice/p-1 port 8081: 403 Forbidden: portforward denied"
    )
    assert calls == [("connect_get_namespaced_pod_portforward", "p-1", "invoice", "8081")]


def test_websocket_timeout_is_restored_after_opening(kubernetes, monkeypatch):
    import websocket
    from ansible_collections.sre.minikube.plugins.module_utils import pod_request

    seen = []

    def fail(*_args, **_kwargs):
        seen.append(websocket.getdefaulttimeout())
        raise OSError("connection refused")

    monkeypatch.setattr(pod_request, "_portforward", fail)
    before = websocket.getdefaulttimeout()
    with pytest.raises(PodRequestError, match="cannot open a port-forward to pod invoice/p-1 port 8081: connection"):
        pod_request.PortForwardChannel(kubernetes.client.ApiClient(), "invoice", "p-1", 8081, timeout=7)
    assert seen == [7]
    assert websocket.getdefaulttimeout() == before
