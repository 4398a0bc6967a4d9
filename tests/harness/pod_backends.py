#!/usr/bin/env python3
# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""TEST DOUBLE of the container runtime for the kwok test cluster.

kwok simulates nodes: pods become Running and Ready, but no container runs.
This daemon gives each simulated pod a real process instead, so tests that
talk to pods meet the real applications:

- a real Postgres server (Debian's, tests/harness/postgres.sh) on
  127.0.0.1 in place of the Postgres pod, with a database per service, as
  the deploy stage gives them; with --no-database the apps keep their state
  in memory instead (each invoice-app process its own invoices);
- one real invoice-app process per invoice-app pod, on 127.0.0.1 with a
  free port, exactly like the replicas of the Deployment;
- one real payment-provider process (or, with --payment-provider-fault, a
  fault double that answers every call with that status) that every
  invoice-app process pays through;
- for every pod, a kwok PortForward object that maps the pod's container
  ports to its process, so the API server's pods/portforward reaches it;
- an ingress stand-in (ingress_standin.py) on 127.0.0.1 that routes by the
  cluster's Ingress objects to those processes.

The cluster must serve the PortForward CRD: create it with
SRE_CLUSTER_KWOKCTL_ARGS=--enable-crds=PortForward (tests/harness/cluster.sh).
Servers bind to 127.0.0.1 only. Interface: docs/verify.md.

Usage:
  pod_backends.py start --kubeconfig K --state-dir D [options]   # daemon, prints the state
  pod_backends.py wait  --state-dir D --invoice-app N [--payment-provider M] [--timeout S]
  pod_backends.py status --state-dir D                            # prints the state
  pod_backends.py stop  --state-dir D
  pod_backends.py serve --kubeconfig K --state-dir D [options]   # foreground
"""

from __future__ import annotations

import argparse
import ctypes
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
TOP = HERE.parent.parent
# The apps' sources: the work tree's, or a copy named by SRE_POD_BACKENDS_APPS_DIR
# (e.g. a `git archive` of a commit, to test it while the tree has other edits).
APPS_DIR = Path(os.environ.get("SRE_POD_BACKENDS_APPS_DIR") or TOP / "apps")
# The services, as apps/services.yml declares them: each app's directory, and
# the database of each service with one (its name with '_' for '-', as
# roles/app_deploy names it on the server).
sys.path.insert(0, str(TOP / "tools"))
import product_facts  # noqa: E402

SERVICES = product_facts.services(APPS_DIR / "services.yml")
APPS = {service["name"]: APPS_DIR / service["name"] for service in SERVICES}
DATABASES = {s["name"]: s["name"].replace("-", "_") for s in SERVICES if s.get("database")}
POSTGRES_SH = HERE / "postgres.sh"
# The content hash of an app's image build (its files and the shared module), as the collection computes it.
# Loaded by its path: its directory holds modules named like the standard library's (platform).
MODULE_UTILS = TOP / "collection" / "ansible_collections" / "sre" / "minikube" / "plugins" / "module_utils"
_spec = importlib.util.spec_from_file_location("context_hash", MODULE_UTILS / "context_hash.py")
context_hash = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(context_hash)

PORTFORWARD = {"group": "kwok.x-k8s.io", "version": "v1alpha1", "plural": "portforwards"}
# The label the Deployments' pods carry (roles/app_deploy).
NAME_LABEL = "app.kubernetes.io/name"
# Marks the PortForward objects this daemon owns, so it never deletes others.
OWNER_LABEL = "sre-minikube.test/pod-backends"
STATE_FILE = "state.json"


def log(message):
    print(f"pod-backends: {message}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def source_digest(name):
    """The content hash of the app's image (module_utils/context_hash.py), so a code change builds a new binary."""
    return context_hash.app_hashes(str(APPS_DIR), [name])[name]["hash"][:16]


def build_app(name, cache_root):
    """Build apps/<name> with go build into the cache, once per source digest."""
    app_dir = APPS[name]
    target = Path(cache_root) / "pod-backends" / f"{name}-{source_digest(name)}" / name
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{name}.{os.getpid()}")
    start = time.monotonic()
    env = dict(os.environ, CGO_ENABLED="0")
    subprocess.run(["go", "build", "-trimpath", "-o", str(tmp), "."], cwd=app_dir, env=env, check=True)
    tmp.replace(target)
    log(f"built {target} in {time.monotonic() - start:.1f}s")
    return target


def _die_with_parent():
    """Children get SIGTERM when the daemon dies, even by SIGKILL (Linux)."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def wait_http_ok(url, process, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.05)
    return False


class Process:
    """One app process on 127.0.0.1, its output in a log file."""

    def __init__(self, binary, env, log_path):
        self.port = None
        self.popen = None
        for _ in range(5):  # a free port can be taken between the probe and the bind
            port = free_port()
            with open(log_path, "ab") as out:
                popen = subprocess.Popen(
                    [str(binary)],
                    env=dict(env, LISTEN_ADDR=f"127.0.0.1:{port}"),
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    preexec_fn=_die_with_parent,
                )
            if wait_http_ok(f"http://127.0.0.1:{port}/readyz", popen):
                self.port, self.popen = port, popen
                return
            popen.kill()
            popen.wait()
        raise RuntimeError(f"{binary} did not become ready; see {log_path}")

    def terminate(self):
        if self.popen and self.popen.poll() is None:
            self.popen.terminate()

    def stop(self, grace=5):
        """SIGTERM, then SIGKILL after grace seconds: a test backend needs no long drain."""
        self.terminate()
        try:
            self.popen.wait(grace)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait()


class FaultDouble:
    """TEST DOUBLE of a failing payment-provider: every request gets `status`."""

    def __init__(self, status):
        import http.server

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, fmt, *args):
                pass

            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                ok = self.path in ("/healthz", "/readyz")
                payload = b'{"status":"ok"}' if ok else json.dumps({"error": f"injected fault {status}"}).encode()
                self.send_response(200 if ok else status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = _answer

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.popen = None

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def pod_is_live(pod):
    return (
        pod.spec.node_name
        and pod.metadata.deletion_timestamp is None
        and pod.status.phase in (None, "Pending", "Running")
    )


def container_ports(pod):
    ports = []
    for container in pod.spec.containers or []:
        for port in container.ports or []:
            if (port.protocol or "TCP") == "TCP":
                ports.append(port.container_port)
    return sorted(set(ports))


class Daemon:
    def __init__(self, args):
        from kubernetes import client, config

        self.args = args
        self.state_dir = Path(args.state_dir)
        self.logs = self.state_dir / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.api_client = config.new_client_from_config(config_file=args.kubeconfig, context=args.context)
        # The services' pods run in their teams' namespaces, named after the stack's (--namespace).
        self.namespaces = sorted(
            set(product_facts.service_namespaces(args.namespace, APPS_DIR / "services.yml").values())
        )
        self.core = client.CoreV1Api(self.api_client)
        self.custom = client.CustomObjectsApi(self.api_client)
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        # (namespace, pod name) -> {"app", "uid", "ports", "process"}
        self.pods = {}
        self.provider = None
        self.ingress = None
        # The Postgres server's directory and superuser URL (None: memory).
        self.database_dir = None
        self.database_url = None

    # --- the pods' backends ---

    def backend_address(self, namespace, pod, container_port):
        with self.lock:
            entry = self.pods.get((namespace, pod))
            if entry is None or container_port not in entry["ports"]:
                return None
            return ("127.0.0.1", entry["local_port"])

    def _portforward_body(self, pod, ports, local_port):
        return {
            "apiVersion": f"{PORTFORWARD['group']}/{PORTFORWARD['version']}",
            "kind": "PortForward",
            "metadata": {
                "name": pod.metadata.name,
                "namespace": pod.metadata.namespace,
                "labels": {OWNER_LABEL: "true"},
            },
            "spec": {"forwards": [{"ports": ports, "target": {"address": "127.0.0.1", "port": local_port}}]},
        }

    def _apply_portforward(self, body):
        from kubernetes.client.rest import ApiException

        meta = body["metadata"]
        try:
            self.custom.create_namespaced_custom_object(
                PORTFORWARD["group"], PORTFORWARD["version"], meta["namespace"], PORTFORWARD["plural"], body
            )
        except ApiException as exc:
            if exc.status == 404:
                raise SystemExit(
                    "the cluster does not serve the kwok PortForward CRD: create it with "
                    "SRE_CLUSTER_KWOKCTL_ARGS=--enable-crds=PortForward tests/harness/cluster.sh up"
                ) from None
            if exc.status != 409:
                raise
            self.custom.replace_namespaced_custom_object(
                PORTFORWARD["group"],
                PORTFORWARD["version"],
                meta["namespace"],
                PORTFORWARD["plural"],
                meta["name"],
                self._with_version(body),
            )

    def _with_version(self, body):
        meta = body["metadata"]
        current = self.custom.get_namespaced_custom_object(
            PORTFORWARD["group"], PORTFORWARD["version"], meta["namespace"], PORTFORWARD["plural"], meta["name"]
        )
        body = json.loads(json.dumps(body))
        body["metadata"]["resourceVersion"] = current["metadata"]["resourceVersion"]
        return body

    def _delete_portforward(self, namespace, name):
        from kubernetes.client.rest import ApiException

        try:
            self.custom.delete_namespaced_custom_object(
                PORTFORWARD["group"], PORTFORWARD["version"], namespace, PORTFORWARD["plural"], name
            )
        except ApiException as exc:
            if exc.status != 404:
                raise

    def _start_backend(self, pod, app):
        ports = container_ports(pod)
        if not ports:
            return
        key = (pod.metadata.namespace, pod.metadata.name)
        if app == "invoice-app":
            env = dict(self.app_env(app), PAYMENT_PROVIDER_URL=f"http://127.0.0.1:{self.provider.port}")
            process = Process(self.binaries["invoice-app"], env, self.logs / f"{pod.metadata.name}.log")
            local_port = process.port
        else:
            # Every payment-provider pod is served by the one provider process.
            process, local_port = None, self.provider.port
        self._apply_portforward(self._portforward_body(pod, ports, local_port))
        with self.lock:
            self.pods[key] = {
                "app": app,
                "uid": pod.metadata.uid,
                "ports": ports,
                "local_port": local_port,
                "process": process,
            }
        log(f"pod {key[0]}/{key[1]} ({app}) ports {ports} -> 127.0.0.1:{local_port}")

    def app_env(self, app):
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        if self.database_url:
            base, _, query = self.database_url.partition("?")
            env["DATABASE_URL"] = f"{base.rsplit('/', 1)[0]}/{DATABASES[app]}?{query}"
        return env

    def start_database(self):
        run = {"check": True, "capture_output": True, "text": True}
        try:
            self.database_dir = subprocess.run([str(POSTGRES_SH), "up"], **run).stdout.strip()
            subprocess.run([str(POSTGRES_SH), "createdb", self.database_dir, *DATABASES.values()], **run)
            self.database_url = subprocess.run([str(POSTGRES_SH), "url", self.database_dir], **run).stdout.strip()
        except subprocess.CalledProcessError as exc:
            raise RuntimeError(f"{' '.join(exc.cmd)} failed: {exc.stderr.strip()}") from None
        log(f"postgres in {self.database_dir}, databases {', '.join(DATABASES.values())}")

    def _stop_backend(self, key):
        with self.lock:
            entry = self.pods.pop(key)
        if entry["process"] is not None:
            entry["process"].stop()
        self._delete_portforward(*key)
        log(f"pod {key[0]}/{key[1]} gone: backend stopped")

    def reconcile(self):
        pods = [pod for namespace in self.namespaces for pod in self.core.list_namespaced_pod(namespace).items]
        live = {}
        for pod in pods:
            app = (pod.metadata.labels or {}).get(NAME_LABEL)
            if app in APPS and pod_is_live(pod):
                live[(pod.metadata.namespace, pod.metadata.name)] = (pod, app)
        changed = False
        for key in list(self.pods):
            if key not in live or live[key][0].metadata.uid != self.pods[key]["uid"]:
                self._stop_backend(key)
                changed = True
        for key, (pod, app) in sorted(live.items()):
            if key not in self.pods:
                self._start_backend(pod, app)
                changed = True
        if changed:
            self.write_state()

    # --- state ---

    def state(self):
        with self.lock:
            pods = {
                f"{ns}/{name}": {
                    "app": entry["app"],
                    "ports": entry["ports"],
                    "address": "127.0.0.1",
                    "port": entry["local_port"],
                    "pid": entry["process"].popen.pid if entry["process"] else None,
                }
                for (ns, name), entry in sorted(self.pods.items())
            }
        counts = {app: sum(1 for p in pods.values() if p["app"] == app) for app in APPS}
        return {
            "pid": os.getpid(),
            "namespace": self.args.namespace,
            "namespaces": self.namespaces,
            "ingress": {"address": "127.0.0.1", "port": self.ingress.port},
            "payment_provider": {
                "address": "127.0.0.1",
                "port": self.provider.port,
                "fault": self.args.payment_provider_fault,
            },
            "counts": counts,
            "pods": pods,
        }

    def write_state(self):
        write_json_atomic(self.state_dir / STATE_FILE, self.state())

    # --- life cycle ---

    def run(self):
        from ingress_standin import IngressRouter, IngressStandin

        signal.signal(signal.SIGTERM, lambda *_: self.stopping.set())
        signal.signal(signal.SIGINT, lambda *_: self.stopping.set())
        cache = os.environ.get("SRE_MINIKUBE_CACHE", str(Path.home() / ".cache" / "sre-minikube"))
        self.binaries = {name: build_app(name, cache) for name in APPS}
        try:
            if not self.args.no_database:
                self.start_database()
            if self.args.payment_provider_fault:
                self.provider = FaultDouble(self.args.payment_provider_fault)
                log(f"payment-provider fault double on 127.0.0.1:{self.provider.port}")
            else:
                self.provider = Process(
                    self.binaries["payment-provider"],
                    self.app_env("payment-provider"),
                    self.logs / "payment-provider.log",
                )
                log(f"payment-provider on 127.0.0.1:{self.provider.port}")
            router = IngressRouter(self.api_client, self.backend_address)
            self.ingress = IngressStandin(router, port=self.args.ingress_port, log=self._ingress_log)
            threading.Thread(target=self.ingress.serve_forever, daemon=True).start()
            log(f"ingress stand-in on 127.0.0.1:{self.ingress.port}")
            self.write_state()
            while not self.stopping.is_set():
                try:
                    self.reconcile()
                except SystemExit:
                    raise
                except Exception as exc:  # an API hiccup must not end the daemon
                    log(f"reconcile failed, retrying: {exc}")
                self.stopping.wait(self.args.interval)
        finally:
            self.shutdown()

    def _ingress_log(self, line):
        with open(self.logs / "ingress.log", "a", encoding="utf-8") as out:
            out.write(line + "\n")

    def shutdown(self):
        # Signal every process first, so their graceful stops overlap.
        for entry in list(self.pods.values()):
            if entry["process"] is not None:
                entry["process"].terminate()
        for key in list(self.pods):
            try:
                self._stop_backend(key)
            except Exception as exc:  # keep stopping the others
                log(f"stopping {key}: {exc}")
        if self.ingress is not None:
            self.ingress.shutdown()
            self.ingress.server_close()
        if self.provider is not None:
            self.provider.stop()
        if self.database_dir:
            subprocess.run([str(POSTGRES_SH), "down", self.database_dir], check=False)
        (self.state_dir / STATE_FILE).unlink(missing_ok=True)
        log("stopped")


def write_json_atomic(path, data):
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".state.")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(data, out, indent=2, sort_keys=True)
    os.replace(tmp, path)


def read_state(state_dir):
    path = Path(state_dir) / STATE_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


def pid_alive(pid):
    """True while pid runs; a zombie (dead, not yet reaped) counts as gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, IndexError):
        return False


def wait_for_kubeconfig(args):
    """Block until the kubeconfig exists and names the context.

    A scenario may start the daemon before the cluster exists (the
    full-stack scenario starts it before site.yml creates the cluster), so
    the daemon first records a state that only says it is waiting.
    """
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    signal.signal(signal.SIGINT, lambda *_: stopping.set())
    path = Path(args.kubeconfig)
    write_json_atomic(
        Path(args.state_dir) / STATE_FILE,
        {"pid": os.getpid(), "waiting_for": str(path), "counts": dict.fromkeys(APPS, 0)},
    )
    while not stopping.is_set():
        try:
            kubeconfig = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (FileNotFoundError, yaml.YAMLError):
            kubeconfig = {}
        contexts = [entry.get("name") for entry in kubeconfig.get("contexts") or []]
        if contexts and (args.context is None or args.context in contexts):
            return True
        stopping.wait(0.5)
    return False


def cmd_serve(args):
    sys.path.insert(0, str(HERE))
    # Build the apps before waiting for the cluster, so pods are backed as
    # soon as they appear (the daemon's run() finds the builds cached).
    cache = os.environ.get("SRE_MINIKUBE_CACHE", str(Path.home() / ".cache" / "sre-minikube"))
    for name in APPS:
        build_app(name, cache)
    if wait_for_kubeconfig(args):
        Daemon(args).run()
    (Path(args.state_dir) / STATE_FILE).unlink(missing_ok=True)
    return 0


def cmd_start(args):
    state_dir = Path(args.state_dir)
    state_dir.mkdir(parents=True, exist_ok=True)
    current = read_state(state_dir)
    if current and pid_alive(current["pid"]):
        print(f"pod-backends already running (pid {current['pid']}); stop it first", file=sys.stderr)
        return 1
    (state_dir / STATE_FILE).unlink(missing_ok=True)
    command = [sys.executable, str(Path(__file__).resolve()), "serve", *args.serve_argv]
    with open(state_dir / "daemon.log", "ab") as out:
        popen = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
        )
    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline:
        if popen.poll() is not None:
            print(f"pod-backends exited with {popen.returncode}; see {state_dir / 'daemon.log'}", file=sys.stderr)
            sys.stderr.write((state_dir / "daemon.log").read_text(encoding="utf-8", errors="replace")[-3000:])
            return 1
        state = read_state(state_dir)
        if state and state["pid"] == popen.pid:
            print(json.dumps(state, indent=2, sort_keys=True))
            return 0
        time.sleep(0.1)
    popen.terminate()
    print(f"pod-backends did not start within {args.timeout}s; see {state_dir / 'daemon.log'}", file=sys.stderr)
    return 1


def cmd_wait(args):
    deadline = time.monotonic() + args.timeout
    state = None
    while time.monotonic() < deadline:
        state = read_state(args.state_dir)
        if state and pid_alive(state["pid"]):
            counts = state["counts"]
            if counts["invoice-app"] == args.invoice_app and (
                args.payment_provider is None or counts["payment-provider"] == args.payment_provider
            ):
                print(json.dumps(state, indent=2, sort_keys=True))
                return 0
        time.sleep(0.2)
    print(
        f"pod backends not as wanted within {args.timeout}s (want invoice-app={args.invoice_app}); "
        f"state: {json.dumps(state['counts'] if state else None)}",
        file=sys.stderr,
    )
    return 1


def cmd_status(args):
    state = read_state(args.state_dir)
    if not state or not pid_alive(state["pid"]):
        print("pod-backends not running", file=sys.stderr)
        return 3
    print(json.dumps(state, indent=2, sort_keys=True))
    return 0


def cmd_stop(args):
    state = read_state(args.state_dir)
    if not state or not pid_alive(state["pid"]):
        return 0
    os.kill(state["pid"], signal.SIGTERM)
    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline:
        if not pid_alive(state["pid"]):
            return 0
        time.sleep(0.1)
    os.kill(state["pid"], signal.SIGKILL)
    # Its children get SIGTERM from the kernel (PR_SET_PDEATHSIG); its
    # PortForward objects stay until the next daemon replaces them.
    (Path(args.state_dir) / STATE_FILE).unlink(missing_ok=True)
    print(f"pod-backends (pid {state['pid']}) did not stop within {args.timeout}s: killed", file=sys.stderr)
    return 1


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    sub = parser.add_subparsers(dest="command", required=True)

    def daemon_options(p):
        p.add_argument("--kubeconfig", required=True)
        p.add_argument("--context", default=None)
        p.add_argument("--namespace", default="invoice", help="the stack's namespace; the services run in their teams'")
        p.add_argument("--ingress-port", type=int, default=0, help="port of the ingress stand-in (0: a free one)")
        p.add_argument(
            "--payment-provider-fault",
            type=int,
            default=None,
            metavar="STATUS",
            help="serve payment-provider with a fault double answering STATUS (e.g. 500)",
        )
        p.add_argument("--interval", type=float, default=0.5, help="seconds between two looks at the pods")
        p.add_argument(
            "--no-database",
            action="store_true",
            help="no Postgres: every app process keeps its state in memory",
        )

    for name in ("serve", "start"):
        p = sub.add_parser(name)
        p.add_argument("--state-dir", required=True)
        daemon_options(p)
        if name == "start":
            p.add_argument("--timeout", type=float, default=300, help="seconds to wait for the daemon")
    p = sub.add_parser("wait")
    p.add_argument("--state-dir", required=True)
    p.add_argument("--invoice-app", type=int, required=True)
    p.add_argument("--payment-provider", type=int, default=None)
    p.add_argument("--timeout", type=float, default=60)
    for name in ("status", "stop"):
        p = sub.add_parser(name)
        p.add_argument("--state-dir", required=True)
        p.add_argument("--timeout", type=float, default=60)
    args = parser.parse_args(argv)
    if args.command == "start":
        # The daemon gets the same options, minus start's own.
        serve_argv, skip = [], False
        for item in argv[1:]:
            if skip:
                skip = False
                continue
            if item == "--timeout":
                skip = True
                continue
            if item.startswith("--timeout="):
                continue
            serve_argv.append(item)
        args.serve_argv = serve_argv
    return args


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    commands = {"serve": cmd_serve, "start": cmd_start, "wait": cmd_wait, "status": cmd_status, "stop": cmd_stop}
    return commands[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
