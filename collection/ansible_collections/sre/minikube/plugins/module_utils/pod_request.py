# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One HTTP exchange with a pod's port through the API server's port-forward.

The client it is given comes from kube_client, the collection's one client
factory.

The transport is the Kubernetes API itself (the pods/portforward subresource,
spoken by the ``kubernetes`` Python client), so a request reaches one chosen
pod, never a Service that load-balances, and needs no kubectl process and no
local listening port. The forwarded stream is a socket; the standard
library's http.client speaks HTTP/1.1 over it. One deadline covers the whole
exchange (opening the stream, sending, every read), and the answer's size is
bounded.
"""

from __future__ import annotations

import http.client
import io
import json
import socket
import time

try:
    import websocket as _websocket
    from kubernetes import client as _k8s_client
    from kubernetes.client.rest import ApiException as _ApiException
    from kubernetes.stream import portforward as _portforward
except ImportError as exc:  # reported by the module through missing_required_lib
    HAS_KUBERNETES = False
    KUBERNETES_IMPORT_ERROR = exc
else:
    HAS_KUBERNETES = True
    KUBERNETES_IMPORT_ERROR = None

# Methods that never change state on the server: sent in check mode too.
SAFE_METHODS = frozenset(("GET", "HEAD", "OPTIONS"))
METHODS = ("GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE")
# An answer whose body is larger than this is refused instead of filling memory.
MAX_RESPONSE_BYTES = 16 * 1024 * 1024
_READ_SIZE = 65536
_USER_AGENT = "sre.minikube.pod_request"


class PodRequestError(Exception):
    """The request could not be sent or no complete answer came back."""


class HttpRequest:
    """A checked request: method, target, header fields and body bytes."""

    def __init__(self, method, path, headers, body):
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body


class HttpResponse:
    """A complete HTTP response: status, reason, lower-cased headers, body bytes."""

    def __init__(self, status, reason, headers, body):
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body

    def __repr__(self):
        return f"HttpResponse({self.status} {self.reason!r}, {len(self.body)} bytes)"


def _check_token(name, value):
    if any(c in value for c in "\r\n\0"):
        raise ValueError(f"{name} must not contain a line break or NUL character: {value!r}")


def prepare_request(method, path, host, body=None):
    """Check the parts of one request and return an HttpRequest that asks the server to close afterwards.

    body is sent as JSON: a str as it is (it must already be JSON text),
    anything else through json.dumps. Raises ValueError (or TypeError for a
    body that JSON cannot hold) naming the part that is wrong.
    """
    method = method.upper()
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, not {method!r}")
    if not path.startswith("/"):
        raise ValueError(f"path must start with '/': {path!r}")
    _check_token("path", path)
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in path):
        raise ValueError(f"path must be URL-encoded (no spaces or control characters): {path!r}")
    _check_token("host", host)
    if not host or any(c.isspace() for c in host):
        raise ValueError(f"host must be a host name without spaces: {host!r}")

    headers = {"Host": host, "User-Agent": _USER_AGENT, "Accept": "application/json", "Connection": "close"}
    payload = None
    if body is not None:
        text = body if isinstance(body, str) else json.dumps(body, separators=(",", ":"), sort_keys=True)
        payload = text.encode("utf-8")
        headers["Content-Type"] = "application/json"
    return HttpRequest(method, path, headers, payload)


class Deadline:
    """Seconds left until one fixed moment; raises once it has passed."""

    def __init__(self, timeout, clock=time.monotonic):
        self._clock = clock
        self._end = clock() + timeout
        self.timeout = timeout

    def remaining(self, doing):
        left = self._end - self._clock()
        if left <= 0:
            raise PodRequestError(f"no complete answer within the timeout of {self.timeout:g} s ({doing})")
        return left


class _DeadlineReader(io.RawIOBase):
    """The reading side of the socket, each read bounded by the exchange's deadline."""

    def __init__(self, sock, deadline):
        super().__init__()
        self._sock = sock
        self._deadline = deadline
        self.received = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        self._sock.settimeout(self._deadline.remaining(f"{self.received} bytes received"))
        try:
            count = self._sock.recv_into(buffer)
        # socket.timeout is TimeoutError only from Python 3.10 on; targets may run older ones.
        except socket.timeout:  # noqa: UP041
            raise PodRequestError(
                f"no complete answer within the timeout of {self._deadline.timeout:g} s "
                f"({self.received} bytes received)"
            ) from None
        self.received += count
        return count


class _DeadlineSocket:
    """What http.client asks of a connected socket, bounded by one deadline."""

    def __init__(self, sock, deadline):
        self._sock = sock
        self._deadline = deadline

    def sendall(self, data):
        self._sock.settimeout(self._deadline.remaining("sending the request"))
        self._sock.sendall(data)

    def makefile(self, mode, *args, **kwargs):
        return io.BufferedReader(_DeadlineReader(self._sock, self._deadline), _READ_SIZE)

    def close(self):
        """The channel that made the socket closes it."""


def _read_body(response, max_bytes):
    declared = response.length  # None unless Content-Length sizes the body
    if declared is not None and declared > max_bytes:
        raise PodRequestError(f"the answer's body ({declared} bytes) is larger than {max_bytes} bytes")
    body = bytearray()
    while True:
        piece = response.read(min(_READ_SIZE, max_bytes + 1 - len(body)))
        if not piece:
            # http.client ends a short read quietly at the end of the stream.
            if declared is not None and len(body) < declared:
                raise PodRequestError(
                    f"the connection closed inside the answer's body ({len(body)} of {declared} bytes)"
                )
            return bytes(body)
        body += piece
        if len(body) > max_bytes:
            raise PodRequestError(f"the answer's body is larger than {max_bytes} bytes")


def http_exchange(sock, request, deadline, max_bytes=MAX_RESPONSE_BYTES):
    """Send request over a connected socket with http.client and return the HttpResponse.

    Interim 1xx answers are skipped; a body sized by Content-Length, chunked,
    or ending with the stream is read whole, up to max_bytes.
    """
    connection = http.client.HTTPConnection(request.headers["Host"])
    connection.sock = _DeadlineSocket(sock, deadline)
    try:
        connection.request(request.method, request.path, body=request.body, headers=request.headers)
        response = connection.getresponse()
        body = _read_body(response, max_bytes)
    except http.client.RemoteDisconnected:
        raise PodRequestError("the connection closed before any answer came back") from None
    except http.client.IncompleteRead as exc:
        raise PodRequestError(
            f"the answer's chunked body is cut short or malformed ({len(exc.partial)} bytes read)"
        ) from None
    except http.client.HTTPException as exc:
        raise PodRequestError(f"the answer is not valid HTTP/1.x: {type(exc).__name__}: {exc}") from None
    except OSError as exc:
        raise PodRequestError(f"the exchange failed: {exc}") from None
    headers = {}
    for name, value in response.getheaders():
        key = name.lower()
        # Repeated fields are joined as RFC 9110 allows.
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return HttpResponse(response.status, response.reason, headers, body)


def exchange(channel, request, deadline, max_bytes=MAX_RESPONSE_BYTES):
    """Send request over an open channel and return the HttpResponse; close the channel.

    channel is an object with socket(), error() and close() (see
    PortForwardChannel). A failure reported by the far side's error stream
    is added to the message, as it says why the stream ended.
    """
    try:
        try:
            return http_exchange(channel.socket(), request, deadline, max_bytes)
        except PodRequestError as exc:
            remote = channel.error()
            if remote:
                raise PodRequestError(f"{exc}; the port-forward reported: {remote.strip()}") from None
            raise
    finally:
        channel.close()


class PortForwardChannel:
    """A byte stream to one port of one pod through the API server."""

    def __init__(self, api_client, namespace, pod, port, timeout):
        self.port = port
        core = _k8s_client.CoreV1Api(api_client)
        # The websocket library takes its connect timeout from this default;
        # set it for the handshake only, so the proxy thread never times out
        # while the exchange's own deadline governs the reads.
        previous = _websocket.getdefaulttimeout()
        _websocket.setdefaulttimeout(timeout)
        try:
            self._forward = _portforward(
                core.connect_get_namespaced_pod_portforward,
                pod,
                namespace,
                ports=str(port),
            )
        except _ApiException as exc:
            raise PodRequestError(
                f"the API server refused the port-forward to pod {namespace}/{pod} port {port}: "
                f"{handshake_message(str(exc.reason or exc))}"
            ) from None
        except Exception as exc:  # the websocket layer raises many types
            raise PodRequestError(f"cannot open a port-forward to pod {namespace}/{pod} port {port}: {exc}") from None
        finally:
            _websocket.setdefaulttimeout(previous)
        self._forward.websocket.settimeout(None)

    def socket(self):
        return self._forward.socket(self.port)

    def error(self):
        return self._forward.error(self.port)

    def close(self):
        self._forward.close()


def send(api_client, namespace, pod, port, request, timeout, max_bytes=MAX_RESPONSE_BYTES, channel=None):
    """Open a port-forward to the pod's port, exchange request, return the HttpResponse.

    timeout covers the whole exchange: opening the stream, sending and
    reading the complete answer. channel is the class that opens the stream
    (PortForwardChannel unless a caller provides another).
    """
    deadline = Deadline(timeout)
    opened = (channel or PortForwardChannel)(
        api_client, namespace, pod, port, deadline.remaining("opening the port-forward")
    )
    return exchange(opened, request, deadline, max_bytes)


def handshake_message(text):
    """Shorten a refused websocket handshake to its status and the API's own message.

    The client reports it as "Handshake status <code> <reason> -+-+- <headers> -+-+- <body>",
    where the body is usually a Kubernetes Status object.
    """
    parts = text.split(" -+-+- ")
    status = parts[0].replace("Handshake status", "").strip()
    try:
        message = json.loads(parts[-1]).get("message")
    except (ValueError, AttributeError):
        message = None
    if len(parts) < 2 or not message:
        return text.strip()
    return f"{status}: {message}"


def decode_body(response):
    """Return (text, parsed JSON or None) of a response body."""
    text = response.body.decode("utf-8", errors="replace")
    parsed = None
    content_type = response.headers.get("content-type", "").lower()
    if text.strip() and ("json" in content_type or text.lstrip()[:1] in ("{", "[")):
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
    return text, parsed


def changed_by(method, status):
    """Whether a request is reported as having changed state on the server."""
    return method.upper() not in SAFE_METHODS and 200 <= status < 400
