# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The minikube wrapper, driven by the real binary's recorded answers."""

from __future__ import annotations

import os
import sys
import textwrap
import threading
import time

import pytest
from ansible_collections.sre.minikube.plugins.module_utils import minikube as mk
from ansible_collections.sre.minikube.tests.unit.plugins.recordings import Recorded, load, recordings_dir, replay

BIN = "/opt/bin/minikube"


# ---------------------------------------------------------------- the runner context

CONTEXT_COMMANDS = [
    # (call on a context bound to BIN and profile "p", the command line it runs or builds)
    (lambda mk_: mk_.status(), [BIN, "status", "-p", "p", "--output=json"]),
    (lambda mk_: mk_.update_context(), [BIN, "update-context", "-p", "p"]),
    (lambda mk_: mk_.ip(), [BIN, "ip", "-p", "p"]),
    (lambda mk_: mk_.addons(), [BIN, "addons", "list", "-p", "p", "--output=json"]),
    (
        lambda mk_: mk_.enable_addon("ingress", ["--images=a"]),
        [BIN, "addons", "enable", "ingress", "-p", "p", "--images=a"],
    ),
    (lambda mk_: mk_.delete(), [BIN, "delete", "-p", "p"]),
    (lambda mk_: mk_.images(), [BIN, "image", "ls", "--format=json", "-p", "p"]),
    (lambda mk_: mk_.profiles(), [BIN, "profile", "list", "--output=json"]),
    (lambda mk_: mk_.version(), [BIN, "version", "--output=json"]),
    (
        lambda mk_: mk_.start_argv(["--driver=docker"], ["--x"]),
        [BIN, "start", "-p", "p", "--driver=docker", "--interactive=false", "--x", "--output=json"],
    ),
    (lambda mk_: mk_.start_argv(events=False), [BIN, "start", "-p", "p", "--interactive=false"]),
    (lambda mk_: mk_.delete_argv(), [BIN, "delete", "-p", "p"]),
    (lambda mk_: mk_.node_add_argv(), [BIN, "node", "add", "-p", "p"]),
    (
        lambda mk_: mk_.build_argv("app:1", "ctx", dockerfile="D"),
        [BIN, "-p", "p", "image", "build", "-t", "app:1", "-f", "D", "ctx"],
    ),
]


@pytest.mark.parametrize(("call", "argv"), CONTEXT_COMMANDS)
def test_the_context_binds_the_binary_and_the_profile_into_every_command_line(call, argv):
    calls = []

    def runner(args):
        calls.append(list(args))
        return 0, "{}" if "--output=json" in args or "--format=json" in args else "", ""

    built = call(mk.Minikube(BIN, runner, "p"))
    assert (calls or [built]) == [argv]


def test_the_context_keeps_its_binding_under_another_runner():
    calls = []
    context = mk.Minikube(BIN, None, "p").with_runner(lambda argv: calls.append(argv) or (0, "", ""))
    context.update_context()
    assert calls == [[BIN, "update-context", "-p", "p"]]


@pytest.mark.parametrize("command", sorted(name for name, parts in mk.COMMANDS.items() if "{profile}" in parts))
def test_a_context_without_a_profile_builds_no_profile_command(command):
    with pytest.raises(ValueError, match="bound to none"):
        mk.Minikube(BIN, None).argv(command)


def test_every_command_line_is_a_recorded_one():
    """Each declared command, with the contract's profile, is a command line the real binary was recorded on."""
    recorded = {tuple(load(name[: -len(".json")])["argv"]) for name in os.listdir(recordings_dir())}
    context = mk.Minikube(BIN, None, "ghost")
    # The names the recordings give the commands that take one.
    names = {"addons disable": "ingress", "node images": "ghost-m02"}
    for command in mk.COMMANDS:
        if command in ("addons enable", "start", "image build"):
            continue  # their recorded forms carry flags (test_build_argv_matches_the_recorded_containerd_build)
        assert tuple(context.argv(command, name=names.get(command, ""))[1:]) in recorded, command


# ---------------------------------------------------------------- exit codes and what to do about them

EXIT_HINTS = [
    # (exit code, profile, output, the hint's start ('' for none))
    (0, "p", "", ""),
    (1, "p", "", ""),
    (56, "p", "", ""),
    (10, "p", "", "an addon failed to enable"),
    (14, "p", "Error: unknown flag: --x", "minikube rejected the command line"),
    # `image ls` on a missing profile: a usage error that says the cluster does not exist.
    (14, "ghost", 'loading profile: cluster "ghost" does not exist', 'the profile "ghost" does not exist'),
    (23, "p", "", "memory does not fit: set the cluster's memory (MiB) to at least 1800"),
    (26, "p", "", "not enough disk space"),
    (29, "p", "", "not enough CPUs: set the cluster's cpus to at least 2"),
    (55, "p", "", "the driver is unhealthy"),
    (57, "p", "", "the docker driver refuses to run as root"),
    (63, "p", "", "Docker is installed but not running"),
    (65, "p", "", "Docker was not found"),
    (80, "sre", "", "the minikube node failed to start: run `minikube logs -p sre`; `minikube delete -p sre`"),
    (81, "p", "", "the cluster was created with another driver"),
    (83, "sre", "", 'the profile "sre" is not running: start it (the cluster stage, or minikube start -p sre)'),
    (85, "sre", "", 'the profile "sre" does not exist'),
    (106, "p", "", "Kubernetes cannot be downgraded in place"),
    # A hint that names the profile says nothing without one.
    (85, "", "", ""),
]


@pytest.mark.parametrize(("rc", "profile", "output", "hint"), EXIT_HINTS)
def test_exit_hints(rc, profile, output, hint):
    found = mk.exit_hint(rc, profile, output)
    assert found.startswith(hint) if hint else found == ""


CONTEXT_FAILURES = [
    # (recording, the context's profile, how the context runs it, the hint in the description)
    ("start-one-cpu-json", "ghost", "error", "what to do: not enough CPUs"),
    ("start-docker-down", "ghost", "error", "what to do: Docker is installed but not running"),
    ("start-unknown-flag", "ghost", "error", "what to do: minikube rejected the command line"),
    ("addons-enable-unknown", "ghost", "enable", 'what to do: the profile "ghost" does not exist'),
    ("ip-unknown", "ghost", "ip", 'what to do: the profile "ghost" does not exist'),
    ("update-context-unknown", "ghost", "update-context", 'what to do: the profile "ghost" does not exist'),
    ("image-ls-json-unknown", "ghost", "images", 'what to do: the profile "ghost" does not exist'),
]


@pytest.mark.parametrize(("recording", "profile", "how", "hint"), CONTEXT_FAILURES)
def test_the_contexts_failures_say_what_to_do_about_their_exit_code(recording, profile, how, hint):
    answer = load(recording)
    context = mk.Minikube(BIN, Recorded(recording), profile)
    if how == "error":
        error = context.error([BIN, *answer["argv"]], answer["exit"], answer["stdout"], answer["stderr"])
    else:
        calls = {
            "enable": lambda: context.enable_addon("ingress"),
            "ip": context.ip,
            "update-context": context.update_context,
            "images": context.images,
        }
        with pytest.raises(mk.MinikubeError) as raised:
            calls[how]()
        error = raised.value
    assert error.rc == answer["exit"]
    assert [line for line in error.describe().splitlines() if line.startswith(hint)], error.describe()


def test_ip_of_the_running_cluster():
    assert mk.Minikube(BIN, Recorded("ip-running"), "sre-real").ip() == "<ip>"


# ---------------------------------------------------------------- the profile's folder and the stack's mark

MINIKUBE_HOMES = [
    # (environment, minikube's home)
    ({"HOME": "/home/u"}, "/home/u/.minikube"),
    ({"HOME": "/home/u", "MINIKUBE_HOME": ""}, "/home/u/.minikube"),
    ({"HOME": "/home/u", "MINIKUBE_HOME": "/data"}, "/data/.minikube"),
    ({"HOME": "/home/u", "MINIKUBE_HOME": "/data/"}, "/data/.minikube"),
    ({"HOME": "/home/u", "MINIKUBE_HOME": "/data/.minikube"}, "/data/.minikube"),
    ({"HOME": "/home/u", "MINIKUBE_HOME": "/data/.minikube//"}, "/data/.minikube"),
    ({"HOME": "/home/u", "MINIKUBE_HOME": "/"}, "/.minikube"),
]


@pytest.mark.parametrize(("environ", "home"), MINIKUBE_HOMES)
def test_the_profiles_folder_follows_minikubes_home(environ, home):
    assert mk.minikube_home(environ) == home
    assert mk.Minikube(BIN, None, "sre", environ).folder() == home + "/profiles/sre"


MARKS = [
    # (the profile's folder exists, a mark is there before, owned before, marking works)
    (True, False, False, True),
    (True, True, True, True),
    (False, False, False, False),
]


@pytest.mark.parametrize(("folder", "marked", "owned", "works"), MARKS)
def test_the_mark_in_the_profiles_folder(tmp_path, folder, marked, owned, works):
    environ = {"MINIKUBE_HOME": str(tmp_path)}
    profiles = tmp_path / ".minikube" / "profiles"
    if folder:
        (profiles / "sre").mkdir(parents=True)
        # The mark belongs to the profile: another profile's mark does not count.
        (profiles / "other").mkdir()
        (profiles / "other" / mk.OWNER_MARK).write_text("x")
    if marked:
        (profiles / "sre" / mk.OWNER_MARK).write_text("x")
    context = mk.Minikube(BIN, None, "sre", environ)
    assert context.owned() is owned
    now = "2026-12-06T22:30:05Z"
    if not works:
        with pytest.raises(mk.MarkError, match="does not exist"):
            context.mark_owner(now)
        assert not context.owned()
        return
    path = context.mark_owner(now)
    assert path == str(profiles / "sre" / mk.OWNER_MARK)
    assert context.owned()
    lines = (profiles / "sre" / mk.OWNER_MARK).read_text().splitlines()
    assert lines[:2] == [
        'sre-minikube-owner: sre.minikube created the minikube profile "sre"',
        "created: 2026-12-06T22:30:05Z",
    ]
    assert "(`minikube delete -p sre`)" in lines[-1]


# ---------------------------------------------------------------- version

VERSIONS = [
    # (runner, version)
    (Recorded("version-json"), "v1.38.1"),
    # Exit 0, but text: another tool, or a minikube too old for --output=json.
    (replay("version-text"), ""),
    (replay("version-short"), ""),
    # It fails: not a working minikube.
    (replay("start-unknown-flag"), ""),
]


@pytest.mark.parametrize(("runner", "version"), VERSIONS)
def test_version(runner, version):
    assert mk.Minikube(BIN, runner).version() == version


def test_version_of_a_missing_binary_is_empty():
    def missing(argv):
        raise FileNotFoundError(argv[0])

    assert mk.Minikube(BIN, missing).version() == ""


# ---------------------------------------------------------------- profiles and status

PROFILES = [
    # (recording, profile, expected entry or None)
    ("profile-list-json-empty", "sre-minikube", None),
    (
        "profile-list-json-running",
        "sre-real",
        {
            "valid": True,
            "driver": "docker",
            "container_runtime": "containerd",
            "cni": "bridge",
            "kubernetes_version": "v1.35.4",
        },
    ),
    # Listed, but minikube cannot read its configuration.
    (
        "profile-list-json-running",
        "sre-molecule",
        {"valid": False, "driver": "", "container_runtime": "", "cni": "", "kubernetes_version": ""},
    ),
    ("profile-list-json-running", "ghost", None),
]


@pytest.mark.parametrize(("recording", "name", "expected"), PROFILES)
def test_profiles(recording, name, expected):
    runner = Recorded(recording)
    found = mk.Minikube(BIN, runner, name).profiles().get(name)
    assert runner.calls == [[BIN, "profile", "list", "--output=json"]]
    if expected is None:
        assert found is None
    else:
        assert {key: found[key] for key in expected} == expected
        assert found["name"] == name


def test_profile_node_addresses():
    found = mk.Minikube(BIN, Recorded("profile-list-json-running")).profiles()["sre-real"]
    assert found["node_ips"] == ["<ip>"]
    # The primary node's own name is empty: its machine (and Kubernetes node) name is the profile's.
    assert found["nodes"] == ["sre-real"]


MACHINE_NAMES = [
    # (profile, the node's name in the profile, its machine name)
    ("sre-nodes", "", "sre-nodes"),
    ("sre-nodes", "m02", "sre-nodes-m02"),
    ("minikube", "m10", "minikube-m10"),
]


@pytest.mark.parametrize(("profile", "node", "machine"), MACHINE_NAMES)
def test_machine_names(profile, node, machine):
    assert mk.machine_name(profile, node) == machine


def status_answer(profile, rc):
    return {("status", "-p", profile, "--output=json"): (rc, "", "")}


STATUSES = [
    # (runner, profile, state)
    (Recorded("status-json-unknown"), "ghost", "absent"),
    (Recorded("status-json-running"), "sre-real", "running"),
    # The bit mask minikube exits with: 1 host, 2 cluster, 4 kubeconfig.
    (Recorded(answers=status_answer("p", 4)), "p", "stale-context"),
    (Recorded(answers=status_answer("p", 1)), "p", "stopped"),
    (Recorded(answers=status_answer("p", 3)), "p", "stopped"),
    (Recorded(answers=status_answer("p", 6)), "p", "stopped"),
    (Recorded(answers=status_answer("p", 7)), "p", "stopped"),
]


@pytest.mark.parametrize(("runner", "profile", "state"), STATUSES)
def test_status(runner, profile, state):
    assert mk.Minikube(BIN, runner, profile).status() == state


def test_status_usage_error_is_an_error():
    runner = Recorded(answers={("status", "-p", "p", "--output=json"): (14, "", "Error: unknown flag: --x\n")})
    with pytest.raises(mk.MinikubeError) as raised:
        mk.Minikube(BIN, runner, "p").status()
    assert raised.value.rc == 14
    assert "unknown flag" in raised.value.message


# ---------------------------------------------------------------- addons

ADDONS = [
    # (recording, profile, addon, enabled)
    ("addons-list-json-running", "sre-real", "ingress", False),
    ("addons-list-json-running", "sre-real", "ingress-dns", False),
    ("addons-list-json-running", "sre-real", "storage-provisioner", True),
    ("addons-list-json-running", "sre-real", "default-storageclass", True),
    # Without a cluster minikube still lists the names, with no status.
    ("addons-list-json-unknown", "ghost", "ingress", False),
]


@pytest.mark.parametrize(("recording", "profile", "addon", "enabled"), ADDONS)
def test_addons(recording, profile, addon, enabled):
    assert mk.Minikube(BIN, Recorded(recording), profile).addons()[addon] is enabled


ENABLE_FAILURES = [
    # (recording, addon, profile, rc, reason, words in the description)
    (
        "addons-enable-unknown",
        "ingress",
        "ghost",
        85,
        "",
        ['Profile "ghost" not found', 'the profile "ghost" does not exist'],
    ),
    (
        "addons-enable-not-an-addon-running",
        "no-such-addon",
        "sre-real",
        10,
        "MK_ADDON_ENABLE",
        ["no-such-addon is not a valid addon"],
    ),
]


@pytest.mark.parametrize(("recording", "addon", "profile", "rc", "reason", "words"), ENABLE_FAILURES)
def test_enable_failures(recording, addon, profile, rc, reason, words):
    with pytest.raises(mk.MinikubeError) as raised:
        mk.Minikube(BIN, Recorded(recording), profile).enable_addon(addon)
    error = raised.value
    assert (error.rc, error.reason) == (rc, reason)
    for word in words:
        assert word in error.describe()
    # The "please let us know" box is not advice.
    assert "╭" not in error.describe() and "|" not in error.describe()


# ---------------------------------------------------------------- failures of start: text and JSON

START_FAILURES = [
    # (recording, rc, reason, advice, words of the message)
    ("start-one-cpu", 29, "RSRC_INSUFFICIENT_CORES", "", "less than the minimum allowed of 2"),
    ("start-little-memory", 23, "RSRC_INSUFFICIENT_REQ_MEMORY", "", "usable minimum of 1800MB"),
    ("start-bad-driver", 56, "DRV_UNSUPPORTED_OS", "", "'hovercraft' is not supported"),
    ("start-docker-down", 63, "PROVIDER_DOCKER_NOT_RUNNING", "Start the Docker service", "Cannot connect"),
    ("start-no-docker", 65, "PROVIDER_DOCKER_NOT_FOUND", "Install Docker", "provider was not found"),
    ("start-docker-as-root", 57, "DRV_AS_ROOT", "", "should not be used with root"),
    ("start-unknown-flag", 14, "", "", "unknown flag: --no-such-flag"),
    # --output=json: the error event carries the same facts.
    ("start-one-cpu-json", 29, "RSRC_INSUFFICIENT_CORES", "", "less than the minimum allowed of 2"),
    ("start-bad-driver-json", 56, "DRV_UNSUPPORTED_OS", "", "'hovercraft' is not supported"),
    ("start-docker-down-json", 63, "PROVIDER_DOCKER_NOT_RUNNING", "Start the Docker service", "Cannot connect"),
]


@pytest.mark.parametrize(("recording", "rc", "reason", "advice", "words"), START_FAILURES)
def test_start_failures(recording, rc, reason, advice, words):
    answer = load(recording)
    assert answer["exit"] == rc
    error = mk.error_from(["minikube", *answer["argv"]], answer["exit"], answer["stdout"], answer["stderr"], "a hint")
    assert (error.rc, error.reason, error.advice) == (rc, reason, advice)
    assert words in error.message
    text = error.describe()
    assert text.splitlines()[0].startswith(f"`minikube {' '.join(answer['argv'][:3])}")
    assert f"exit code {rc}" in text
    assert "what to do: a hint" in text
    if advice:
        assert f"minikube's advice: {advice}" in text
    # Readable text, not JSON and not stderr joined with ' | '.
    assert '"specversion"' not in text and " | " not in text


STEP_LINES = [
    # (recording, the progress lines its events give)
    (
        "start-one-cpu-json",
        ["[1/19] [ghost] minikube v1.38.1 on <host>", "[2/19] Using the docker driver based on user configuration"],
    ),
    ("start-bad-driver-json", ["[1/19] [ghost] minikube v1.38.1 on <host>"]),
]


@pytest.mark.parametrize(("recording", "lines"), STEP_LINES)
def test_step_events_read_as_progress_lines(recording, lines):
    events = mk.parse_events(load(recording)["stdout"])
    assert [event.line() for event in events if event.kind == "step"] == lines
    assert [event.kind for event in events][-1] == "error"


EVENT_LINES = [
    # (event line, readable line)
    (
        '{"type":"io.k8s.sigs.minikube.step","data":{"currentstep":"3","totalsteps":"19","message":"Starting"}}',
        "[4/19] Starting",
    ),
    ('{"type":"io.k8s.sigs.minikube.warning","data":{"message":"low disk"}}', "warning: low disk"),
    ('{"type":"io.k8s.sigs.minikube.info","data":{"message":"KUBECONFIG=/k"}}', "KUBECONFIG=/k"),
    ('{"type":"io.k8s.sigs.minikube.download","data":{"artifact":"kic","progress":"0.5"}}', "downloading kic: 0.5"),
    ('{"type":"io.k8s.sigs.minikube.error","data":{"name":"R","message":"m"}}', "error: R: m"),
    ("plain text", "plain text"),
    ('{"type":"something.else"}', '{"type":"something.else"}'),
]


@pytest.mark.parametrize(("line", "readable"), EVENT_LINES)
def test_event_lines(line, readable):
    assert mk.parse_event(line).line() == readable


def test_empty_lines_are_no_events():
    assert mk.parse_event("  \n") is None


# ---------------------------------------------------------------- images


def test_images_of_a_missing_profile_fail_with_the_profile_hint():
    with pytest.raises(mk.MinikubeError) as raised:
        mk.Minikube(BIN, Recorded("image-ls-json-unknown"), "ghost").images()
    assert raised.value.rc == 14 and raised.value.reason == "MK_USAGE"
    assert 'the profile "ghost" does not exist' in raised.value.describe()


def test_images_answer_references_with_and_without_the_default_domain():
    listing = (
        '[{"id":"1","repoTags":["' + mk.DEFAULT_DOMAIN + '/library/postgres:17"]},{"id":"2","repoTags":["app:1"]}]'
    )
    runner = Recorded(answers={("image", "ls", "--format=json", "-p", "p"): (0, listing, "")})
    assert {"postgres:17", mk.DEFAULT_DOMAIN + "/library/postgres:17", "app:1"} <= mk.Minikube(
        BIN, runner, "p"
    ).images()


BUILD_ARGS = [
    ("containerd", "--build-opt=opt=build-arg:NAME=present.txt"),
    ("docker", "--build-opt=build-arg=NAME=present.txt"),
]


@pytest.mark.parametrize(("runtime", "option"), BUILD_ARGS)
def test_build_argv_passes_build_arguments_as_the_runtime_wants(runtime, option):
    argv = mk.Minikube(BIN, None, "p").build_argv("app:1", "ctx", build_args={"NAME": "present.txt"}, runtime=runtime)
    assert argv == [BIN, "-p", "p", "image", "build", "-t", "app:1", option, "ctx"]


def test_build_argv_matches_the_recorded_containerd_build():
    recorded = load("image-build-arg-containerd-running")["argv"]
    argv = mk.Minikube(BIN, None, "sre-real").build_argv(
        "contract-arg:1", "context", build_args={"NAME": "present.txt"}
    )
    assert argv[1:] == recorded


BUILD_LINES = [
    # (builder output line, progress line)
    ("#4 [1/1] COPY missing.txt /missing.txt\n", "#4 [1/1] COPY missing.txt /missing.txt"),
    ("#7 [builder 2/6] RUN go build ./...", "#7 [builder 2/6] RUN go build ./..."),
    ("#4 ERROR: failed to calculate checksum", "#4 ERROR: failed to calculate checksum"),
    ("error: failed to solve: not found", "error: failed to solve: not found"),
    ("#1 transferring dockerfile: 80B done", ""),
    ("#1 DONE 0.0s", ""),
    ("", ""),
]


@pytest.mark.parametrize(("line", "progress"), BUILD_LINES)
def test_build_progress(line, progress):
    assert mk.build_progress(line) == progress


def test_build_failure_lines_of_the_recorded_broken_build():
    lines = mk.build_failure(load("image-build-broken-running")["stderr"])
    assert lines[-1].startswith("error: failed to solve")
    assert any("ERROR" in line for line in lines)


# ---------------------------------------------------------------- streaming

FAKE = textwrap.dedent(
    """
    import json, os, sys, time
    def step(n, message):
        print(json.dumps({"type": "io.k8s.sigs.minikube.step",
                          "data": {"currentstep": str(n), "totalsteps": "19", "message": message}}), flush=True)
    step(0, "first")
    # Waits until the test has seen the first line: the line must arrive while the process runs.
    while not os.path.exists(sys.argv[1]):
        time.sleep(0.02)
    sys.stderr.write("noise\\n" * 20000)
    step(3, "second")
    sys.exit(int(sys.argv[2]))
    """
)


@pytest.mark.parametrize("rc", [0, 29])
def test_progress_lines_arrive_while_minikube_runs(tmp_path, rc):
    script = tmp_path / "fake-minikube.py"
    script.write_text(FAKE)
    seen = tmp_path / "seen"
    progress = mk.ProgressFile(str(tmp_path / "async" / "job.progress"))
    result = {}
    stderr_lines = []

    def run():
        argv = [sys.executable, str(script), str(seen), str(rc)]
        result["answer"] = mk.stream(argv, progress.on_event, on_stderr=stderr_lines.append)

    worker = threading.Thread(target=run)
    worker.start()
    deadline = time.monotonic() + 30
    path = tmp_path / "async" / "job.progress"
    while not (path.exists() and path.read_text()):
        assert time.monotonic() < deadline, "no progress line while the process ran"
        time.sleep(0.02)
    assert path.read_text() == "[1/19] first\n"
    assert worker.is_alive(), "the process ended before its first line was read"
    seen.write_text("")
    worker.join(30)
    answer_rc, stdout, stderr = result["answer"]
    assert answer_rc == rc
    assert path.read_text() == "[1/19] first\n[4/19] second\n"
    assert stderr.count("noise") == 20000
    assert stderr_lines == ["noise\n"] * 20000
    assert len(stdout.splitlines()) == 2


# ---------------------------------------------------------------- together


def test_together_overlaps_the_calls_and_hands_back_what_they_raise():
    both = threading.Barrier(2, timeout=5)

    def meet(name):
        def run():
            both.wait()  # each waits for the other: only calls that overlap get past
            return name

        return run

    def missing():
        raise FileNotFoundError("docker")

    assert mk.together(meet("a"), meet("b")) == [("a", None), ("b", None)]
    (value, error), second = mk.together(missing, lambda: 1)
    assert value is None and isinstance(error, FileNotFoundError)
    assert second == (1, None)


def test_the_mark_says_when_it_was_written_in_utc(tmp_path):
    (tmp_path / ".minikube" / "profiles" / "sre").mkdir(parents=True)
    context = mk.Minikube(BIN, None, "sre", {"MINIKUBE_HOME": str(tmp_path)})
    before = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    with open(context.mark_owner(), encoding="utf-8") as handle:
        created = handle.read().splitlines()[1]
    after = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    assert created[: len("created: ")] == "created: "
    assert before <= created[len("created: ") :] <= after
