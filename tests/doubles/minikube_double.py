#!/usr/bin/env python3
"""TEST DOUBLE of the minikube CLI (v1.38.1). Test code only: never shipped.

It stands in for minikube where a real cluster is too slow or cannot
start. It reproduces the command-line contract the project's roles rely
on: the cases in tests/minikube_contract, whose expected answers are
recordings of the real minikube v1.38.1 built from source
(tests/minikube_contract/recordings): the same subcommands and flags, the
same JSON shapes, exit codes and stdout/stderr split. Behind it run real things wherever they
can run here:

* ``start`` brings up a real Kubernetes control plane (tests/harness/cluster.sh:
  kube-apiserver and friends with kwok-simulated nodes) and writes a
  kubeconfig context named after the profile, as minikube does;
* ``addons enable ingress`` applies through that API server what the real
  addon leaves behind (the ingress-nginx namespace, the nginx IngressClass,
  the controller Deployment with the real labels);
* ``image build`` runs ``docker build`` on the local Docker engine.

State lives in the directory named by MINIKUBE_DOUBLE_STATE (default
~/.minikube-double): one JSON file per profile and ``commands.log``, one JSON
line per invocation (argv, profile, exit code), which tests read to prove
what was, or was not, run.

Knobs that exist only in the double (environment variables):

MINIKUBE_DOUBLE_STATE             state directory
MINIKUBE_DOUBLE_CLUSTER_SCRIPT    the cluster harness (default: ../harness/cluster.sh)
MINIKUBE_DOUBLE_NODE_IP           the node IP reported by ``ip`` and ``profile list``
                                  (default 127.0.0.1: tests send no traffic elsewhere)
MINIKUBE_DOUBLE_BUILD_EXIT_CODE   exit code of a FAILED ``image build`` (default 0,
                                  the real quirk); set non-zero to prove a caller
                                  does not depend on either behaviour
MINIKUBE_DOUBLE_BUILD_NETWORK     network of ``image build`` containers, e.g. "host" so
                                  that a build reaches a module proxy on the host's
                                  loopback (minikube builds inside its node)
MINIKUBE_DOUBLE_RECORDINGS        the real binary's recordings (default: ../minikube_contract/recordings)
MINIKUBE_DOUBLE_ROOT_CHECK        "1": refuse the docker driver as root (exit 57)
                                  like the real binary; off by default because the
                                  test machines run as root

minikube's own MINIKUBE_HOME is honoured for the profile folder: when it is
set, the double keeps ``<minikube home>/profiles/<name>/config.json`` like
the real binary (the folder exists from the profile's first ``start``, and
``delete`` removes it with whatever else it holds), so callers that keep
files there can be tested. When it is unset the double writes no such
folder, so that it never touches the user's own ~/.minikube.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import fcntl
import functools
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
import uuid

VERSION = "v1.38.1"
# Not the real release's commit: a fixed value that marks the double.
COMMIT = hashlib.sha1(b"minikube test double " + VERSION.encode()).hexdigest()
DEFAULT_KUBERNETES_VERSION = "v1.35.0"
DEFAULT_PROFILE = "minikube"
OLDEST_KUBERNETES_VERSION = "v1.28.0"
# Image references without a domain are normalised to the default one. The
# name is assembled at run time so that no registry host is spelled out in
# this repository.
DEFAULT_DOMAIN = ".".join(("docker", "io"))
MIN_CPUS = 2
MIN_MEMORY_MB = 1800
DEFAULT_CPUS = 2
DEFAULT_MEMORY_MB = 4096
DRIVERS = ("docker", "podman", "none", "ssh", "kvm2", "qemu2", "virtualbox", "vfkit", "hyperkit", "parallels", "vmware")
# In the order minikube lists them when it refuses another.
RUNTIMES = ("docker", "cri-o", "containerd")
CNIS = ("auto", "bridge", "calico", "cilium", "flannel", "kindnet", "false")

HERE = os.path.dirname(os.path.realpath(__file__))
# The real binary's recorded answers (tests/minikube_contract/recordings):
# where the double needs one of its facts, it reads it there. A copy of the
# double outside the repository (a release mirror's) is told where they are.
RECORDINGS = os.environ.get("MINIKUBE_DOUBLE_RECORDINGS") or os.path.join(
    os.path.dirname(HERE), "minikube_contract", "recordings"
)


@functools.cache
def addon_names() -> list[str]:
    """The addon names of the real `addons list`, sorted as it prints them."""
    path = os.path.join(RECORDINGS, "addons-list-json-unknown.json")
    try:
        with open(path, encoding="utf-8") as handle:
            return list(json.loads(json.load(handle)["stdout"]))
    except FileNotFoundError:
        raise SystemExit(f"minikube double: no recording at {path}; set MINIKUBE_DOUBLE_RECORDINGS") from None


DEFAULT_ADDONS = ("default-storageclass", "storage-provisioner")

# Exit codes (minikube's reason codes).
EX_OK = 0
EX_PROGRAM_ERROR = 1
EX_ADDON_ERROR = 10
EX_USAGE = 14
EX_INSUFFICIENT_MEMORY = 23
EX_INSUFFICIENT_CORES = 29
EX_DRIVER_AS_ROOT = 57
EX_DOCKER_NOT_RUNNING = 63
EX_DOCKER_NOT_FOUND = 65
EX_GUEST_ERROR = 80
EX_DRIVER_MISMATCH = 81
EX_GUEST_NOT_RUNNING = 83
EX_PROFILE_NOT_FOUND = 85
EX_DRIVER_UNSUPPORTED = 56
EX_K8S_OLD = 106
EX_K8S_DOWNGRADE = 106


class Exit(Exception):
    """Stop with an exit code (the message, if any, was printed already)."""

    def __init__(self, code: int):
        super().__init__(code)
        self.code = code


class UsageError(argparse.ArgumentParser):
    """argparse that exits 14 (MK_USAGE) like minikube, not argparse's 2."""

    def error(self, message):
        # cobra names the first flag it does not know.
        if message.startswith("unrecognized arguments: "):
            message = "unknown flag: " + message.split(": ", 1)[1].split()[0]
        sys.stderr.write(f"Error: {message}\nSee 'minikube {self.prog.split(' ', 1)[-1]} --help' for usage.\n")
        raise Exit(EX_USAGE)


# ---------------------------------------------------------------- output


def say(text: str, stream=None) -> None:
    """Human output as minikube prints it without a TTY: '* ' prefixes."""
    (stream or sys.stdout).write(f"* {text}\n")


def event(kind: str, message: str, **extra) -> str:
    """A CloudEvents line, as minikube prints with --output=json."""
    data = {"message": message}
    data.update(extra)
    return json.dumps(
        {
            "specversion": "1.0",
            "id": str(uuid.uuid4()),
            "source": "https://minikube.sigs.k8s.io/",
            "type": f"io.k8s.sigs.minikube.{kind}",
            "datacontenttype": "application/json",
            "data": data,
        },
        separators=(",", ":"),
    )


# `minikube start --output=json` numbers its steps out of this many.
START_STEPS = 19


def step(number: int, name: str, message: str) -> None:
    """A step event of `start --output=json`: the progress minikube reports."""
    sys.stdout.write(event("step", message, currentstep=str(number), name=name, totalsteps=str(START_STEPS)) + "\n")
    sys.stdout.flush()


def fail(
    code: int,
    reason: str,
    message: str,
    suggestion: str = "",
    json_output: bool = False,
    documentation: str = "",
    mark: str = "X",
) -> Exit:
    """Print minikube's 'Exiting due to' error and return the Exit to raise.

    As minikube does without a TTY: two empty lines on stdout, the reason on
    stderr (marked X, or * for the problems minikube files as provider
    advice), then the suggestion and the documentation link.
    """
    if json_output:
        extra = {"exitcode": str(code), "name": reason, "advice": suggestion, "url": documentation, "issues": ""}
        sys.stdout.write(event("error", message, **extra) + "\n")
    else:
        sys.stdout.write("\n\n")
        sys.stderr.write(f"{mark} Exiting due to {reason}: {message}\n")
        if suggestion:
            sys.stderr.write(f"* Suggestion: {suggestion}\n")
        if documentation:
            sys.stderr.write(f"* Documentation: {documentation}\n")
    return Exit(code)


def profile_not_found(profile: str, json_output: bool) -> Exit:
    start = "minikube start" if profile == DEFAULT_PROFILE else f"minikube start -p {profile}"
    lines = [
        f'Profile "{profile}" not found. Run "minikube profile list" to view all profiles.',
        f'To start a cluster, run: "{start}"',
    ]
    if json_output:
        for line in lines:
            sys.stdout.write(event("info", line) + "\n")
    else:
        sys.stdout.write(f"* {lines[0]}\n  {lines[1]}\n")
    return Exit(EX_PROFILE_NOT_FOUND)


# ---------------------------------------------------------------- state


def minikube_home() -> str | None:
    """minikube's own directory when MINIKUBE_HOME names one, by minikube's rule."""
    home = os.environ.get("MINIKUBE_HOME")
    if not home:
        return None
    return home if os.path.basename(home) == ".minikube" else os.path.join(home, ".minikube")


class State:
    """The double's state directory: profiles/<name>.json and commands.log."""

    def __init__(self, root: str):
        self.root = root
        self.profiles_dir = os.path.join(root, "profiles")
        os.makedirs(self.profiles_dir, exist_ok=True)
        self.minikube_home = minikube_home()

    def profile_folder(self, name: str) -> str | None:
        """minikube's folder of the profile (MINIKUBE_HOME set), else None."""
        return os.path.join(self.minikube_home, "profiles", name) if self.minikube_home else None

    def _path(self, name: str) -> str:
        return os.path.join(self.profiles_dir, f"{name}.json")

    def names(self) -> list[str]:
        return sorted(f[: -len(".json")] for f in os.listdir(self.profiles_dir) if f.endswith(".json"))

    def load(self, name: str) -> dict | None:
        try:
            with open(self._path(name), encoding="utf-8") as handle:
                return json.load(handle)
        except FileNotFoundError:
            return None

    def save(self, profile: dict) -> None:
        path = self._path(profile["Name"])
        tmp = path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(profile, handle, indent=2, sort_keys=True)
        os.replace(tmp, path)
        folder = self.profile_folder(profile["Name"])
        if folder:
            os.makedirs(folder, exist_ok=True)
            with open(os.path.join(folder, "config.json"), "w", encoding="utf-8") as handle:
                json.dump(profile.get("Config", {}), handle, indent=2, sort_keys=True)

    def remove(self, name: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.remove(self._path(name))
        shutil.rmtree(self.harness_dir(name), ignore_errors=True)
        folder = self.profile_folder(name)
        if folder:
            shutil.rmtree(folder, ignore_errors=True)

    def harness_dir(self, name: str) -> str:
        return os.path.join(self.root, "clusters", name)

    def log(self, argv: list[str], profile: str, code: int, started: float) -> None:
        record = {
            "time": datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds"),
            "argv": argv,
            "profile": profile,
            "exit": code,
            "seconds": round(time.monotonic() - started, 3),
        }
        with open(os.path.join(self.root, "commands.log"), "a", encoding="utf-8") as handle:
            handle.write(json.dumps(record) + "\n")

    @contextlib.contextmanager
    def locked(self):
        with open(os.path.join(self.root, "lock"), "w", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


# ---------------------------------------------------------------- the real parts behind the double


class Harness:
    """tests/harness/cluster.sh, one harness cluster per profile and state dir."""

    def __init__(self, state: State, profile: str):
        self.state = state
        self.profile = profile
        self.script = os.environ.get("MINIKUBE_DOUBLE_CLUSTER_SCRIPT") or os.path.join(
            os.path.dirname(HERE), "harness", "cluster.sh"
        )
        # Cluster names are global on the machine: key them by state dir too,
        # so two test runs with the same profile name never share a cluster.
        suffix = hashlib.sha256(os.path.realpath(state.root).encode()).hexdigest()[:6]
        slug = re.sub(r"[^a-z0-9-]+", "-", profile.lower()).strip("-")[:30] or "p"
        self.cluster = f"mk-{slug}-{suffix}"
        self.kubeconfig = os.path.join(state.harness_dir(profile), "kubeconfig")

    def env(self, nodes: int = 1) -> dict:
        env = dict(os.environ)
        env.update(
            SRE_CLUSTER_NAME=self.cluster,
            SRE_CLUSTER_NODES=str(nodes),
            SRE_CLUSTER_CONTEXT=self.profile,
            SRE_CLUSTER_KUBECONFIG=self.kubeconfig,
        )
        return env

    def run(self, command: str, *args: str, nodes: int = 1, capture: bool = True) -> subprocess.CompletedProcess:
        os.makedirs(os.path.dirname(self.kubeconfig), exist_ok=True)
        return subprocess.run(
            [self.script, command, *args],
            env=self.env(nodes),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE if capture else None,
            stderr=subprocess.PIPE if capture else None,
            text=True,
            check=False,
        )

    def status(self) -> str:
        result = self.run("status")
        return (result.stdout or "").strip() or "Nonexistent"

    def kubectl(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(
            [self.script, "kubectl", *args],
            env=self.env(),
            input=stdin,
            capture_output=True,
            text=True,
            check=False,
        )


def user_kubeconfig() -> str:
    """Where minikube writes contexts: the first KUBECONFIG entry, or ~/.kube/config."""
    paths = [p for p in os.environ.get("KUBECONFIG", "").split(os.pathsep) if p]
    return paths[0] if paths else os.path.join(os.path.expanduser("~"), ".kube", "config")


def read_kubeconfig(path: str) -> dict:
    """Read a kubeconfig (YAML or JSON) as JSON through the harness's kubectl."""
    empty = {"apiVersion": "v1", "kind": "Config", "clusters": [], "contexts": [], "users": [], "preferences": {}}
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        return empty
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if data is None:
        try:
            import yaml  # noqa: PLC0415 - only needed for YAML files written by other tools

            data = yaml.safe_load(text)
        except ImportError:
            data = kubeconfig_as_json(path)
    data = data or {}
    for key in ("clusters", "contexts", "users"):
        data[key] = data.get(key) or []
    return {**empty, **data}


def kubeconfig_as_json(path: str) -> dict:
    """Without PyYAML: let the harness's kubectl convert the file (the last --kubeconfig wins)."""
    script = os.environ.get("MINIKUBE_DOUBLE_CLUSTER_SCRIPT") or os.path.join(
        os.path.dirname(HERE), "harness", "cluster.sh"
    )
    result = subprocess.run(
        [script, "kubectl", "config", "view", "--raw", "-o", "json", "--kubeconfig", path],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"cannot read {path}: {result.stderr.strip()}")
    return json.loads(result.stdout)


def write_kubeconfig(path: str, config: dict) -> None:
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    tmp = path + ".minikube-double.tmp"
    with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as handle:
        json.dump(config, handle, indent=2)
    os.replace(tmp, path)


def merge_context(profile: str, source: str, target: str) -> None:
    """Copy the harness's context (named after the profile) into the user's kubeconfig, make it current."""
    theirs = read_kubeconfig(source)
    ours = read_kubeconfig(target)
    for key in ("clusters", "contexts", "users"):
        entries = [e for e in theirs[key] if e.get("name") == profile]
        if not entries:
            raise RuntimeError(f"{source} has no {key[:-1]} named {profile}")
        ours[key] = [e for e in ours[key] if e.get("name") != profile] + entries
    ours["current-context"] = profile
    write_kubeconfig(target, ours)


def remove_context(profile: str, target: str) -> None:
    if not os.path.exists(target):
        return
    ours = read_kubeconfig(target)
    for key in ("clusters", "contexts", "users"):
        ours[key] = [e for e in ours[key] if e.get("name") != profile]
    if ours.get("current-context") == profile:
        ours["current-context"] = ""
    write_kubeconfig(target, ours)


def context_configured(profile: str, source: str, target: str) -> bool:
    """True when the user's kubeconfig points the profile's context at the running API server."""
    try:
        theirs = read_kubeconfig(source)
        ours = read_kubeconfig(target)
    except (OSError, RuntimeError):
        return False

    def server(config):
        for cluster in config["clusters"]:
            if cluster.get("name") == profile:
                return (cluster.get("cluster") or {}).get("server")
        return None

    has_context = any(c.get("name") == profile for c in ours["contexts"])
    return has_context and server(ours) is not None and server(ours) == server(theirs)


# ---------------------------------------------------------------- manifests applied by addons


def addon_manifests(name: str, profile: str) -> list[dict]:
    """What an addon leaves in the cluster, as far as the project depends on it."""
    if name == "ingress":
        labels = {"app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/instance": "ingress-nginx"}
        controller = {**labels, "app.kubernetes.io/component": "controller"}
        return [
            {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "ingress-nginx", "labels": labels}},
            {
                "apiVersion": "networking.k8s.io/v1",
                "kind": "IngressClass",
                "metadata": {
                    "name": "nginx",
                    "labels": controller,
                    "annotations": {"ingressclass.kubernetes.io/is-default-class": "true"},
                },
                "spec": {"controller": "k8s.io/ingress-nginx"},
            },
            {
                "apiVersion": "v1",
                "kind": "ServiceAccount",
                "metadata": {"name": "ingress-nginx", "namespace": "ingress-nginx", "labels": controller},
            },
            {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "metadata": {"name": "ingress-nginx-controller", "namespace": "ingress-nginx", "labels": controller},
                "spec": {
                    "replicas": 1,
                    "revisionHistoryLimit": 10,
                    "minReadySeconds": 0,
                    "selector": {"matchLabels": controller},
                    "template": {
                        "metadata": {"labels": {**controller, "gcp-auth-skip-secret": "true"}},
                        "spec": {
                            "serviceAccountName": "ingress-nginx",
                            "containers": [
                                {
                                    "name": "controller",
                                    # The nodes are simulated: nothing pulls this image.
                                    "image": "ingress-nginx/controller:v1.14.1",
                                    "args": [
                                        "/nginx-ingress-controller",
                                        "--election-id=ingress-nginx-leader",
                                        "--controller-class=k8s.io/ingress-nginx",
                                        "--watch-ingress-without-class=true",
                                    ],
                                    "ports": [
                                        {"name": "http", "containerPort": 80, "hostPort": 80, "protocol": "TCP"},
                                        {"name": "https", "containerPort": 443, "hostPort": 443, "protocol": "TCP"},
                                    ],
                                }
                            ],
                        },
                    },
                },
            },
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {"name": "ingress-nginx-controller", "namespace": "ingress-nginx", "labels": controller},
                "spec": {
                    "type": "NodePort",
                    "selector": controller,
                    "ports": [
                        {"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"},
                        {"name": "https", "port": 443, "targetPort": "https", "protocol": "TCP"},
                    ],
                },
            },
        ]
    if name == "ingress-dns":
        return [
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {
                    "name": "kube-ingress-dns-minikube",
                    "namespace": "kube-system",
                    "labels": {"app": "minikube-ingress-dns", "app.kubernetes.io/part-of": "kube-system"},
                },
                "spec": {
                    "hostNetwork": True,
                    "containers": [
                        {
                            "name": "minikube-ingress-dns",
                            "image": "k8s-minikube/minikube-ingress-dns:0.0.4",
                            "ports": [{"containerPort": 53, "hostPort": 53, "protocol": "UDP"}],
                        }
                    ],
                },
            }
        ]
    if name == "default-storageclass":
        return [
            {
                "apiVersion": "storage.k8s.io/v1",
                "kind": "StorageClass",
                "metadata": {
                    "name": "standard",
                    "annotations": {"storageclass.kubernetes.io/is-default-class": "true"},
                    "labels": {"addonmanager.kubernetes.io/mode": "EnsureExists"},
                },
                "provisioner": "k8s.io/minikube-hostpath",
            }
        ]
    return []


def apply_addon(harness: Harness, name: str, profile: str, enable: bool) -> str | None:
    """Apply or delete the addon's objects; returns an error text or None."""
    manifests = addon_manifests(name, profile)
    if not manifests:
        return None
    document = json.dumps({"apiVersion": "v1", "kind": "List", "items": manifests})
    if enable:
        result = harness.kubectl("apply", "--server-side", "--force-conflicts", "-f", "-", stdin=document)
    else:
        result = harness.kubectl("delete", "--ignore-not-found", "--wait=false", "-f", "-", stdin=document)
    if result.returncode != 0:
        return result.stderr.strip() or result.stdout.strip()
    if enable and name == "ingress":
        # Like minikube: wait (up to 6 minutes) for the controller pods. A
        # wait on the pods' label fails at once while the controller has
        # not created them yet; the Deployment exists as soon as it is
        # applied, and it is Available once its pods are ready.
        result = harness.kubectl(
            "wait",
            "--namespace=ingress-nginx",
            "--for=condition=Available",
            "deployment/ingress-nginx-controller",
            "--timeout=360s",
        )
        if result.returncode != 0:
            return "waiting for app.kubernetes.io/name=ingress-nginx pods: " + (result.stderr.strip() or "timed out")
    return None


# ---------------------------------------------------------------- helpers


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


def normalise_image(reference: str) -> str:
    """Fully qualify an image reference the way containerd lists it."""
    name, tag = reference, "latest"
    if "@" not in reference:
        last = reference.rsplit("/", 1)[-1]
        if ":" in last:
            name, tag = reference.rsplit(":", 1)
    first = name.split("/", 1)[0]
    has_domain = "/" in name and ("." in first or ":" in first or first == "localhost")
    if not has_domain:
        if "/" not in name:
            name = "library/" + name
        name = f"{DEFAULT_DOMAIN}/{name}"
    return f"{name}:{tag}" if "@" not in reference else name


DOCKER_DRIVER_DOCS = "https://minikube.sigs.k8s.io/docs/drivers/docker/"


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


def node_ip() -> str:
    return os.environ.get("MINIKUBE_DOUBLE_NODE_IP", "127.0.0.1")


def new_profile(name: str, opts) -> dict:
    version = opts.kubernetes_version
    runtime = opts.container_runtime
    return {
        "Name": name,
        "Status": "Stopped",
        "Config": {
            "Name": name,
            "KeepContext": False,
            "EmbedCerts": False,
            "Memory": opts.memory_mb,
            "CPUs": opts.cpus,
            "DiskSize": 20000,
            "Driver": opts.driver,
            "Network": "",
            "KubernetesConfig": {
                "KubernetesVersion": version,
                "ClusterName": name,
                "Namespace": "default",
                "APIServerName": "minikubeCA",
                "DNSDomain": "cluster.local",
                "ContainerRuntime": runtime,
                "CRISocket": "",
                "NetworkPlugin": "cni",
                "ServiceCIDR": "10.96.0.0/12",
                "CNI": opts.cni,
                "ExtraOptions": None,
            },
            "Nodes": [
                {
                    "Name": "",
                    "IP": node_ip(),
                    "Port": 8443,
                    "KubernetesVersion": version,
                    "ContainerRuntime": runtime,
                    "ControlPlane": True,
                    "Worker": True,
                }
            ],
            "Addons": {},
            "VerifyComponents": {"apiserver": True, "system_pods": True},
            "StartHostTimeout": 360000000000,
        },
        "Images": [],
    }


# ---------------------------------------------------------------- the minikube object


class Minikube:
    def __init__(self, state: State, profile: str):
        self.state = state
        self.profile = profile

    def harness(self, name: str | None = None) -> Harness:
        return Harness(self.state, name or self.profile)

    def require(self, json_output: bool = False) -> dict:
        data = self.state.load(self.profile)
        if data is None:
            raise profile_not_found(self.profile, json_output)
        return data

    def live_status(self, data: dict) -> str:
        """Running / Stopped / Paused, checked against the harness (it may have died)."""
        if data["Status"] == "Running" and self.harness(data["Name"]).status() != "Running":
            return "Stopped"
        return data["Status"]

    # -- version
    def version(self, args: list[str]) -> int:
        parser = UsageError(prog="minikube version")
        parser.add_argument("--short", action="store_true")
        parser.add_argument("-o", "--output", default="")
        parser.add_argument("--components", action="store_true")
        opts = parser.parse_args(args)
        if opts.short:
            print(VERSION)
        elif opts.output == "json":
            print(json.dumps({"commit": COMMIT, "minikubeVersion": VERSION}, separators=(",", ":")))
        elif opts.output in ("", "yaml"):
            if opts.output == "yaml":
                print(f"commit: {COMMIT}\nminikubeVersion: {VERSION}")
            else:
                print(f"minikube version: {VERSION}\ncommit: {COMMIT}")
        else:
            sys.stderr.write(
                f"X Exiting due to MK_USAGE: error: --output must be 'text', 'yaml' or 'json' (got {opts.output})\n"
            )
            return EX_USAGE
        return EX_OK

    # -- start
    def start(self, args: list[str]) -> int:
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
        existing = self.state.load(self.profile)
        # The checks in the order minikube makes them (tests/minikube_contract).
        if not json_output:
            say(f"[{self.profile}] minikube {VERSION} on Linux (test double)")
            for key, value in os.environ.items():
                if key.startswith("MINIKUBE_") or key == "KUBECONFIG":
                    sys.stdout.write(f"  - {key}={value}\n")
        else:
            # The same lines as events; the double's own knobs are not minikube's.
            step(0, "Initial Minikube Setup", f"[{self.profile}] minikube {VERSION} on Linux (test double)")
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
                f'The existing "{self.profile}" cluster was created using the "{old}" driver, '
                f'which is incompatible with requested "{opts.driver}" driver.',
                f"Delete the existing '{self.profile}' cluster using: 'minikube delete -p {self.profile}', "
                f"or start the existing '{self.profile}' cluster using: "
                f"'minikube start -p {self.profile} --driver={old}'",
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
                    f"Delete the existing cluster: 'minikube delete -p {self.profile}', then start it again",
                    json_output,
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
            data = new_profile(self.profile, opts)
        data["Config"]["Nodes"][0]["IP"] = node_ip()
        data["Status"] = "Starting"
        self.state.save(data)

        starting = f'Starting "{self.profile}" primary control-plane node in "{self.profile}" cluster'
        if json_output:
            # The success path's steps, numbered as minikube numbers them (the
            # contract records refusals only, so these numbers are not held to it).
            step(3, "Starting Node", starting)
            step(4, "Pulling Base Image", "Pulling base image ...")
            step(7, "Creating Container", f"Creating {opts.driver} container (CPUs={cpus}, Memory={memory}MB) ...")
            step(10, "Preparing Kubernetes", f"Preparing Kubernetes {version} on {opts.container_runtime} ...")
        else:
            say(starting)
        harness = self.harness()
        result = harness.run("up", nodes=opts.nodes)
        if result.returncode != 0:
            data["Status"] = "Stopped"
            self.state.save(data)
            sys.stderr.write(result.stderr)
            raise fail(
                EX_GUEST_ERROR,
                "GUEST_START",
                "failed to start node: the test control plane did not come up",
                json_output=json_output,
            )
        merge_context(self.profile, harness.kubeconfig, user_kubeconfig())
        data["Status"] = "Running"
        self.state.save(data)
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
                error = apply_addon(harness, name, self.profile, True)
                if error:
                    self.state.save(data)
                    raise fail(
                        EX_ADDON_ERROR, "MK_ADDON_ENABLE", f"enable failed: {name}: {error}", json_output=json_output
                    )
                if not json_output:
                    say(f"Enabled addons: {name}")
        self.state.save(data)
        done = f'Done! kubectl is now configured to use "{self.profile}" cluster and "default" namespace by default'
        if json_output:
            enabled = ", ".join(sorted(name for name, on in addons.items() if on))
            step(17, "Enabling Addons", f"Enabled addons: {enabled}")
            step(18, "Done", done)
        else:
            say(done)
        return EX_OK

    # -- stop / delete
    def stop(self, args: list[str]) -> int:
        parser = UsageError(prog="minikube stop")
        parser.add_argument("--all", action="store_true")
        parser.add_argument("--keep-context-active", action="store_true")
        parser.add_argument("-o", "--output", default="text")
        opts = parser.parse_args(args)
        names = self.state.names() if opts.all else [self.profile]
        for name in names:
            data = self.state.load(name)
            if data is None:
                raise profile_not_found(name, opts.output == "json")
            say(f'Stopping node "{name}"  ...')
            result = self.harness(name).run("stop")
            if result.returncode != 0:
                sys.stderr.write(result.stderr)
                raise fail(EX_GUEST_ERROR, "GUEST_STOP_TIMEOUT", f"Unable to stop VM: {name}")
            data["Status"] = "Stopped"
            self.state.save(data)
            say(f"1 node stopped.{'' if len(names) == 1 else ' (' + name + ')'}")
        return EX_OK

    def delete(self, args: list[str]) -> int:
        parser = UsageError(prog="minikube delete")
        parser.add_argument("--all", action="store_true")
        parser.add_argument("--purge", action="store_true")
        parser.add_argument("-o", "--output", default="text")
        opts = parser.parse_args(args)
        names = self.state.names() if opts.all else [self.profile]
        for name in names:
            data = self.state.load(name)
            if data is None:
                sys.stderr.write(f'! "{name}" profile does not exist, trying anyways.\n')
                remove_context(name, user_kubeconfig())
                say(f'Removed all traces of the "{name}" cluster.')
                continue
            say(f'Deleting "{name}" in {data["Config"]["Driver"]} ...')
            result = self.harness(name).run("down")
            if result.returncode != 0:
                sys.stderr.write(result.stderr)
                raise fail(EX_GUEST_ERROR, "GUEST_DELETION", f"Failed to delete cluster {name}")
            for image in data.get("Images", []):
                subprocess.run(["docker", "rmi", image["local"]], capture_output=True, check=False)
            remove_context(name, user_kubeconfig())
            self.state.remove(name)
            say(f'Removed all traces of the "{name}" cluster.')
        return EX_OK

    # -- status
    def status(self, args: list[str]) -> int:
        parser = UsageError(prog="minikube status")
        parser.add_argument("-o", "--output", default="text")
        parser.add_argument("-f", "--format", default="")
        parser.add_argument("-l", "--layout", default="nodes")
        opts = parser.parse_args(args)
        json_output = opts.output == "json"
        data = self.require(json_output)
        state = self.live_status(data)
        harness = self.harness()
        if state == "Running":
            kubeconfig = (
                "Configured"
                if context_configured(self.profile, harness.kubeconfig, user_kubeconfig())
                else "Misconfigured"
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
        document = {"Name": self.profile, **report, "Worker": False}
        if json_output:
            sys.stdout.write(json.dumps(document, separators=(",", ":")))
        else:
            sys.stdout.write(
                f"{self.profile}\ntype: Control Plane\nhost: {report['Host']}\nkubelet: {report['Kubelet']}\n"
                f"apiserver: {report['APIServer']}\nkubeconfig: {report['Kubeconfig']}\n\n"
            )
        return code

    # -- profile list
    def profile_cmd(self, args: list[str]) -> int:
        if not args or args[0] != "list":
            sys.stderr.write("X Exiting due to MK_USAGE: only 'profile list' is implemented by the test double\n")
            return EX_USAGE
        parser = UsageError(prog="minikube profile list")
        parser.add_argument("-o", "--output", default="table")
        parser.add_argument("-l", "--light", action="store_true")
        opts = parser.parse_args(args[1:])
        current = read_kubeconfig(user_kubeconfig()).get("current-context", "")
        valid = []
        for name in self.state.names():
            data = self.state.load(name)
            state = self.live_status(data)
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

    # -- addons
    def addons(self, args: list[str]) -> int:
        if not args:
            sys.stderr.write("Error: addons needs a subcommand: list, enable, disable\n")
            return EX_USAGE
        sub, rest = args[0], args[1:]
        if sub == "list":
            parser = UsageError(prog="minikube addons list")
            parser.add_argument("-o", "--output", default="list")
            opts = parser.parse_args(rest)
            data = self.state.load(self.profile)
            if data is None and opts.output == "json":
                # Without the profile minikube still lists its addons, with nothing about them.
                sys.stdout.write(json.dumps(dict.fromkeys(addon_names(), {}), separators=(",", ":")))
                return EX_OK
            if data is None:
                raise profile_not_found(self.profile, False)
            enabled = data["Config"]["Addons"]
            if opts.output == "json":
                document = {
                    name: {"Profile": self.profile, "Status": "enabled" if enabled.get(name) else "disabled"}
                    for name in addon_names()
                }
                print(json.dumps(document, separators=(",", ":")))
            else:
                print("|-----------------------------|----------|--------------|")
                for name in addon_names():
                    status = "enabled" if enabled.get(name) else "disabled"
                    print(f"| {name:<27} | {self.profile:<8} | {status:<12} |")
            return EX_OK
        if sub in ("enable", "disable"):
            parser = UsageError(prog=f"minikube addons {sub}")
            parser.add_argument("name")
            parser.add_argument("--images", default="")
            parser.add_argument("--registries", default="")
            parser.add_argument("--force", action="store_true")
            opts = parser.parse_args(rest)
            data = self.require()
            if opts.name not in addon_names():
                raise fail(
                    EX_ADDON_ERROR,
                    "MK_ADDON_ENABLE" if sub == "enable" else "MK_ADDON_DISABLE",
                    f"{sub} failed: run callbacks: {opts.name} is not a valid addon",
                )
            if self.live_status(data) != "Running":
                raise fail(
                    EX_GUEST_NOT_RUNNING,
                    "GUEST_STATUS",
                    f"The control-plane node {self.profile} host is not running: state=Stopped",
                    f'To start a cluster, run: "minikube start -p {self.profile}"',
                )
            error = apply_addon(self.harness(), opts.name, self.profile, sub == "enable")
            if error:
                raise fail(
                    EX_ADDON_ERROR,
                    "MK_ADDON_ENABLE" if sub == "enable" else "MK_ADDON_DISABLE",
                    f"{sub} failed: run callbacks: running callbacks: [{error}]",
                )
            data["Config"]["Addons"][opts.name] = sub == "enable"
            self.state.save(data)
            if sub == "enable":
                if opts.name == "ingress":
                    say("Verifying ingress addon...")
                say(f"The '{opts.name}' addon is enabled")
            else:
                say(f"\"The '{opts.name}' addon is disabled")
            return EX_OK
        sys.stderr.write(f'Error: unknown command "{sub}" for "minikube addons"\n')
        return EX_USAGE

    # -- image
    def image(self, args: list[str]) -> int:
        if not args:
            sys.stderr.write("Error: image needs a subcommand: build, ls, rm\n")
            return EX_USAGE
        sub, rest = args[0], args[1:]
        if self.state.load(self.profile) is None:
            # The image commands load the profile before anything else, and call its absence a usage error.
            raise fail(EX_USAGE, "MK_USAGE", f'loading profile: cluster "{self.profile}" does not exist')
        if sub == "build":
            return self.image_build(rest)
        if sub in ("ls", "list"):
            return self.image_ls(rest)
        if sub in ("rm", "remove", "unload"):
            return self.image_rm(rest)
        sys.stderr.write(f'Error: unknown command "{sub}" for "minikube image"\n')
        return EX_USAGE

    def image_build(self, args: list[str]) -> int:
        parser = UsageError(prog="minikube image build")
        parser.add_argument("-t", "--tag", default="")
        parser.add_argument("-f", "--file", default="")
        parser.add_argument("--build-opt", action="append", default=[])
        parser.add_argument("--build-env", action="append", default=[])
        parser.add_argument("--push", action="store_true")
        parser.add_argument("--all", action="store_true")
        parser.add_argument("-n", "--node", default="")
        parser.add_argument("directory")
        opts = parser.parse_args(args)
        data = self.require()
        failed_exit = int(os.environ.get("MINIKUBE_DOUBLE_BUILD_EXIT_CODE", "0"))

        def build_failed(message: str) -> int:
            # minikube writes the failure to its log file only (the build's
            # own output is all stderr shows) and exits 0 anyway; the double
            # can be told to exit non-zero instead.
            with open(os.path.join(self.state.root, "build-failures.log"), "a", encoding="utf-8") as log:
                log.write(f"{self.profile}: {message}\n")
            return failed_exit

        if self.live_status(data) != "Running":
            return build_failed("host is not running")
        context = opts.directory
        if not os.path.isdir(context):
            return build_failed(f"{context}: no such directory")
        tag = opts.tag or f"{os.path.basename(os.path.abspath(context))}:latest"
        command = ["docker", "build", "-t", tag]
        if os.environ.get("MINIKUBE_DOUBLE_BUILD_NETWORK"):
            command += ["--network", os.environ["MINIKUBE_DOUBLE_BUILD_NETWORK"]]
        if opts.file:
            dockerfile = opts.file if os.path.isabs(opts.file) else os.path.join(context, opts.file)
            command += ["-f", dockerfile]
        containerd = data["Config"]["KubernetesConfig"]["ContainerRuntime"] == "containerd"
        for option in opts.build_opt:
            key, _, value = option.partition("=")
            if not containerd:
                # docker and cri-o: the option goes to `docker build` / `podman build` as it is.
                command += [f"--{key}", value] if value else [f"--{key}"]
            elif key == "opt" and value.startswith("build-arg:"):
                # containerd: BuildKit's `buildctl --opt build-arg:NAME=VALUE`.
                command += ["--build-arg", value.removeprefix("build-arg:")]
            elif key != "opt":
                # buildctl knows no such flag: it prints its usage, the build
                # does not happen, and minikube exits 0 all the same.
                sys.stdout.write(f"Incorrect Usage: flag provided but not defined: -{key}\n\n")
                sys.stderr.write(f"error: flag provided but not defined: -{key}\n")
                return build_failed(f"buildctl: unknown flag --{key}")
        env = dict(os.environ)
        for item in opts.build_env:
            key, _, value = item.partition("=")
            env[key] = value
        command.append(context)
        result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        # minikube passes the builder's whole output on to stderr.
        sys.stderr.write(result.stdout)
        sys.stderr.write(result.stderr)
        if result.returncode != 0:
            return build_failed(f"docker build: exit status {result.returncode}")
        inspect = subprocess.run(
            ["docker", "image", "inspect", "--format", "{{.Id}} {{.Size}}", tag],
            capture_output=True,
            text=True,
            check=False,
        )
        if inspect.returncode != 0:
            return build_failed(f"image {tag} not found after the build")
        image_id, size = inspect.stdout.split()
        full = normalise_image(tag)
        images = [i for i in data.get("Images", []) if i["tag"] != full]
        images.append({"tag": full, "local": tag, "id": image_id, "size": size})
        data["Images"] = images
        self.state.save(data)
        return EX_OK

    def image_ls(self, args: list[str]) -> int:
        parser = UsageError(prog="minikube image ls")
        parser.add_argument("--format", default="short")
        opts = parser.parse_args(args)
        data = self.require()
        running = self.live_status(data) == "Running"
        # Images whose Docker image is gone (pruned) are gone from the node too.
        present = []
        for image in data.get("Images", []) if running else []:
            check = subprocess.run(
                ["docker", "image", "inspect", "--format", "{{.Id}}", image["local"]],
                capture_output=True,
                text=True,
                check=False,
            )
            if check.returncode == 0 and check.stdout.strip() == image["id"]:
                present.append(image)
        # containerd lists images in no particular order; neither does the double.
        random.shuffle(present)
        if opts.format == "json":
            document = [{"id": i["id"], "repoDigests": [], "repoTags": [i["tag"]], "size": i["size"]} for i in present]
            print(json.dumps(document, separators=(",", ":")))
        elif opts.format in ("short", ""):
            for image in present:
                print(image["tag"])
        elif opts.format == "table":
            print("| Image | Tag | Image ID | Size |")
            for image in present:
                name, _, tag = image["tag"].rpartition(":")
                print(f"| {name} | {tag} | {image['id'][7:20]} | {image['size']} |")
        else:
            sys.stderr.write(f"X Exiting due to MK_USAGE: unsupported format {opts.format!r}\n")
            return EX_USAGE
        return EX_OK

    def image_rm(self, args: list[str]) -> int:
        parser = UsageError(prog="minikube image rm")
        parser.add_argument("images", nargs="+")
        opts = parser.parse_args(args)
        data = self.require()
        wanted = {normalise_image(i) for i in opts.images}
        keep = []
        for image in data.get("Images", []):
            if image["tag"] in wanted:
                subprocess.run(["docker", "rmi", image["local"]], capture_output=True, check=False)
            else:
                keep.append(image)
        data["Images"] = keep
        self.state.save(data)
        return EX_OK

    # -- ip / kubectl / update-context
    def ip(self, args: list[str]) -> int:
        parser = UsageError(prog="minikube ip")
        parser.add_argument("-n", "--node", default="")
        parser.parse_args(args)
        data = self.require()
        if self.live_status(data) != "Running":
            raise fail(
                EX_GUEST_NOT_RUNNING,
                "GUEST_NOT_RUNNING",
                f"The control-plane node {self.profile} host is not running: state=Stopped",
                f'To start a cluster, run: "minikube start -p {self.profile}"',
            )
        print(data["Config"]["Nodes"][0]["IP"])
        return EX_OK

    def kubectl(self, args: list[str]) -> int:
        if args and args[0] == "--":
            args = args[1:]
        data = self.require()
        if self.live_status(data) != "Running":
            raise fail(
                EX_GUEST_NOT_RUNNING,
                "GUEST_NOT_RUNNING",
                f"The control-plane node {self.profile} host is not running: state=Stopped",
            )
        harness = self.harness()
        # The harness's kubectl (the cluster's own version) with the profile's context.
        command = [harness.script, "kubectl", "--context", self.profile, *args]
        return subprocess.run(command, env=harness.env(), check=False).returncode

    def update_context(self, args: list[str]) -> int:
        UsageError(prog="minikube update-context").parse_args(args)
        data = self.require()
        if self.live_status(data) != "Running":
            raise fail(
                EX_GUEST_NOT_RUNNING,
                "GUEST_NOT_RUNNING",
                f"The control-plane node {self.profile} host is not running: state=Stopped",
            )
        harness = self.harness()
        if context_configured(self.profile, harness.kubeconfig, user_kubeconfig()):
            say(f'"{self.profile}" context is already correct')
            return EX_OK
        merge_context(self.profile, harness.kubeconfig, user_kubeconfig())
        say(f'"{self.profile}" context has been updated to point to the running API server')
        return EX_OK


# ---------------------------------------------------------------- entry point


def split_global(argv: list[str]) -> tuple[str, list[str]]:
    """Pull -p/--profile (allowed anywhere before '--') out of argv."""
    profile = os.environ.get("MINIKUBE_PROFILE", DEFAULT_PROFILE)
    rest: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            rest += argv[i:]
            break
        if arg in ("-p", "--profile"):
            if i + 1 >= len(argv):
                raise UsageError(prog="minikube").error(f"flag needs an argument: {arg}")
            profile = argv[i + 1]
            i += 2
            continue
        if arg.startswith("--profile="):
            profile = arg.split("=", 1)[1]
        elif arg.startswith("-p") and len(arg) > 2:
            profile = arg[2:].lstrip("=")
        elif arg in ("--alsologtostderr", "--logtostderr") or arg.startswith("-v=") or arg.startswith("--v="):
            pass
        else:
            rest.append(arg)
        i += 1
    return profile, rest


def main(argv: list[str]) -> int:
    started = time.monotonic()
    state = State(os.environ.get("MINIKUBE_DOUBLE_STATE") or os.path.join(os.path.expanduser("~"), ".minikube-double"))
    profile = "minikube"
    code = EX_PROGRAM_ERROR
    try:
        profile, rest = split_global(argv)
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", profile):
            raise fail(EX_USAGE, "MK_USAGE", f'profile name "{profile}" is not valid')
        minikube = Minikube(state, profile)
        commands = {
            "version": minikube.version,
            "start": minikube.start,
            "stop": minikube.stop,
            "delete": minikube.delete,
            "status": minikube.status,
            "profile": minikube.profile_cmd,
            "addons": minikube.addons,
            "image": minikube.image,
            "ip": minikube.ip,
            "kubectl": minikube.kubectl,
            "update-context": minikube.update_context,
        }
        if not rest or rest[0] not in commands:
            name = rest[0] if rest else ""
            sys.stderr.write(f'Error: unknown command "{name}" for "minikube"\nRun \'minikube --help\' for usage.\n')
            code = EX_USAGE
        else:
            with state.locked():
                code = commands[rest[0]](rest[1:])
    except Exit as stop:
        code = stop.code
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        state.log(argv, profile, code, started)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
