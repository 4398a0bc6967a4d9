# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pay every unpaid invoice once through the Ingress, then prove it from every side.

With a CA file (ca_file), every request through the front door goes over
HTTPS: the server's certificate must chain to that CA alone and name the
ingress host (ingress_exchange).

The invoices live in one database that every invoice-app replica reads, so
one POST through the public entry pays them all. The proof: each Ready
invoice-app pod, asked on its own through the API server's port-forward,
shows every invoice paid; so does every answer through the Ingress; and
every payment-provider pod reports the same ledger, with each invoice
charged exactly once. Last, payment-provider must be internal (module_utils
exposure): the same process and client do the reads. Each service is read
in its own namespace (its team's; both default to ``namespace``).

Verifier does the work through the callables it is given (reads of the
API, requests to a pod, requests through the Ingress), so the tests drive
it with stand-ins; the module gives it the real ones.
"""

from __future__ import annotations

import collections
import ipaddress
import json
import socket
import ssl
import threading
import time
from urllib.parse import urlsplit

from ansible_collections.sre.minikube.plugins.module_utils.exposure import check_exposure
from ansible_collections.sre.minikube.plugins.module_utils.kube_client import (
    CONNECTION_ARGUMENT_SPEC,
    KubeClientError,
    connection_checks,
)
from ansible_collections.sre.minikube.plugins.module_utils.kube_read import (
    KubeReadError,
    read,
    read_deployment,
    selector_text,
)
from ansible_collections.sre.minikube.plugins.module_utils.pod_request import (
    Deadline,
    PodRequestError,
    decode_body,
    http_exchange,
    prepare_request,
    send,
)
from ansible_collections.sre.minikube.plugins.module_utils.tunnel import hand_command, launchd_label, unit_name

# The module's options (sre.minikube.verify_payments); its action plugin checks them the same way when it runs
# the checks on the controller.
ARGUMENT_SPEC = {
    **CONNECTION_ARGUMENT_SPEC,
    "namespace": {"type": "str", "default": ""},
    "invoice_app_namespace": {"type": "str", "default": ""},
    "payment_provider_namespace": {"type": "str", "default": ""},
    "profile": {"type": "str", "required": True},
    "binary": {"type": "str", "default": "minikube"},
    "invoice_app": {"type": "str", "default": "invoice-app"},
    "invoice_app_port": {"type": "int", "default": 8081},
    "payment_provider": {"type": "str", "default": "payment-provider"},
    "payment_provider_port": {"type": "int", "default": 8082},
    "ingress_address": {"type": "str", "default": ""},
    "ingress_port": {"type": "int", "default": 80},
    "ingress_tls_port": {"type": "int", "default": 443},
    "ca_file": {"type": "path", "default": ""},
    "ingress_host": {"type": "str", "default": ""},
    "tunnel_address": {"type": "str", "default": "127.0.0.1"},
    "timeout": {"type": "float", "default": 30},
    "read_attempts": {"type": "int", "default": 3},
    "pay_attempts": {"type": "int", "default": 10},
    "retry_delay": {"type": "float", "default": 2},
    "settle_timeout": {"type": "float", "default": 120},
}


def service_namespaces(p):
    """(invoice-app's namespace, payment-provider's): each its own option, else namespace."""
    return p["invoice_app_namespace"] or p["namespace"], p["payment_provider_namespace"] or p["namespace"]


def input_checks(p):
    """The checks of the options' values (module_utils inputs), made before anything is read."""
    invoice_app, payment_provider = service_namespaces(p)
    return connection_checks(p) + [
        {"name": "namespace", "value": p["namespace"], "rule": "dns_label", "optional": True},
        {"name": "invoice_app_namespace (or namespace)", "value": invoice_app, "rule": "dns_label"},
        {"name": "payment_provider_namespace (or namespace)", "value": payment_provider, "rule": "dns_label"},
        {"name": "profile", "value": p["profile"], "rule": "minikube_profile"},
        {"name": "binary", "value": p["binary"], "rule": "path"},
        {"name": "invoice_app", "value": p["invoice_app"], "rule": "dns_label"},
        {"name": "payment_provider", "value": p["payment_provider"], "rule": "dns_label"},
        {"name": "ingress_address", "value": p["ingress_address"], "rule": "address", "optional": True},
        {"name": "ingress_host", "value": p["ingress_host"], "rule": "host_name", "optional": True},
        {"name": "tunnel_address", "value": p["tunnel_address"], "rule": "address"},
        {"name": "ca_file", "value": p["ca_file"], "rule": "path", "optional": True},
    ]


class RunError(Exception):
    """The run stopped; report holds what passed before it."""

    def __init__(self, msg, report):
        super().__init__(msg)
        self.report = report


def verify(p, check_mode, make_client, transports):
    """The module's result for the checked options P; RunError when a check fails or the cluster cannot be read.

    make_client(kubeconfig, context) gives the API client, transports(client, timeout, ca_file) the real
    transports (Transports) around it.
    """
    verifier = None
    try:
        client = make_client(p["kubeconfig"], p["context"])
        verifier = Verifier(p, transports(client, p["timeout"], p["ca_file"]), check_mode)
        return verifier.run()
    except (VerifyError, KubeClientError, KubeReadError, PodRequestError, LookupError) as exc:
        raise RunError(str(exc), verifier.report if verifier else []) from None


def tls_context(ca_file):
    """A client context that trusts the CA in ca_file and nothing else, and checks the server's host name."""
    try:
        # With a cafile the system's CAs are not loaded: only this CA can vouch for the server.
        return ssl.create_default_context(cafile=ca_file)
    except (OSError, ssl.SSLError) as exc:
        raise PodRequestError(
            f"cannot read the CA certificate {ca_file}: {exc}. The cluster stage creates it (sre_minikube_ca_dir)."
        ) from None


def tls_refusal(exc, ca_file, host):
    """Why the server's certificate was refused, in words naming the CA file and the host."""
    code = getattr(exc, "verify_code", None)
    # X509_V_ERR_HOSTNAME_MISMATCH
    if code == 62:
        return (
            f"the server's certificate does not name {host} ({exc.verify_message}): it was issued for another host. "
            f"Run the cluster stage again to issue the certificate for the test domain."
        )
    # 18/19: self-signed; 20/21: unknown issuer; 7: bad signature: not issued by this CA.
    if code in (7, 18, 19, 20, 21):
        return (
            f"the server's certificate for {host} was not issued by the CA in {ca_file} ({exc.verify_message}). "
            "The front door serves a certificate of another CA: run the cluster stage and the deploy stage again, "
            "so that the Gateway serves the certificate that CA signed."
        )
    return f"the TLS handshake with {host} failed, checked against the CA in {ca_file}: {exc}"


def ingress_exchange(address, port, host, request, timeout, ca_file=""):
    """One request to the front door at address:port for host: plain HTTP, or HTTPS checked against ca_file.

    Over HTTPS the client sends host as SNI (the request's Host is host too) and accepts only a certificate
    that chains to the CA of ca_file and names host; PodRequestError says why another is refused.
    """
    deadline = Deadline(timeout)
    context = tls_context(ca_file) if ca_file else None
    try:
        sock = socket.create_connection((address, port), timeout=deadline.remaining("connecting"))
    except OSError as exc:
        raise PodRequestError(f"cannot connect: {exc}") from None
    if context is not None:
        try:
            sock.settimeout(deadline.remaining("in the TLS handshake"))
            sock = context.wrap_socket(sock, server_hostname=host)
        except ssl.SSLCertVerificationError as exc:
            sock.close()
            raise PodRequestError(tls_refusal(exc, ca_file, host)) from None
        except OSError as exc:
            sock.close()
            raise PodRequestError(f"the TLS handshake with {host} failed: {exc}") from None
    with sock:
        return http_exchange(sock, request, deadline)


class Transports:
    """The real transports: the API server, port-forwards, TCP (or TLS, with ca_file) to the Ingress."""

    def __init__(self, client, timeout, ca_file=""):
        self.client, self.timeout = client, timeout
        self.ca_file = ca_file
        self.api_server = client.configuration.host
        self.sleep = time.sleep

    def read(self, kind, namespace=None, name=None, label_selector=None):
        return read(self.client, kind, namespace, name, label_selector, self.timeout)

    def pod_get(self, namespace, pod, port, path):
        # Opening a port-forward swaps its client's call_api for a moment, and
        # the pods are asked side by side: each request gets a client of its
        # own, on the same configuration.
        client = type(self.client)(self.client.configuration)
        return send(client, namespace, pod, port, prepare_request("GET", path, "localhost"), self.timeout)

    def ingress_request(self, address, port, host, method, path, body):
        return ingress_exchange(
            address, port, host, prepare_request(method, path, host, body), self.timeout, self.ca_file
        )

    def port_open(self, address, port):
        try:
            socket.create_connection((address, port), timeout=2).close()
        except OSError:
            return False
        return True


class VerifyError(Exception):
    """A check failed; the message says what and what to do."""


# One pod's answer: its name, the status, the body as text and as JSON (None unless a JSON object).
PodAnswer = collections.namedtuple("PodAnswer", "pod status text parsed")


def _meta(obj):
    return obj.get("metadata") or {}


def is_ready(pod):
    """Ready and not terminating."""
    if _meta(pod).get("deletionTimestamp"):
        return False
    conditions = (pod.get("status") or {}).get("conditions") or []
    return any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions)


def ready_pods(pods):
    """Names of the Ready, not terminating pods, sorted."""
    return sorted(_meta(pod).get("name", "?") for pod in pods if is_ready(pod))


def pod_states(pods):
    return (
        ", ".join(
            f"{_meta(pod).get('name', '?')} {(pod.get('status') or {}).get('phase', '?')}"
            for pod in sorted(pods, key=lambda p: _meta(p).get("name", ""))
        )
        or "none"
    )


def ingress_hosts(ingresses, service):
    """Host names of the Ingress rules that route to service, in order."""
    hosts = []
    for ingress in ingresses:
        for rule in (ingress.get("spec") or {}).get("rules") or []:
            paths = (rule.get("http") or {}).get("paths") or []
            if rule.get("host") and any(
                ((p.get("backend") or {}).get("service") or {}).get("name") == service for p in paths
            ):
                hosts.append(rule["host"])
    return hosts


def route_hosts(routes, service):
    """Host names of the HTTPRoutes that send requests to service, in order."""
    hosts = []
    for route in routes:
        spec = route.get("spec") or {}
        if any(ref.get("name") == service for rule in spec.get("rules") or [] for ref in rule.get("backendRefs") or []):
            hosts += [h for h in spec.get("hostnames") or [] if h not in hosts]
    return hosts


def _is_loopback(host):
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def node_address(nodes, profile):
    """The InternalIP of the profile's node (minikube names its first node after the profile), else of the first."""

    def internal_ip(node):
        for address in (node.get("status") or {}).get("addresses") or []:
            if address.get("type") == "InternalIP":
                return address.get("address")
        return None

    named = [node for node in nodes if _meta(node).get("name") == profile]
    for node in named + sorted(nodes, key=lambda n: _meta(n).get("name", "")):
        address = internal_ip(node)
        if address:
            return address
    return None


def ingress_address(given, api_server, node_ip, tunnel_address):
    """Where the Ingress answers, and why: (address, 'given' | 'node' | 'tunnel').

    The ingress controller listens on the node. When the host reaches the
    API server only on loopback while the node's address is not loopback
    (minikube's docker and podman drivers on macOS and Windows), the host
    cannot reach the node's address: `minikube tunnel` serves the Ingress
    on loopback instead.
    """
    if given:
        return given, "given"
    server_host = urlsplit(api_server or "").hostname or ""
    if not node_ip:
        raise VerifyError(
            "The cluster's nodes report no InternalIP, so the ingress address is unknown: "
            "set verify_ingress_address to where the Ingress is served."
        )
    if _is_loopback(server_host) and not _is_loopback(node_ip):
        return tunnel_address, "tunnel"
    return node_ip, "node"


def invoice_text(invoice):
    return f"{invoice.get('InvoiceId')} {invoice.get('Value')} {invoice.get('Currency')}"


def invoice_line(invoices, check_mode):
    """I1 12.15 EUR paid, I2 10.25 GBP paid, ... (unpaid ones marked as a real run would treat them)."""
    unpaid = "unpaid, would be paid" if check_mode else "UNPAID"
    return ", ".join(f"{invoice_text(i)} {'paid' if i.get('IsPaid') else unpaid}" for i in invoices) or "no invoices"


def _invoice_list(value):
    return isinstance(value, list) and all(isinstance(i, dict) for i in value)


# The front door's answers that say its backend could not answer for now: none reached, gone, or busy.
GATEWAY_FAILURES = (502, 503, 504)


def transient_pay(status, answer):
    """Whether a pay answered STATUS with ANSWER (its JSON object, or {}) failed only for now, while a rollout or
    a drain moves pods: the front door's own gateway error (no pay result: invoice-app was not reached or went
    away), or invoice-app's 502 whose failed invoices failed for now (payment-provider unreachable or timed out),
    none for good (refused as malformed, `permanent`) and none rejected."""
    if status not in GATEWAY_FAILURES:
        return False
    if "failed" not in answer and "rejected" not in answer:
        return True
    failed = answer.get("failed") or []
    return bool(failed) and not answer.get("rejected") and not any(f.get("permanent") for f in failed if f)


def ledger_problem(answers, invoices, namespace):
    """What is wrong with payment-provider's ledgers, or None.

    answers: a PodAnswer of GET /payments per pod;
    invoices: what invoice-app shows.
    """
    if not answers:
        return f"No Ready payment-provider pod in namespace {namespace} answered GET /payments."
    if any(a.status != 200 for a in answers):
        shown = " | ".join(f"{a.pod}: {a.status} {a.text[:200]}" for a in answers)
        return f"GET /payments on the payment-provider pods answered: {shown}"
    ledgers = [json.dumps((a.parsed or {}).get("payments"), sort_keys=True) for a in answers]
    if len(set(ledgers)) != 1:
        stores = ", ".join(str((a.parsed or {}).get("store", "?")) for a in answers)
        return (
            f"The payment-provider pods disagree on what was charged (stores: {stores}): each keeps its own "
            "ledger, so a payment repeated through another pod is charged again."
        )
    ledger = (answers[0].parsed or {}).get("payments") or []
    lines = [f"payment-provider charged {p.get('id')} {p.get('count')} times." for p in ledger if p.get("count", 0) > 1]
    charged = {p.get("id") for p in ledger}
    lines += [
        f"invoice-app shows {i.get('InvoiceId')} paid, but payment-provider never charged it."
        for i in invoices
        if i.get("IsPaid") and i.get("InvoiceId") not in charged
    ]
    if lines:
        return " ".join(lines) + f" Charges: {json.dumps(ledger, sort_keys=True)}"
    return None


class Verifier:
    """One run of the checks. settings is a dict with the module's options; io gives the transports:

    read(kind, namespace=None, name=None, label_selector=None) -> object, None or list
    pod_get(namespace, pod, port, path) -> HttpResponse (raises PodRequestError)
    ingress_request(address, port, host, method, path, body) -> HttpResponse (raises PodRequestError)
    port_open(address, port) -> bool
    sleep(seconds)
    api_server: the API server's URL
    """

    def __init__(self, settings, io, check_mode=False):
        self.s = settings
        # Where each service runs: invoice-app's namespace and payment-provider's.
        self.ns = dict(zip(("invoice_app", "payment_provider"), service_namespaces(settings), strict=True))
        self.io = io
        self.check_mode = check_mode
        self.report = []
        # The pauses left for the Deployments to settle (settle_timeout): a rollout or a node drain in progress
        # has a replica Ready less for a while, and a pod may stop being Ready while it is asked.
        delay = self.s.get("retry_delay") or 0
        self.settle_waits = int(self.s.get("settle_timeout", 0) // delay) if delay > 0 else 0

    def settle(self, why):
        """Wait retry_delay once for the Deployments to settle, saying why; False when the settle time is spent."""
        if self.settle_waits <= 0:
            return False
        self.settle_waits -= 1
        self.say(f"{why}: waiting {self.s['retry_delay']:g} s for it to settle")
        self.io.sleep(self.s["retry_delay"])
        return True

    def say(self, line):
        self.report.append(line)

    def scheme(self):
        """https when a CA file is given (the front door's certificate is checked against it), else http."""
        return "https" if self.s.get("ca_file") else "http"

    def port(self):
        return self.s["ingress_tls_port"] if self.s.get("ca_file") else self.s["ingress_port"]

    # --- the steps ---------------------------------------------------------
    def replicas(self, name, ns):
        deployment = read_deployment(self.io.read, ns, name)
        selector = ((deployment.get("spec") or {}).get("selector") or {}).get("matchLabels") or {}
        pods = self.io.read("Pod", ns, label_selector=selector_text(selector))
        return deployment, pods

    def invoice_app_pods(self):
        """invoice-app's Ready pods, once as many as its replicas (waiting, within settle_timeout, while fewer)."""
        ns, name = self.ns["invoice_app"], self.s["invoice_app"]
        while True:
            deployment, pods = self.replicas(name, ns)
            wanted = (deployment.get("spec") or {}).get("replicas", 1)
            ready = ready_pods(pods)
            if ready and len(ready) == wanted:
                break
            if not self.settle(f"Deployment {ns}/{name} has {len(ready)} of {wanted} pods Ready"):
                raise VerifyError(
                    f"Deployment {ns}/{name} wants {wanted} replicas but {len(ready)} pod(s) are Ready and not "
                    f"terminating (pods: {pod_states(pods)}), after waiting up to {self.s.get('settle_timeout', 0):g}"
                    f" s. Wait for the rollout to finish (kubectl -n {ns} rollout status deployment/{name}) and look"
                    " at the pods' events if it does not."
                )
        self.say(f"{len(ready)} of {wanted} {name} pods Ready: {', '.join(ready)}")
        return ready

    def on_ready_pods(self, name, ns, pods, ask):
        """ask(pods), Deployment NS/NAME's Ready PODS; when a request fails because a pod stopped being Ready while
        it was asked (a rollout or a drain evicted it), ask the Deployment's Ready pods again, within the settle
        time. Returns (the pods asked, ask's answer)."""
        while True:
            try:
                return pods, ask(pods)
            except VerifyError:
                now = ready_pods(self.replicas(name, ns)[1])
                gone = [pod for pod in pods if pod not in now]
                if not gone or not self.settle(f"{', '.join(gone)} stopped being Ready while asked"):
                    raise
                pods = self.invoice_app_pods() if name == self.s["invoice_app"] else now

    def public_entry(self):
        ns, name = self.ns["invoice_app"], self.s["invoice_app"]
        host = (
            self.s["ingress_host"]
            or next(iter(ingress_hosts(self.io.read("Ingress", ns), name)), "")
            or next(iter(route_hosts(self.io.read("HTTPRoute", ns), name)), "")
        )
        if not host:
            raise VerifyError(
                f"No Ingress or HTTPRoute in namespace {ns} routes a host name to Service {name}: {name} is not"
                " published. "
                "Run the deploy stage, or set verify_ingress_host."
            )
        node_ip = None
        if not self.s["ingress_address"]:
            node_ip = node_address(self.io.read("Node"), self.s["profile"])
        address, how = ingress_address(self.s["ingress_address"], self.io.api_server, node_ip, self.s["tunnel_address"])
        port = self.port()
        if how == "tunnel" and not self.io.port_open(address, port):
            profile = self.s["profile"]
            command = hand_command(self.s["binary"], profile)
            raise VerifyError(
                f"This host reaches the cluster's API server only on {urlsplit(self.io.api_server).netloc} while the "
                f"node's address is {node_ip} (minikube's docker driver on macOS does this), so the front door is "
                f"served on {address}:{port}, and nothing listens there. With sre_minikube_tunnel auto the node's "
                f"container publishes that port: run the cluster stage again (it refuses a cluster created without "
                f"it, with the commands that create it again), and check that Docker may publish ports below 1024 "
                f"(Docker Desktop: Settings, Advanced, privileged port mapping). With sre_minikube_tunnel true "
                f"`minikube tunnel` serves it as a service of yours: look at the service (launchctl print "
                f"gui/$(id -u)/{launchd_label(profile)}, or systemctl --user status {unit_name(profile)}); minikube "
                f"asks sudo to forward port {port}. Or set sre_minikube_tunnel: false and keep `{command}` running "
                f"in a terminal, then run this stage again."
            )
        where = {"given": "given address", "node": "node address", "tunnel": "published ports or minikube tunnel"}[how]
        checked = f", certificate checked against {self.s['ca_file']}" if self.s.get("ca_file") else ""
        self.say(f"Ingress: {self.scheme()}://{host} answers at {address}:{port} ({where}{checked})")
        return host, address, port

    def pay(self, host, address, port):
        url = f"{self.scheme()}://{host}/invoices/pay"
        if self.check_mode:
            return []
        attempts = self.s["pay_attempts"]
        paid = []
        attempt = 0
        while True:
            try:
                answer = self.io.ingress_request(address, port, host, "POST", "/invoices/pay", {})
            except PodRequestError as exc:
                raise VerifyError(f"POST {url} through the Ingress ({address}:{port}) failed: {exc}") from None
            text, parsed = decode_body(answer)
            parsed = parsed if isinstance(parsed, dict) else {}
            paid += [i for i in parsed.get("paid") or [] if i not in paid]
            attempt += 1
            # 202: another run is paying some of them right now; ask again until it settles.
            if answer.status == 202 and attempt < attempts:
                self.io.sleep(self.s["retry_delay"])
                continue
            # Failed for now (transient_pay): a later run pays what is unpaid, and payment-provider answers a
            # payment's repeated key with its first answer, so asking again charges nothing twice.
            if transient_pay(answer.status, parsed):
                failed = parsed.get("failed") or []
                why = "; ".join(f"{f.get('id')}: {f.get('error')}" for f in failed) or text[:120]
                if self.settle(f"POST {url} answered {answer.status}, failed for now ({why})"):
                    continue
            break
        if answer.status != 200:
            raise VerifyError(
                f"POST {url} through the Ingress ({address}:{port}) answered {answer.status} {answer.reason}: "
                f"{text[:600]}"
            )
        self.say(f"POST {url}: " + (f"paid {', '.join(map(str, sorted(paid)))}" if paid else "nothing left to pay"))
        return sorted(paid)

    def _pod_get(self, namespace, pod, port, path):
        """GET on one pod; a transport error is tried again, an HTTP answer is final."""
        attempts = self.s["read_attempts"]
        for attempt in range(attempts):
            try:
                return self.io.pod_get(namespace, pod, port, path)
            except PodRequestError as exc:
                if attempt == attempts - 1:
                    raise VerifyError(
                        f"GET {path} on pod {namespace}/{pod} port {port} failed {attempts} time(s): {exc}"
                    ) from None
                self.io.sleep(self.s["retry_delay"])
        raise AssertionError("unreachable")

    def _pod_gets(self, namespace, pods, port, path):
        """The GET of path on each pod of the namespace, sent side by side: (pod, answer) in the pods' order.

        Each port-forward spends most of its time waiting for the API server,
        so the pods are asked at once, each on its own thread. A failure is
        raised as the sequential order would meet it: the first pod's first.
        """
        outcomes = [(pod, None, None) for pod in pods]

        def ask(index, pod):
            try:
                outcomes[index] = (pod, self._pod_get(namespace, pod, port, path), None)
            except Exception as error:  # raised below, on the caller's thread, in the pods' order
                outcomes[index] = (pod, None, error)

        threads = [threading.Thread(target=ask, args=(index, pod)) for index, pod in enumerate(pods)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for _pod, _answer, error in outcomes:
            if error is not None:
                raise error
        return [(pod, answer) for pod, answer, _error in outcomes]

    def each_pod(self, pods):
        """Every pod's invoices; in a real run, fails unless every one shows every invoice paid."""
        ns, port = self.ns["invoice_app"], self.s["invoice_app_port"]
        seen = {}
        for pod, answer in self._pod_gets(ns, pods, port, "/invoices"):
            text, parsed = decode_body(answer)
            if answer.status != 200 or not _invoice_list(parsed):
                raise VerifyError(f"GET /invoices on pod {ns}/{pod} answered {answer.status}: {text[:400]}")
            seen[pod] = parsed
            self.say(f"Pod {ns}/{pod}: {invoice_line(parsed, self.check_mode)}")
            unpaid = [i.get("InvoiceId") for i in parsed if not i.get("IsPaid")]
            if not self.check_mode and (unpaid or not parsed):
                raise VerifyError(
                    f"Pod {ns}/{pod} shows unpaid invoices after POST /invoices/pay through the Ingress: "
                    f"{', '.join(map(str, unpaid)) or 'it lists no invoices'}. "
                    "The replicas do not share one store, or the pay answer was wrong."
                )
        return seen

    def through_ingress(self, host, address, port, times):
        url = f"{self.scheme()}://{host}/invoices"
        n = 0
        while n < times:
            try:
                answer = self.io.ingress_request(address, port, host, "GET", "/invoices", None)
            except PodRequestError as exc:
                raise VerifyError(f"GET {url} through the Ingress ({address}:{port}) failed: {exc}") from None
            text, parsed = decode_body(answer)
            # The front door's gateway error while a rollout or a drain moves the pods: asked again.
            if answer.status in GATEWAY_FAILURES and self.settle(f"GET {url} answered {answer.status}"):
                continue
            n += 1
            if answer.status != 200 or not _invoice_list(parsed):
                raise VerifyError(f"GET {url} through the Ingress answered {answer.status}: {text[:400]}")
            unpaid = [i.get("InvoiceId") for i in parsed if not i.get("IsPaid")]
            if unpaid or not parsed:
                raise VerifyError(
                    f"GET {url} (request {n}) answered with unpaid invoices {', '.join(map(str, unpaid))} although "
                    f"every Ready pod showed all of them paid: a pod outside the Deployment's Ready set serves "
                    f"the Ingress. Answer: {text[:400]}"
                )
        self.say(f"GET {url}, {times} times through the Ingress: every invoice paid in every answer")

    def charges(self, invoices):
        ns, name, port = self.ns["payment_provider"], self.s["payment_provider"], self.s["payment_provider_port"]
        pods = ready_pods(self.replicas(name, ns)[1])
        answers = []
        _pods, gets = self.on_ready_pods(name, ns, pods, lambda pods: self._pod_gets(ns, pods, port, "/payments"))
        for pod, answer in gets:
            text, parsed = decode_body(answer)
            answers.append(PodAnswer(pod, answer.status, text, parsed if isinstance(parsed, dict) else None))
        problem = ledger_problem(answers, invoices, ns)
        if problem:
            raise VerifyError(problem)
        self.say(
            f"Paid, and charged once each by {name} ({len(answers)} pods, one ledger): "
            + ", ".join(invoice_text(i) for i in invoices if i.get("IsPaid"))
        )

    def exposure(self):
        """payment-provider is reachable only from invoice-app's pods; VerifyError naming every way in."""
        name = self.s["payment_provider"]
        problems, message = check_exposure(
            self.io.read,
            self.ns["payment_provider"],
            name,
            self.s["payment_provider_port"],
            {self.s["invoice_app"]: self.ns["invoice_app"]},
        )
        if problems:
            raise VerifyError(message)
        self.say(message)
        return message

    def run(self):
        """Return the result dict; raise VerifyError with self.report holding what passed."""
        pods = self.invoice_app_pods()
        host, address, port = self.public_entry()
        paid = self.pay(host, address, port)
        pods, seen = self.on_ready_pods(self.s["invoice_app"], self.ns["invoice_app"], pods, self.each_pod)
        invoices = seen[pods[0]]
        would_pay = [i.get("InvoiceId") for i in invoices if not i.get("IsPaid")]
        if not (self.check_mode and would_pay):
            # In check mode with invoices left to pay, nothing was paid: the
            # checks of a paid state would only fail.
            self.through_ingress(host, address, port, len(pods))
            self.charges(invoices)
        else:
            self.say(f"Check mode: a real run would pay {', '.join(map(str, would_pay))}")
        exposure = self.exposure()
        return {
            "changed": bool(paid) or (self.check_mode and bool(would_pay)),
            "url": f"{self.scheme()}://{host}",
            "address": f"{address}:{port}",
            "paid": [invoice_text(i) for i in invoices if i.get("IsPaid")],
            "paid_now": paid,
            "would_pay": would_pay if self.check_mode else [],
            "pods": {pod: seen[pod] for pod in pods},
            "exposure": exposure,
            "report": self.report,
        }
