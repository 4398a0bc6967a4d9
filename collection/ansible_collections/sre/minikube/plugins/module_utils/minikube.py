# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run minikube and read what it answers: its JSON, its CloudEvents lines and its exit codes.

Everything the collection knows about minikube's command line lives here:
which command answers which question (COMMANDS), how its output is parsed,
what its exit codes mean and what to do about them (EXIT_HINTS), and where
minikube keeps a profile's folder, in which the stack marks the profiles it
created (OWNER_MARK). The modules (minikube_version, minikube_profile_info,
minikube_addons, minikube_start, minikube_delete, minikube_images) only call
this, through one Minikube context per call site that binds the binary and
the profile once.

Commands are run by a ``runner``: a callable that takes an argv list and
returns ``(rc, stdout, stderr)``, like AnsibleModule.run_command, so that the
tests can drive the parsers with the recorded answers of the real binary
(tests/minikube_contract/recordings).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import threading
import time

# minikube's exit codes (its "reason" codes) that the collection acts on.
EX_OK = 0
EX_USAGE = 14
EX_ADDON_ERROR = 10
EX_GUEST_NOT_RUNNING = 83
EX_PROFILE_NOT_FOUND = 85

# `minikube status` exits with a bit mask of what is not running (1: the
# host, 2: the cluster, 4: the kubeconfig context), or 85 without a profile.
STATUS_HOST_DOWN = 1
STATUS_CLUSTER_DOWN = 2
STATUS_CONTEXT_STALE = 4
STATUS_BITS = 7

# The CloudEvents types minikube prints with --output=json.
EVENT_PREFIX = "io.k8s.sigs.minikube."

# The line builders print before the error that fails the build.
_BUILD_ERROR = re.compile(r"^(error: |ERROR: |#\d+ ERROR: )")
_EXITING = re.compile(r"Exiting due to ([A-Z0-9_]+): (.*)")


def argument_spec(profile=False):
    """The options every minikube_* module takes (documented by the sre.minikube.minikube doc fragment)."""
    spec = {"binary": {"type": "str", "default": "minikube"}}
    if profile:
        spec["profile"] = {"type": "str", "required": True}
    return spec


def common_checks(params):
    """The input checks of argument_spec()'s options (sre.minikube.inputs rules), for inputs.refuse()."""
    checks = [{"name": "binary", "value": params["binary"], "rule": "path"}]
    if "profile" in params:
        checks.append({"name": "profile", "value": params["profile"], "rule": "minikube_profile"})
    return checks


class MinikubeError(Exception):
    """A minikube command that failed, with what minikube said about it.

    ``reason`` (e.g. RSRC_INSUFFICIENT_CORES), ``message``, ``advice``, ``url``
    and ``issues`` come from minikube's error event (--output=json) or its
    ``Exiting due to`` line; ``hint`` is the caller's own advice for the exit code.
    """

    def __init__(self, argv, rc, message, reason="", advice="", url="", issues="", hint="", output=""):
        self.argv = list(argv)
        self.rc = rc
        self.message = message
        self.reason = reason
        self.advice = advice
        self.url = url
        self.issues = issues
        self.hint = hint
        self.output = output
        super().__init__(self.describe())

    def describe(self):
        """The failure as text that reads well in a terminal, one fact a line."""
        reason = f" ({self.reason})" if self.reason else ""
        lines = [f"`{command_line(self.argv)}` failed with exit code {self.rc}{reason}"]
        if self.message:
            lines.append(f"minikube: {self.message}")
        if self.advice:
            lines.append(f"minikube's advice: {self.advice}")
        if self.url:
            lines.append(f"documentation: {self.url}")
        if self.issues:
            lines.append(f"related issues: {self.issues}")
        if self.hint:
            lines.append(f"what to do: {self.hint}")
        return "\n".join(lines)

    def as_dict(self):
        return {
            "rc": self.rc,
            "reason": self.reason,
            "message": self.message,
            "advice": self.advice,
            "url": self.url,
            "issues": self.issues,
            "command": command_line(self.argv),
        }


def command_line(argv):
    """argv as a shell command line a user can paste."""
    return " ".join(shlex.quote(str(part)) for part in argv)


# ---------------------------------------------------------------- CloudEvents


class Event:
    """One line of minikube's --output=json: a CloudEvent, or plain text when it is not JSON."""

    def __init__(self, kind, data, text=""):
        self.kind = kind
        self.data = data
        self.text = text

    def __repr__(self):
        return f"Event({self.kind!r}, {self.data!r})"

    def get(self, key):
        value = self.data.get(key, "")
        return "" if value is None else str(value)

    @property
    def message(self):
        return self.get("message") if self.kind != "text" else self.text

    def line(self):
        """The event as one readable line: ``[3/19] Pulling base image ...``; '' for nothing to show."""
        if self.kind == "step":
            current, total = self.get("currentstep"), self.get("totalsteps")
            if current and total:
                return f"[{int(current) + 1}/{total}] {self.message}" if current.isdigit() else self.message
            return self.message
        if self.kind == "download":
            progress = self.get("progress")
            return f"downloading {self.get('artifact')}: {progress}" if progress else ""
        if self.kind == "warning":
            return f"warning: {self.message}"
        if self.kind == "error":
            return f"error: {self.get('name')}: {self.message}" if self.get("name") else f"error: {self.message}"
        return self.message


def parse_event(line):
    """One output line as an Event; None for an empty line."""
    line = line.strip()
    if not line:
        return None
    try:
        item = json.loads(line)
    except ValueError:
        return Event("text", {}, text=line)
    if not isinstance(item, dict) or not str(item.get("type", "")).startswith(EVENT_PREFIX):
        return Event("text", {}, text=line)
    data = item.get("data") if isinstance(item.get("data"), dict) else {}
    return Event(item["type"][len(EVENT_PREFIX) :], data)


def parse_events(text):
    return [event for event in (parse_event(line) for line in text.splitlines()) if event is not None]


def error_from(argv, rc, stdout, stderr, hint=""):
    """The MinikubeError for a failed command, from its error event or its Exiting line."""
    events = parse_events(stdout)
    errors = [event for event in events if event.kind == "error"]
    if errors:
        last = errors[-1]
        return MinikubeError(
            argv,
            rc,
            last.message,
            reason=last.get("name"),
            advice=last.get("advice"),
            url=last.get("url"),
            issues=last.get("issues"),
            hint=hint,
            output=stderr,
        )
    match = _EXITING.search(stderr) or _EXITING.search(stdout)
    if match:
        suggestion = re.search(r"^\* Suggestion: (.*)$", stderr, re.MULTILINE)
        documentation = re.search(r"^\* Documentation: (.*)$", stderr, re.MULTILINE)
        return MinikubeError(
            argv,
            rc,
            match.group(2).strip(),
            reason=match.group(1),
            advice=suggestion.group(1).strip() if suggestion else "",
            url=documentation.group(1).strip() if documentation else "",
            hint=hint,
            output=stderr,
        )
    # Usage errors, "profile not found" and other plain text: the meaningful lines.
    said = [event.message for event in events if event.kind in ("text", "info", "warning") and event.message]
    said += [line.strip() for line in stderr.splitlines() if line.strip() and line.strip()[0] not in "│╭╰*"]
    return MinikubeError(argv, rc, " ".join(said[:4]), hint=hint, output=stderr)


# ---------------------------------------------------------------- running


def stream(argv, on_event, env=None, cwd=None, on_stderr=None):
    """Run argv, calling on_event(Event) for each stdout line as it arrives.

    Returns (rc, stdout, stderr). stderr is read on a side thread, so that a
    chatty stderr cannot block the process; on_stderr(line), when given, is
    called with each of its lines as it arrives.
    """
    process = subprocess.Popen(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=cwd,
        text=True,
        errors="replace",
        bufsize=1,
    )
    errors = []

    def read_stderr():
        for line in process.stderr:
            errors.append(line)
            if on_stderr is not None:
                on_stderr(line)

    reader = threading.Thread(target=read_stderr, daemon=True)
    reader.start()
    lines = []
    for line in process.stdout:
        lines.append(line)
        event = parse_event(line)
        if event is not None:
            on_event(event)
    rc = process.wait()
    reader.join()
    return rc, "".join(lines), "".join(errors)


def run(argv):
    """Run argv without input; (rc, stdout, stderr). Raises OSError when it cannot be started.

    The runner of a caller without an AnsibleModule (the plan, and the action plugins that work in the controller).
    """
    done = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True, errors="replace", check=False)
    return done.returncode, done.stdout, done.stderr


def together(*calls):
    """Call each function on its own thread, so that the commands they run overlap; their outcomes in order.

    Each outcome is ``(value, None)``, or ``(None, exception)`` for what the
    call raised: the caller decides which failures matter. The calls must
    not end the process (AnsibleModule.fail_json): give them a runner that
    raises instead.
    """
    outcomes = [(None, None)] * len(calls)

    def call(index, function):
        try:
            outcomes[index] = (function(), None)
        except Exception as error:  # handed to the caller, who raises what matters
            outcomes[index] = (None, error)

    threads = [threading.Thread(target=call, args=(index, function)) for index, function in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


class ProgressFile:
    """Appends readable progress lines to a file that another process reads as it grows."""

    def __init__(self, path):
        self.path = path
        # stdout and stderr are read on two threads.
        self.lock = threading.Lock()
        if path:
            directory = os.path.dirname(path)
            if directory:
                os.makedirs(directory, mode=0o700, exist_ok=True)

    def write(self, text):
        if not self.path or not text:
            return
        with self.lock, open(self.path, "a", encoding="utf-8") as handle:
            handle.write(text.rstrip("\n") + "\n")
            handle.flush()

    def on_event(self, event):
        # Info events repeat the environment and other details; the steps,
        # warnings, errors and downloads are the progress.
        if event.kind != "info":
            self.write(event.line())


# Every command line the collection runs, after the binary, declared once.
# "{profile}" is the profile the context is bound to; "{name}" a value the
# call gives. The orders are those of the contract's recordings
# (tests/minikube_contract), which minikube accepts as they are.
COMMANDS = {
    "version": ("version", "--output=json"),
    "profile list": ("profile", "list", "--output=json"),
    "status": ("status", "-p", "{profile}", "--output=json"),
    "update-context": ("update-context", "-p", "{profile}"),
    "ip": ("ip", "-p", "{profile}"),
    "addons list": ("addons", "list", "-p", "{profile}", "--output=json"),
    "addons enable": ("addons", "enable", "{name}", "-p", "{profile}"),
    "addons disable": ("addons", "disable", "{name}", "-p", "{profile}"),
    "start": ("start", "-p", "{profile}"),
    # No --output=json: `node add` has no such flag and prints text.
    "node add": ("node", "add", "-p", "{profile}"),
    "delete": ("delete", "-p", "{profile}"),
    "image ls": ("image", "ls", "--format=json", "-p", "{profile}"),
    "image build": ("-p", "{profile}", "image", "build", "-t", "{name}"),
    # One node's own images ("{name}": its machine name), as minikube lists them inside a node: `image ls`
    # merges every node's, which cannot tell that one node lacks an image.
    "node images": ("ssh", "-p", "{profile}", "-n", "{name}", "--", "sudo", "crictl", "images", "--output", "json"),
}


class Minikube:
    """minikube bound to one binary and, for the commands that act on a cluster, one profile.

    A call site builds one context (like community.general's CmdRunner
    context) and asks it questions; every command line comes from COMMANDS,
    every failure carries the hint of its exit code (exit_hint).
    """

    def __init__(self, binary, runner, profile="", environ=None):
        self.binary = binary
        self.runner = runner
        self.profile = profile
        # The environment minikube runs in: it decides where minikube's home is.
        self.environ = os.environ if environ is None else environ

    def with_runner(self, runner):
        """The same binary and profile, run by another runner."""
        return Minikube(self.binary, runner, self.profile, self.environ)

    def argv(self, command, *tail, name=""):
        """The command line of one of COMMANDS, with the bound profile, then tail."""
        template = COMMANDS[command]
        if "{profile}" in template and not self.profile:
            raise ValueError(f"minikube {command} acts on a profile, and this context is bound to none")
        return [self.binary, *(part.format(profile=self.profile, name=name) for part in template), *tail]

    def error(self, argv, rc, stdout, stderr):
        """The MinikubeError of a failed command, with the hint of its exit code."""
        return error_from(argv, rc, stdout, stderr, hint=exit_hint(rc, self.profile, stdout + stderr))

    def run(self, command, *tail, name=""):
        argv = self.argv(command, *tail, name=name)
        rc, stdout, stderr = self.runner(argv)
        return argv, rc, stdout, stderr

    def check(self, command, *tail, name=""):
        """Run a command that must succeed; its command line and stdout."""
        argv, rc, stdout, stderr = self.run(command, *tail, name=name)
        if rc != 0:
            raise self.error(argv, rc, stdout, stderr)
        return argv, stdout

    def json(self, command, *tail):
        argv, stdout = self.check(command, *tail)
        try:
            return json.loads(stdout)
        except ValueError:
            raise MinikubeError(argv, 0, f"the output is not JSON: {stdout[:200]!r}") from None

    # -- version
    def version(self):
        """The version the binary reports (v1.38.1); '' when it does not run or answers otherwise."""
        try:
            _argv, rc, stdout, _stderr = self.run("version")
        except OSError:
            return ""
        if rc != 0:
            return ""
        try:
            document = json.loads(stdout)
        except ValueError:
            return ""
        return str(document.get("minikubeVersion", "")) if isinstance(document, dict) else ""

    # -- profiles
    def profiles(self):
        """Every profile minikube lists: name -> dict (valid, driver, runtime, CNI, Kubernetes version, node IPs)."""
        document = self.json("profile list")
        found = {}
        for validity in ("valid", "invalid"):
            for entry in document.get(validity) or []:
                found[entry["Name"]] = describe_profile(entry, validity == "valid")
        return found

    def status(self):
        """The profile's state from `minikube status`'s exit code.

        absent (no such profile), running, stale-context (running, but the
        kubeconfig context is missing or points elsewhere) or stopped.
        """
        argv, rc, stdout, stderr = self.run("status")
        if rc == EX_PROFILE_NOT_FOUND:
            return "absent"
        if rc == 0:
            return "running"
        if rc == STATUS_CONTEXT_STALE:
            return "stale-context"
        if 0 < rc <= STATUS_BITS:
            return "stopped"
        raise self.error(argv, rc, stdout, stderr)

    def update_context(self):
        self.check("update-context")

    def ip(self):
        """The address of the profile's control-plane node; fails unless the cluster runs."""
        _argv, stdout = self.check("ip")
        return stdout.strip()

    # -- addons
    def addons(self):
        """Addon name -> enabled (bool)."""
        return {name: (entry or {}).get("Status") == "enabled" for name, entry in self.json("addons list").items()}

    def enable_addon_argv(self, name, extra=()):
        return self.argv("addons enable", *extra, name=name)

    def enable_addon(self, name, extra=()):
        argv = self.enable_addon_argv(name, extra)
        rc, stdout, stderr = self.runner(argv)
        if rc != 0:
            raise self.error(argv, rc, stdout, stderr)

    def disable_addon_argv(self, name):
        return self.argv("addons disable", name=name)

    def disable_addon(self, name):
        argv = self.disable_addon_argv(name)
        rc, stdout, stderr = self.runner(argv)
        if rc != 0:
            raise self.error(argv, rc, stdout, stderr)

    # -- start and delete
    def start_argv(self, options=(), extra=(), events=True):
        """`minikube start`; with events, its --output=json form that reports steps as CloudEvents."""
        tail = ["--output=json"] if events else []
        return self.argv("start", *options, "--interactive=false", *extra, *tail)

    def delete_argv(self):
        return self.argv("delete")

    def node_add_argv(self):
        """`minikube node add`: one worker node more, named after the last one (m02, m03...)."""
        return self.argv("node add")

    def delete(self):
        self.check("delete")

    # -- images
    def images(self):
        """The references (repo:tag) of the images in the profile's container runtime, on any of its nodes."""
        return references(self.json("image ls") or [])

    def node_images(self, node):
        """The references (repo:tag) of the images on one node (its machine name), asked of the node's runtime."""
        argv, stdout = self.check("node images", name=node)
        try:
            document = json.loads(stdout)
        except ValueError:
            raise MinikubeError(argv, 0, f"the output is not JSON: {stdout[:200]!r}") from None
        return references((document or {}).get("images") or [] if isinstance(document, dict) else [])

    def build_argv(self, ref, context, dockerfile="", build_args=None, runtime="containerd", all_nodes=False):
        """`minikube image build`; ALL_NODES: on every node of the cluster (minikube builds on the primary alone)."""
        option = "--build-opt=opt=build-arg:" if runtime == "containerd" else "--build-opt=build-arg="
        tail = ["--all"] if all_nodes else []
        tail += ["-f", dockerfile] if dockerfile else []
        tail += [option + f"{key}={value}" for key, value in sorted((build_args or {}).items())]
        return self.argv("image build", *tail, context, name=ref)

    # -- the profile's folder, and the stack's mark in it
    def folder(self):
        """The profile's folder in minikube's home, where minikube keeps its configuration."""
        if not self.profile:
            raise ValueError("a profile's folder needs a profile, and this context is bound to none")
        return os.path.join(minikube_home(self.environ), "profiles", self.profile)

    def owner_mark(self):
        return os.path.join(self.folder(), OWNER_MARK)

    def owned(self):
        """Whether the stack created the profile: its folder holds the mark written when it was created."""
        return os.path.isfile(self.owner_mark())

    def mark_owner(self, created=None):
        """Mark the profile as created by the stack (created: when, UTC, now by default); the mark's path.

        Raises MarkError when the profile has no folder where minikube keeps them.
        """
        if not os.path.isdir(self.folder()):
            raise MarkError(
                f"`minikube start -p {self.profile}` created the profile, but its folder {self.folder()} does not "
                "exist, so the profile cannot be marked as this project's and `make clean CLUSTER=1` would refuse "
                "to delete it. minikube keeps its profiles in $MINIKUBE_HOME/.minikube (or ~/.minikube): run "
                "minikube and the playbook with the same HOME and MINIKUBE_HOME."
            )
        path = self.owner_mark()
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(mark_text(self.profile, created or time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())))
        os.chmod(path, 0o644)
        return path


# The label minikube gives its primary node (the first, control-plane node;
# the others are labelled "false"), as a pod's nodeSelector. The host reaches
# the cluster at that node's address, and minikube's storage provisioner,
# whose pod runs there from the cluster's first start, makes every volume
# as a directory of that node.
PRIMARY_NODE_SELECTOR = {"minikube.k8s.io/primary": "true"}

# The file, in a profile's folder, that marks a profile the stack created. It
# lives exactly as long as the profile: `minikube delete` removes the folder.
OWNER_MARK = "sre-minikube-owner"


class MarkError(Exception):
    """The profile cannot be marked: it has no folder where minikube keeps them."""


def minikube_home(environ):
    """minikube's home (the folder holding profiles/), by minikube's rule.

    $MINIKUBE_HOME itself when it ends in .minikube, else $MINIKUBE_HOME/.minikube;
    ~/.minikube when it is unset or empty.
    """
    home = environ.get("MINIKUBE_HOME") or ""
    if not home:
        return os.path.join(environ.get("HOME") or os.path.expanduser("~"), ".minikube")
    home = home.rstrip("/") or "/"
    return home if os.path.basename(home) == ".minikube" else os.path.join(home, ".minikube")


def mark_text(profile, created):
    """What the mark says: which profile, when, and what it is for."""
    return (
        f'{OWNER_MARK}: sre.minikube created the minikube profile "{profile}"\n'
        f"created: {created}\n"
        "`make clean CLUSTER=1` (playbooks/clean.yml, sre_minikube_clean_cluster=true) deletes only a profile whose\n"
        f"folder holds this file. minikube removes it with the profile (`minikube delete -p {profile}`).\n"
    )


def describe_profile(entry, valid):
    """What the roles read of one `profile list` entry."""
    config = entry.get("Config") or {}
    kubernetes = config.get("KubernetesConfig") or {}
    return {
        "name": entry.get("Name", ""),
        "valid": valid,
        "status": entry.get("Status", ""),
        "driver": config.get("Driver", ""),
        "container_runtime": kubernetes.get("ContainerRuntime", ""),
        "cni": kubernetes.get("CNI", ""),
        "kubernetes_version": kubernetes.get("KubernetesVersion", ""),
        "node_ips": [node.get("IP", "") for node in config.get("Nodes") or []],
        # The nodes' machine names, which are their Kubernetes node names too.
        "nodes": [machine_name(entry.get("Name", ""), node.get("Name", "")) for node in config.get("Nodes") or []],
        # `start --ports`: the node container's published ports, fixed when it was created.
        "published_ports": list(config.get("ExposedPorts") or []),
    }


def machine_name(profile, node):
    """A node's machine (and Kubernetes node) name, by minikube's rule: the profile's name for the primary node
    (whose own name is empty), <profile>-<node> for the others (m02, m03...)."""
    return f"{profile}-{node}" if node else profile


def mismatches(profile, driver, container_runtime, cni, published_ports=()):
    """How an existing profile differs from the requested cluster, one phrase per difference.

    minikube changes none of these in place: a different one needs a new cluster. PUBLISHED_PORTS are the
    `--ports` values the cluster must have been created with; more published ports are no difference.
    """
    if not profile["valid"]:
        return ["the profile is invalid (minikube cannot read its configuration)"]
    found = []
    for what, have, wanted in (
        ("driver", profile["driver"], driver),
        ("container runtime", profile["container_runtime"], container_runtime),
        ("CNI", profile["cni"], cni),
    ):
        if wanted and have != wanted:
            found.append(f'{what} is "{have}", wanted "{wanted}"')
    have = profile.get("published_ports", [])
    missing = [port for port in published_ports if port not in have]
    if missing:
        found.append(f'published ports are "{" ".join(have) or "none"}", wanted "{" ".join(missing)}" among them')
    return found


# What to do about minikube's exit codes (its "reason" codes), added to
# minikube's own reason, message and advice when a command fails. "{profile}"
# is the profile the command acted on.
EXIT_HINTS = {
    EX_ADDON_ERROR: "an addon failed to enable: see minikube's message above, fix its cause and run again",
    EX_USAGE: "minikube rejected the command line: check the options given to it, the extra flags first",
    23: (
        "memory does not fit: set the cluster's memory (MiB) to at least 1800 and at most what Docker may use"
        " (Docker Desktop: Settings > Resources)"
    ),
    26: "not enough disk space: free space for Docker (docker system prune) or give Docker a larger disk",
    29: "not enough CPUs: set the cluster's cpus to at least 2 and at most the number of CPUs Docker can use",
    55: "the driver is unhealthy: check that `docker info` works for this user, then run again",
    57: "the docker driver refuses to run as root: run the playbook as a normal user who is in the docker group",
    63: (
        "Docker is installed but not running: start Docker (Docker Desktop, colima, or"
        " `sudo systemctl start docker`) and run again"
    ),
    65: "Docker was not found: install Docker (or Docker Desktop on macOS) and make sure `docker` is on PATH",
    80: (
        "the minikube node failed to start: run `minikube logs -p {profile}`; `minikube delete -p {profile}`"
        " and a new run usually helps"
    ),
    81: "the cluster was created with another driver: recreate it (the cluster stage's cluster_addons_recreate)",
    EX_GUEST_NOT_RUNNING: (
        'the profile "{profile}" is not running: start it (the cluster stage, or minikube start -p {profile})'
    ),
    EX_PROFILE_NOT_FOUND: (
        'the profile "{profile}" does not exist: start the cluster (the cluster stage) or name another one'
    ),
    106: "Kubernetes cannot be downgraded in place: raise the Kubernetes version or recreate the cluster",
}


def exit_hint(rc, profile="", output=""):
    """What to do about a command that exited rc; '' for an exit code without advice.

    Some commands (`image ls`, `image build`) report a missing profile as a
    usage error (14) whose text says the cluster "does not exist".
    """
    if rc == EX_USAGE and "does not exist" in output:
        rc = EX_PROFILE_NOT_FOUND
    hint = EXIT_HINTS.get(rc, "")
    if "{profile}" in hint and not profile:
        return ""
    return hint.format(profile=profile)


# containerd lists images of the default registry with its domain and, for
# official images, "library/"; users and the roles write them without.
# (Assembled so that no registry host is spelled out.)
DEFAULT_DOMAIN = ".".join(("docker", "io"))


def references(images):
    """The references of a list of images (repoTags), each also as users write it (short_reference)."""
    refs = set()
    for image in images:
        for tag in (image or {}).get("repoTags") or []:
            refs.add(tag)
            refs.add(short_reference(tag))
    return refs


def short_reference(ref):
    """A reference without the default registry's domain and library/ prefix, as users write it."""
    parts = ref.split("/")
    if len(parts) > 1 and parts[0] == DEFAULT_DOMAIN:
        parts = parts[1:]
        if parts[0] == "library" and len(parts) > 1:
            parts = parts[1:]
    return "/".join(parts)


# A BuildKit step starting (`#5 [builder 2/6] RUN go build ...`): the build's progress.
_BUILD_STEP = re.compile(r"^#\d+ \[[^\]]+\] ")


def build_progress(line):
    """The builder's output line as a progress line; '' for the detail in between."""
    line = line.rstrip()
    if _BUILD_STEP.match(line) or _BUILD_ERROR.match(line.strip()):
        return line
    return ""


def build_failure(stderr):
    """The lines of a builder's output that say why a build failed (minikube exits 0 all the same)."""
    lines = [line for line in stderr.splitlines() if _BUILD_ERROR.match(line.strip())]
    return lines[-3:]
