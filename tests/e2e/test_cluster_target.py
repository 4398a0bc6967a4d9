# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""End to end: the install and cluster stages of a cluster target check the cluster and create nothing.

The harness cluster (tests/harness/cluster.sh: a real kube-apiserver and
controllers, kwok's nodes) stands for a team's cluster, reached through a
kubeconfig of its own and a context named its own way. site.yml runs with
sre_minikube_target: cluster, with no minikube on PATH and a minikube that
records its calls where the stages would look for one: the stages must
stop before changing anything, saying everything that is missing, then
pass once the cluster has it, and never call minikube.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

TOP = Path(__file__).resolve().parents[2]
CLUSTER_SH = TOP / "tests" / "harness" / "cluster.sh"
CONTEXT = "team-staging"


def run(command, env, check=True):
    result = subprocess.run(
        [str(c) for c in command], env=env, cwd=TOP, capture_output=True, text=True, timeout=600, check=False
    )
    if check and result.returncode != 0:
        raise AssertionError(f"{' '.join(map(str, command))} exited {result.returncode}\n{result.stdout[-4000:]}")
    return result


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("cluster-target")
    env = dict(
        os.environ,
        SRE_CLUSTER_NAME="e2e-target",
        SRE_CLUSTER_NODES="1",
        SRE_CLUSTER_CONTEXT=CONTEXT,
        SRE_CLUSTER_KUBECONFIG=str(workdir / "kubeconfig"),
    )
    run([CLUSTER_SH, "down"], env)
    run([CLUSTER_SH, "up"], env)
    yield {"env": env, "dir": workdir}
    run([CLUSTER_SH, "down"], env)


def kubectl(cluster, *args, stdin=None):
    result = subprocess.run(
        [str(CLUSTER_SH), "kubectl", "--context", CONTEXT, *args],
        env=cluster["env"],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"kubectl {' '.join(args)}: {result.stderr}"
    return result.stdout


def site(cluster, *extra):
    """site.yml's install and cluster stages for the cluster target; PATH without minikube, a recording one."""
    spy_dir = cluster["dir"] / "spy"
    spy_dir.mkdir(exist_ok=True)
    spy = spy_dir / "minikube"
    spy.write_text(f'#!/bin/sh\necho "$*" >> {cluster["dir"] / "minikube-calls"}\nexit 1\n')
    spy.chmod(0o755)
    venv_bin = str(Path(sys.executable).parent)
    path = [venv_bin] + [d for d in os.environ["PATH"].split(":") if d and not os.path.exists(f"{d}/minikube")]
    env = dict(
        os.environ,
        PATH=":".join(path),
        MINIKUBE_HOME=str(cluster["dir"] / "minikube-home"),
        ANSIBLE_CONFIG=str(TOP / "ansible.cfg"),
        ANSIBLE_FORCE_COLOR="0",
        ANSIBLE_NOCOLOR="1",
    )
    settings = {
        "sre_minikube_target": "cluster",
        "sre_minikube_kubeconfig": cluster["env"]["SRE_CLUSTER_KUBECONFIG"],
        "sre_minikube_context": CONTEXT,
        "sre_minikube_install_dir": str(spy_dir),
        "sre_minikube_state_dir": str(cluster["dir"] / "state"),
        "sre_minikube_ca_dir": str(cluster["dir"] / "ca"),
    }
    command = [
        "ansible-playbook",
        "site.yml",
        "--tags",
        "install,cluster",
        "-e",
        f"ansible_python_interpreter={sys.executable}",
    ]
    for key, value in settings.items():
        command += ["-e", f"{key}={value}"]
    for value in extra:
        command += ["-e", value]
    result = run(command, env, check=False)
    assert not (cluster["dir"] / "minikube-calls").exists(), (cluster["dir"] / "minikube-calls").read_text()
    assert not (cluster["dir"] / "minikube-home").exists()
    return result


def namespaces(cluster):
    return set(kubectl(cluster, "get", "namespaces", "-o", "name").split())


def test_a_cluster_without_a_front_door_or_storage_is_refused_before_anything_changes(cluster):
    # The harness's cluster marks its StorageClass default, as most clusters do: not this one.
    kubectl(
        cluster, "annotate", "storageclass", "--all", "--overwrite", "storageclass.kubernetes.io/is-default-class=false"
    )
    before = namespaces(cluster)
    result = site(cluster)
    assert result.returncode != 0
    out = result.stdout
    # Every problem at once, each with what to change.
    assert "The Gateway API is not served" in out or "No GatewayClass" in out, out[-3000:]
    assert "No default StorageClass" in out, out[-3000:]
    assert "sre_minikube_front_door" in out
    # Nothing made: no namespace, no CA.
    assert namespaces(cluster) == before
    assert not (cluster["dir"] / "ca").exists()


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        pytest.param(["sre_minikube_min_kubernetes_version=1.99"], "older than", id="unsupported-kubernetes"),
        pytest.param(["sre_minikube_context=nowhere"], "nowhere", id="unknown-context"),
    ],
)
def test_the_install_stage_refuses_a_cluster_it_cannot_use(cluster, extra, expected):
    result = site(cluster, *extra)
    assert result.returncode != 0
    assert expected in result.stdout, result.stdout[-3000:]


def test_a_cluster_with_its_ingress_class_and_default_storage_passes(cluster):
    kubectl(
        cluster,
        "apply",
        "-f",
        "-",
        stdin="""
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: team-ingress
spec:
  controller: example.com/ingress-controller
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: team-disks
  annotations:
    storageclass.kubernetes.io/is-default-class: "true"
provisioner: example.com/disks
""",
    )
    result = site(cluster, "sre_minikube_front_door=ingress", "sre_minikube_ingress_class=team-ingress")
    assert result.returncode == 0, result.stdout[-4000:]
    assert "ingress class team-ingress" in result.stdout
    assert "StorageClass team-disks" in result.stdout
    assert "changed=0" in result.stdout
