# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""rollout: the one judge of a rolled-out Deployment or StatefulSet, the wait on it and its report."""

from __future__ import annotations

import pytest
from ansible_collections.sre.minikube.plugins.module_utils import rollout


def deployment(generation=2, observed=2, wanted=3, replicas=3, updated=3, ready=3, available=3, unavailable=None):
    status = {"observedGeneration": observed, "replicas": replicas, "updatedReplicas": updated,
              "readyReplicas": ready, "availableReplicas": available}  # fmt: skip
    if unavailable is not None:
        status["unavailableReplicas"] = unavailable
    return {"kind": "Deployment", "metadata": {"generation": generation}, "spec": {"replicas": wanted},
            "status": status}  # fmt: skip


def statefulset(generation=1, observed=1, current="r1", update="r1", replicas=1, updated=1, ready=1, strategy=None):
    spec = {"replicas": 1}
    if strategy:
        spec["updateStrategy"] = {"type": strategy}
    return {"kind": "StatefulSet", "metadata": {"generation": generation}, "spec": spec,
            "status": {"observedGeneration": observed, "replicas": replicas, "updatedReplicas": updated,
                       "readyReplicas": ready, "currentRevision": current, "updateRevision": update}}  # fmt: skip


JUDGEMENTS = [
    pytest.param(deployment(), True, id="deployment-rolled-out"),
    # The controller has seen the new template, but no new pod runs yet: the old ones are all available.
    pytest.param(deployment(updated=0), False, id="deployment-rollout-not-started"),
    pytest.param(deployment(replicas=4, updated=1, available=3), False, id="deployment-surge-pod"),
    pytest.param(deployment(observed=1), False, id="deployment-new-generation-not-observed"),
    pytest.param(deployment(available=2, unavailable=1), False, id="deployment-one-unavailable"),
    pytest.param(deployment(replicas=2, updated=2, ready=2, available=2), False, id="deployment-scaling-up"),
    pytest.param(statefulset(), True, id="statefulset-rolled-out"),
    pytest.param(statefulset(strategy="RollingUpdate"), True, id="statefulset-rolling-update"),
    pytest.param(statefulset(update="r2"), False, id="statefulset-old-revision"),
    pytest.param(statefulset(ready=0), False, id="statefulset-not-ready"),
    pytest.param(statefulset(observed=0), False, id="statefulset-generation-not-observed"),
    pytest.param({"kind": "Deployment", "metadata": {}, "spec": {"replicas": 3}}, False, id="no-status-yet"),
    pytest.param(None, False, id="missing"),
]


@pytest.mark.parametrize(("obj", "rolled_out"), JUDGEMENTS)
def test_the_judge(obj, rolled_out):
    assert rollout.rolled_out(obj) is rolled_out


def test_the_judge_refuses_a_kind_it_does_not_know():
    with pytest.raises(ValueError, match="no rollout judge for kind 'DaemonSet'"):
        rollout.rolled_out({"kind": "DaemonSet", "spec": {}, "status": {"numberReady": 1}})


class Cluster:
    """Deployments that roll out after some reads, and a clock that the waits move."""

    def __init__(self, reads_until_rolled_out):
        self.left = dict(reads_until_rolled_out)
        self.reads = []
        self.now = 0.0
        self.pauses = []

    def read(self, kind, namespace, name):
        target = f"{namespace}/{name}"
        self.reads.append((kind, target))
        left = self.left.get(target)
        if left is None:
            return None
        self.left[target] = left - 1
        # The object as kube_read returns it, without its kind: the wait gives it the target's.
        found = deployment(updated=3 if left <= 1 else 1)
        del found["kind"]
        return found

    def pause(self, seconds):
        self.pauses.append(seconds)
        self.now += seconds


WAITS = [
    # (reads until each has rolled out (None: never there), timeout, not rolled out in the end, reads, pauses)
    ({"a/x": 1}, 360, [], 1, []),
    ({"a/x": 1, "b/y": 1}, 360, [], 2, []),
    ({"a/x": 3}, 360, [], 3, [2.0, 2.0]),
    ({"a/x": 1, "b/y": 2}, 360, [], 3, [2.0]),
    ({"a/x": 100}, 5, ["a/x"], 4, [2.0, 2.0, 1.0]),
    ({"a/x": None}, 3, ["a/x"], 3, [2.0, 1.0]),
    ({"a/x": 2}, 0, ["a/x"], 1, []),
]


@pytest.mark.parametrize(("plan", "timeout", "left", "reads", "pauses"), WAITS)
def test_the_wait(plan, timeout, left, reads, pauses):
    cluster = Cluster(plan)
    targets = [("Deployment", *target.split("/")) for target in list(plan) + list(plan)[:1]]  # a repeat is read once

    found = rollout.wait(cluster.read, targets, timeout, clock=lambda: cluster.now, pause=cluster.pause)

    assert [f"{namespace}/{name}" for _kind, namespace, name in found] == left
    assert len(cluster.reads) == reads
    assert {kind for kind, _target in cluster.reads} == {"Deployment"}
    assert cluster.pauses == pauses


def event(name, reason, created, kind="Pod"):
    return {"involvedObject": {"kind": kind, "name": name}, "reason": reason, "type": "Warning",
            "message": f"{reason} of {name}", "metadata": {"creationTimestamp": created},
            "lastTimestamp": created}  # fmt: skip


EVENTS = [
    event("postgres-0", "FailedScheduling", "2026-12-06T10:00:02Z"),
    event("data-postgres-0", "ProvisioningFailed", "2026-12-06T10:00:01Z", kind="PersistentVolumeClaim"),
    event("postgresql-0", "Other", "2026-12-06T10:00:00Z"),
    event("invoice-app-7c9d-x", "FailedScheduling", "2026-12-06T10:00:03Z"),
]


@pytest.mark.parametrize(
    ("name", "reasons"),
    [
        ("postgres", ["ProvisioningFailed", "FailedScheduling"]),
        ("invoice-app", ["FailedScheduling"]),
        ("payment-provider", []),
    ],
)
def test_the_events_of_a_workload_its_pods_and_its_claims(name, reasons):
    assert [e["reason"] for e in rollout.events_of(EVENTS, name)] == reasons


@pytest.mark.parametrize(
    ("obj", "says"),
    [
        pytest.param(
            deployment(updated=1, ready=1, available=1),
            ["Deployment invoice/invoice-app is not rolled out and Available after 5s.",
             "  replicas wanted 3, updated 1, ready 1, available 1", "  conditions:", "  recent events:",
             "    2026-12-06T10:00:03Z Warning Pod/invoice-app-7c9d-x FailedScheduling: FailedScheduling of"
             " invoice-app-7c9d-x"],
            id="stuck",
        ),
        pytest.param(
            None,
            ["Deployment invoice/invoice-app is not rolled out and Available after 5s (it does not exist).",
             "  recent events:",
             "    2026-12-06T10:00:03Z Warning Pod/invoice-app-7c9d-x FailedScheduling: FailedScheduling of"
             " invoice-app-7c9d-x"],
            id="missing",
        ),
    ],
)  # fmt: skip
def test_the_report(obj, says):
    assert rollout.report("Deployment", "invoice", "invoice-app", obj, EVENTS, 5) == says
