# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""sre.minikube.minikube_start's options and its look at the profile: whether a start is needed.

The module and its action plugin share them: the plugin looks first (in the
controller's process when the host is the controller), and only when the
cluster must be started does the module run, as a job, to start it.
"""

from __future__ import annotations

import platform

from ansible_collections.sre.minikube.plugins.module_utils.inputs import InputError, problems
from ansible_collections.sre.minikube.plugins.module_utils.minikube import (
    MinikubeError,
    argument_spec,
    command_line,
    common_checks,
    mismatches,
    together,
)
from ansible_collections.sre.minikube.plugins.module_utils.tunnel import SETTINGS, host_path, published_ports

# The module's options (sre.minikube.minikube_start).
ARGUMENT_SPEC = {
    **argument_spec(profile=True),
    "driver": {"type": "str", "default": "docker"},
    "container_runtime": {"type": "str", "default": "containerd"},
    "cni": {"type": "str", "default": ""},
    "cpus": {"type": "int", "default": 0},
    "memory": {"type": "int", "default": 0},
    "kubernetes_version": {"type": "str", "default": ""},
    "nodes": {"type": "int", "default": 1},
    "extra_args": {"type": "list", "elements": "str", "default": []},
    "tunnel": {"type": "str", "choices": list(SETTINGS), "default": "auto"},
    "forwarded_drivers": {"type": "list", "elements": "str", "default": []},
    "tunnel_address": {"type": "str", "default": "127.0.0.1"},
    "recreate": {"type": "bool", "default": False},
    "mark_created": {"type": "bool", "default": False},
    "timeout": {"type": "int", "default": 1800},
    "progress_file": {"type": "path", "default": ""},
}


class StartError(Exception):
    """The run failed: the message, and the result's other fields."""

    def __init__(self, msg, **result):
        super().__init__(msg)
        self.result = result


def start_options(params, ports=(), create=True):
    """The flags that shape the cluster, from the module's options and the ports to publish (ports_to_publish).

    CREATE: the start creates the cluster, so it takes the node count; minikube keeps an existing cluster's nodes
    and warns about --nodes on a restart (`minikube node add` adds them: nodes_to_add). One node, minikube's
    default, takes no flag.
    """
    options = [f"--driver={params['driver']}", f"--container-runtime={params['container_runtime']}"]
    if create and params["nodes"] > 1:
        options.append(f"--nodes={params['nodes']}")
    if params["cni"]:
        options.append(f"--cni={params['cni']}")
    if params["cpus"]:
        options.append(f"--cpus={params['cpus']}")
    if params["memory"]:
        options.append(f"--memory={params['memory']}")
    if params["kubernetes_version"]:
        options.append(f"--kubernetes-version={params['kubernetes_version']}")
    options += [f"--ports={port}" for port in ports]
    return options


def ports_to_publish(params, system=None):
    """The front door's ports the node container publishes on this host (SYSTEM: platform.system()).

    Where this host cannot reach the node (tunnel.host_path), the ports are the container's: fixed when minikube
    creates it, so an existing cluster without them must be created again.
    """
    system = platform.system() if system is None else system
    path = host_path(params["tunnel"], system, params["driver"], params["forwarded_drivers"])
    return published_ports(path, params["tunnel_address"])


def several_nodes_publishing(nodes, ports):
    """Why a cluster of several nodes cannot publish the front door's ports on this host."""
    return (
        f"A cluster of {nodes} nodes cannot publish ports {', '.join(ports)} on this host: minikube gives every "
        "node's container the same published ports (`minikube start --ports`), and a host port can be published "
        "once, so the second node's container would not start. With several nodes, reach the front door through "
        "`minikube tunnel` (the stack's sre_minikube_tunnel: true, or tunnel false and the tunnel in a terminal), "
        "or keep one node."
    )


def surplus_warning(profile, have, wanted, names):
    """What to say of a profile with more nodes than asked: none is deleted."""
    extra = names[wanted:]
    deletes = " and ".join(f"`minikube node delete -p {profile} {name}`" for name in extra)
    return (
        f'The minikube profile "{profile}" has {have} nodes, more than the {wanted} asked for (nodes). No node is '
        f"deleted: that would evict its pods. Delete the extra ones yourself ({deletes}), or ask for {have} nodes."
    )


def examine(params, minikube, looking, check_mode, system=None):
    """Check the options and look at the profile: (result, the start's argv, the final answer or None).

    minikube runs what changes the host (with check_mode nothing does); looking, the same context with a runner
    that raises instead of ending a module, asks the profile list and the status side by side; SYSTEM is
    platform.system() unless given. The final answer
    is the module's whole result when there is nothing to start and no node to add (or in check mode); None when
    the start must run or nodes must be added (result["nodes_to_add"] of them, after the start when it runs).
    Raises StartError.
    """
    found = problems(
        common_checks(params)
        + [
            {"name": "driver", "value": params["driver"], "rule": "word"},
            {"name": "container_runtime", "value": params["container_runtime"], "rule": "word"},
            {"name": "cni", "value": params["cni"], "rule": "word", "optional": True},
            {"name": "kubernetes_version", "value": params["kubernetes_version"], "rule": "kubernetes_version",
             "optional": True},
            {"name": "extra_args", "value": params["extra_args"], "rule": "flag", "elements": True},
            {"name": "progress_file", "value": params["progress_file"], "rule": "path", "optional": True},
        ]
    )  # fmt: skip
    if params["nodes"] < 1:
        found.append(f"nodes={params['nodes']} must be at least 1: the cluster's node count, the primary included.")
    if found:
        raise StartError(" ".join(found), problems=found)
    try:
        ports = ports_to_publish(params, system)
    except InputError as error:
        raise StartError(str(error), problems=[str(error)]) from None
    if params["nodes"] > 1 and ports:
        raise StartError(several_nodes_publishing(params["nodes"], ports), published_ports=ports)
    profile = params["profile"]
    argv = minikube.start_argv(start_options(params, ports), params["extra_args"])
    wanted = params["nodes"]
    result = {
        "command": command_line(argv),
        "start_needed": False,
        "start_ran": False,
        "marked": "",
        "published_ports": ports,
        "nodes_before": 0,
        "nodes": wanted,
        "nodes_to_add": 0,
        "nodes_added": 0,
        "node_add_command": command_line(minikube.node_add_argv()),
    }
    # The profile list and the status are asked side by side (a re-run needs both).
    (listed, list_error), (status, status_error) = together(looking.profiles, looking.status)
    try:
        if list_error is not None:
            raise list_error
        existing = listed.get(profile)
        different = (
            mismatches(existing, params["driver"], params["container_runtime"], params["cni"], ports)
            if existing
            else []
        )
        result["mismatches"] = different
        if different:
            user_start = minikube.start_argv(start_options(params, ports), params["extra_args"], events=False)
            result["recreate_command"] = f"{command_line(minikube.delete_argv())} && {command_line(user_start)}"
            if not params["recreate"]:
                raise StartError(
                    f'The existing minikube profile "{profile}" does not match the requested cluster: '
                    f"{'; '.join(different)}. minikube cannot change this in place. Recreate the cluster (this "
                    f"deletes everything in it) with: {result['recreate_command']}, or set recreate.",
                    **result,
                )
            if check_mode:
                result.update(state_before="mismatch", created=True, start_needed=True)
                return result, argv, dict(changed=True, msg=f"would delete the profile and run: {result['command']}",
                                          **result)  # fmt: skip
            minikube.delete()
            state = "absent"
        else:
            if status_error is not None:
                raise status_error
            state = status
    except MinikubeError as error:
        raise StartError(error.describe(), **{**result, **error.as_dict()}) from None
    except OSError as error:
        raise StartError(f"cannot run {params['binary']}: {error}", **result) from None
    result.update(state_before=state, created=state == "absent")
    if state != "absent":
        # An existing cluster keeps its nodes: a start brings back those it has, `node add` adds the missing ones.
        argv = minikube.start_argv(start_options(params, ports, create=False), params["extra_args"])
        result["command"] = command_line(argv)
    if state != "absent" and existing:
        names = existing["nodes"]
        have = len(names)
        result.update(nodes_before=have, nodes=max(have, wanted), nodes_to_add=max(0, wanted - have))
        if have > wanted:
            result["warnings"] = [surplus_warning(profile, have, wanted, names)]
        if result["nodes_to_add"] and existing.get("published_ports"):
            raise StartError(several_nodes_publishing(wanted, existing["published_ports"]), **result)
    adding = result["nodes_to_add"]
    add_text = f"add {adding} node{'s' if adding > 1 else ''} ({result['node_add_command']})"
    if state == "running" and not adding:
        return result, argv, dict(changed=False, **result)
    if state in ("running", "stale-context"):
        if state == "stale-context" and not check_mode:
            try:
                minikube.update_context()
            except MinikubeError as error:
                raise StartError(error.describe(), **error.as_dict()) from None
        said = ["pointed the kubeconfig context at the running cluster"] if state == "stale-context" else []
        if not adding:
            return result, argv, dict(changed=True, msg=said[0], **result)
        if check_mode:
            return result, argv, dict(changed=True, msg="; ".join(said + [f"would {add_text}"]), **result)
        return result, argv, None
    result["start_needed"] = True
    if check_mode:
        then = f", then {add_text}" if adding else ""
        return result, argv, dict(changed=True, msg=f"would start: {result['command']}{then}", **result)
    return result, argv, None
