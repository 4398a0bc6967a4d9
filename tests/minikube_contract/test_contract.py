"""The minikube contract, held against the real binary and the test double.

Every case of contract.CASES runs on both implementations and is compared
with the real binary's recording (recordings/<id>.json). The real binary
must still give what was recorded (a stale recording fails here, not in a
role); the double must give the same. A line per case with both verdicts is
printed at the end of the run.
"""

from __future__ import annotations

import os
import subprocess
import sys

import contract
import pytest

IMPLEMENTATIONS = ("real", "double")


def not_run_reason(case: contract.Case, implementation: str) -> str | None:
    """Why a case cannot run here (it is then reported, never counted as agreeing)."""
    if case.needs == "root" and os.geteuid() != 0:
        # Without root the real binary would go on and create a cluster.
        return "the docker driver's root refusal needs root"
    if case.needs == "cluster" and implementation == "real" and not os.environ.get("SRE_MINIKUBE_REAL_HOME"):
        return "needs a real cluster (SRE_MINIKUBE_REAL_HOME)"
    return None


@pytest.fixture(scope="session")
def double_cluster(tmp_path_factory):
    """The double's cluster for the cluster cases, started once, deleted at the end."""
    base = tmp_path_factory.mktemp("double-cluster")
    env = {"MINIKUBE_DOUBLE_STATE": str(base / "state"), "KUBECONFIG": str(base / "kubeconfig")}
    version = contract.real_cluster_kubernetes_version()
    started = subprocess.run(
        [sys.executable, contract.DOUBLE, *contract.DOUBLE_CLUSTER_START, f"--kubernetes-version={version}"],
        env=dict(os.environ, **env),
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert started.returncode == 0, started.stderr
    yield env
    subprocess.run(
        [sys.executable, contract.DOUBLE, "delete", "--all"],
        env=dict(os.environ, **env),
        capture_output=True,
        check=False,
        timeout=300,
    )


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
@pytest.mark.parametrize("case", contract.CASES, ids=[case.id for case in contract.CASES])
def test_case(case, implementation, tmp_path, real_minikube, contract_results, request):
    reason = not_run_reason(case, implementation)
    if reason:
        contract_results[case.id][implementation] = "not run: " + reason
        pytest.skip(reason)
    cluster = None
    if case.needs == "cluster":
        cluster = contract.real_cluster_env() if implementation == "real" else request.getfixturevalue("double_cluster")
    recording = contract.load_recording(case)
    assert recording is not None, f"no recording of {case.id}: run `make minikube-record`"
    assert recording["argv"] == list(case.argv), f"{case.id}: the recording is of another command line"
    answer = contract.run(implementation, case, str(tmp_path), binary=real_minikube, cluster=cluster)
    problems = contract.differences(case, recording, answer)
    contract_results[case.id][implementation] = "agrees" if not problems else "DIFFERS"
    assert not problems, f"{implementation} minikube, {case.id} ({' '.join(case.argv)}):\n" + "\n".join(problems)


def test_every_recording_has_a_case():
    recorded = {name[: -len(".json")] for name in os.listdir(contract.RECORDINGS) if name.endswith(".json")}
    assert recorded <= set(contract.CASES_BY_ID), (
        f"recordings without a case: {sorted(recorded - set(contract.CASES_BY_ID))}"
    )


def test_recordings_name_no_scratch_path_or_random_id():
    for case in contract.CASES:
        recording = contract.load_recording(case)
        if recording is None:
            continue
        for stream in ("stdout", "stderr"):
            assert "/tmp/" not in recording[stream], f"{case.id} {stream} keeps a scratch path"
            assert not contract._UUID.search(recording[stream]), f"{case.id} {stream} keeps a random id"
