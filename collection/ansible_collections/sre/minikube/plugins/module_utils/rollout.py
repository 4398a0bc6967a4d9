# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one judge of "has this Deployment or StatefulSet rolled out?", the wait on it and its report.

The judgement is kubernetes.core's own (module_utils/k8s/waiter.py:
deployment_ready, statefulset_ready), on objects as plain dicts (as the
API server returns them), plus the one thing its Deployment judge leaves
out: every wanted replica runs the latest pod template (updatedReplicas).
Without it a Deployment whose controller has observed a new template but
not yet started a new pod passes, as the old pods are all available.
"""

from __future__ import annotations

import re
import time

try:
    from ansible_collections.kubernetes.core.plugins.module_utils.k8s.waiter import (
        deployment_ready,
        statefulset_ready,
    )
    from kubernetes.dynamic.resource import ResourceInstance
except ImportError as error:  # the modules that wait report the missing library
    IMPORT_ERROR = error
else:
    IMPORT_ERROR = None

# The kinds the judge knows, and the API version they are read under.
WORKLOAD_KINDS = {"Deployment": "apps/v1", "StatefulSet": "apps/v1"}
# At most this many recent events are named per workload in a report.
EVENTS_SHOWN = 10


def _number(value):
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def rolled_out(obj):
    """Whether a Deployment or StatefulSet (a dict as the API server holds it, or None) has rolled out."""
    if not obj or not isinstance(obj.get("spec"), dict) or not obj.get("status"):
        # Missing, or its controller has not reported on it yet.
        return False
    if IMPORT_ERROR is not None:
        raise IMPORT_ERROR
    if obj.get("kind") == "StatefulSet" and not (obj["spec"].get("updateStrategy") or {}).get("type"):
        # The API server's default, which a definition (and a check mode answer) may leave out.
        obj = dict(obj, spec=dict(obj["spec"], updateStrategy={"type": "RollingUpdate"}))
    instance = ResourceInstance(None, obj)
    kind = obj.get("kind")
    if kind == "Deployment":
        wanted = obj["spec"].get("replicas", 1)
        return deployment_ready(instance) and (obj.get("status") or {}).get("updatedReplicas", 0) == wanted
    if kind == "StatefulSet":
        return statefulset_ready(instance)
    raise ValueError(f"no rollout judge for kind {kind!r}: only {', '.join(WORKLOAD_KINDS)}")


def _with_kind(obj, kind):
    return dict(obj, kind=kind) if obj and not obj.get("kind") else obj


def wait(read, targets, timeout, interval=2.0, clock=None, pause=None):
    """Wait until every target has rolled out; the targets that have not when the wait ends.

    targets are (kind, namespace, name); read(kind, namespace, name) returns
    the object as a dict, or None. Each is read at once, so workloads that
    have rolled out cost one read each and no wait; the others are read again
    every ``interval`` seconds until ``timeout`` seconds have passed.
    """
    clock = clock or time.monotonic
    pause = pause or time.sleep
    deadline = clock() + timeout
    pending = list(dict.fromkeys(tuple(target) for target in targets))
    while True:
        pending = [target for target in pending if not rolled_out(_with_kind(read(*target), target[0]))]
        if not pending or clock() >= deadline:
            return pending
        pause(min(interval, max(deadline - clock(), 0)))


def events_of(events, name, count=EVENTS_SHOWN):
    """The last COUNT events about a workload NAME, its pods or its volume claims (data-NAME-0), oldest first."""
    about = re.compile(rf"(data-)?{re.escape(name)}($|-)")
    mine = [e for e in events if about.match(((e.get("involvedObject") or {}).get("name")) or "")]
    mine.sort(key=lambda e: (e.get("metadata") or {}).get("creationTimestamp") or "")
    return mine[-count:]


def report(kind, namespace, name, obj, events, timeout):
    """Why a workload has not rolled out: its replica counts, conditions and recent events, as lines of text."""
    lines = [f"{kind} {namespace}/{name} is not rolled out and Available after {timeout}s"
             + ("." if obj else " (it does not exist).")]  # fmt: skip
    if obj:
        status = obj.get("status") or {}
        lines.append(
            f"  replicas wanted {(obj.get('spec') or {}).get('replicas')},"
            f" updated {_number(status.get('updatedReplicas'))}, ready {_number(status.get('readyReplicas'))},"
            f" available {_number(status.get('availableReplicas'))}"
        )
        lines.append("  conditions:")
        lines += [
            f"    {c.get('type')}={c.get('status')} {c.get('reason') or ''}: {c.get('message') or ''}"
            for c in status.get("conditions") or []
        ]
    lines.append("  recent events:")
    for event in events_of(events, name):
        involved = event.get("involvedObject") or {}
        when = event.get("lastTimestamp") or event.get("eventTime") or ""
        lines.append(
            f"    {when} {event.get('type')} {involved.get('kind')}/{involved.get('name')}"
            f" {event.get('reason')}: {event.get('message')}"
        )
    return lines
