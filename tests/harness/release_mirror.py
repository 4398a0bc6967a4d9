#!/usr/bin/env python3
"""A local minikube release mirror for the minikube_install tests.

It lays out `<root>/<version>/minikube-<os>-<arch>[.exe]` and the matching
`.sha256` files (64 lowercase hex digits and a newline, no file name) exactly
like the public release bucket, and serves them over HTTP on 127.0.0.1 on a
free port. The binaries are the minikube test double (tests/doubles) packed
as one executable file by tests/doubles/build_double.py, stamped with each
version (it reports that version), except where --real gives the real
minikube built from source: it is published, with its own sha256, as this
host's Linux asset of the version it reports.

Every request is appended to an access log, one JSON object a line
({"method", "path", "status"}), so the tests can prove what was
downloaded and what was not. GET /_mark/<name> writes a marker line the
tests use to split the log into runs; `runs` prints the log split that way.

    release_mirror.py start --state-dir DIR --release v1.38.1 [--release ...]
                            [--interrupt v1.39.1] [--real PATH]
    release_mirror.py stop --state-dir DIR
    release_mirror.py runs --state-dir DIR
        -> [{"mark": "converge", "requests": ["GET /v1.38.1/minikube-linux-amd64 200", ...]}, ...]
    release_mirror.py serve --state-dir DIR [--interrupt ...]   (foreground)

State directory: releases/ (the served tree), checksums.json (the sha256
of every asset as published at start, {version: {asset: sha256}}, the
shape of minikube_install_checksums: plain http needs pinned checksums),
port, pid, access.log, server.log. `start` returns once the server answers
and prints one JSON object; it reuses a server that is already running.
"""

from __future__ import annotations

import argparse
import hashlib
import http.server
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "doubles"))

import build_double  # noqa: E402 - the test double's one-file build, beside the harness

ASSETS = (
    "minikube-linux-amd64",
    "minikube-linux-arm64",
    "minikube-linux-ppc64le",
    "minikube-linux-s390x",
    "minikube-darwin-amd64",
    "minikube-darwin-arm64",
    "minikube-windows-amd64.exe",
)
# platform.machine() -> the CPU name of minikube's Linux assets.
HOST_ARCH = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}
START_TIMEOUT_SECONDS = 10


def real_release(binary: Path) -> tuple[str, str]:
    """The (version, asset name) a real minikube built on this host is published as."""
    version = subprocess.run(
        [str(binary), "version", "--short"], capture_output=True, text=True, check=True, timeout=60
    ).stdout.strip()
    if not build_double.VERSION_RE.fullmatch(version):
        raise SystemExit(f"{binary} reports {version!r}, not a release version")
    arch = HOST_ARCH.get(platform.machine().lower())
    if arch is None:
        raise SystemExit(f"no minikube Linux asset for this host's CPU {platform.machine()!r}")
    return version, f"minikube-linux-{arch}"


def build_tree(root: Path, versions: list[str], real: Path | None = None) -> dict[str, dict[str, str]]:
    """Write the release layout for each version (overwrites what is there).

    Every asset is the test double stamped with its version; with real, the
    real minikube replaces it as this host's asset of its own version, which
    must be one of versions. Returns the sha256 of every asset, per version.
    """
    checksums: dict[str, dict[str, str]] = {}
    real_version, real_asset = real_release(real) if real is not None else (None, None)
    if real_version is not None and real_version not in versions:
        raise SystemExit(f"the real minikube is {real_version}, which is not among the published releases {versions}")
    for version in versions:
        body = build_double.archive(version)
        release_dir = root / version
        release_dir.mkdir(parents=True, exist_ok=True)
        for asset in ASSETS:
            content = real.read_bytes() if version == real_version and asset == real_asset else body
            published = release_dir / asset
            published.write_bytes(content)
            published.chmod(0o755)
            digest = hashlib.sha256(content).hexdigest()
            (release_dir / f"{asset}.sha256").write_text(f"{digest}\n", encoding="ascii")
            checksums.setdefault(version, {})[asset] = digest
    return checksums


class MirrorHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the release tree, logs every request, can cut downloads short."""

    # Set on the subclass serve() creates for one state directory.
    server_state: ServerState

    def __init__(self, *args, **kwargs):
        super().__init__(*args, directory=str(self.server_state.root), **kwargs)

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        # Replaced by the JSON access log written in log_request.
        return

    def log_request(self, code="-", size="-"):
        status = code.value if isinstance(code, http.HTTPStatus) else code
        self.server_state.record({"method": self.command, "path": self.path, "status": status})

    def do_GET(self):  # noqa: N802 - the base class's name
        if self.path.startswith("/_mark/"):
            self.send_response(204)
            self.end_headers()
            return
        if self.should_interrupt():
            self.send_truncated()
            return
        super().do_GET()

    def should_interrupt(self) -> bool:
        parts = self.path.split("?", 1)[0].strip("/").split("/")
        return len(parts) == 2 and parts[0] in self.server_state.interrupt and not parts[1].endswith(".sha256")

    def send_truncated(self):
        """Announce the whole file, send half of it, then drop the connection."""
        path = Path(self.translate_path(self.path))
        if not path.is_file():
            self.send_error(404)
            return
        body = path.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[: len(body) // 2])
        self.wfile.flush()
        self.close_connection = True
        self.connection.shutdown(socket.SHUT_RDWR)


class MirrorServer(http.server.ThreadingHTTPServer):
    daemon_threads = True


class ServerState:
    def __init__(self, root: Path, access_log: Path, interrupt: list[str]):
        self.root = root
        self.access_log = access_log
        self.interrupt = set(interrupt)
        self.lock = threading.Lock()

    def record(self, entry: dict) -> None:
        with self.lock, self.access_log.open("a", encoding="utf-8") as log:
            log.write(json.dumps(entry, sort_keys=True) + "\n")


def serve(state_dir: Path, interrupt: list[str]) -> None:
    state = ServerState(state_dir / "releases", state_dir / "access.log", interrupt)
    handler = type("BoundMirrorHandler", (MirrorHandler,), {"server_state": state})
    server = MirrorServer(("127.0.0.1", 0), handler)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    (state_dir / "pid").write_text(f"{os.getpid()}\n", encoding="ascii")
    # The port file is written last: its presence means "ready".
    port_file = state_dir / "port"
    port_file.with_suffix(".tmp").write_text(f"{server.server_address[1]}\n", encoding="ascii")
    port_file.with_suffix(".tmp").replace(port_file)
    try:
        server.serve_forever()
    finally:
        server.server_close()
        for name in ("port", "pid"):
            (state_dir / name).unlink(missing_ok=True)


def running_pid(state_dir: Path) -> int | None:
    """The pid of this state directory's server when it is alive."""
    try:
        pid = int((state_dir / "pid").read_text(encoding="ascii"))
        os.kill(pid, 0)
    except (FileNotFoundError, ValueError, ProcessLookupError):
        return None
    return pid


def answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def read_port(state_dir: Path) -> int | None:
    try:
        return int((state_dir / "port").read_text(encoding="ascii"))
    except (FileNotFoundError, ValueError):
        return None


def start(state_dir: Path, versions: list[str], interrupt: list[str], real: Path | None = None) -> dict:
    state_dir.mkdir(parents=True, exist_ok=True)
    checksums = build_tree(state_dir / "releases", versions, real)
    # What a user pins in minikube_install_checksums, recorded as published:
    # a test that tampers with the tree afterwards is checked against these.
    (state_dir / "checksums.json").write_text(json.dumps(checksums, indent=2, sort_keys=True) + "\n", encoding="ascii")
    pid = running_pid(state_dir)
    port = read_port(state_dir)
    if pid is not None and port is not None and answers(port):
        return {"started": False, "pid": pid, "port": port}
    for name in ("port", "pid"):
        (state_dir / name).unlink(missing_ok=True)
    command = [sys.executable, str(Path(__file__).resolve()), "serve", "--state-dir", str(state_dir)]
    for version in interrupt:
        command += ["--interrupt", version]
    with (state_dir / "server.log").open("ab") as server_log:
        process = subprocess.Popen(  # noqa: S603 - our own script, fixed arguments
            command,
            stdin=subprocess.DEVNULL,
            stdout=server_log,
            stderr=server_log,
            start_new_session=True,
        )
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        port = read_port(state_dir)
        if port is not None and answers(port):
            return {"started": True, "pid": process.pid, "port": port}
        if process.poll() is not None:
            break
        time.sleep(0.05)
    process.kill()
    log = (state_dir / "server.log").read_text(encoding="utf-8", errors="replace")
    raise SystemExit(f"release mirror did not start within {START_TIMEOUT_SECONDS}s; server.log:\n{log}")


def stop(state_dir: Path) -> dict:
    pid = running_pid(state_dir)
    if pid is None:
        return {"stopped": False}
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return {"stopped": True, "pid": pid}
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    return {"stopped": True, "pid": pid, "killed": True}


def runs(state_dir: Path) -> list[dict]:
    """The access log split at its markers (requests before the first are dropped)."""
    result: list[dict] = []
    log = state_dir / "access.log"
    lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    for entry in map(json.loads, lines):
        if entry["path"].startswith("/_mark/"):
            result.append({"mark": entry["path"].removeprefix("/_mark/"), "requests": []})
        elif result:
            result[-1]["requests"].append(f"{entry['method']} {entry['path']} {entry['status']}")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("start", "serve", "stop", "runs"):
        sub = commands.add_parser(name)
        sub.add_argument("--state-dir", type=Path, required=True)
        if name in ("start", "serve"):
            sub.add_argument(
                "--interrupt",
                type=build_double.release_version,
                action="append",
                default=[],
                help="cut this version's downloads short",
            )
        if name == "start":
            sub.add_argument(
                "--release",
                type=build_double.release_version,
                action="append",
                required=True,
                help="a version to publish",
            )
            sub.add_argument(
                "--real", type=Path, help="publish this real minikube as this host's asset of the version it reports"
            )
    args = parser.parse_args(argv)
    state_dir = args.state_dir.resolve()
    if args.command == "serve":
        serve(state_dir, args.interrupt)
        return 0
    if args.command == "start":
        result = start(state_dir, args.release, args.interrupt, args.real)
    elif args.command == "stop":
        result = stop(state_dir)
    else:
        result = runs(state_dir)
    print(json.dumps(result, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
