"""The control plane behind a profile: tests/harness/cluster.sh.

One harness cluster per profile and state directory. MINIKUBE_DOUBLE_CLUSTER_SCRIPT
names the script; a copy of the double outside the repository (the
one-file build) must be told where it is.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess

from .state import State


def cluster_script() -> str:
    """The harness script: MINIKUBE_DOUBLE_CLUSTER_SCRIPT, else the checkout's."""
    here = os.path.dirname(os.path.realpath(__file__))
    tests = os.path.dirname(os.path.dirname(here))
    return os.environ.get("MINIKUBE_DOUBLE_CLUSTER_SCRIPT") or os.path.join(tests, "harness", "cluster.sh")


class Harness:
    """tests/harness/cluster.sh, one harness cluster per profile and state dir."""

    def __init__(self, state: State, profile: str):
        self.state = state
        self.profile = profile
        self.script = cluster_script()
        # Cluster names are global on the machine: key them by state dir too,
        # so two test runs with the same profile name never share a cluster.
        suffix = hashlib.sha256(os.path.realpath(state.root).encode()).hexdigest()[:6]
        slug = re.sub(r"[^a-z0-9-]+", "-", profile.lower()).strip("-")[:30] or "p"
        self.cluster = f"mk-{slug}-{suffix}"
        self.kubeconfig = os.path.join(state.harness_dir(profile), "kubeconfig")

    def check(self) -> None:
        """Stop with a clear message where no harness script is (a copy of the double elsewhere)."""
        if not os.access(self.script, os.X_OK):
            raise SystemExit(
                f"minikube double: no control plane harness at {self.script}: set MINIKUBE_DOUBLE_CLUSTER_SCRIPT "
                f"(profile {self.profile!r} needs its control plane for this command)"
            )

    def env(self, nodes: int = 1) -> dict:
        env = dict(os.environ)
        env.update(
            SRE_CLUSTER_NAME=self.cluster,
            SRE_CLUSTER_NODES=str(nodes),
            SRE_CLUSTER_CONTEXT=self.profile,
            SRE_CLUSTER_KUBECONFIG=self.kubeconfig,
        )
        return env

    def run(self, command: str, *args: str, nodes: int = 1, capture: bool = True) -> subprocess.CompletedProcess:
        self.check()
        os.makedirs(os.path.dirname(self.kubeconfig), exist_ok=True)
        return subprocess.run(
            [self.script, command, *args],
            env=self.env(nodes),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE if capture else None,
            stderr=subprocess.PIPE if capture else None,
            text=True,
            check=False,
        )

    def status(self) -> str:
        result = self.run("status")
        return (result.stdout or "").strip() or "Nonexistent"

    def kubectl(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        self.check()
        return subprocess.run(
            [self.script, "kubectl", *args],
            env=self.env(),
            input=stdin,
            capture_output=True,
            text=True,
            check=False,
        )

    def label_nodes(self) -> str:
        """minikube's labels on the cluster's nodes: minikube.k8s.io/primary true on the first, false on the
        others, and minikube.k8s.io/name the profile. Returns kubectl's complaint, or '' when it worked."""
        listed = self.kubectl("get", "nodes", "-o", "name")
        if listed.returncode != 0:
            return listed.stderr
        for index, node in enumerate(sorted(listed.stdout.split())):
            labels = [
                f"minikube.k8s.io/primary={'true' if index == 0 else 'false'}",
                f"minikube.k8s.io/name={self.profile}",
            ]
            done = self.kubectl("label", "--overwrite", node, *labels)
            if done.returncode != 0:
                return done.stderr
        return ""
