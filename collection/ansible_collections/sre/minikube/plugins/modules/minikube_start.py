#!/usr/bin/python
# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: minikube_start
short_description: Start a minikube cluster when it is not running, showing minikube's progress
version_added: 1.0.0
description:
  - The action plugin looks first (whether the cluster must be started) and runs the module, as a background job,
    only when it must; with a local connection, no privilege escalation and no task environment (the host is the
    controller) that look is made in the controller's own process, with the module's own code and options.
  - Reads C(minikube status); a running cluster is left alone, a running cluster whose kubeconfig context is
    missing or stale gets C(minikube update-context), and a missing or stopped one is started with
    C(minikube start --output=json).
  - While minikube starts, its step events are shown as they arrive (V([4/19] Pulling the base image ...)), over any
    connection; the module's action plugin runs it asynchronously and prints the lines it appends to a progress file.
  - A failed start fails with minikube's exit reason, message and advice, and what to do about its exit code
    (the collection's hints, such as the CPU and memory minimums for exit codes 29 and 23).
  - With O(mark_created=true), a profile this run creates is marked as the stack's (a file C(sre-minikube-owner)
    in the profile's folder), even when the start then fails; M(sre.minikube.minikube_profile_info) reports the mark
    and M(sre.minikube.minikube_delete) with O(sre.minikube.minikube_delete#module:owned_only=true) deletes only a
    marked profile.
  - Where this host cannot reach the node's address (O(tunnel)), a new cluster's node container publishes the
    front door's ports 80 and 443 on O(tunnel_address) (C(minikube start --ports)), so that the host reaches the
    front door there with neither C(minikube tunnel) nor sudo.
  - O(nodes) is the cluster's node count. A new cluster is created with them all (C(minikube start --nodes)); an
    existing one with fewer gets the missing ones, one C(minikube node add) each (after the start when it is
    stopped); one with more keeps them all, with a warning that names the command deleting one.
  - An existing profile created with another driver, container runtime or CNI, or without the ports to
    publish (which minikube cannot change in place), or one minikube cannot read, fails the module with the
    commands that recreate it, unless O(recreate) is true, in which case it is deleted and created again.
author:
  - sre.minikube maintainers (@sre-minikube)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - sre.minikube.minikube
  - sre.minikube.minikube.profile
  - ansible.builtin.action_common_attributes.flow
  - sre.minikube.minikube.action
attributes:
  check_mode:
    support: full
    details: Reports the command that would run, as changed, and starts nothing.
options:
  driver:
    description: The driver of a new cluster.
    type: str
    default: docker
  container_runtime:
    description: The container runtime.
    type: str
    default: containerd
  cni:
    description: The CNI of a new cluster, a name minikube knows (such as V(calico)) or the path of a CNI manifest.
    type: str
    default: ""
  cpus:
    description: CPUs of a new cluster; 0 leaves minikube's default.
    type: int
    default: 0
  memory:
    description: Memory of a new cluster, in MiB; 0 leaves minikube's default.
    type: int
    default: 0
  kubernetes_version:
    description: The Kubernetes version; empty leaves minikube's default.
    type: str
    default: ""
  nodes:
    description:
      - How many nodes the cluster has, the primary control-plane node included (at least 1); the others are
        workers.
      - A new cluster is created with them all. An existing cluster with fewer nodes gets the missing ones
        (C(minikube node add), each with the cluster's memory); with more, no node is deleted (that evicts its
        pods), and the module warns, naming the command that deletes one.
      - Several nodes want a CNI that routes pod traffic between them (calico, kindnet, flannel, cilium or a
        manifest), not V(bridge).
      - Several nodes cannot publish the front door's ports (O(tunnel)), since minikube publishes them on every
        node's container and a host port is published once. The module refuses that, before anything runs.
    type: int
    default: 1
  extra_args:
    description: More C(minikube start) flags.
    type: list
    elements: str
    default: []
  tunnel:
    description:
      - How this host reaches the front door (the stack's C(sre_minikube_tunnel)). V(auto) publishes the node's
        ports 80 and 443 on macOS when O(driver) is one of O(forwarded_drivers) and minikube can publish its ports
        (docker, podman); V(publish) does so with the docker or podman driver on any system; V(true) (the tunnel
        as a service, M(sre.minikube.tunnel_service)) and V(false) publish none.
      - Published ports are set when the node's container is created; an existing cluster without them is a
        mismatch (see O(recreate)).
    type: str
    choices: [auto, publish, "true", "false"]
    default: auto
  forwarded_drivers:
    description:
      - The drivers whose node's address a macOS host cannot reach (the dns_resolver role's
        C(dns_resolver_tunnel_drivers)), for O(tunnel=auto).
    type: list
    elements: str
    default: []
  tunnel_address:
    description: The address of this host the ports are published on (an IP address).
    type: str
    default: 127.0.0.1
  recreate:
    description:
      - Delete and recreate an existing profile whose driver, container runtime, CNI or published ports differ
        from the requested ones. Recreating loses everything in the cluster.
    type: bool
    default: false
  mark_created:
    description:
      - Mark a profile this run creates (one that did not exist, or one deleted to be recreated) as the stack's,
        with the file C(sre-minikube-owner) in its folder. A profile that existed before is never marked.
      - Fails when minikube created the profile somewhere else than its folder in minikube's home, where the mark
        belongs.
    type: bool
    default: false
  timeout:
    description: Seconds the start may take before it is given up.
    type: int
    default: 1800
  progress_file:
    description:
      - A file the module appends readable progress lines to while minikube runs. The action plugin sets it;
        empty writes none.
    type: path
    default: ""
"""

EXAMPLES = r"""
- name: Start the cluster
  sre.minikube.minikube_start:
    profile: sre-minikube
    driver: docker
    container_runtime: containerd
    cni: calico
    cpus: 2
    memory: 4096
    mark_created: true

- name: Start a cluster of three nodes, or add the nodes an existing one lacks
  sre.minikube.minikube_start:
    profile: sre-minikube
    cni: calico
    nodes: 3
"""

RETURN = r"""
state_before:
  description: V(absent), V(stopped), V(stale-context) or V(running), as C(minikube status) said before the run.
  type: str
  returned: always
  sample: absent
created:
  description:
    - Whether this run creates the profile (it did not exist, or it was deleted to be recreated); true also when
      the start then fails, since minikube keeps the new profile.
  type: bool
  returned: always
start_needed:
  description: Whether the cluster needed C(minikube start) (in check mode, whether a run would start it).
  type: bool
  returned: always
start_ran:
  description: Whether C(minikube start) ran; false in check mode.
  type: bool
  returned: always
command:
  description: The C(minikube start) command line, as a shell would take it.
  type: str
  returned: always
published_ports:
  description: The C(--ports) values of the start (O(tunnel)); empty when the node publishes no port for the front door.
  type: list
  elements: str
  returned: always
  sample: ["127.0.0.1:80:80", "127.0.0.1:443:443"]
mismatches:
  description: How the existing profile differs from the requested cluster.
  type: list
  elements: str
  returned: always
  sample: ['driver is "podman", wanted "docker"']
recreate_command:
  description: The commands that recreate a mismatching profile (this deletes everything in it).
  type: str
  returned: when RV(mismatches) is not empty
steps:
  description: The progress lines minikube printed.
  type: list
  elements: str
  returned: when minikube start ran
reason:
  description: minikube's exit reason of a failed start, such as V(RSRC_INSUFFICIENT_CORES).
  type: str
  returned: failure
advice:
  description: minikube's advice about a failed start.
  type: str
  returned: failure
nodes_before:
  description: How many nodes the profile had before the run; 0 when it did not exist (or was recreated).
  type: int
  returned: always
nodes:
  description: How many nodes the cluster has after the run (in check mode, would have).
  type: int
  returned: always
  sample: 2
nodes_to_add:
  description: How many nodes the run adds (in check mode, would add) to an existing cluster.
  type: int
  returned: always
nodes_added:
  description: How many nodes C(minikube node add) added; 0 in check mode.
  type: int
  returned: always
node_add_command:
  description: The command that adds one node, as a shell would take it.
  type: str
  returned: always
  sample: minikube node add -p sre-minikube
marked:
  description: The mark this run wrote in the folder of the profile it created; empty when it wrote none.
  type: str
  returned: always
  sample: /home/user/.minikube/profiles/sre-minikube/sre-minikube-owner
"""

import os

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.sre.minikube.plugins.module_utils.minikube import (
    MarkError,
    Minikube,
    MinikubeError,
    ProgressFile,
    stream,
)
from ansible_collections.sre.minikube.plugins.module_utils.minikube_start import ARGUMENT_SPEC, StartError, examine


def add_nodes(minikube, params, result, progress, steps):
    """Run `minikube node add` as many times as result["nodes_to_add"] says, streaming its lines.

    Each added node gets the cluster's memory: minikube gives the first node added to a one-node cluster 2200 MB
    unless its memory setting is given, which MINIKUBE_MEMORY does. Returns the failed command's MinikubeError,
    or None.
    """
    env = dict(os.environ, MINIKUBE_IN_STYLE="false")
    if params["memory"]:
        env["MINIKUBE_MEMORY"] = str(params["memory"])

    def on_event(event):
        line = event.line()
        if line:
            steps.append(line)
        progress.on_event(event)

    argv = minikube.node_add_argv()
    for _added in range(result["nodes_to_add"]):
        rc, stdout, stderr = stream(argv, on_event, env=env)
        if rc != 0:
            return minikube.error(argv, rc, stdout, stderr)
        result["nodes_added"] += 1
    return None


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    params = module.params
    minikube = Minikube(params["binary"], module.run_command, params["profile"])
    looking = minikube.with_runner(lambda args: module.run_command(args, handle_exceptions=False))
    try:
        result, argv, final = examine(params, minikube, looking, module.check_mode)
    except StartError as error:
        module.fail_json(msg=str(error), **error.result)
    if final is not None:
        module.exit_json(**final)

    progress = ProgressFile(params["progress_file"])
    steps = []
    if result["start_needed"]:
        result["start_ran"] = True

        def on_event(event):
            line = event.line()
            if line and event.kind in ("step", "warning", "error"):
                steps.append(line)
            progress.on_event(event)

        env = dict(os.environ, MINIKUBE_IN_STYLE="false")
        rc, stdout, stderr = stream(argv, on_event, env=env)
        result["steps"] = steps
        # A failed start may still have created the profile: it is the stack's either way.
        mark_problem = ""
        if params["mark_created"] and result["created"]:
            try:
                result["marked"] = minikube.mark_owner()
            except MarkError as error:
                mark_problem = str(error)
            except OSError as error:
                mark_problem = f"cannot mark the profile as this project's: {error}"
        if rc != 0:
            error = minikube.error(argv, rc, stdout, stderr)
            module.fail_json(msg=error.describe(), changed=True, **{**result, **error.as_dict()})
        if mark_problem:
            module.fail_json(msg=mark_problem, changed=True, **result)
    if result["nodes_to_add"]:
        error = add_nodes(minikube, params, result, progress, steps)
        result["steps"] = steps
        if error is not None:
            module.fail_json(msg=error.describe(), changed=True, **{**result, **error.as_dict()})
        # `node add` prints text only: the profile list says whether the nodes are there.
        try:
            have = len((looking.profiles().get(params["profile"]) or {}).get("nodes") or [])
        except MinikubeError as error:
            module.fail_json(msg=error.describe(), changed=True, **{**result, **error.as_dict()})
        if have < params["nodes"]:
            module.fail_json(
                msg=f"`{result['node_add_command']}` ran {result['nodes_added']} time(s) and exited 0, but minikube "
                f'lists {have} node(s) in the profile "{params["profile"]}", not {params["nodes"]}.',
                changed=True,
                **result,
            )
        result["nodes"] = have
    module.exit_json(changed=True, **result)


if __name__ == "__main__":
    main()
