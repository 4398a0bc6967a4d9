# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import json
import socket
import threading
import time

import pytest
from ansible_collections.sre.minikube.plugins.module_utils.pod_request import (
    HttpParseError,
    PodRequestError,
    build_request,
    changed_by,
    decode_body,
    exchange,
    handshake_message,
    parse_response,
    read_response,
)

CHUNKED = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
INVOICES = b'[{"InvoiceId":"I1","Value":12.15,"Currency":"EUR","IsPaid":true}]'

# Complete answers: raw bytes as they come off the stream -> (status, reason, body).
COMPLETE_CASES = [
    pytest.param(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 65\r\n\r\n" + INVOICES,
        "GET",
        (200, "OK", INVOICES),
        id="content-length",
    ),
    pytest.param(
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}EXTRA",
        "GET",
        (200, "OK", b"{}"),
        id="content-length-ignores-extra-bytes",
    ),
    pytest.param(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
        "GET",
        (200, "OK", b"hello world"),
        id="chunked",
    ),
    pytest.param(
        CHUNKED + b"A;name=value\r\n0123456789\r\n0\r\nX-Checksum: 1\r\n\r\n",
        "GET",
        (200, "OK", b"0123456789"),
        id="chunked-extension-and-trailer",
    ),
    pytest.param(
        b"HTTP/1.1 200 OK\r\ntransfer-encoding: Chunked\r\n\r\n0\r\n\r\n",
        "GET",
        (200, "OK", b""),
        id="chunked-empty-any-case",
    ),
    pytest.param(
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n",
        "POST",
        (201, "Created", b""),
        id="interim-100-skipped",
    ),
    pytest.param(
        b"HTTP/1.1 204 No Content\r\n\r\n",
        "DELETE",
        (204, "No Content", b""),
        id="no-content-has-no-body",
    ),
    pytest.param(
        b"HTTP/1.1 200 OK\r\nContent-Length: 65\r\n\r\n",
        "HEAD",
        (200, "OK", b""),
        id="head-has-no-body",
    ),
    pytest.param(
        b'HTTP/1.1 502 Bad Gateway\r\nContent-Length: 48\r\n\r\n{"paid":[],"failed":[{"id":"I1","error":"500"}]}',
        "POST",
        (502, "Bad Gateway", b'{"paid":[],"failed":[{"id":"I1","error":"500"}]}'),
        id="error-status-is-an-answer",
    ),
    pytest.param(
        b"HTTP/1.0 200\r\nContent-Length: 0\r\n\r\n",
        "GET",
        (200, "", b""),
        id="http-1.0-no-reason",
    ),
]

# Bytes that are a valid beginning of an answer, but not a complete one.
INCOMPLETE_CASES = [
    pytest.param(b"", id="nothing"),
    pytest.param(b"HTTP/1.1 200 OK\r\nContent-Le", id="inside-headers"),
    pytest.param(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01234", id="short-body"),
    pytest.param(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", id="inside-chunk"),
    pytest.param(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n", id="no-last-chunk"),
    pytest.param(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n", id="no-end-of-trailers"),
    pytest.param(b"HTTP/1.1 100 Continue\r\n\r\n", id="only-interim"),
    pytest.param(b"HTTP/1.1 200 OK\r\n\r\nuntil-close", id="body-until-close"),
]

MALFORMED_CASES = [
    pytest.param(b"SSH-2.0-OpenSSH_9.2\r\n\r\n", "not an HTTP/1.x status line", id="not-http"),
    pytest.param(b"HTTP/1.1 abc OK\r\n\r\n", "invalid status code", id="status-not-a-number"),
    pytest.param(b"HTTP/1.1 999 Odd\r\n\r\n", "invalid status code", id="status-out-of-range"),
    pytest.param(b"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "invalid header line", id="bad-header"),
    pytest.param(b"HTTP/1.1 200 OK\r\nContent-Length: ten\r\n\r\n", "invalid Content-Length", id="bad-length"),
    pytest.param(b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "invalid Content-Length", id="negative-length"),
    pytest.param(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "invalid chunk size", id="bad-chunk-size"
    ),
    pytest.param(CHUNKED + b"2\r\nabXY0\r\n\r\n", "not followed by CRLF", id="chunk-overrun"),
    pytest.param(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", "unsupported Transfer-Encoding", id="gzip-only"
    ),
]

# Streams that ended (eof) before the answer was complete.
TRUNCATED_CASES = [
    pytest.param(b"", "before any answer", id="empty"),
    pytest.param(b"HTTP/1.1 200 OK\r\nContent-", "inside the response headers", id="in-headers"),
    pytest.param(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123", "after 4 of 10 body bytes", id="short-body"),
    pytest.param(CHUNKED + b"5\r\nhe", "inside a chunked body", id="in-chunk"),
]


@pytest.mark.parametrize(("raw", "method", "expected"), COMPLETE_CASES)
def test_parse_complete(raw, method, expected):
    response = parse_response(raw, method)
    assert (response.status, response.reason, response.body) == expected


@pytest.mark.parametrize(("raw", "method", "expected"), COMPLETE_CASES)
def test_parse_complete_byte_by_byte(raw, method, expected):
    """The answer arrives in arbitrary pieces: it is complete only at the end."""
    for cut in range(len(raw)):
        partial = parse_response(raw[:cut], method)
        if partial is not None:
            # Complete before the last byte only when trailing bytes are not part of it.
            assert partial.body == expected[2]
            break
    else:
        assert parse_response(raw, method).body == expected[2]


@pytest.mark.parametrize("raw", INCOMPLETE_CASES)
def test_parse_incomplete_needs_more(raw):
    assert parse_response(raw) is None


@pytest.mark.parametrize(("raw", "message"), MALFORMED_CASES)
def test_parse_malformed(raw, message):
    with pytest.raises(HttpParseError, match=message):
        parse_response(raw)


@pytest.mark.parametrize(("raw", "message"), TRUNCATED_CASES)
def test_parse_truncated(raw, message):
    with pytest.raises(HttpParseError, match=message):
        parse_response(raw, eof=True)


def test_body_until_close_is_complete_at_eof():
    response = parse_response(b"HTTP/1.1 200 OK\r\n\r\nuntil-close", eof=True)
    assert response.body == b"until-close"


def test_headers_lower_cased_and_repeated_joined():
    raw = b"HTTP/1.1 200 OK\r\nX-A: 1\r\nx-a: 2\r\nContent-Type: application/json\r\nContent-Length: 0\r\n\r\n"
    response = parse_response(raw)
    assert response.headers == {"x-a": "1, 2", "content-type": "application/json", "content-length": "0"}


REQUEST_CASES = [
    pytest.param(
        ("GET", "/invoices", "localhost", None),
        b"GET /invoices HTTP/1.1\r\nHost: localhost\r\nUser-Agent: sre.minikube.pod_request\r\n"
        b"Accept: application/json\r\nConnection: close\r\n\r\n",
        id="get-no-body",
    ),
    pytest.param(
        ("post", "/invoices/pay", "invoice-app", None),
        b"POST /invoices/pay HTTP/1.1\r\nHost: invoice-app\r\nUser-Agent: sre.minikube.pod_request\r\n"
        b"Accept: application/json\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
        id="post-empty-body-has-length",
    ),
    pytest.param(
        ("POST", "/payments/pay", "localhost", {"value": 12.15, "id": "I1"}),
        b"POST /payments/pay HTTP/1.1\r\nHost: localhost\r\nUser-Agent: sre.minikube.pod_request\r\n"
        b"Accept: application/json\r\nConnection: close\r\nContent-Type: application/json\r\n"
        b'Content-Length: 25\r\n\r\n{"id":"I1","value":12.15}',
        id="post-json-body",
    ),
    pytest.param(
        ("PUT", "/x", "localhost", '{"raw": "text"}'),
        b"PUT /x HTTP/1.1\r\nHost: localhost\r\nUser-Agent: sre.minikube.pod_request\r\n"
        b"Accept: application/json\r\nConnection: close\r\nContent-Type: application/json\r\n"
        b'Content-Length: 15\r\n\r\n{"raw": "text"}',
        id="string-body-as-is",
    ),
]


@pytest.mark.parametrize(("args", "expected"), REQUEST_CASES)
def test_build_request(args, expected):
    assert build_request(*args) == expected


BAD_REQUEST_CASES = [
    pytest.param(("TRACE", "/", "h"), "method must be one of", id="unknown-method"),
    pytest.param(("GET", "invoices", "h"), "must start with '/'", id="relative-path"),
    pytest.param(("GET", "/a\r\nX-Evil: 1", "h"), "line break", id="header-injection-path"),
    pytest.param(("GET", "/a b", "h"), "URL-encoded", id="space-in-path"),
    pytest.param(("GET", "/", "h\nX: 1"), "line break", id="header-injection-host"),
]


@pytest.mark.parametrize(("args", "message"), BAD_REQUEST_CASES)
def test_build_request_refuses(args, message):
    with pytest.raises(ValueError, match=message):
        build_request(*args)


def test_build_request_refuses_unserialisable_body():
    with pytest.raises(TypeError):
        build_request("POST", "/", "h", {"when": object()})


@pytest.mark.parametrize(
    ("method", "status", "changed"),
    [
        ("GET", 200, False),
        ("HEAD", 200, False),
        ("OPTIONS", 204, False),
        ("POST", 200, True),
        ("DELETE", 204, True),
        ("POST", 302, True),
        ("POST", 400, False),
        ("POST", 502, False),
    ],
)
def test_changed_by(method, status, changed):
    assert changed_by(method, status) is changed


@pytest.mark.parametrize(
    ("headers", "body", "parsed"),
    [
        ({"content-type": "application/json"}, b'{"paid":["I1"]}', {"paid": ["I1"]}),
        ({}, b'[{"a":1}]', [{"a": 1}]),
        ({"content-type": "text/plain"}, b"not json", None),
        ({"content-type": "application/json"}, b"{broken", None),
        ({"content-type": "application/json"}, b"", None),
    ],
)
def test_decode_body(headers, body, parsed):
    response = parse_response(
        b"HTTP/1.1 200 OK\r\n"
        + b"".join(f"{k}: {v}\r\n".encode() for k, v in headers.items())
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
        + body
    )
    text, value = decode_body(response)
    assert text == body.decode()
    assert value == parsed


def test_decode_body_replaces_invalid_utf8():
    response = parse_response(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\na\xffb")
    assert decode_body(response) == ("a\ufffdb", None)


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


def test_exchange_reads_a_split_chunked_answer():
    pieces = [b"HTTP/1.1 200 OK\r\nTransfer-", b"Encoding: chunked\r\n\r\n3\r\n[1,", b"\r\n2\r\n2]\r\n", b"0\r\n\r\n"]
    channel = SocketPairChannel(pieces, close_after=False, delay=0.01)
    response = exchange(channel, build_request("GET", "/invoices", "localhost"), "GET", timeout=5)
    assert (response.status, json.loads(response.body)) == (200, [1, 2])
    assert channel.received.startswith(b"GET /invoices HTTP/1.1\r\n")
    assert channel.closed


def test_exchange_stops_at_content_length_without_waiting_for_close():
    channel = SocketPairChannel([b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n[]"], close_after=False)
    response = exchange(channel, build_request("GET", "/", "localhost"), "GET", timeout=2)
    assert response.body == b"[]"


def test_exchange_reports_the_remote_error_when_the_stream_ends_empty():
    channel = SocketPairChannel([], remote_error="failed to dial 127.0.0.1:1: connection refused")
    with pytest.raises(PodRequestError, match="before any answer.*port-forward reported: failed to dial"):
        exchange(channel, build_request("GET", "/", "localhost"), "GET", timeout=5)


def test_exchange_times_out_on_a_silent_pod():
    channel = SocketPairChannel([b"HTTP/1.1 200 OK\r\n"], close_after=False)
    with pytest.raises(PodRequestError, match="no complete answer within the timeout"):
        exchange(channel, build_request("GET", "/", "localhost"), "GET", timeout=0.3)
    assert channel.closed


def test_read_response_refuses_an_oversized_answer():
    channel = SocketPairChannel([b"HTTP/1.1 200 OK\r\n\r\n" + b"x" * 5000])
    channel.near.sendall(b"GET / HTTP/1.1\r\n\r\n")
    with pytest.raises(PodRequestError, match="larger than 1000 bytes"):
        read_response(channel.near, "GET", deadline=time.monotonic() + 5, max_bytes=1000)


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


def test_missing_kubeconfig_names_the_file(kubernetes, tmp_path):
    from ansible_collections.sre.minikube.plugins.module_utils.pod_request import api_client_from_kubeconfig

    missing = tmp_path / "nope"
    with pytest.raises(PodRequestError, match=f"cannot load context minikube from {missing}"):
        api_client_from_kubeconfig(str(missing), "minikube")


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
