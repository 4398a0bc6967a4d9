# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""TEST DOUBLE of the ingress-nginx controller, for the kwok test cluster.

The test cluster runs no containers, so no ingress controller can run in it.
This stand-in plays its part on 127.0.0.1: for each request it reads the
cluster's Ingress objects, picks the rule whose host and path match, reads
the backend Service and its EndpointSlices (ready endpoints only, as the
controller does), and forwards the request round-robin to the local process
that stands in for the chosen pod (see pod_backends.py). Like ingress-nginx
it talks to pod endpoints directly, so Service sessionAffinity plays no part.

No matching rule answers 404, a rule whose Service has no ready backend 503,
a backend that does not answer 502, as the controller would.
"""

from __future__ import annotations

import http.client
import http.server
import itertools
import json
import threading

# Hop-by-hop fields are not forwarded (RFC 9110, section 7.6.1).
_HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
}


class Route:
    """The outcome of routing one request: a backend address or an error status."""

    def __init__(self, status=None, reason="", address=None, pod=None):
        self.status = status
        self.reason = reason
        self.address = address
        self.pod = pod


def _path_matches(rule_path, path_type, path):
    if path_type == "Exact":
        return path == rule_path
    prefix = rule_path.rstrip("/")
    return path == prefix or path.startswith(prefix + "/") or prefix == ""


class IngressRouter:
    """Routes (host, path) to a pod's stand-in through the cluster's objects.

    backends(namespace, pod, container_port) returns the local (host, port)
    of the process standing in for that pod's port, or None.
    """

    def __init__(self, api_client, backends):
        from kubernetes import client

        self._networking = client.NetworkingV1Api(api_client)
        self._core = client.CoreV1Api(api_client)
        self._discovery = client.DiscoveryV1Api(api_client)
        self._backends = backends
        self._counter = itertools.count()
        self._lock = threading.Lock()

    def _match(self, host, path):
        best = None
        for ingress in self._networking.list_ingress_for_all_namespaces().items:
            namespace = ingress.metadata.namespace
            for rule in ingress.spec.rules or []:
                if (rule.host or "") not in ("", host) or rule.http is None:
                    continue
                for item in rule.http.paths or []:
                    rule_path = item.path or "/"
                    if item.backend.service is None or not _path_matches(rule_path, item.path_type, path):
                        continue
                    # Longest path wins; a rule with a host beats a catch-all one.
                    rank = (bool(rule.host), len(rule_path))
                    if best is None or rank > best[0]:
                        best = (rank, namespace, item.backend.service)
        return best

    def _endpoints(self, namespace, service):
        svc = self._core.read_namespaced_service(service.name, namespace)
        wanted = service.port
        port_name = wanted.name
        if port_name is None:
            port_name = next((p.name for p in svc.spec.ports or [] if p.port == wanted.number), None)
            if port_name is None and not any(p.port == wanted.number for p in svc.spec.ports or []):
                return []
        slices = self._discovery.list_namespaced_endpoint_slice(
            namespace, label_selector=f"kubernetes.io/service-name={service.name}"
        ).items
        found = []
        for endpoint_slice in slices:
            port = next((p.port for p in endpoint_slice.ports or [] if (p.name or None) == (port_name or None)), None)
            if port is None:
                continue
            for endpoint in endpoint_slice.endpoints or []:
                ready = endpoint.conditions is None or endpoint.conditions.ready is not False
                ref = endpoint.target_ref
                if ready and ref is not None and ref.kind == "Pod":
                    found.append((ref.namespace or namespace, ref.name, port))
        return sorted(found)

    def route(self, host, path):
        host = (host or "").rsplit(":", 1)[0] if not (host or "").startswith("[") else host
        match = self._match(host.lower(), path.split("?", 1)[0])
        if match is None:
            return Route(404, f"no Ingress rule for host {host!r} and path {path!r}")
        _, namespace, service = match
        try:
            endpoints = self._endpoints(namespace, service)
        except Exception as exc:  # the Service may be missing: a 503, as the controller answers
            return Route(503, f"backend Service {namespace}/{service.name} unavailable: {exc}")
        backed = [(ep, self._backends(*ep)) for ep in endpoints]
        backed = [(ep, address) for ep, address in backed if address is not None]
        if not backed:
            return Route(503, f"no ready endpoint with a backend for Service {namespace}/{service.name}")
        with self._lock:
            index = next(self._counter) % len(backed)
        endpoint, address = backed[index]
        return Route(address=address, pod=f"{endpoint[0]}/{endpoint[1]}")


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ingress-standin"

    def log_message(self, fmt, *args):
        self.server.log(f"{self.address_string()} {fmt % args}")

    def _reply(self, status, payload, headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)
        self.close_connection = True

    def _forward(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        route = self.server.router.route(self.headers.get("Host", ""), self.path)
        if route.status is not None:
            payload = json.dumps({"error": route.reason}).encode()
            self._reply(route.status, payload, [("Content-Type", "application/json")])
            return
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
        headers["X-Forwarded-For"] = self.client_address[0]
        try:
            conn = http.client.HTTPConnection(*route.address, timeout=self.server.upstream_timeout)
            conn.request(self.command, self.path, body=body, headers=headers)
            upstream = conn.getresponse()
            payload = upstream.read()
            conn.close()
        except OSError as exc:
            self._reply(502, json.dumps({"error": f"upstream {route.pod}: {exc}"}).encode())
            return
        passed = [(k, v) for k, v in upstream.getheaders() if k.lower() not in _HOP_BY_HOP | {"content-length"}]
        # Which pod answered, for tests and for people reading a trace.
        passed.append(("X-Upstream-Pod", route.pod))
        self.send_response(upstream.status, upstream.reason)
        for name, value in passed:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)
        self.close_connection = True

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _forward


class IngressStandin(http.server.ThreadingHTTPServer):
    """The stand-in's HTTP server; serve_forever() in a thread, shutdown() to stop."""

    daemon_threads = True

    def __init__(self, router, port=0, log=None, upstream_timeout=30):
        self.router = router
        self.upstream_timeout = upstream_timeout
        self.log = log or (lambda _line: None)
        super().__init__(("127.0.0.1", port), _Handler)

    @property
    def port(self):
        return self.server_address[1]
