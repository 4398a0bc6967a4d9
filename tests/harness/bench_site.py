#!/usr/bin/env python3
"""Benchmark of site.yml: a first converge and a no-op re-run.

Runs the full-stack Molecule scenario's environment (molecule/default: the
minikube test double from a local release mirror, the test control plane,
the local Docker engine) and prints, for a first converge and for a re-run:
the wall time, the time per stage (ansible.posix.profile_roles), tasks run
and changed, the image builds the re-run started, and the image sizes.
Target for the re-run: at most 20 s, changed=0, no image build.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

TOP = Path(__file__).resolve().parents[2]
SCENARIO = ["-s", "default"]
RECAP = re.compile(r"localhost\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)\s+skipped=(\d+)")
ROLE_TIME = re.compile(r"^\s*([a-z_]+)\s+-+\s+(\d+\.\d+)s\s*$")
NOOP_TARGET_SECONDS = 20


def molecule(*args, env=None):
    return subprocess.run(["molecule", *args, *SCENARIO], cwd=TOP, env=env, capture_output=True, text=True, check=False)


def ephemeral_dir():
    found = sorted(Path.home().glob(".ansible/tmp/molecule.*.default"), key=lambda p: p.stat().st_mtime)
    return found[-1] if found else None


def build_count():
    log = ephemeral_dir() / "minikube-double" / "commands.log"
    if not log.exists():
        return 0
    return sum("build" in json.loads(line)["argv"] for line in log.read_text().splitlines())


def site_env():
    """The environment molecule/default gives its playbooks (see its molecule.yml)."""
    ephemeral = ephemeral_dir()
    return dict(
        os.environ,
        ANSIBLE_CONFIG=str(TOP / "ansible.cfg"),
        ANSIBLE_CALLBACKS_ENABLED="ansible.posix.profile_roles",
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_FORCE_COLOR="0",
        MOLECULE_EPHEMERAL_DIRECTORY=str(ephemeral),
        MOLECULE_PROJECT_DIRECTORY=str(TOP),
        KUBECONFIG=str(ephemeral / "kubeconfig"),
        MINIKUBE_DOUBLE_STATE=str(ephemeral / "minikube-double"),
        MINIKUBE_DOUBLE_CLUSTER_SCRIPT=str(TOP / "tests" / "harness" / "cluster.sh"),
        MINIKUBE_DOUBLE_BUILD_NETWORK="host",
        SRE_CLUSTER_KWOKCTL_ARGS="--enable-crds=PortForward",
    )


def converge(label):
    """One `ansible-playbook site.yml` (every stage but dns, as the scenario runs it), timed."""
    env = site_env()
    builds_before = build_count()
    command = ["ansible-playbook", "-i", str(ephemeral_dir() / "inventory"), "site.yml", "--skip-tags", "dns"]
    start = time.monotonic()
    result = subprocess.run(command, cwd=TOP, env=env, capture_output=True, text=True, check=False)
    wall = time.monotonic() - start
    output = result.stdout + result.stderr
    if result.returncode != 0:
        sys.stderr.write(output[-6000:])
        raise SystemExit(f"bench: {label} failed")
    recaps = RECAP.findall(output)
    ok, changed = (sum(int(r[0]) for r in recaps), sum(int(r[1]) for r in recaps))
    stages = {}
    for line in output.splitlines():
        match = ROLE_TIME.match(line)
        if match:
            stages[match.group(1)] = float(match.group(2))
    return {
        "label": label,
        "wall": wall,
        "ok": ok,
        "changed": changed,
        "stages": stages,
        "builds": build_count() - builds_before,
    }


def image_sizes():
    result = subprocess.run(
        ["docker", "images", "--format", "{{.Repository}}:{{.Tag}} {{.Size}}"],
        capture_output=True,
        text=True,
        check=True,
    )
    wanted = ("invoice-app:", "payment-provider:")
    return [line for line in result.stdout.splitlines() if line.startswith(wanted) and not line.endswith("<none>")]


def main():
    molecule("destroy")
    created = molecule("create")
    if created.returncode != 0:
        sys.stderr.write((created.stdout + created.stderr)[-6000:])
        raise SystemExit("bench: could not create the scenario's environment")
    try:
        runs = [converge("first converge"), converge("no-op re-run")]
        sizes = image_sizes()
    finally:
        molecule("destroy")
    print("\nsite.yml benchmark (minikube test double, test control plane, local Docker engine)")
    print(f"{'run':<16} {'wall s':>8} {'tasks':>6} {'changed':>8} {'builds':>7}")
    for run in runs:
        print(f"{run['label']:<16} {run['wall']:>8.1f} {run['ok']:>6} {run['changed']:>8} {run['builds']:>7}")
    print("\nseconds per stage (profile_roles):")
    roles = sorted({role for run in runs for role in run["stages"]})
    print(f"{'role':<18} " + " ".join(f"{run['label']:>16}" for run in runs))
    for role in roles:
        print(f"{role:<18} " + " ".join(f"{run['stages'].get(role, 0.0):>16.1f}" for run in runs))
    print("\nimages:")
    for line in sizes:
        print(f"  {line}")
    noop = runs[1]
    verdict = noop["wall"] <= NOOP_TARGET_SECONDS and noop["changed"] == 0 and noop["builds"] == 0
    print(
        f"\nno-op re-run target (<= {NOOP_TARGET_SECONDS} s, changed=0, no build): "
        f"{'met' if verdict else 'NOT met'} ({noop['wall']:.1f} s, changed={noop['changed']}, builds={noop['builds']})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
