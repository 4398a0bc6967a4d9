"""The profile's cluster: stop, delete, status, profile list, ip, kubectl, update-context."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import TYPE_CHECKING

from . import images
from .context import NO_CONTROL_PLANE
from .kubeconfig import context_configured, merge_context, read_kubeconfig, remove_context, user_kubeconfig
from .output import EX_GUEST_ERROR, EX_OK, EX_USAGE, UsageError, fail, profile_not_found, say

if TYPE_CHECKING:
    from .context import Context


def stop(ctx: Context, args: list[str]) -> int:
    parser = UsageError(prog="minikube stop")
    parser.add_argument("--all", action="store_true")
    parser.add_argument("--keep-context-active", action="store_true")
    parser.add_argument("-o", "--output", default="text")
    opts = parser.parse_args(args)
    names = ctx.state.names() if opts.all else [ctx.profile]
    for name in names:
        data = ctx.state.load(name)
        if data is None:
            raise profile_not_found(name, opts.output == "json")
        say(f'Stopping node "{name}"  ...')
        # A seeded profile (double-seed) has no control plane to stop.
        result = None if data.get("ControlPlane") == NO_CONTROL_PLANE else ctx.harness(name).run("stop")
        if result is not None and result.returncode != 0:
            sys.stderr.write(result.stderr)
            raise fail(EX_GUEST_ERROR, "GUEST_STOP_TIMEOUT", f"Unable to stop VM: {name}")
        data["Status"] = "Stopped"
        ctx.state.save(data)
        say(f"1 node stopped.{'' if len(names) == 1 else ' (' + name + ')'}")
    return EX_OK


def delete(ctx: Context, args: list[str]) -> int:
    parser = UsageError(prog="minikube delete")
    parser.add_argument("--all", action="store_true")
    parser.add_argument("--purge", action="store_true")
    parser.add_argument("-o", "--output", default="text")
    opts = parser.parse_args(args)
    names = ctx.state.names() if opts.all else [ctx.profile]
    for name in names:
        data = ctx.state.load(name)
        if data is None:
            sys.stderr.write(f'! "{name}" profile does not exist, trying anyways.\n')
            remove_context(name, user_kubeconfig())
            say(f'Removed all traces of the "{name}" cluster.')
            continue
        say(f'Deleting "{name}" in {data["Config"]["Driver"]} ...')
        # A seeded profile (double-seed) has no control plane to remove.
        result = None if data.get("ControlPlane") == NO_CONTROL_PLANE else ctx.harness(name).run("down")
        if result is not None and result.returncode != 0:
            sys.stderr.write(result.stderr)
            raise fail(EX_GUEST_ERROR, "GUEST_DELETION", f"Failed to delete cluster {name}")
        for image in data.get("Images", []):
            subprocess.run(["docker", "rmi", image["local"]], capture_output=True, check=False)
        remove_context(name, user_kubeconfig())
        ctx.state.remove(name)
        say(f'Removed all traces of the "{name}" cluster.')
    return EX_OK


def status(ctx: Context, args: list[str]) -> int:
    parser = UsageError(prog="minikube status")
    parser.add_argument("-o", "--output", default="text")
    parser.add_argument("-f", "--format", default="")
    parser.add_argument("-l", "--layout", default="nodes")
    opts = parser.parse_args(args)
    json_output = opts.output == "json"
    data = ctx.require(json_output)
    state = ctx.live_status(data)
    harness = ctx.harness()
    if state == "Running":
        kubeconfig = (
            "Configured" if context_configured(ctx.profile, harness.kubeconfig, user_kubeconfig()) else "Misconfigured"
        )
        report = {"Host": "Running", "Kubelet": "Running", "APIServer": "Running", "Kubeconfig": kubeconfig}
    elif state == "Paused":
        report = {"Host": "Running", "Kubelet": "Stopped", "APIServer": "Paused", "Kubeconfig": "Configured"}
    else:
        report = {"Host": "Stopped", "Kubelet": "Stopped", "APIServer": "Stopped", "Kubeconfig": "Stopped"}
    code = 0
    if report["Host"] != "Running":
        code |= 1
    if report["Kubelet"] != "Running" or report["APIServer"] != "Running":
        code |= 2
    if report["Kubeconfig"] != "Configured":
        code |= 4
    document = {"Name": ctx.profile, **report, "Worker": False}
    if json_output:
        sys.stdout.write(json.dumps(document, separators=(",", ":")))
    else:
        sys.stdout.write(
            f"{ctx.profile}\ntype: Control Plane\nhost: {report['Host']}\nkubelet: {report['Kubelet']}\n"
            f"apiserver: {report['APIServer']}\nkubeconfig: {report['Kubeconfig']}\n\n"
        )
    return code


def profile(ctx: Context, args: list[str]) -> int:
    if not args or args[0] != "list":
        sys.stderr.write("X Exiting due to MK_USAGE: only 'profile list' is implemented by the test double\n")
        return EX_USAGE
    parser = UsageError(prog="minikube profile list")
    parser.add_argument("-o", "--output", default="table")
    parser.add_argument("-l", "--light", action="store_true")
    opts = parser.parse_args(args[1:])
    current = read_kubeconfig(user_kubeconfig()).get("current-context", "")
    valid = []
    for name in ctx.state.names():
        data = ctx.state.load(name)
        state = ctx.live_status(data)
        config = data["Config"]
        config["Addons"] = {k: v for k, v in sorted(config["Addons"].items())}
        valid.append(
            {
                "Name": name,
                "Status": "OK" if state == "Running" else state,
                "Config": config,
                "Active": name == "minikube",
                "ActiveKubeContext": name == current,
            }
        )
    if opts.output == "json":
        print(json.dumps({"invalid": [], "valid": valid}, separators=(",", ":")))
    else:
        if not valid:
            raise fail(
                EX_USAGE,
                "MK_USAGE_NO_PROFILE",
                "No minikube profile was found.",
                "\n\n    You can create one using 'minikube start'.\n    ",
                mark="*",
            )
        print("| Profile | Driver | Runtime | IP | Version | Status | Nodes |")
        for entry in valid:
            c = entry["Config"]
            print(
                f"| {entry['Name']} | {c['Driver']} | {c['KubernetesConfig']['ContainerRuntime']} | "
                f"{c['Nodes'][0]['IP']} | {c['KubernetesConfig']['KubernetesVersion']} | "
                f"{entry['Status']} | {len(c['Nodes'])} |"
            )
    return EX_OK


def ip(ctx: Context, args: list[str]) -> int:
    parser = UsageError(prog="minikube ip")
    parser.add_argument("-n", "--node", default="")
    parser.parse_args(args)
    data = ctx.require()
    ctx.require_running(data, suggest=True)
    print(data["Config"]["Nodes"][0]["IP"])
    return EX_OK


def kubectl(ctx: Context, args: list[str]) -> int:
    if args and args[0] == "--":
        args = args[1:]
    data = ctx.require()
    ctx.require_running(data)
    harness = ctx.harness()
    # The harness's kubectl (the cluster's own version) with the profile's context.
    command = [harness.script, "kubectl", "--context", ctx.profile, *args]
    return subprocess.run(command, env=harness.env(), check=False).returncode


def update_context(ctx: Context, args: list[str]) -> int:
    UsageError(prog="minikube update-context").parse_args(args)
    data = ctx.require()
    ctx.require_running(data)
    harness = ctx.harness()
    if context_configured(ctx.profile, harness.kubeconfig, user_kubeconfig()):
        say(f'"{ctx.profile}" context is already correct')
        return EX_OK
    merge_context(ctx.profile, harness.kubeconfig, user_kubeconfig())
    say(f'"{ctx.profile}" context has been updated to point to the running API server')
    return EX_OK


# The one command `ssh` runs here: a node's own image list, as minikube lists images inside a node.
NODE_IMAGES = ["sudo", "crictl", "images", "--output", "json"]


def ssh(ctx: Context, args: list[str]) -> int:
    """`minikube ssh [-n NODE] -- COMMAND`: only NODE_IMAGES, answered with the node's images."""
    flags, command = (args[: args.index("--")], args[args.index("--") + 1 :]) if "--" in args else (args, [])
    parser = UsageError(prog="minikube ssh")
    parser.add_argument("-n", "--node", default="")
    parser.add_argument("--native-ssh", default="true")
    opts = parser.parse_args(flags)
    data = ctx.require()
    ctx.require_running(data)
    nodes = data["Config"]["Nodes"]
    wanted = opts.node or nodes[0]["Name"]
    found = [node for node in nodes if wanted in (node["Name"], images.machine(ctx.profile, node))]
    if not found:
        raise fail(EX_GUEST_ERROR, "GUEST_NODE_RETRIEVE", f"Node {opts.node} does not exist.")
    if command != NODE_IMAGES:
        sys.stderr.write(f"ssh: the test double runs only `{' '.join(NODE_IMAGES)}`, not {command}\n")
        return 1
    return images.node_images(ctx, data, found[0])
