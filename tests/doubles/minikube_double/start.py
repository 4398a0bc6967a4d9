"""`minikube start`: the checks minikube makes, in its order, then the control plane.

The checks and their exit codes are held to the real binary's refusals by
the contract (tests/minikube_contract); a start that passes them brings up
the profile's control plane (harness.py), writes its kubeconfig context
and applies the enabled addons.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from typing import TYPE_CHECKING

from .addons import DEFAULT_ADDONS, addon_names, apply_addon
from .kubeconfig import merge_context, user_kubeconfig
from .output import (
    EX_ADDON_ERROR,
    EX_DOCKER_NOT_FOUND,
    EX_DOCKER_NOT_RUNNING,
    EX_DRIVER_AS_ROOT,
    EX_DRIVER_MISMATCH,
    EX_DRIVER_UNSUPPORTED,
    EX_GUEST_ERROR,
    EX_INSUFFICIENT_CORES,
    EX_INSUFFICIENT_MEMORY,
    EX_K8S_DOWNGRADE,
    EX_K8S_OLD,
    EX_OK,
    EX_USAGE,
    UsageError,
    event,
    fail,
    say,
    step,
)
from .state import new_profile, node_ip
from .version import VERSION

if TYPE_CHECKING:
    from .context import Context

# What minikube v1.38.1 starts without --kubernetes-version, or with stable or
# latest: its constants DefaultKubernetesVersion and NewestKubernetesVersion.
DEFAULT_KUBERNETES_VERSION = "v1.35.1"
OLDEST_KUBERNETES_VERSION = "v1.28.0"
MIN_CPUS = 2
MIN_MEMORY_MB = 1800
DEFAULT_CPUS = 2
DEFAULT_MEMORY_MB = 4096
DRIVERS = ("docker", "podman", "none", "ssh", "kvm2", "qemu2", "virtualbox", "vfkit", "hyperkit", "parallels", "vmware")
# In the order minikube lists them when it refuses another.
RUNTIMES = ("docker", "cri-o", "containerd")
CNIS = ("auto", "bridge", "calico", "cilium", "flannel", "kindnet", "false")
DOCKER_DRIVER_DOCS = "https://minikube.sigs.k8s.io/docs/drivers/docker/"


def parse_memory(value: str) -> int | None:
    """minikube's --memory: '4096', '4096mb', '4g', '4gb'; returns MiB."""
    match = re.fullmatch(r"(\d+)\s*([kmgt]?)b?", value.strip().lower())
    if not match:
        return None
    number, unit = int(match.group(1)), match.group(2) or "m"
    factor = {"k": 1 / 1024, "m": 1, "g": 1024, "t": 1024 * 1024}[unit]
    return int(number * factor)


def host_memory_mb() -> int:
    with open("/proc/meminfo", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) // 1024
    return 0


def version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", version)[:3])


def normalise_version(value: str) -> str | None:
    if value in ("stable", ""):
        return DEFAULT_KUBERNETES_VERSION
    if value == "latest":
        return DEFAULT_KUBERNETES_VERSION
    if not value.startswith("v"):
        value = "v" + value
    return value if re.fullmatch(r"v\d+\.\d+\.\d+", value) else None


def docker_check(json_output: bool) -> None:
    """What minikube's docker driver checks before it starts: the client, then the daemon."""
    if shutil.which("docker") is None:
        raise fail(
            EX_DOCKER_NOT_FOUND,
            "PROVIDER_DOCKER_NOT_FOUND",
            "The 'docker' provider was not found: exec: \"docker\": executable file not found in $PATH",
            "Install Docker",
            json_output,
            documentation=DOCKER_DRIVER_DOCS,
            mark="*",
        )
    result = subprocess.run(
        ["docker", "version", "--format", "{{.Server.Os}}-{{.Server.Version}}:{{.Server.Platform.Name}}"],
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    )
    if result.returncode != 0:
        # minikube quotes its own command with the template fields unrendered.
        said = (result.stderr.strip().splitlines() or [""])[-1]
        raise fail(
            EX_DOCKER_NOT_RUNNING,
            "PROVIDER_DOCKER_NOT_RUNNING",
            f'"docker version --format <no value>-<no value>:<no value>" exit status {result.returncode}: {said}',
            "Start the Docker service",
            json_output,
            documentation=DOCKER_DRIVER_DOCS,
        )


def start(ctx: Context, args: list[str]) -> int:
    parser = UsageError(prog="minikube start")
    parser.add_argument("--driver", "--vm-driver", default="docker")
    parser.add_argument("--container-runtime", default="containerd")
    parser.add_argument("--cni", default="auto")
    parser.add_argument("--cpus", default=str(DEFAULT_CPUS))
    parser.add_argument("--memory", default=str(DEFAULT_MEMORY_MB))
    parser.add_argument("--disk-size", default="20000mb")
    parser.add_argument("--kubernetes-version", default="")
    parser.add_argument("--nodes", "-n", type=int, default=1)
    parser.add_argument("--addons", action="append", default=[])
    parser.add_argument("--wait", default="apiserver,system_pods")
    parser.add_argument("--wait-timeout", default="6m0s")
    parser.add_argument("--force", action="store_true")
    parser.add_argument("--keep-context", action="store_true")
    parser.add_argument("--embed-certs", action="store_true")
    parser.add_argument("--interactive", default="true")
    parser.add_argument("--install-addons", default="true")
    parser.add_argument("-o", "--output", default="text")
    opts = parser.parse_args(args)
    json_output = opts.output == "json"
    existing = ctx.state.load(ctx.profile)
    # The checks in the order minikube makes them (tests/minikube_contract).
    if not json_output:
        say(f"[{ctx.profile}] minikube {VERSION} on Linux (test double)")
        for key, value in os.environ.items():
            if key.startswith("MINIKUBE_") or key == "KUBECONFIG":
                sys.stdout.write(f"  - {key}={value}\n")
    else:
        # The same lines as events; the double's own knobs are not minikube's.
        step(0, "Initial Minikube Setup", f"[{ctx.profile}] minikube {VERSION} on Linux (test double)")
        for key, value in os.environ.items():
            if (key.startswith("MINIKUBE_") or key == "KUBECONFIG") and not key.startswith("MINIKUBE_DOUBLE_"):
                sys.stdout.write(event("info", f"{key}={value}") + "\n")
    version = normalise_version(opts.kubernetes_version)
    if version is None:
        raise fail(
            EX_USAGE,
            "MK_USAGE",
            f"Unsupported Kubernetes version {opts.kubernetes_version}",
            json_output=json_output,
        )
    if version_tuple(version) < version_tuple(OLDEST_KUBERNETES_VERSION) and not opts.force:
        bare = version.lstrip("v")
        sys.stderr.write(
            f"! Specified Kubernetes version {bare} is less than the oldest supported version: "
            f"{OLDEST_KUBERNETES_VERSION}. Use `minikube config defaults kubernetes-version` for details.\n"
            "! You can force an unsupported Kubernetes version via the --force flag\n"
        )
        raise fail(
            EX_K8S_OLD,
            "K8S_OLD_UNSUPPORTED",
            f"Kubernetes {bare} is not supported by this release of minikube",
            json_output=json_output,
        )
    driver_given = "--driver" in " ".join(args) or "--vm-driver" in " ".join(args)
    if opts.driver not in DRIVERS:
        raise fail(
            EX_DRIVER_UNSUPPORTED,
            "DRV_UNSUPPORTED_OS",
            f"The driver '{opts.driver}' is not supported on linux/amd64",
            json_output=json_output,
        )
    if existing and existing["Config"]["Driver"] != opts.driver:
        old = existing["Config"]["Driver"]
        raise fail(
            EX_DRIVER_MISMATCH,
            "GUEST_DRIVER_MISMATCH",
            f'The existing "{ctx.profile}" cluster was created using the "{old}" driver, '
            f'which is incompatible with requested "{opts.driver}" driver.',
            f"Delete the existing '{ctx.profile}' cluster using: 'minikube delete -p {ctx.profile}', "
            f"or start the existing '{ctx.profile}' cluster using: "
            f"'minikube start -p {ctx.profile} --driver={old}'",
            json_output,
        )
    if existing:
        selected = f"Using the {opts.driver} driver based on existing profile"
    elif driver_given:
        selected = f"Using the {opts.driver} driver based on user configuration"
    else:
        selected = f"Automatically selected the {opts.driver} driver. Other choices: none, ssh"
    if json_output:
        step(1, "Selecting Driver", selected)
    else:
        say(selected)
    if opts.driver == "docker":
        docker_check(json_output)
    if opts.container_runtime not in RUNTIMES:
        raise fail(
            EX_USAGE,
            "MK_USAGE",
            f"Invalid Container Runtime: {opts.container_runtime}. Valid runtimes are: [{' '.join(RUNTIMES)}]",
            json_output=json_output,
        )
    if opts.cni not in CNIS and not os.path.exists(opts.cni):
        raise fail(EX_USAGE, "MK_USAGE", f'invalid CNI "{opts.cni}"', json_output=json_output)
    try:
        cpus = (os.cpu_count() or 1) if opts.cpus == "max" else int(opts.cpus)
    except ValueError:
        raise fail(EX_USAGE, "MK_USAGE", f'invalid --cpus "{opts.cpus}"', json_output=json_output) from None
    if cpus < MIN_CPUS:
        raise fail(
            EX_INSUFFICIENT_CORES,
            "RSRC_INSUFFICIENT_CORES",
            f"Requested cpu count {cpus} is less than the minimum allowed of {MIN_CPUS}",
            json_output=json_output,
        )
    available = os.cpu_count() or 1
    if cpus > available and not opts.force:
        raise fail(
            EX_INSUFFICIENT_CORES,
            "RSRC_INSUFFICIENT_CORES",
            f"Requested cpu count {cpus} is greater than the available cpus of {available}",
            json_output=json_output,
        )
    memory = host_memory_mb() if opts.memory in ("max", "no-limit") else parse_memory(opts.memory)
    if memory is None:
        raise fail(EX_USAGE, "MK_USAGE", f'invalid --memory "{opts.memory}"', json_output=json_output)
    if memory < MIN_MEMORY_MB:
        raise fail(
            EX_INSUFFICIENT_MEMORY,
            "RSRC_INSUFFICIENT_REQ_MEMORY",
            f"Requested memory allocation {memory}MiB is less than the usable minimum of {MIN_MEMORY_MB}MB",
            json_output=json_output,
        )
    if memory > host_memory_mb():
        raise fail(
            EX_INSUFFICIENT_MEMORY,
            "RSRC_OVER_ALLOC_MEM",
            f"Requested memory allocation {memory}MB is more than your system limit {host_memory_mb()}MB.",
            json_output=json_output,
        )
    if (
        opts.driver == "docker"
        and os.environ.get("MINIKUBE_DOUBLE_ROOT_CHECK") == "1"
        and os.geteuid() == 0
        and not opts.force
    ):
        sys.stderr.write(
            '* The "docker" driver should not be used with root privileges. '
            "If you wish to continue as root, use --force.\n"
            "* If you are running minikube within a VM, consider using --driver=none:\n"
            "*   https://minikube.sigs.k8s.io/docs/reference/drivers/none/\n"
        )
        raise fail(
            EX_DRIVER_AS_ROOT,
            "DRV_AS_ROOT",
            'The "docker" driver should not be used with root privileges.',
            json_output=json_output,
        )
    if existing:
        current = existing["Config"]["KubernetesConfig"]["KubernetesVersion"]
        if version_tuple(version) < version_tuple(current):
            raise fail(
                EX_K8S_DOWNGRADE,
                "K8S_DOWNGRADE_UNSUPPORTED",
                f"Unable to safely downgrade existing Kubernetes {current} cluster to {version}",
                f"Delete the existing cluster: 'minikube delete -p {ctx.profile}', then start it again",
                json_output,
            )
        if any(arg == "-n" or arg.startswith("--nodes") for arg in args):
            sys.stderr.write(
                "! You cannot change the number of nodes for an existing minikube cluster. "
                "Please use 'minikube node add' to add nodes to an existing cluster.\n"
            )
        for field, wanted, have in (
            ("cpus", cpus, existing["Config"]["CPUs"]),
            ("memory", memory, existing["Config"]["Memory"]),
        ):
            if wanted != have and f"--{field}" in " ".join(args):
                sys.stderr.write(
                    f"! You cannot change the {field} for an existing minikube cluster. "
                    "Please first delete the cluster.\n"
                )
    opts.cpus, opts.memory_mb, opts.kubernetes_version = cpus, memory, version

    if existing:
        data = existing
        # A changed runtime, CNI or size is silently ignored (as minikube does).
        data["Config"]["KubernetesConfig"]["KubernetesVersion"] = version
        data["Config"]["Nodes"][0]["KubernetesVersion"] = version
    else:
        data = new_profile(ctx.profile, opts)
    data["Config"]["Nodes"][0]["IP"] = node_ip()
    data["Status"] = "Starting"
    ctx.state.save(data)

    starting = f'Starting "{ctx.profile}" primary control-plane node in "{ctx.profile}" cluster'
    if json_output:
        # The success path's steps, numbered as minikube numbers them (the
        # contract records refusals only, so these numbers are not held to it).
        step(3, "Starting Node", starting)
        step(4, "Pulling Base Image", "Pulling base image ...")
        step(7, "Creating Container", f"Creating {opts.driver} container (CPUs={cpus}, Memory={memory}MB) ...")
        step(10, "Preparing Kubernetes", f"Preparing Kubernetes {version} on {opts.container_runtime} ...")
    else:
        say(starting)
    harness = ctx.harness()
    # An existing cluster keeps the nodes it has; `node add` adds more.
    result = harness.run("up", nodes=len(data["Config"]["Nodes"]))
    if result.returncode != 0:
        data["Status"] = "Stopped"
        ctx.state.save(data)
        sys.stderr.write(result.stderr)
        raise fail(
            EX_GUEST_ERROR,
            "GUEST_START",
            "failed to start node: the test control plane did not come up",
            json_output=json_output,
        )
    labelled = harness.label_nodes()
    if labelled:
        sys.stderr.write(labelled)
        raise fail(EX_GUEST_ERROR, "GUEST_START", "failed to label the nodes", json_output=json_output)
    merge_context(ctx.profile, harness.kubeconfig, user_kubeconfig())
    data["Status"] = "Running"
    ctx.state.save(data)
    if json_output:
        step(16, "Verifying Kubernetes", "Verifying Kubernetes components...")

    # Default addons on a new cluster, then --addons, then re-apply enabled ones.
    addons = data["Config"]["Addons"]
    if not existing and opts.install_addons != "false":
        for name in DEFAULT_ADDONS:
            addons[name] = True
    for name in opts.addons:
        for item in name.split(","):
            if item not in addon_names():
                raise fail(EX_USAGE, "MK_USAGE", f"{item} is not a valid addon", json_output=json_output)
            addons[item] = True
    for name, enabled in sorted(addons.items()):
        if enabled:
            error = apply_addon(harness, name, ctx.profile, True)
            if error:
                ctx.state.save(data)
                raise fail(
                    EX_ADDON_ERROR, "MK_ADDON_ENABLE", f"enable failed: {name}: {error}", json_output=json_output
                )
            if not json_output:
                say(f"Enabled addons: {name}")
    ctx.state.save(data)
    done = f'Done! kubectl is now configured to use "{ctx.profile}" cluster and "default" namespace by default'
    if json_output:
        enabled = ", ".join(sorted(name for name, on in addons.items() if on))
        step(17, "Enabling Addons", f"Enabled addons: {enabled}")
        step(18, "Done", done)
    else:
        say(done)
    return EX_OK
