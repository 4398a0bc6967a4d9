"""`minikube node add`: one worker node more on a running profile, as minikube names and sizes it.

The node is recorded in the profile (profile list shows it) and the
profile's harness cluster gets one simulated node more; a seeded profile
(double-seed) only records it. Like minikube, `node add` prints text only
(it has no --output flag) and gives the first node added to a one-node
cluster 2200 MB unless minikube's memory setting is given (MINIKUBE_MEMORY).
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from .context import NO_CONTROL_PLANE
from .output import EX_GUEST_ERROR, EX_OK, EX_USAGE, UsageError, fail, say
from .state import node_name, worker

if TYPE_CHECKING:
    from .context import Context

# minikube's memory for the first node added to a one-node cluster, without a memory setting.
ADDED_NODE_MEMORY_MB = 2200


def node(ctx: Context, args: list[str]) -> int:
    if not args or args[0] != "add":
        sys.stderr.write("X Exiting due to MK_USAGE: only 'node add' is implemented by the test double\n")
        return EX_USAGE
    parser = UsageError(prog="minikube node add")
    parser.add_argument("--control-plane", action="store_true")
    parser.add_argument("--worker", default="true")
    parser.add_argument("--delete-on-failure", action="store_true")
    opts = parser.parse_args(args[1:])
    data = ctx.require()
    ctx.require_running(data, suggest=True)
    if opts.control_plane:
        raise fail(EX_USAGE, "MK_USAGE", "the test double adds worker nodes only")
    config = data["Config"]
    nodes = config["Nodes"]
    name = node_name(len(nodes) + 1)
    say(f"Adding node {name} to cluster {ctx.profile} as [worker]")
    if len(nodes) == 1:
        if not config.get("MultiNodeRequested"):
            sys.stderr.write(
                "! Cluster was created without any CNI, adding a node to it might cause broken networking.\n"
            )
        if not os.environ.get("MINIKUBE_MEMORY"):
            config["Memory"] = ADDED_NODE_MEMORY_MB
    kubernetes = config["KubernetesConfig"]
    nodes.append(worker(name, kubernetes["KubernetesVersion"], kubernetes["ContainerRuntime"]))
    say(f'Starting "{name}" worker node in "{ctx.profile}" cluster')
    if data.get("ControlPlane") != NO_CONTROL_PLANE:
        harness = ctx.harness()
        result = harness.run("up", nodes=len(nodes))
        problem = result.stderr if result.returncode != 0 else harness.label_nodes()
        if problem:
            sys.stderr.write(problem)
            raise fail(EX_GUEST_ERROR, "GUEST_NODE_ADD", "failed to add node: the test cluster did not scale")
    ctx.state.save(data)
    say(f"Successfully added {name} to {ctx.profile}!")
    return EX_OK
