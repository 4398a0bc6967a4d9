"""Start the apps' binaries and containers and talk to them, for the black-box tests and the benchmark.

Holds one test double, FakeProvider: a stand-in for payment-provider whose answers a test chooses.
Everything listens on 127.0.0.1 (or on a Docker network a test creates); ports are chosen at run time:
each binary starts with LISTEN_ADDR=127.0.0.1:0 and reports the address it got in its "listening" log line.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
HARNESS = REPO / "tests" / "harness"
# The services' names, as apps/services.yml declares them (each a directory of apps/).
sys.path.insert(0, str(REPO / "tools"))
import product_facts  # noqa: E402

APPS = tuple(product_facts.service_names())
SEEDED = {"I1": ("12.15", "EUR"), "I2": ("10.25", "GBP"), "I3": ("66.13", "DKK")}


def build_binaries(out_dir: Path) -> dict[str, Path]:
    """Build both apps with the host's Go; returns app name -> binary path."""
    binaries = {}
    for app in APPS:
        binary = out_dir / app
        subprocess.run(
            ["go", "build", "-trimpath", "-tags", "nomsgpack", "-o", str(binary), "."],
            cwd=REPO / "apps" / app,
            check=True,
        )
        binaries[app] = binary
    return binaries


@dataclass
class Response:
    status: int
    body: bytes

    def json(self):
        return json.loads(self.body)


def request(
    method: str, url: str, body: bytes | None = None, timeout: float = 15, headers: dict[str, str] | None = None
) -> Response:
    """One HTTP request; a POST says it sends JSON (both apps refuse other posts) unless headers say otherwise."""
    req = urllib.request.Request(url, data=body, method=method)
    if method == "POST":
        req.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        req.add_header(name, value)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as answer:
            return Response(answer.status, answer.read())
    except urllib.error.HTTPError as err:
        return Response(err.code, err.read())


@dataclass
class Service:
    """One app running as a process of this test, with its JSON log in a file."""

    name: str
    proc: subprocess.Popen
    log_path: Path
    url: str = ""
    _log: object = field(default=None, repr=False)

    def log_lines(self) -> list[dict]:
        lines = []
        for raw in self.log_path.read_text().splitlines():
            lines.append(json.loads(raw))  # every line must be JSON
        return lines

    def stop(self, timeout: float = 10) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=timeout)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            if self._log:
                self._log.close()


def start_service(binary: Path, env: dict[str, str], log_dir: Path, wait: bool = True) -> Service:
    """Start a binary on 127.0.0.1:<free port> and wait until its /healthz answers."""
    name = binary.name
    log_path = Path(tempfile.mkstemp(prefix=f"{name}-", suffix=".log", dir=log_dir)[1])
    log = log_path.open("w")
    full_env = {"PATH": os.environ.get("PATH", ""), "LISTEN_ADDR": "127.0.0.1:0", **env}
    proc = subprocess.Popen([str(binary)], env=full_env, stdout=log, stderr=subprocess.STDOUT)
    service = Service(name=name, proc=proc, log_path=log_path, _log=log)
    if not wait:
        return service
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited with {proc.returncode}: {log_path.read_text()}")
        for line in service.log_lines() if log_path.stat().st_size else []:
            if line.get("msg") == "listening":
                service.url = "http://" + line["addr"]
        if service.url:
            with contextlib.suppress(OSError):
                if request("GET", service.url + "/healthz", timeout=2).status == 200:
                    return service
        time.sleep(0.05)
    service.stop()
    raise RuntimeError(f"{name} did not answer /healthz within 15s: {log_path.read_text()}")


def wait_for(what: str, condition, timeout: float = 10) -> None:
    """Poll condition() until it is true; fail after timeout seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{what}: not within {timeout}s"
        time.sleep(0.02)


def accepted_payments(provider: Service) -> list[str]:
    """Invoice ids in payment-provider's "payment accepted" log lines, in order."""
    return [line["invoice"] for line in provider.log_lines() if line.get("msg") == "payment accepted"]


def paid_state(invoice_app_url: str) -> dict[str, bool]:
    answer = request("GET", invoice_app_url + "/invoices")
    assert answer.status == 200, answer
    return {inv["InvoiceId"]: inv["IsPaid"] for inv in answer.json()}


class FakeProvider:
    """Test double of payment-provider: answers every payment with a fixed status after an optional delay,
    and counts the ids it received. Listens on 127.0.0.1:<free port>."""

    def __init__(
        self,
        status: int = 200,
        delay: float = 0.0,
        location: str = "",
        error_body: str = "test double",
        upstream: str = "",
        hold: str = "request",
    ):
        """upstream: forward every call there (a real payment-provider) and relay its answer instead of answering.
        hold: while the gate is cleared, hold each call before it is forwarded ("request") or after ("answer")."""
        self.status = status
        self.delay = delay
        self.location = location
        self.upstream = upstream
        self.hold = hold
        self.received: list[str] = []
        self.keys: list[tuple[str, str]] = []  # (invoice id, Idempotency-Key) per call
        # While cleared, calls wait (up to 30 s) before answering: a test holds payments in flight with it.
        self.gate = threading.Event()
        self.gate.set()
        double = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (the standard library's name)
                length = int(self.headers.get("Content-Length", "0"))
                payment = json.loads(self.rfile.read(length) or b"{}")
                double.received.append(payment.get("id", ""))
                key = self.headers.get("Idempotency-Key", "")
                double.keys.append((payment.get("id", ""), key))
                if double.hold == "request":
                    double.gate.wait(timeout=30)
                time.sleep(double.delay)
                status = double.status
                body = json.dumps({"id": payment.get("id")} if status < 300 else {"error": error_body})
                if double.upstream:
                    headers = {"Idempotency-Key": key} if key else {}
                    answer = request(
                        "POST", double.upstream + "/payments/pay", json.dumps(payment).encode(), headers=headers
                    )
                    status, body = answer.status, answer.body.decode()
                if double.hold == "answer":
                    double.gate.wait(timeout=30)
                # The client may have given up (a timeout test) or died (a kill test): that is expected.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.send_response(status)
                    if double.location:
                        self.send_header("Location", double.location)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body.encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeProvider:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def docker(*args: str, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(["docker", *args], check=check, capture_output=True, text=True, timeout=timeout)


def build_images() -> dict[str, str]:
    """Build both apps' images with the harness; returns app name -> image reference."""
    out = subprocess.run(
        [str(HARNESS / "docker-app-images.sh"), *APPS], check=True, stdout=subprocess.PIPE, text=True
    ).stdout.split()
    assert len(out) == len(APPS), out
    return dict(zip(APPS, out, strict=True))


class Postgres:
    """A Postgres server of the tests' own (tests/harness/postgres.sh): 127.0.0.1, a free port, a temporary
    directory. Each test gets fresh databases from it; stop() and start() make a database outage."""

    def __init__(self):
        self.script = str(HARNESS / "postgres.sh")
        self.dir = subprocess.run([self.script, "up"], check=True, stdout=subprocess.PIPE, text=True).stdout.strip()
        self.admin_url = self._run("url")
        self.password = urllib.parse.urlsplit(self.admin_url).password or ""

    def _run(self, command: str) -> str:
        return subprocess.run(
            [self.script, command, self.dir], check=True, stdout=subprocess.PIPE, text=True
        ).stdout.strip()

    def psql(self, sql: str, url: str = "") -> str:
        """Run SQL (through psql, stopping at the first error) and return its unaligned output."""
        done = subprocess.run(
            ["psql", "--no-psqlrc", "-v", "ON_ERROR_STOP=1", "-At", "-c", sql, url or self.admin_url],
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        )
        return done.stdout.strip()

    def create_database(self, prefix: str) -> str:
        """A new empty database; returns its URL."""
        name = f"{prefix}_{uuid.uuid4().hex[:10]}"
        self.psql(f"CREATE DATABASE {name}")
        return urllib.parse.urlunsplit(urllib.parse.urlsplit(self.admin_url)._replace(path="/" + name))

    def drop_database(self, url: str) -> None:
        self.psql(f"DROP DATABASE IF EXISTS {urllib.parse.urlsplit(url).path.lstrip('/')} WITH (FORCE)")

    def stop(self) -> None:
        self._run("stop")

    def start(self) -> None:
        self._run("start")

    def down(self) -> None:
        self._run("down")
