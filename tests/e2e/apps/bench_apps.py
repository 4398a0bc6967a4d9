"""Benchmark of the apps: image sizes, and requests/s and p99 latency of each service under a bounded wrk load
on 127.0.0.1 (fixed duration and connection count), with each service's in-memory store and on a real Postgres
(tests/harness/postgres.sh). Prints a table; exits non-zero if a run fails."""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from apps_harness import APPS, Postgres, build_binaries, build_images, docker, request, start_service, wait_for

# Every payment carries its own Idempotency-Key, as invoice-app sends them: each request records a new key.
PAY_SCRIPT = """
wrk.method = "POST"
wrk.body = '{"id":"I1","value":12.15,"currency":"EUR"}'
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end
local sent = 0
function request()
  sent = sent + 1
  local headers = {["Content-Type"] = "application/json", ["Idempotency-Key"] = "bench-" .. thread_id .. "-" .. sent}
  return wrk.format(nil, nil, headers)
end
"""


def parse_wrk(output: str) -> tuple[float, str, int]:
    """Requests/s, p99 latency and non-2xx count from `wrk --latency` output."""
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE)
    if not rps or not p99:
        raise RuntimeError(f"unexpected wrk output:\n{output}")
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    return float(rps.group(1)), p99.group(1), int(errors.group(1)) if errors else 0


def run_wrk(url: str, duration: int, connections: int, script: Path | None) -> tuple[float, str, int]:
    cmd = ["wrk", "--threads", "2", "--connections", str(connections), "--duration", f"{duration}s", "--latency"]
    cmd += ["--timeout", "5s"]
    if script:
        cmd += ["--script", str(script)]
    done = subprocess.run([*cmd, url], check=True, capture_output=True, text=True, timeout=duration + 30)
    return parse_wrk(done.stdout)


def bench_store(store: str, binaries: dict, postgres: Postgres, tmp_path: Path, script: Path, args) -> bool:
    """Run both endpoints with the given store; True if a run had non-2xx answers."""
    # No drain delay: nothing balances load here, and each service is stopped after its runs.
    env = {app: {"DRAIN_DELAY": "0s"} for app in APPS}
    if store == "postgres":
        for app in APPS:
            env[app]["DATABASE_URL"] = postgres.create_database(app.replace("-", "_"))
    # Logs go to a file: at info level every request writes a line, as in production.
    provider = start_service(binaries["payment-provider"], env["payment-provider"], tmp_path)
    app = start_service(binaries["invoice-app"], {"PAYMENT_PROVIDER_URL": provider.url, **env["invoice-app"]}, tmp_path)
    failed = False
    try:
        for service in (provider, app):
            wait_for(f"{service.name} ready", lambda s=service: request("GET", s.url + "/readyz").status == 200, 30)
        targets = [
            ("invoice-app GET /invoices", app.url + "/invoices", None),
            ("payment-provider POST /payments/pay", provider.url + "/payments/pay", script),
        ]
        for name, url, lua in targets:
            rps, p99, errors = run_wrk(url, args.duration, args.connections, lua)
            print(f"{name:<40} {store:<10} {rps:>12.0f} {p99:>10}")
            if errors:
                print(f"  {errors} answers were not 2xx", file=sys.stderr)
                failed = True
    finally:
        app.stop()
        provider.stop()
    return failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=int, default=5, help="seconds of load per endpoint (max 30)")
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections (max 64)")
    args = parser.parse_args()
    if not (1 <= args.duration <= 30 and 1 <= args.connections <= 64):
        parser.error("the load is bounded: --duration 1..30, --connections 1..64")
    if not shutil.which("wrk"):
        parser.error("wrk is not installed (make bench-apps installs it)")

    images = build_images()
    print(f"{'image':<52} {'size':>10}")
    for app in APPS:
        size = int(docker("image", "inspect", "--format", "{{.Size}}", images[app]).stdout)
        print(f"{images[app]:<52} {size / 1e6:>8.2f}MB")

    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        binaries = build_binaries(tmp_path)
        script = tmp_path / "pay.lua"
        script.write_text(PAY_SCRIPT)
        postgres = Postgres()
        try:
            print(f"\nwrk: {args.connections} connections, {args.duration}s per endpoint, 127.0.0.1")
            print(f"{'endpoint':<40} {'store':<10} {'requests/s':>12} {'p99':>10}")
            failed = False
            for store in ("memory", "postgres"):
                failed |= bench_store(store, binaries, postgres, tmp_path, script, args)
        finally:
            postgres.down()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
