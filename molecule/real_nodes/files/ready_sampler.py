#!/usr/bin/env python3
"""Count, twice a second, each Deployment's pods that are Ready and not terminating, until told to stop.

    ready_sampler.py KUBECTL CONTEXT SELECTOR OUTPUT STOP

The pods are those SELECTOR (a label selector) selects, in every namespace.
A pod counts as a PodDisruptionBudget counts it: Ready, and not being
deleted. OUTPUT (JSON, rewritten after each sample) holds the number of
samples and, per Deployment (its pods' app.kubernetes.io/name), the fewest
such pods seen and when; the sampler ends once the file STOP exists. The
scenario real_nodes runs it while a node is drained.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time


def ready_counts(kubectl, context, selector):
    """Per app name, the pods Ready and not terminating; None when kubectl fails."""
    run = subprocess.run(
        [kubectl, "--context", context, "get", "pods", "--all-namespaces", "--selector", selector, "-o", "json"],
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    )
    if run.returncode != 0:
        return None
    counts = {}
    for pod in json.loads(run.stdout)["items"]:
        app = pod["metadata"].get("labels", {}).get("app.kubernetes.io/name", "")
        conditions = pod.get("status", {}).get("conditions") or []
        ready = any(c["type"] == "Ready" and c["status"] == "True" for c in conditions)
        counts.setdefault(app, 0)
        if ready and not pod["metadata"].get("deletionTimestamp"):
            counts[app] += 1
    return counts


def main(argv):
    kubectl, context, selector, output, stop = argv
    report = {"samples": 0, "failed_reads": 0, "fewest": {}}
    started = time.monotonic()
    while not os.path.exists(stop):
        counts = ready_counts(kubectl, context, selector)
        if counts is None:
            report["failed_reads"] += 1
        else:
            report["samples"] += 1
            for app, count in counts.items():
                fewest = report["fewest"].get(app)
                if fewest is None or count < fewest["ready"]:
                    report["fewest"][app] = {"ready": count, "second": round(time.monotonic() - started, 1)}
        with open(output + ".tmp", "w", encoding="utf-8") as handle:
            json.dump(report, handle)
        os.replace(output + ".tmp", output)
        time.sleep(0.5)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
