#!/usr/bin/env python3
"""kube-score on the objects the deploy and cluster stages apply, built by the collection's models with the roles'
defaults: the services' (app_deploy) and the gateway front door's (cluster_addons).

    python tests/kube_score.py <kube-score binary>

Every finding fails the run (warnings too), except the checks IGNORED below,
each with its reason; a finding one object keeps is ignored on that object by
the model (a `kube-score/ignore` annotation, the reason beside it in
plugins/module_utils/deploy_model.py or front_door.py). The objects are written to a
temporary file, which kube-score reads; its report is printed whole.
"""

from __future__ import annotations

import pathlib
import subprocess
import sys
import tempfile

import yaml

TOP = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(TOP / "tools"))
import product_facts  # noqa: E402

# The checks that do not apply to this stack, and why.
IGNORED = {
    # The services' images are built inside the node (minikube image build)
    # and exist nowhere else: Always would make the kubelet pull them from a
    # registry that does not hold them. IfNotPresent runs what the build put
    # there; the front door's Traefik is pinned by digest, which never
    # changes, and CoreDNS is the image the node already runs.
    "container-image-pull-policy": "images built inside the node cannot be pulled; the others are pinned",
    # The Deployments spread their replicas over nodes with a topology spread
    # constraint (kubernetes.io/hostname, maxSkew 1), which kube-score does
    # not read; a required anti-affinity would also leave replicas pending on
    # a one-node cluster, the laptop's.
    "deployment-has-host-podantiaffinity": "spread over nodes by topologySpreadConstraints",
}
# No CPU limit: an idle laptop's spare CPU is not throttled away (the model's
# resources say the same); requests are set, and memory limits.
FLAGS = ["--ignore-container-cpu-limit"]


def command(binary, manifest):
    ignored = [flag for test in sorted(IGNORED) for flag in ("--ignore-test", test)]
    return [binary, "score", "--output-format", "ci", "--exit-one-on-warning", *FLAGS, *ignored, str(manifest)]


def main(argv):
    if len(argv) != 1:
        print("usage: kube_score.py <kube-score binary>", file=sys.stderr)
        return 2
    # As the stack deploys them on minikube: Postgres on the node that holds its volume, with its budget.
    objects = product_facts.app_definitions(postgres_local_volume=True) + product_facts.front_door_definitions()
    with tempfile.TemporaryDirectory() as scratch:
        manifest = pathlib.Path(scratch) / "app_deploy.yaml"
        manifest.write_text(yaml.safe_dump_all(objects, sort_keys=False), encoding="utf-8")
        run = subprocess.run(command(argv[0], manifest), capture_output=True, text=True, check=False)
    print(run.stdout, end="")
    print(run.stderr, end="", file=sys.stderr)
    findings = [line for line in run.stdout.splitlines() if line.startswith(("[CRITICAL]", "[WARNING]"))]
    print(f"kube-score {len(objects)} objects: {len(findings)} finding(s); ignored: {', '.join(sorted(IGNORED))}")
    if run.returncode != 0 and not findings:
        print(f"kube-score exited {run.returncode}", file=sys.stderr)
    return run.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
