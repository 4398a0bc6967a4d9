#!/usr/bin/env python3
"""Record the real minikube binary's answers to the contract's cases.

    record.py [--binary PATH] [CASE_ID ...]

Runs every case that needs no cluster (or the ones named) against the real
binary, each in a fresh scratch directory with an empty minikube home, and
the cluster cases too when SRE_MINIKUBE_REAL_HOME names the minikube home of
a running real cluster (make real-cluster-up, profile sre-real); it
writes recordings/<case id>.json: the argv, the exit code and the
normalised stdout and stderr. `make minikube-record` builds the binary
first and runs this; commit the result. A case whose recording changes is a
change in minikube's behaviour: read the diff before committing it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import contract  # noqa: E402


def leftovers() -> list[str]:
    """Docker objects of the ghost profile that a refused start must not leave behind."""
    found = []
    for kind in ("container", "network", "volume"):
        listed = subprocess.run(
            ["docker", kind, "ls", "-q", "--filter", f"name={contract.GHOST}"],
            capture_output=True,
            text=True,
            check=False,
        )
        found += [f"{kind} {name}" for name in listed.stdout.split()]
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", help="the real minikube (default: the harness's cached build)")
    parser.add_argument("cases", nargs="*", help="case ids (default: every case that needs no cluster)")
    opts = parser.parse_args()
    binary = opts.binary or contract.real_binary()
    if not os.access(binary, os.X_OK):
        parser.error(f"{binary} is not an executable minikube: run `make minikube-build` first")
    unknown = [name for name in opts.cases if name not in contract.CASES_BY_ID]
    if unknown:
        parser.error(f"unknown case ids: {', '.join(unknown)}")
    cluster = contract.real_cluster_env()
    selected = [contract.CASES_BY_ID[name] for name in opts.cases] or [
        case for case in contract.CASES if case.needs != "cluster" or cluster
    ]
    os.makedirs(contract.RECORDINGS, exist_ok=True)
    for case in selected:
        if case.needs == "cluster" and not cluster:
            parser.error(
                f"{case.id} needs a running cluster: start one (make real-cluster-up) and set SRE_MINIKUBE_REAL_HOME"
            )
        if case.needs == "root" and os.geteuid() != 0:
            parser.error(f"{case.id} records the refusal of the docker driver as root: run as root")
        with tempfile.TemporaryDirectory(prefix="minikube-record-") as scratch:
            answer = contract.run("real", case, scratch, binary=binary, cluster=cluster)
        left = leftovers()
        if left:
            print(f"{case.id}: the real minikube left {', '.join(left)} behind", file=sys.stderr)
            return 1
        record = {"argv": list(case.argv), "needs": case.needs, **answer.as_dict()}
        path = contract.recording_path(case)
        with open(path + ".tmp", "w", encoding="utf-8") as handle:
            json.dump(record, handle, indent=2, ensure_ascii=False)
            handle.write("\n")
        os.replace(path + ".tmp", path)
        print(f"recorded {case.id}: exit {answer.exit}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
