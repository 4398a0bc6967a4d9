# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""End to end: the verify stage (playbooks/verify.yml, roles/verify) against a real control plane.

The harness cluster (tests/harness/cluster.sh: kube-apiserver, controllers,
kwok's simulated nodes) holds the objects the app_deploy role applies. The
pod backends (tests/harness/pod_backends.py, a test double of the container
runtime) run one real invoice-app process per pod and a real
payment-provider, on a real Postgres server of their own (fresh for each
test), reached through the API server's port-forward; the ingress stand-in
routes the Ingress host to them. The verify stage then runs unchanged, with
the ingress address pointed at the stand-in.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

TOP = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(TOP / "tools"))
import product_facts  # noqa: E402

CLUSTER_SH = TOP / "tests" / "harness" / "cluster.sh"
POD_BACKENDS = TOP / "tests" / "harness" / "pod_backends.py"
# The stack's namespace; each service runs in its team's, as the deploy stage names it.
NAMESPACE = "invoice"
HOMES = product_facts.service_namespaces(NAMESPACE)
PAYMENTS = HOMES["payment-provider"]
REPLICAS = 3
SEED = ["I1 12.15 EUR", "I2 10.25 GBP", "I3 66.13 DKK"]


def run(command, env=None, check=True, timeout=600):
    result = subprocess.run(
        [str(c) for c in command],
        env=env,
        cwd=TOP,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if check and result.returncode != 0:
        shown = " ".join(map(str, command))
        raise AssertionError(f"{shown} exited {result.returncode}\n{result.stdout[-6000:]}\n{result.stderr[-6000:]}")
    return result


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A cluster of its own that serves kwok's PortForward CRD, created fresh."""
    workdir = tmp_path_factory.mktemp("verify-e2e")
    env = dict(
        os.environ,
        SRE_CLUSTER_NAME="e2e-verify",
        SRE_CLUSTER_NODES=str(REPLICAS),
        SRE_CLUSTER_CONTEXT="minikube",
        SRE_CLUSTER_KUBECONFIG=str(workdir / "kubeconfig"),
        SRE_CLUSTER_KWOKCTL_ARGS="--enable-crds=PortForward",
    )
    # A cluster left by an interrupted run may lack the CRD: start clean.
    run([CLUSTER_SH, "down"], env=env)
    run([CLUSTER_SH, "up"], env=env)
    yield {"env": env, "kubeconfig": workdir / "kubeconfig"}
    run([CLUSTER_SH, "down"], env=env)


def ansible_env():
    venv_bin = Path(sys.executable).parent
    return dict(
        os.environ,
        PATH=f"{venv_bin}:{os.environ['PATH']}",
        ANSIBLE_CONFIG=str(TOP / "ansible.cfg"),
        ANSIBLE_FORCE_COLOR="0",
        ANSIBLE_NOCOLOR="1",
    )


@pytest.fixture(scope="module")
def deployed(cluster):
    run(
        [
            "ansible-playbook",
            "-i",
            "localhost,",
            "-c",
            "local",
            "-e",
            f"ansible_python_interpreter={sys.executable}",
            "-e",
            f"e2e_kubeconfig={cluster['kubeconfig']}",
            "tests/e2e/playbooks/deploy.yml",
        ],
        env=ansible_env(),
    )
    return cluster


def kubectl(cluster, *args, check=True, stdin=None):
    """The harness's kubectl, on the test cluster."""
    command = [CLUSTER_SH, "kubectl", "--context", "minikube", *args]
    result = subprocess.run(
        [str(c) for c in command], env=cluster["env"], input=stdin, capture_output=True, text=True, check=False
    )
    if check and result.returncode != 0:
        raise AssertionError(f"kubectl {' '.join(args)}: {result.stderr}")
    return result


class Backends:
    """The pod backends daemon for one test: fresh processes, fresh invoices."""

    def __init__(self, cluster, state_dir, fault=None):
        self.state_dir = state_dir
        command = [
            sys.executable,
            POD_BACKENDS,
            "start",
            "--kubeconfig",
            cluster["kubeconfig"],
            "--context",
            "minikube",
            "--namespace",
            NAMESPACE,
            "--state-dir",
            state_dir,
        ]
        if fault:
            command += ["--payment-provider-fault", str(fault)]
        run(command)
        waited = run(
            [sys.executable, POD_BACKENDS, "wait", "--state-dir", state_dir, "--invoice-app", REPLICAS, "--timeout", 60]
        )
        self.state = json.loads(waited.stdout)

    def invoice_app_pods(self):
        return {key: pod for key, pod in self.state["pods"].items() if pod["app"] == "invoice-app"}

    def invoices(self, pod_key):
        """What the pod's own process answers, read directly (not through the playbook)."""
        pod = self.state["pods"][pod_key]
        with urllib.request.urlopen(f"http://127.0.0.1:{pod['port']}/invoices", timeout=5) as answer:
            return json.load(answer)

    def charge(self, invoice):
        """Pay an invoice at payment-provider directly, without an idempotency key: a second charge."""
        provider = self.state["payment_provider"]
        request = urllib.request.Request(
            f"http://127.0.0.1:{provider['port']}/payments/pay",
            data=json.dumps(invoice).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=5) as answer:
            assert answer.status == 200

    def stop(self):
        run([sys.executable, POD_BACKENDS, "stop", "--state-dir", self.state_dir])


@pytest.fixture
def backends(deployed, tmp_path):
    started = []

    def start(fault=None):
        b = Backends(deployed, tmp_path / f"backends-{len(started)}", fault)
        started.append(b)
        return b

    yield start
    for b in started:
        b.stop()


def verify(cluster, backends_state, *extra, check=False, address="127.0.0.1", port=None):
    """Run the stage; address None leaves the ingress address to the stage."""
    where = ["-e", f"verify_ingress_address={address}"] if address else []
    return run(
        [
            "ansible-playbook",
            "playbooks/verify.yml",
            "-e",
            f"sre_minikube_kubeconfig={cluster['kubeconfig']}",
            # The test cluster's context, not the stack's profile.
            "-e",
            "sre_minikube_context=minikube",
            # The harness's ingress stand-in speaks plain HTTP (deploy.yml).
            "-e",
            "sre_minikube_front_door=ingress",
            *where,
            "-e",
            f"verify_ingress_port={port or backends_state['ingress']['port']}",
            *extra,
        ],
        env=ansible_env(),
        check=check,
    )


def closed_port():
    """A loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def recap(output):
    match = re.search(r"localhost\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", output)
    assert match, f"no play recap in:\n{output[-3000:]}"
    return dict(zip(("ok", "changed", "unreachable", "failed"), map(int, match.groups()), strict=True))


def pod_lines(output):
    """The 'Pod <invoice-app's namespace>/<name>: ...' lines of the report the stage prints, by pod."""
    return dict(re.findall(rf'"Pod ({re.escape(HOMES["invoice-app"])}/invoice-app-[a-z0-9-]+): ([^"]*)"', output))


PAY_TASK = (
    "TASK [verify : Pay the unpaid invoices once through the Ingress, "
    "then check every replica, the charges and the isolation]"
)


def summary(output):
    """The run's summary block (the sre.minikube.stage_summary callback), as text."""
    assert "SUMMARY" in output, output[-3000:]
    return output.rsplit("SUMMARY", 1)[1]


def test_verify_pays_once_and_is_idempotent(deployed, backends):
    b = backends()
    pods = b.invoice_app_pods()
    assert len(pods) == REPLICAS
    for key in pods:
        assert [inv["IsPaid"] for inv in b.invoices(key)] == [False, False, False], "fresh pods start unpaid"

    checked = verify(deployed, b.state, "--check")
    assert checked.returncode == 0, checked.stdout[-4000:]
    assert recap(checked.stdout)["changed"] == 1, "--check reports the invoices it would pay"
    lines = pod_lines(checked.stdout)
    assert set(lines) == set(pods)
    assert all(line.count("unpaid, would be paid") == 3 for line in lines.values()), lines
    for key in pods:
        assert not any(inv["IsPaid"] for inv in b.invoices(key)), "--check paid something"

    first = verify(deployed, b.state)
    assert first.returncode == 0, first.stdout[-6000:]
    assert recap(first.stdout)["changed"] == 1, "the pay task reports a change"
    pay_task = first.stdout.split(PAY_TASK, 1)[1]
    pay_task = pay_task.split("TASK [", 1)[0]
    assert "changed: [localhost]" in pay_task, pay_task
    lines = pod_lines(first.stdout)
    assert set(lines) == set(pods), f"one line of paid invoices per pod: {lines}"
    for key, line in lines.items():
        assert line == ", ".join(f"{inv} paid" for inv in SEED), f"{key}: {line}"
    # Every replica, read without the playbook: all paid.
    for key in pods:
        assert all(inv["IsPaid"] for inv in b.invoices(key)), key
    assert "Paid, and charged once each by payment-provider (3 pods, one ledger): " + ", ".join(SEED) in first.stdout
    # The provider's own log: one payment accepted per invoice, whatever the replicas.
    provider_log = (Path(b.state_dir) / "logs" / "payment-provider.log").read_text(encoding="utf-8")
    accepted = re.findall(r'"msg":"payment accepted".*?"invoice":"(I\d)"', provider_log)
    assert sorted(accepted) == ["I1", "I2", "I3"], provider_log[-3000:]
    assert "payment-provider is internal" in first.stdout
    # The run ends with its summary: the URL, the paid invoices, the stage's time.
    block = summary(first.stdout)
    assert "URL:      http://invoice-app.test" in block
    assert "Paid:     " + ", ".join(SEED) in block
    assert re.search(r"^  verify +\d+\.\d s$", block, re.MULTILINE), block

    again = verify(deployed, b.state)
    assert again.returncode == 0, again.stdout[-4000:]
    assert recap(again.stdout)["changed"] == 0, "a second run pays nothing"
    assert "nothing left to pay" in again.stdout

    converged_check = verify(deployed, b.state, "--check")
    assert converged_check.returncode == 0
    assert recap(converged_check.stdout)["changed"] == 0
    # Converged, check mode runs every check.
    assert "Paid, and charged once each by payment-provider" in converged_check.stdout


def test_verify_fails_when_payment_provider_errors(deployed, backends):
    b = backends(fault=500)
    result = verify(deployed, b.state)
    assert result.returncode != 0
    assert "POST http://invoice-app.test/invoices/pay through the Ingress" in result.stdout
    assert "answered 502" in result.stdout
    assert f"payment failed for {len(SEED)} of {len(SEED)} invoices" in result.stdout
    # invoice-app names the failure in its own words; payment-provider's body stays in its log.
    assert "injected fault 500" not in result.stdout
    assert recap(result.stdout)["failed"] == 1
    assert pod_lines(result.stdout) == {}, "the stage stops at the failed pay, before reading the pods"
    assert "URL:      not verified: the verify stage stopped" in summary(result.stdout)
    assert "payment-provider is internal" not in result.stdout
    for key in b.invoice_app_pods():
        assert not any(inv["IsPaid"] for inv in b.invoices(key)), "nothing is paid when the provider fails"


def test_verify_fails_when_an_invoice_was_charged_twice(deployed, backends):
    b = backends()
    first = verify(deployed, b.state)
    assert first.returncode == 0, first.stdout[-4000:]
    b.charge({"id": "I2", "value": 10.25, "currency": "GBP"})
    again = verify(deployed, b.state)
    assert again.returncode != 0
    assert recap(again.stdout)["failed"] == 1
    assert "payment-provider charged I2 2 times." in again.stdout
    assert "charged I1" not in again.stdout


PP_INGRESS = """
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: payment-provider-public
  namespace: {namespace}
spec:
  ingressClassName: nginx
  rules:
    - host: payment-provider.test
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: payment-provider
                port:
                  number: 8082
"""


def test_verify_fails_on_every_way_into_payment_provider(deployed, backends):
    """An Ingress to it, a NodePort Service and a missing NetworkPolicy: each is named.

    The three break-ins share one run to keep the test short; the stage
    fails on any single one, as each adds its own line to the report.
    """
    b = backends()
    saved_policy = json.loads(
        kubectl(deployed, "-n", PAYMENTS, "get", "networkpolicy", "payment-provider-ingress", "-o", "json").stdout
    )
    for field in ("resourceVersion", "uid", "creationTimestamp", "managedFields", "generation"):
        saved_policy["metadata"].pop(field, None)
    kubectl(deployed, "apply", "-f", "-", stdin=PP_INGRESS.format(namespace=PAYMENTS))
    kubectl(deployed, "-n", PAYMENTS, "patch", "service", "payment-provider", "-p", '{"spec":{"type":"NodePort"}}')
    kubectl(deployed, "-n", PAYMENTS, "delete", "networkpolicy", "payment-provider-ingress")
    try:
        broken = verify(deployed, b.state)
    finally:
        kubectl(deployed, "-n", PAYMENTS, "delete", "ingress", "payment-provider-public")
        kubectl(deployed, "-n", PAYMENTS, "patch", "service", "payment-provider", "-p", '{"spec":{"type":"ClusterIP"}}')
        kubectl(deployed, "create", "-f", "-", stdin=json.dumps(saved_policy))
    assert broken.returncode != 0
    assert recap(broken.stdout)["failed"] == 1
    # Everything before the exposure checks passed.
    assert len(pod_lines(broken.stdout)) == REPLICAS
    assert "payment-provider can be reached from outside:" in broken.stdout
    for expected in (
        "Ingress payment-provider-public routes payment-provider.test/ to Service payment-provider: remove that rule.",
        "Service payment-provider selects payment-provider's pods and is of type NodePort, "
        "reachable from outside the cluster: make it ClusterIP.",
        f"No NetworkPolicy in namespace {PAYMENTS} admits invoice-app's pods (and only them) to payment-provider",
    ):
        assert expected in broken.stdout

    # Repaired, the same pods verify again.
    repaired = verify(deployed, b.state)
    assert repaired.returncode == 0, repaired.stdout[-4000:]
    assert "payment-provider is internal" in repaired.stdout


def test_verify_takes_the_tunnel_path_when_the_node_is_out_of_reach(deployed, backends):
    """The harness's API server answers on loopback while its nodes' addresses are not loopback: the
    situation of minikube's docker driver on macOS. Without an ingress address the stage uses the tunnel's
    address (127.0.0.1), and says what serves it (the published ports, or `minikube tunnel`) when nothing
    listens there."""
    b = backends()
    nodes = json.loads(kubectl(deployed, "get", "nodes", "-o", "json").stdout)["items"]
    addresses = [a["address"] for n in nodes for a in n["status"]["addresses"] if a["type"] == "InternalIP"]
    assert addresses and not any(a.startswith("127.") for a in addresses), addresses

    stopped = verify(deployed, b.state, address=None, port=closed_port())
    assert stopped.returncode != 0
    assert recap(stopped.stdout)["failed"] == 1
    by_hand = r"keep `\S*minikube -p sre-minikube tunnel` running in a terminal"
    assert re.search(by_hand, stopped.stdout), stopped.stdout[-3000:]
    assert pod_lines(stopped.stdout) == {}, "nothing is read or paid before the tunnel runs"
    for key in b.invoice_app_pods():
        assert not any(inv["IsPaid"] for inv in b.invoices(key))

    # The ingress stand-in on 127.0.0.1 plays the running tunnel.
    running = verify(deployed, b.state, address=None)
    assert running.returncode == 0, running.stdout[-4000:]
    assert f"answers at 127.0.0.1:{b.state['ingress']['port']} (published ports or minikube tunnel)" in running.stdout
