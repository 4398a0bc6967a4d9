"""The minikube command-line contract the project relies on, as a table of cases.

Each case is one minikube invocation that a role, a playbook or the clean
stage makes (or a refusal they must understand), with what is compared:
the exit code always, stdout and stderr each in one of these modes:

``text``    the exact text, after normalisation
``json``    one JSON document, compared as data
``events``  CloudEvents lines (``--output=json`` progress and errors): their
            types and data, in order; ids are random and ignored
``reason``  the ``Exiting due to REASON`` lines minikube prints before exiting
``profiles`` ``profile list --output=json``: per profile, the fields the roles read
``first-line``, ``last-line``  that line only (a tool's usage text, a builder's log)
``empty``   nothing at all

Two implementations answer the cases: the real minikube binary (built from
source by tests/harness/minikube-build.sh) and the test double
(tests/doubles/bin/minikube). ``record.py`` runs the real binary and writes its
normalised answers under ``recordings/``; ``test_contract.py`` holds both
implementations to those recordings.

Cases marked ``needs="cluster"`` need a running cluster. They run against
the double (on the harness's control plane) always, and against the real
binary only when a real cluster is up (``SRE_MINIKUBE_REAL_HOME``).
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
RECORDINGS = os.path.join(HERE, "recordings")
DOUBLE = os.path.join(TOP, "tests", "doubles", "bin", "minikube")
BUILD_SCRIPT = os.path.join(TOP, "tests", "harness", "minikube-build.sh")

sys.path.insert(0, os.path.join(TOP, "tools"))
import product_facts  # noqa: E402

# The profile every no-cluster case names: it never exists.
GHOST = "ghost"
# The profile of the cluster cases: the one tests/harness/real-cluster.sh starts.
CLUSTER_PROFILE = "sre-real"
# How the double's cluster is started, to match that real cluster.
DOUBLE_CLUSTER_START = (
    "start",
    "-p",
    CLUSTER_PROFILE,
    "--driver=docker",
    "--container-runtime=containerd",
    "--cni=bridge",
)
# A build context whose build fails: the file it copies is missing.
# (In a directory of its own: minikube puts its temporary files in the scratch directory.)
BROKEN_BUILD = (("context/Dockerfile", "FROM scratch\nCOPY missing.txt /missing.txt\n"),)
# A build context that needs its build argument: the file it copies is named by it.
ARG_BUILD = (
    ("context/Dockerfile", "FROM scratch\nARG NAME\nCOPY ${NAME} /copied\n"),
    ("context/present.txt", "here\n"),
)


@dataclasses.dataclass(frozen=True)
class Case:
    id: str
    argv: tuple[str, ...]
    stdout: str
    stderr: str
    # "none": an empty minikube home; "no-docker": and no docker client on
    # PATH; "docker-down": and DOCKER_HOST on a socket nobody serves; "root":
    # run as root (the docker driver's refusal); "cluster": a running cluster.
    needs: str = "none"
    # Which role, playbook or module relies on it.
    used_by: str = ""
    # Files written into the scratch directory (the working directory) first.
    files: tuple[tuple[str, str], ...] = ()


CASES: tuple[Case, ...] = (
    # -- version: minikube_install reads it to decide whether to download.
    Case("version-json", ("version", "--output=json"), "json", "empty", used_by="minikube_install"),
    Case("version-short", ("version", "--short"), "text", "empty", used_by="minikube_install"),
    Case("version-text", ("version",), "text", "empty", used_by="docs/minikube_install.md"),
    # -- profiles: cluster_addons, dns_resolver (macOS), playbooks/clean.yml.
    Case("profile-list-json-empty", ("profile", "list", "--output=json"), "json", "empty", used_by="cluster_addons"),
    Case("profile-list-text-empty", ("profile", "list"), "text", "text", used_by="docs/cluster_addons.md"),
    # -- status: cluster_addons gates `start` on it.
    Case("status-json-unknown", ("status", "-p", GHOST, "--output=json"), "events", "empty", used_by="cluster_addons"),
    Case("status-json-unknown-short-flags", ("-p", GHOST, "status", "-o", "json"), "events", "empty"),
    Case("status-text-unknown", ("status", "-p", GHOST), "text", "empty", used_by="docs/cluster_addons.md"),
    # The default profile is named in no suggestion: `minikube start` alone makes it.
    Case("status-text-default-profile", ("status",), "text", "empty", used_by="docs/cluster_addons.md"),
    Case("status-json-default-profile", ("status", "--output=json"), "events", "empty", used_by="cluster_addons"),
    Case("ip-default-profile", ("ip",), "text", "empty", used_by="dns_resolver"),
    # -- ip: dns_resolver reads the address its nameserver gets.
    Case("ip-unknown", ("ip", "-p", GHOST), "text", "empty", used_by="dns_resolver"),
    # -- addons: cluster_addons lists, then enables what is disabled.
    Case("addons-list-json-unknown", ("addons", "list", "-p", GHOST, "--output=json"), "json", "empty", "none"),
    Case(
        "addons-enable-unknown", ("addons", "enable", "ingress", "-p", GHOST), "text", "empty", used_by="cluster_addons"
    ),
    Case("addons-enable-not-an-addon", ("addons", "enable", "no-such-addon", "-p", GHOST), "text", "empty"),
    Case(
        "addons-disable-unknown",
        ("addons", "disable", "ingress", "-p", GHOST),
        "text",
        "empty",
        used_by="cluster_addons",
    ),
    # -- images: image_build builds, then checks with `image ls`.
    Case(
        "image-ls-json-unknown", ("image", "ls", "--format=json", "-p", GHOST), "text", "reason", used_by="image_build"
    ),
    Case("image-build-unknown", ("-p", GHOST, "image", "build", "-t", "app:1", "."), "text", "reason", "none"),
    # -- delete: playbooks/clean.yml and cluster_addons' recreate.
    Case("delete-unknown", ("delete", "-p", GHOST), "text", "text", used_by="playbooks/clean.yml"),
    Case("update-context-unknown", ("update-context", "-p", GHOST), "text", "empty", used_by="cluster_addons"),
    # -- node add: sre.minikube.minikube_start adds the nodes a cluster lacks, one call each. It prints text
    # only: --output is not one of its flags.
    Case("node-add-unknown", ("node", "add", "-p", GHOST), "text", "empty", used_by="sre.minikube.minikube_start"),
    Case("node-add-json-refused", ("node", "add", "-p", GHOST, "--output=json"), "empty", "text"),
    # -- one node's own images: image_build asks each node of a cluster of several (`image ls` merges them).
    Case(
        "ssh-node-images-unknown",
        ("ssh", "-p", GHOST, "-n", f"{GHOST}-m02", "--", "sudo", "crictl", "images", "--output", "json"),
        "text",
        "empty",
        used_by="sre.minikube.minikube_images",
    ),
    # -- start refusals: cluster_addons turns each exit code into advice.
    Case("start-unknown-flag", ("start", "-p", GHOST, "--no-such-flag"), "empty", "text", used_by="cluster_addons"),
    Case("start-bad-driver", ("start", "-p", GHOST, "--driver=hovercraft"), "text", "text", used_by="cluster_addons"),
    Case("start-bad-runtime", ("start", "-p", GHOST, "--container-runtime=rkt"), "text", "text"),
    Case("start-one-cpu", ("start", "-p", GHOST, "--driver=docker", "--cpus=1"), "text", "text"),
    Case("start-little-memory", ("start", "-p", GHOST, "--driver=docker", "--memory=1000"), "text", "text"),
    Case(
        "start-ancient-kubernetes",
        ("start", "-p", GHOST, "--driver=docker", "--kubernetes-version=v1.2.3"),
        "text",
        "text",
    ),
    Case("start-no-docker", ("start", "-p", GHOST, "--driver=docker"), "text", "text", needs="no-docker"),
    Case("start-docker-down", ("start", "-p", GHOST, "--driver=docker"), "text", "text", needs="docker-down"),
    # The same refusals with --output=json, as sre.minikube.minikube_start runs it: step events
    # (its progress lines), then one error event with the reason, the advice and the exit code.
    Case(
        "start-one-cpu-json",
        ("start", "-p", GHOST, "--driver=docker", "--cpus=1", "--output=json"),
        "events",
        "empty",
        used_by="sre.minikube.minikube_start",
    ),
    Case(
        "start-bad-driver-json",
        ("start", "-p", GHOST, "--driver=hovercraft", "--output=json"),
        "events",
        "empty",
        used_by="sre.minikube.minikube_start",
    ),
    Case(
        "start-docker-down-json",
        ("start", "-p", GHOST, "--driver=docker", "--output=json"),
        "events",
        "empty",
        needs="docker-down",
        used_by="sre.minikube.minikube_start",
    ),
    # As root (the test machines), the docker driver is refused without --force.
    Case("start-docker-as-root", ("start", "-p", GHOST, "--driver=docker", "--cni=bridge"), "text", "text", "root"),
    # -- on a running cluster.
    Case("status-json-running", ("status", "-p", CLUSTER_PROFILE, "--output=json"), "json", "empty", "cluster"),
    Case("status-text-running", ("status", "-p", CLUSTER_PROFILE), "text", "empty", "cluster"),
    Case("ip-running", ("ip", "-p", CLUSTER_PROFILE), "text", "empty", "cluster", used_by="dns_resolver"),
    Case("profile-list-json-running", ("profile", "list", "--output=json"), "profiles", "empty", "cluster"),
    Case(
        "addons-list-json-running",
        ("addons", "list", "-p", CLUSTER_PROFILE, "--output=json"),
        "json",
        "empty",
        "cluster",
    ),
    Case(
        "addons-enable-not-an-addon-running",
        ("addons", "enable", "no-such-addon", "-p", CLUSTER_PROFILE),
        "text",
        "reason",
        "cluster",
    ),
    # The quirk image_build guards against: a failed build exits 0.
    Case(
        "image-build-broken-running",
        ("-p", CLUSTER_PROFILE, "image", "build", "-t", "contract-broken:1", "context"),
        "empty",
        "reason",
        "cluster",
        used_by="image_build",
        files=BROKEN_BUILD,
    ),
    # Build arguments on containerd (BuildKit): `--build-opt=opt=build-arg:NAME=VALUE`
    # builds; the docker runtime's `--build-opt=build-arg=NAME=VALUE` is an unknown
    # buildctl flag, and minikube still exits 0.
    Case(
        "image-build-arg-containerd-running",
        (
            "-p",
            CLUSTER_PROFILE,
            "image",
            "build",
            "-t",
            "contract-arg:1",
            "--build-opt=opt=build-arg:NAME=present.txt",
            "context",
        ),
        "empty",
        "reason",
        "cluster",
        used_by="image_build",
        files=ARG_BUILD,
    ),
    Case(
        "image-build-arg-docker-style-running",
        (
            "-p",
            CLUSTER_PROFILE,
            "image",
            "build",
            "-t",
            "contract-arg:2",
            "--build-opt=build-arg=NAME=present.txt",
            "context",
        ),
        "first-line",
        "last-line",
        "cluster",
        used_by="image_build",
        files=ARG_BUILD,
    ),
)

CASES_BY_ID = {case.id: case for case in CASES}


# ---------------------------------------------------------------- running an implementation


def real_binary() -> str:
    """Path of the real binary in the cache (built or not: the caller checks)."""
    out = subprocess.run([BUILD_SCRIPT, "--paths"], capture_output=True, text=True, check=True).stdout
    return out.strip().split("=", 1)[1]


@dataclasses.dataclass
class Answer:
    exit: int
    stdout: str
    stderr: str

    def as_dict(self) -> dict:
        return {"exit": self.exit, "stdout": self.stdout, "stderr": self.stderr}


def environment(implementation: str, case: Case, scratch: str, cluster: dict | None = None) -> dict:
    """A hermetic environment: nothing of the user's minikube or kubeconfig is read or written."""
    env = {
        key: value for key, value in os.environ.items() if not key.startswith(("MINIKUBE_", "KUBECONFIG", "DOCKER_"))
    }
    env.update(
        HOME=os.path.join(scratch, "home"),
        KUBECONFIG=os.path.join(scratch, "kubeconfig"),
        # No update check and no emoji: what a role sees without a TTY.
        MINIKUBE_WANTUPDATENOTIFICATION="false",
        MINIKUBE_IN_STYLE="false",
        LC_ALL="C.UTF-8",
        # minikube leaves a log file behind for each failure it reports.
        TMPDIR=scratch,
    )
    # The double keeps its state apart; it is given minikube's home all the same
    # (minikube prints the MINIKUBE_* variables it sees).
    env["MINIKUBE_HOME"] = os.path.join(scratch, "minikube-home")
    if implementation == "double":
        env["MINIKUBE_DOUBLE_STATE"] = os.path.join(scratch, "double-state")
        # The real binary refuses the docker driver as root; so does the double when asked.
        env["MINIKUBE_DOUBLE_ROOT_CHECK"] = "1"
    if case.needs == "no-docker":
        env["PATH"] = os.path.join(scratch, "empty-bin") + os.pathsep + os.path.dirname(sys.executable)
        os.makedirs(os.path.join(scratch, "empty-bin"), exist_ok=True)
    elif case.needs == "docker-down":
        env["DOCKER_HOST"] = "unix://" + os.path.join(scratch, "nobody-serves.sock")
    if case.needs == "cluster":
        if not cluster:
            raise ValueError(f"{case.id} needs a running cluster")
        # The cluster's own minikube home (or double state) and kubeconfig;
        # the user's home, where the harness that runs it keeps its state.
        env.update(cluster, HOME=os.environ.get("HOME", env["HOME"]))
    os.makedirs(env["HOME"], exist_ok=True)
    return env


def run(
    implementation: str, case: Case, scratch: str, binary: str | None = None, cluster: dict | None = None
) -> Answer:
    """Run one case on one implementation ("real" or "double") in scratch.

    cluster: for the cluster cases, the environment that points the
    implementation at its running cluster (see real_cluster_env).
    """
    for name, text in case.files:
        os.makedirs(os.path.dirname(os.path.join(scratch, name)), exist_ok=True)
        with open(os.path.join(scratch, name), "w", encoding="utf-8") as handle:
            handle.write(text)
    command = [binary or real_binary()] if implementation == "real" else [sys.executable, DOUBLE]
    result = subprocess.run(
        [*command, *case.argv],
        cwd=scratch,
        env=environment(implementation, case, scratch, cluster),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    return Answer(result.returncode, normalise(result.stdout, scratch), normalise(result.stderr, scratch))


# ---------------------------------------------------------------- normalisation and comparison

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_COMMIT = re.compile(r'("commit":\s*"|commit: )[0-9a-f]*')
# What `start` prints of the machine it runs on, and the drivers it found there.
_HOST = re.compile(r"^(\* \[[^\]]*\] minikube v\S+ on ).*$", re.MULTILINE)
# The same line as the message of --output=json's first step event.
_HOST_EVENT = re.compile(r'("message":"\[[^\]"]*\] minikube v[^ "]+ on )[^"]*"')
_CHOICES = re.compile(r"(Other choices: ).*$", re.MULTILINE)
# `start` lists the MINIKUBE_* variables it sees; the double's own knobs are not minikube's.
_DOUBLE_KNOBS = re.compile(r"^  - MINIKUBE_DOUBLE_[A-Z_]+=.*\n", re.MULTILINE)
# The log file named in minikube's "please let us know" box.
_LOG_FILE = re.compile(r"minikube_[a-z_]+_[0-9a-f]{40}_[0-9]+\.log")
# Image names as containerd lists them carry the default registry's domain;
# assembled here so that no registry host is written in the repository.
_DEFAULT_DOMAIN = ".".join(("docker", "io"))
# Node addresses: the real node's on its Docker network, the double's on loopback.
_IPV4 = re.compile(r"\b(?:[0-9]{1,3}\.){3}[0-9]{1,3}\b")


def normalise(text: str, scratch: str) -> str:
    """Replace what differs between runs and machines: paths, ids, build commits, the host."""
    text = text.replace(os.path.realpath(scratch), "<scratch>").replace(scratch, "<scratch>")
    text = _UUID.sub("<uuid>", text)
    text = _LOG_FILE.sub("<log file>", text)
    text = _IPV4.sub("<ip>", text)
    text = text.replace(_DEFAULT_DOMAIN + "/", "<default domain>/")
    text = _COMMIT.sub(r"\1<commit>", text)
    text = _HOST.sub(r"\1<host>", text)
    text = _HOST_EVENT.sub(r'\1<host>"', text)
    text = _CHOICES.sub(r"\1<drivers>", text)
    return _DOUBLE_KNOBS.sub("", text)


def events(text: str) -> list[dict]:
    """CloudEvents lines as (type, data) records; other lines are kept as text."""
    found = []
    for line in text.splitlines():
        try:
            item = json.loads(line)
        except ValueError:
            found.append({"text": line})
            continue
        found.append({"type": item.get("type"), "data": item.get("data")})
    return found


def profiles(text: str) -> list[dict]:
    """What the roles read of `profile list --output=json`: per valid profile, these fields."""
    document = json.loads(text)
    return [
        {
            "Name": entry["Name"],
            "Status": entry["Status"],
            "ActiveKubeContext": entry["ActiveKubeContext"],
            "Driver": entry["Config"]["Driver"],
            "ContainerRuntime": entry["Config"]["KubernetesConfig"]["ContainerRuntime"],
            "KubernetesVersion": entry["Config"]["KubernetesConfig"]["KubernetesVersion"],
            "CNI": entry["Config"]["KubernetesConfig"]["CNI"],
            "NodeIPs": [node["IP"] for node in entry["Config"]["Nodes"]],
            "Addons": entry["Config"]["Addons"],
        }
        # "invalid" is left out: minikube also lists there the node containers
        # of other minikube homes on the machine, whatever ran before.
        for entry in document["valid"]
    ]


def reasons(text: str) -> list[str]:
    return re.findall(r"Exiting due to ([A-Z0-9_]+)", text)


def view(mode: str, text: str):
    """What a mode compares of a stream."""
    if mode == "text":
        return text
    if mode == "json":
        return json.loads(text) if text.strip() else text
    if mode == "events":
        return events(text)
    if mode == "reason":
        return reasons(text)
    if mode == "profiles":
        return profiles(text)
    if mode == "first-line":
        return text.splitlines()[:1]
    if mode == "last-line":
        return text.splitlines()[-1:]
    if mode == "empty":
        return text
    raise ValueError(f"unknown comparison mode {mode!r}")


def differences(case: Case, expected: dict, actual: Answer) -> list[str]:
    """What differs between a recording and an answer, in words; empty when they agree."""
    found = []
    if actual.exit != expected["exit"]:
        found.append(f"exit {actual.exit}, recorded {expected['exit']}")
    for stream, mode in (("stdout", case.stdout), ("stderr", case.stderr)):
        got = getattr(actual, stream)
        if mode == "empty":
            if got:
                found.append(f"{stream} should be empty, got {got!r}")
            continue
        try:
            mine = view(mode, got)
        except ValueError as error:
            found.append(f"{stream} is not {mode}: {error}: {got!r}")
            continue
        theirs = view(mode, expected[stream])
        if mine != theirs:
            found.append(f"{stream} ({mode}) differs:\n  got      {mine!r}\n  recorded {theirs!r}")
    return found


def real_cluster_env() -> dict | None:
    """The environment of the real cluster (tests/harness/real-cluster.sh), when one is named.

    SRE_MINIKUBE_REAL_HOME is that cluster's minikube home; its profile must
    be CLUSTER_PROFILE and its kubeconfig is <home>/kubeconfig.
    """
    home = os.environ.get("SRE_MINIKUBE_REAL_HOME")
    if not home:
        return None
    return {"MINIKUBE_HOME": home, "KUBECONFIG": os.path.join(home, "kubeconfig")}


def real_cluster_kubernetes_version() -> str:
    """The Kubernetes version the real cluster runs: the product's (tools/product_facts.py kubernetes-version)."""
    return product_facts.kubernetes_version()


def recording_path(case: Case) -> str:
    return os.path.join(RECORDINGS, f"{case.id}.json")


def load_recording(case: Case) -> dict | None:
    try:
        with open(recording_path(case), encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        return None
