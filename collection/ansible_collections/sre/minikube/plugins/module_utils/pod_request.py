# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One HTTP/1.1 exchange with a pod's port through the API server's port-forward.

The transport is the Kubernetes API itself (the pods/portforward subresource,
spoken by the ``kubernetes`` Python client), so a request reaches one chosen
pod, never a Service that load-balances, and needs no kubectl process and no
local listening port. Everything else here is plain HTTP/1.1 over the
forwarded byte stream: building the request and parsing the raw answer.
"""

from __future__ import annotations

import json
import socket
import time

try:
    import websocket as _websocket
    from kubernetes import client as _k8s_client
    from kubernetes import config as _k8s_config
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
# An answer larger than this is refused instead of filling memory.
MAX_RESPONSE_BYTES = 16 * 1024 * 1024
_READ_SIZE = 65536
_USER_AGENT = "sre.minikube.pod_request"


class PodRequestError(Exception):
    """The request could not be sent or no complete answer came back."""


class HttpParseError(PodRequestError):
    """The bytes that came back are not a valid HTTP/1.x response."""


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


def build_request(method, path, host, body=None):
    """Return the bytes of one HTTP/1.1 request that asks the server to close afterwards.

    body is sent as JSON: a str as it is (it must already be JSON text),
    anything else through json.dumps. Methods that carry a body send a
    Content-Length even without one, as servers may demand it.
    """
    method = method.upper()
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, not {method!r}")
    if not path.startswith("/"):
        raise ValueError(f"path must start with '/': {path!r}")
    _check_token("path", path)
    if " " in path:
        raise ValueError(f"path must be URL-encoded (no spaces): {path!r}")
    _check_token("host", host)

    payload = b""
    if body is not None:
        text = body if isinstance(body, str) else json.dumps(body, separators=(",", ":"), sort_keys=True)
        payload = text.encode("utf-8")
    lines = [
        f"{method} {path} HTTP/1.1",
        f"Host: {host}",
        f"User-Agent: {_USER_AGENT}",
        "Accept: application/json",
        "Connection: close",
    ]
    if body is not None:
        lines.append("Content-Type: application/json")
    if body is not None or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(payload)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii") + payload


def _decode_chunked(data):
    """Decode a chunked body at the start of data.

    Returns (body, bytes consumed) once the last chunk and the trailer section
    are complete, or None when more bytes are needed.
    """
    body = bytearray()
    pos = 0
    while True:
        end = data.find(b"\r\n", pos)
        if end < 0:
            return None
        size_text = data[pos:end].split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            raise HttpParseError(f"invalid chunk size line {data[pos:end]!r}") from None
        if size < 0:
            raise HttpParseError(f"invalid chunk size line {data[pos:end]!r}")
        pos = end + 2
        if size == 0:
            # Trailer fields, then an empty line.
            while True:
                end = data.find(b"\r\n", pos)
                if end < 0:
                    return None
                line = data[pos:end]
                pos = end + 2
                if not line:
                    return bytes(body), pos
        if len(data) < pos + size + 2:
            return None
        body += data[pos : pos + size]
        if data[pos + size : pos + size + 2] != b"\r\n":
            raise HttpParseError(f"chunk of {size} bytes is not followed by CRLF")
        pos += size + 2


def _parse_head(head):
    lines = head.split(b"\r\n")
    status_line = lines[0].decode("iso-8859-1")
    parts = status_line.split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/1."):
        raise HttpParseError(f"not an HTTP/1.x status line: {status_line!r}")
    try:
        status = int(parts[1])
    except ValueError:
        raise HttpParseError(f"invalid status code in {status_line!r}") from None
    if not 100 <= status <= 599:
        raise HttpParseError(f"invalid status code in {status_line!r}")
    reason = parts[2] if len(parts) > 2 else ""
    headers = {}
    for raw in lines[1:]:
        if b":" not in raw:
            raise HttpParseError(f"invalid header line {raw!r}")
        name, value = raw.split(b":", 1)
        key = name.decode("iso-8859-1").strip().lower()
        text = value.decode("iso-8859-1").strip()
        # Repeated fields are joined as RFC 9110 allows.
        headers[key] = f"{headers[key]}, {text}" if key in headers else text
    return status, reason, headers


def parse_response(data, method="GET", eof=False):
    """Parse raw response bytes.

    Returns an HttpResponse once the answer is complete, None while more bytes
    are needed, and raises HttpParseError for malformed data or for a stream
    that ended (eof) before the answer was complete. Interim 1xx answers are
    skipped.
    """
    data = bytes(data)
    while True:
        head_end = data.find(b"\r\n\r\n")
        if head_end < 0:
            if eof:
                if not data:
                    raise HttpParseError("the connection closed before any answer came back")
                raise HttpParseError(f"the connection closed inside the response headers: {data[:200]!r}")
            return None
        status, reason, headers = _parse_head(data[:head_end])
        rest = data[head_end + 4 :]
        if 100 <= status < 200 and status != 101:
            data = rest
            continue
        break

    if method.upper() == "HEAD" or status in (101, 204, 304):
        return HttpResponse(status, reason, headers, b"")

    encoding = headers.get("transfer-encoding", "").lower()
    if encoding:
        if encoding.split(",")[-1].strip() != "chunked":
            raise HttpParseError(f"unsupported Transfer-Encoding {encoding!r}")
        decoded = _decode_chunked(rest)
        if decoded is None:
            if eof:
                raise HttpParseError("the connection closed inside a chunked body")
            return None
        return HttpResponse(status, reason, headers, decoded[0])

    if "content-length" in headers:
        try:
            length = int(headers["content-length"])
        except ValueError:
            raise HttpParseError(f"invalid Content-Length {headers['content-length']!r}") from None
        if length < 0:
            raise HttpParseError(f"invalid Content-Length {headers['content-length']!r}")
        if len(rest) >= length:
            return HttpResponse(status, reason, headers, rest[:length])
        if eof:
            raise HttpParseError(f"the connection closed after {len(rest)} of {length} body bytes")
        return None

    # Neither length nor chunking: the body ends with the connection.
    if eof:
        return HttpResponse(status, reason, headers, rest)
    return None


def read_response(sock, method, deadline, max_bytes=MAX_RESPONSE_BYTES, clock=time.monotonic):
    """Read from sock until a complete response is parsed, the peer closes, or deadline passes."""
    buffer = bytearray()
    while True:
        remaining = deadline - clock()
        if remaining <= 0:
            raise PodRequestError(f"no complete answer within the timeout ({len(buffer)} bytes received)")
        sock.settimeout(remaining)
        try:
            chunk = sock.recv(_READ_SIZE)
        # socket.timeout is TimeoutError only from Python 3.10 on; targets may run older ones.
        except socket.timeout:  # noqa: UP041
            raise PodRequestError(f"no complete answer within the timeout ({len(buffer)} bytes received)") from None
        except OSError as exc:
            raise PodRequestError(f"reading the answer failed: {exc}") from None
        if not chunk:
            return parse_response(buffer, method, eof=True)
        buffer += chunk
        if len(buffer) > max_bytes:
            raise PodRequestError(f"the answer is larger than {max_bytes} bytes")
        response = parse_response(buffer, method)
        if response is not None:
            return response


def exchange(channel, payload, method, timeout, clock=time.monotonic):
    """Send payload over channel and return the parsed HttpResponse.

    channel is an open stream: an object with socket(), error() and close()
    (see PortForwardChannel). A failure reported by the far side's error
    stream is preferred over a parse error, as it says why the stream ended.
    """
    deadline = clock() + timeout
    sock = channel.socket()
    try:
        try:
            sock.sendall(payload)
        except OSError as exc:
            raise PodRequestError(f"sending the request failed: {exc} {channel.error() or ''}".strip()) from None
        try:
            return read_response(sock, method, deadline, clock=clock)
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
        # while the caller's own read deadline governs.
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


def api_client_from_kubeconfig(kubeconfig=None, context=None):
    """Return an ApiClient for the kubeconfig (default lookup when None) and context."""
    try:
        return _k8s_config.new_client_from_config(config_file=kubeconfig or None, context=context or None)
    except Exception as exc:  # ConfigException, OSError, YAML errors
        where = kubeconfig or "the default kubeconfig ($KUBECONFIG or ~/.kube/config)"
        raise PodRequestError(f"cannot load context {context or '(current)'} from {where}: {exc}") from None


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
