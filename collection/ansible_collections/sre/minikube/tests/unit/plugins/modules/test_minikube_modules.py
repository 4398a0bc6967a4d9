# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The minikube modules, with minikube answered by the real binary's recordings."""

from __future__ import annotations

import json
import platform

import pytest
from ansible.module_utils import basic
from ansible_collections.sre.minikube.plugins.module_utils import context_hash, kube_client, kube_read, rollout
from ansible_collections.sre.minikube.plugins.module_utils.minikube import OWNER_MARK
from ansible_collections.sre.minikube.plugins.modules import (
    minikube_addons,
    minikube_delete,
    minikube_images,
    minikube_profile_info,
    minikube_start,
    minikube_version,
)
from ansible_collections.sre.minikube.tests.unit.plugins.build_context import write_context
from ansible_collections.sre.minikube.tests.unit.plugins.modules.utils import run_module
from ansible_collections.sre.minikube.tests.unit.plugins.recordings import Recorded, load

BIN = "/opt/bin/minikube"


@pytest.fixture
def minikube(monkeypatch, patched_module):
    """Answer the module's commands with a runner; returns a function that installs one."""

    def install(runner):
        def run_command(self, args, **kwargs):
            return runner(list(args))

        monkeypatch.setattr(basic.AnsibleModule, "run_command", run_command)
        return runner

    return install


# ---------------------------------------------------------------- minikube_version


def test_version_module(minikube):
    minikube(Recorded("version-json"))
    result, failed = run_module(minikube_version.main, {"binary": BIN})
    assert not failed and result == {"changed": False, "version": "v1.38.1"}


def test_version_module_without_a_binary(minikube):
    def missing(argv):
        raise FileNotFoundError(argv[0])

    minikube(missing)
    result, failed = run_module(minikube_version.main, {"binary": "/nowhere/minikube"})
    assert not failed and result["version"] == ""


# ---------------------------------------------------------------- minikube_profile_info

PROFILE_INFO = [
    # (recordings, profile, status, exists, driver, state)
    (("profile-list-json-empty",), "ghost", False, False, None, "unknown"),
    (("profile-list-json-empty", "status-json-unknown"), "ghost", True, False, None, "absent"),
    (("profile-list-json-running", "status-json-running"), "sre-real", True, True, "docker", "running"),
    (("profile-list-json-running",), "sre-real", False, True, "docker", "unknown"),
]


@pytest.mark.parametrize(("recordings", "profile", "status", "exists", "driver", "state"), PROFILE_INFO)
def test_profile_info(minikube, recordings, profile, status, exists, driver, state):
    runner = minikube(Recorded(*recordings))
    result, failed = run_module(minikube_profile_info.main, {"binary": BIN, "profile": profile, "status": status})
    assert not failed
    assert (result["changed"], result["exists"], result["state"]) == (False, exists, state)
    assert result["profile"].get("driver") == driver
    assert len(runner.calls) == (2 if status else 1)


@pytest.fixture
def minikube_home(monkeypatch, tmp_path):
    """minikube's home in a scratch directory; a function that makes (and may mark) a profile's folder."""
    monkeypatch.setenv("MINIKUBE_HOME", str(tmp_path))
    profiles = tmp_path / ".minikube" / "profiles"

    def folder(name, marked=False):
        (profiles / name).mkdir(parents=True, exist_ok=True)
        if marked:
            (profiles / name / OWNER_MARK).write_text("x")
        return profiles / name

    folder.profiles = profiles
    return folder


PROFILE_OWNERS = [
    # (the profile's folder: None (none), "plain" or "marked"; owned)
    (None, False),
    ("plain", False),
    ("marked", True),
]


@pytest.mark.parametrize(("folder", "owned"), PROFILE_OWNERS)
def test_profile_info_says_whether_the_stack_created_the_profile(minikube, minikube_home, folder, owned):
    minikube(Recorded("profile-list-json-running"))
    if folder:
        minikube_home("sre-real", marked=folder == "marked")
    minikube_home("other", marked=True)
    result, failed = run_module(minikube_profile_info.main, {"binary": BIN, "profile": "sre-real"})
    assert not failed
    assert (result["exists"], result["owned"]) == (True, owned)
    assert result["folder"] == str(minikube_home.profiles / "sre-real")


PROFILE_IPS = [
    # (recordings, profile, fails, ip, the words of the failure)
    (("profile-list-json-running", "ip-running"), "sre-real", False, "<ip>", None),
    (("profile-list-json-empty", "ip-unknown"), "ghost", True, None, 'what to do: the profile "ghost" does not exist'),
]


@pytest.mark.parametrize(("recordings", "profile", "fails", "ip", "words"), PROFILE_IPS)
def test_profile_info_reads_the_address(minikube, recordings, profile, fails, ip, words):
    runner = minikube(Recorded(*recordings))
    result, failed = run_module(minikube_profile_info.main, {"binary": BIN, "profile": profile, "ip": True})
    assert failed is fails
    assert sorted(call[1] for call in runner.calls) == ["ip", "profile"]
    if fails:
        assert result["rc"] == 85 and words in result["msg"]
    else:
        assert result["ip"] == ip


def test_profile_info_without_a_binary_says_so(minikube):
    def missing(argv):
        raise FileNotFoundError(2, "No such file or directory", argv[0])

    minikube(missing)
    result, failed = run_module(minikube_profile_info.main, {"binary": "/nowhere/minikube", "profile": "p"})
    assert failed and result["msg"].startswith("cannot run /nowhere/minikube: ")


# ---------------------------------------------------------------- minikube_delete

DELETES = [
    # (listing, the folder's mark, owned_only, check mode, fails, changed, delete runs)
    ("profile-list-json-running", True, True, False, False, True, True),
    ("profile-list-json-running", True, True, True, False, True, False),
    ("profile-list-json-running", False, True, False, True, False, False),
    ("profile-list-json-running", False, True, True, True, False, False),
    ("profile-list-json-running", False, False, False, False, True, True),
    # Not listed: nothing to delete, whatever its folder holds.
    ("profile-list-json-empty", True, True, False, False, False, False),
    ("profile-list-json-empty", False, True, False, False, False, False),
]


@pytest.mark.parametrize(("listing", "marked", "owned_only", "check", "fails", "changed", "runs"), DELETES)
def test_delete(minikube, minikube_home, listing, marked, owned_only, check, fails, changed, runs):
    runner = minikube(Recorded(listing, answers={("delete", "-p", "sre-real"): (0, "", "")}))
    folder = minikube_home("sre-real", marked=marked)
    args = {"binary": BIN, "profile": "sre-real", "owned_only": owned_only, "_ansible_check_mode": check}
    result, failed = run_module(minikube_delete.main, args)
    assert failed is fails
    assert ([BIN, "delete", "-p", "sre-real"] in runner.calls) is runs
    assert result["command"] == f"{BIN} delete -p sre-real" and result["folder"] == str(folder)
    assert result["owned"] is marked
    if fails:
        assert result["msg"].startswith('Not deleting the minikube profile "sre-real": its folder')
        assert result["msg"].endswith(f"delete it yourself: {BIN} delete -p sre-real")
    else:
        assert result["changed"] is changed


def test_failed_delete_says_why(minikube, minikube_home):
    answers = {("delete", "-p", "sre-real"): (83, "", "X Exiting due to GUEST_STATUS: the host is gone\n")}
    minikube(Recorded("profile-list-json-running", answers=answers))
    result, failed = run_module(minikube_delete.main, {"binary": BIN, "profile": "sre-real"})
    assert failed and result["rc"] == 83
    assert 'what to do: the profile "sre-real" is not running' in result["msg"]


# ---------------------------------------------------------------- minikube_addons


def enable_answer(profile, *names, rc=0):
    return {("addons", "enable", name, "-p", profile): (rc, "", "") for name in names}


ADDON_RUNS = [
    # (wanted, check mode, changed, enabled now, enable commands run)
    (["ingress", "ingress-dns"], False, True, ["ingress", "ingress-dns"], 2),
    (["ingress", "ingress-dns"], True, True, ["ingress", "ingress-dns"], 0),
    (["storage-provisioner"], False, False, [], 0),
    (["storage-provisioner", "ingress", "ingress"], False, True, ["ingress"], 1),
]


@pytest.mark.parametrize(("wanted", "check", "changed", "enabled_now", "runs"), ADDON_RUNS)
def test_addons_enable_only_what_is_disabled(minikube, wanted, check, changed, enabled_now, runs):
    runner = minikube(Recorded("addons-list-json-running", answers=enable_answer("sre-real", "ingress", "ingress-dns")))
    args = {
        "binary": BIN,
        "profile": "sre-real",
        "enabled": wanted,
        "_ansible_check_mode": check,
        "_ansible_diff": True,
    }
    result, failed = run_module(minikube_addons.main, args)
    assert not failed
    assert (result["changed"], result["enabled_now"]) == (changed, enabled_now)
    assert result["pending"] == (enabled_now if check else [])
    assert len([call for call in runner.calls if call[1:3] == ["addons", "enable"]]) == runs
    for name in enabled_now:
        assert f"{name}: disabled" in result["diff"]["before"]
        assert f"{name}: enabled" in result["diff"]["after"]
    if not changed:
        assert result["diff"]["before"] == result["diff"]["after"]


ADDON_DISABLES = [
    # (disabled, wanted, check mode, disabled now, disable commands run)
    (["storage-provisioner"], [], False, ["storage-provisioner"], 1),
    (["storage-provisioner"], [], True, ["storage-provisioner"], 0),
    (["ingress", "ingress-dns"], [], False, [], 0),
    (["storage-provisioner", "ingress"], ["ingress-dns"], False, ["storage-provisioner"], 1),
]


@pytest.mark.parametrize(("disabled", "wanted", "check", "disabled_now", "runs"), ADDON_DISABLES)
def test_addons_disable_only_what_is_enabled_and_first(minikube, disabled, wanted, check, disabled_now, runs):
    answers = {
        **enable_answer("sre-real", "ingress-dns"),
        ("addons", "disable", "storage-provisioner", "-p", "sre-real"): (0, "", ""),
    }
    runner = minikube(Recorded("addons-list-json-running", answers=answers))
    args = {
        "binary": BIN,
        "profile": "sre-real",
        "enabled": wanted,
        "disabled": disabled,
        "_ansible_check_mode": check,
        "_ansible_diff": True,
    }
    result, failed = run_module(minikube_addons.main, args)
    assert not failed
    assert result["disabled_now"] == disabled_now
    assert result["changed"] is bool(disabled_now or result["enabled_now"])
    changes = [call[1:3] for call in runner.calls if call[1:3] in (["addons", "enable"], ["addons", "disable"])]
    assert changes.count(["addons", "disable"]) == runs
    # What is turned off goes first: it may hold what the others need.
    assert changes == sorted(changes, key=lambda call: call[1] != "disable")
    for name in disabled_now:
        assert f"{name}: enabled" in result["diff"]["before"]
        assert f"{name}: disabled" in result["diff"]["after"]
        assert result["addons"][name] is False


@pytest.mark.parametrize(("disabled", "wanted", "words"), [
    (["ingress"], ["ingress"], "ingress cannot be both enabled and disabled"),
    (["not-an-addon"], [], "minikube has no addon named not-an-addon"),
    (["ingress\n"], [], "disabled[0]"),
])  # fmt: skip
def test_addons_refuse_a_bad_disable_before_changing_anything(minikube, disabled, wanted, words):
    runner = minikube(Recorded("addons-list-json-running"))
    result, failed = run_module(
        minikube_addons.main, {"binary": BIN, "profile": "sre-real", "enabled": wanted, "disabled": disabled}
    )
    assert failed and words in result["msg"]
    assert not [call for call in runner.calls if call[1:3] in (["addons", "enable"], ["addons", "disable"])]


ADDON_WAITS = [
    # (wanted, check mode, Available after reads (None: not read), unavailable, waited)
    (["ingress"], False, 1, [], True),
    (["storage-provisioner"], False, 3, [], True),
    (["ingress"], True, None, [], False),
    (["storage-provisioner"], True, 1, [], True),
    (["storage-provisioner"], False, 1000, ["ingress-nginx/ingress-nginx-controller"], True),
]


def rollout_of(updated):
    """The ingress controller's Deployment, with `updated` of its three replicas on the latest template."""
    return {
        "kind": "Deployment",
        "metadata": {"generation": 2},
        "spec": {"replicas": 3},
        "status": {"observedGeneration": 2, "replicas": 3, "updatedReplicas": updated, "readyReplicas": 3,
                   "availableReplicas": 3},
    }  # fmt: skip


@pytest.mark.parametrize(("wanted", "check", "reads", "unavailable", "waited"), ADDON_WAITS)
def test_addons_wait_for_their_deployments(minikube, monkeypatch, wanted, check, reads, unavailable, waited):
    minikube(Recorded("addons-list-json-running", answers=enable_answer("sre-real", "ingress")))
    clients, seen = [], []

    def client(kubeconfig, context):
        clients.append((kubeconfig, context))
        return "client"

    def read(api_client, kind, namespace, name):
        seen.append((api_client, kind, namespace, name))
        ready = len(seen) >= reads
        return rollout_of(3 if ready else 1)

    monkeypatch.setattr(kube_client, "api_client", client)
    monkeypatch.setattr(kube_read, "read", read)
    monkeypatch.setattr(rollout.time, "sleep", lambda seconds: None)
    args = {
        "binary": BIN,
        "profile": "sre-real",
        "enabled": wanted,
        "wait_for": ["ingress-nginx/ingress-nginx-controller"],
        "wait_timeout": 0 if unavailable else 360,
        "kubeconfig": "/k/config",
        "_ansible_check_mode": check,
    }
    result, failed = run_module(minikube_addons.main, args)
    assert not failed, result
    assert (result["waited"], result["unavailable"]) == (waited, unavailable)
    if waited:
        assert clients == [("/k/config", "sre-real")]
        assert seen[0] == ("client", "Deployment", "ingress-nginx", "ingress-nginx-controller")
        assert len(seen) == (1 if unavailable else reads)
    else:
        assert seen == []  # the client may be loaded beside minikube, but nothing is read


@pytest.mark.parametrize("target", ["ingress-nginx", "a/b/c", "/name", "namespace/"])
def test_addons_refuse_a_wait_target_that_is_not_namespace_and_name(minikube, target):
    minikube(Recorded("addons-list-json-running"))
    result, failed = run_module(
        minikube_addons.main,
        {"binary": BIN, "profile": "sre-real", "enabled": ["storage-provisioner"], "wait_for": [target]},
    )
    assert failed and "namespace/name" in result["msg"]


def test_addons_pass_their_extra_flags(minikube):
    flags = ["--images=IngressController=mirror/controller:1"]
    answers = {("addons", "enable", "ingress", "-p", "sre-real", *flags): (0, "", "")}
    runner = minikube(Recorded("addons-list-json-running", answers=answers))
    result, failed = run_module(
        minikube_addons.main, {"binary": BIN, "profile": "sre-real", "enabled": ["ingress"], "args": {"ingress": flags}}
    )
    assert not failed and result["enabled_now"] == ["ingress"]
    assert runner.calls[-1] == [BIN, "addons", "enable", "ingress", "-p", "sre-real", *flags]


ADDON_FAILURES = [
    # (recordings, profile, wanted, args, words of the message)
    (("addons-list-json-running",), "sre-real", ["no-such-addon"], {}, ["no addon named no-such-addon", "ingress-dns"]),
    (("addons-list-json-running",), "sre-real", ["ingress"], {"ingress": "--images=x"}, ["lists of flags", "ingress"]),
    (("addons-list-json-running",), "sre-real", ["ingress"], {"ingress": [1]}, ["lists of flags"]),
]


@pytest.mark.parametrize(("recordings", "profile", "wanted", "args", "words"), ADDON_FAILURES)
def test_addons_refuse_before_enabling(minikube, recordings, profile, wanted, args, words):
    runner = minikube(Recorded(*recordings))
    result, failed = run_module(
        minikube_addons.main, {"binary": BIN, "profile": profile, "enabled": wanted, "args": args}
    )
    assert failed
    for word in words:
        assert word in result["msg"]
    assert not [call for call in runner.calls if call[1:3] == ["addons", "enable"]]


def test_addons_failed_enable_says_why(minikube):
    failure = load("addons-enable-not-an-addon-running")
    answers = {
        ("addons", "enable", "ingress", "-p", "sre-real"): (failure["exit"], failure["stdout"], failure["stderr"])
    }
    minikube(Recorded("addons-list-json-running", answers=answers))
    result, failed = run_module(minikube_addons.main, {"binary": BIN, "profile": "sre-real", "enabled": ["ingress"]})
    assert failed
    assert result["reason"] == "MK_ADDON_ENABLE" and result["rc"] == 10
    assert "exit code 10 (MK_ADDON_ENABLE)" in result["msg"]


# ---------------------------------------------------------------- minikube_start

START = {"binary": BIN, "profile": "ghost", "driver": "docker", "cpus": 1}
START_ARGV = ("start", "-p", "ghost", "--driver=docker", "--container-runtime=containerd", "--cpus=1")


def test_start_check_mode_says_what_would_run(minikube):
    runner = minikube(Recorded("profile-list-json-empty", "status-json-unknown"))
    result, failed = run_module(minikube_start.main, dict(START, _ansible_check_mode=True))
    assert not failed
    assert result["changed"] is True and result["created"] is True
    assert (result["start_needed"], result["start_ran"]) == (True, False)
    assert result["msg"] == f"would start: {BIN} {' '.join(START_ARGV)} --interactive=false --output=json"
    assert [call[1] for call in runner.calls] == ["profile", "status"]


PUBLISHING = [
    # (tunnel setting, driver, system, the --ports flags of the start)
    ("publish", "docker", "Linux", ["--ports=127.0.0.1:80:80", "--ports=127.0.0.1:443:443"]),
    ("auto", "docker", "Darwin", ["--ports=127.0.0.1:80:80", "--ports=127.0.0.1:443:443"]),
    ("auto", "podman", "Darwin", ["--ports=127.0.0.1:80:80", "--ports=127.0.0.1:443:443"]),
    ("auto", "docker", "Linux", []),
    ("true", "docker", "Darwin", []),
    ("false", "docker", "Darwin", []),
]


@pytest.mark.parametrize(("tunnel", "driver", "system", "flags"), PUBLISHING)
def test_start_publishes_the_front_door_where_the_node_cannot_be_reached(
    minikube, monkeypatch, tunnel, driver, system, flags
):
    monkeypatch.setattr(platform, "system", lambda: system)
    minikube(Recorded("profile-list-json-empty", "status-json-unknown"))
    args = dict(START, driver=driver, tunnel=tunnel, forwarded_drivers=["docker", "podman"], _ansible_check_mode=True)
    result, failed = run_module(minikube_start.main, args)
    assert not failed
    assert result["published_ports"] == [flag.removeprefix("--ports=") for flag in flags]
    given = [word for word in result["command"].split() if word.startswith("--ports")]
    assert given == flags


@pytest.mark.parametrize(("change", "words"), [
    ({"tunnel": "publish", "driver": "kvm2"}, "only the docker and podman drivers do, not 'kvm2'"),
    ({"tunnel": "publish", "tunnel_address": "localhost"}, "address"),
])  # fmt: skip
def test_start_refuses_ports_it_cannot_publish(minikube, change, words):
    runner = minikube(Recorded("profile-list-json-empty", "status-json-unknown"))
    result, failed = run_module(minikube_start.main, dict(START, **change))
    assert failed and words in result["msg"]
    assert runner.calls == []


def test_start_refuses_a_cluster_created_without_the_published_ports(minikube):
    runner = minikube(
        Recorded("profile-list-json-running", answers={("status", "-p", "sre-real", "--output=json"): (0, "", "")})
    )
    args = dict(START, profile="sre-real", cni="bridge", cpus=2, tunnel="publish")
    result, failed = run_module(minikube_start.main, args)
    assert failed
    assert result["mismatches"] == ['published ports are "none", wanted "127.0.0.1:80:80 127.0.0.1:443:443" among them']
    assert "--ports=127.0.0.1:80:80 --ports=127.0.0.1:443:443" in result["recreate_command"]
    assert [call[1] for call in runner.calls if call[1] not in ("profile", "status")] == []


STATES = [
    # (status exit code, changed, started, update-context runs)
    (0, False, False, False),
    (4, True, False, True),
]


@pytest.mark.parametrize(("rc", "changed", "started", "updates"), STATES)
def test_start_leaves_a_running_cluster(minikube, rc, changed, started, updates):
    answers = {("status", "-p", "ghost", "--output=json"): (rc, "", ""), ("update-context", "-p", "ghost"): (0, "", "")}
    runner = minikube(Recorded("profile-list-json-empty", answers=answers))
    result, failed = run_module(minikube_start.main, START)
    assert not failed
    assert (result["changed"], result["start_ran"], result["start_needed"]) == (changed, started, started)
    assert ([BIN, "update-context", "-p", "ghost"] in runner.calls) is updates


@pytest.fixture
def recorded_start(minikube, monkeypatch):
    """minikube start answered by a recording, through the module's streaming runner."""

    def install(recording):
        answer = load(recording)
        minikube(Recorded("profile-list-json-empty", "status-json-unknown"))
        started = []

        def stream(argv, on_event, env=None, cwd=None):
            started.append(argv)
            from ansible_collections.sre.minikube.plugins.module_utils.minikube import parse_events

            for event in parse_events(answer["stdout"]):
                on_event(event)
            return answer["exit"], answer["stdout"], answer["stderr"]

        monkeypatch.setattr(minikube_start, "stream", stream)
        return started

    return install


def test_refused_start_prints_minikubes_reason_and_advice_and_the_hint(recorded_start, tmp_path):
    recorded_start("start-docker-down-json")
    progress = tmp_path / "progress"
    result, failed = run_module(minikube_start.main, dict(START, progress_file=str(progress)))
    assert failed
    assert result["reason"] == "PROVIDER_DOCKER_NOT_RUNNING" and result["rc"] == 63
    assert result["created"] is True and result["start_ran"] is True
    lines = result["msg"].splitlines()
    assert "failed with exit code 63 (PROVIDER_DOCKER_NOT_RUNNING)" in lines[0]
    assert "minikube's advice: Start the Docker service" in lines
    assert lines[-1].startswith("what to do: Docker is installed but not running: start Docker")
    assert progress.read_text().splitlines()[:2] == [
        "[1/19] [ghost] minikube v1.38.1 on <host>",
        "[2/19] Using the docker driver based on user configuration",
    ]


START_HINTS = [
    # (recording, reason, the hint the module adds: the collection's own, for the exit code; None for no hint)
    (
        "start-one-cpu-json",
        "RSRC_INSUFFICIENT_CORES",
        "what to do: not enough CPUs: set the cluster's cpus to at least 2",
    ),
    ("start-docker-down-json", "PROVIDER_DOCKER_NOT_RUNNING", "what to do: Docker is installed but not running"),
    # 56 (an unsupported driver): minikube's own message says it all.
    ("start-bad-driver-json", "DRV_UNSUPPORTED_OS", None),
]


@pytest.mark.parametrize(("recording", "reason", "hint"), START_HINTS)
def test_refused_start_says_what_to_do_about_its_exit_code(recorded_start, recording, reason, hint):
    recorded_start(recording)
    result, failed = run_module(minikube_start.main, START)
    assert failed and result["reason"] == reason
    said = [line for line in result["msg"].splitlines() if line.startswith("what to do: ")]
    assert said == ([] if hint is None else [line for line in said if line.startswith(hint)])
    assert len(said) == (0 if hint is None else 1)
    assert result["steps"][-1].startswith(f"error: {reason}")


MARKS = [
    # (mark_created, the profile's folder exists after the start, how the start ends (None: it runs already),
    #  fails, the words of the failure, marked)
    (True, True, 0, False, None, True),
    # A failed start may have created the profile: it is marked all the same.
    (True, True, 29, True, "exit code 29", True),
    (True, False, 0, True, "its folder", False),
    # A failed start without a folder fails for the start, not for the mark.
    (True, False, 29, True, "exit code 29", False),
    (False, True, 0, False, None, False),
    (True, True, None, False, None, False),
]


@pytest.mark.parametrize(("mark_created", "folder", "rc", "fails", "words", "marked"), MARKS)
def test_start_marks_the_profile_it_created(
    minikube, minikube_home, monkeypatch, mark_created, folder, rc, fails, words, marked
):
    running = rc is None
    answers = {("status", "-p", "ghost", "--output=json"): (0 if running else 85, "", "")}
    minikube(Recorded("profile-list-json-empty", answers=answers))
    refusal = load("start-one-cpu-json")

    def stream(argv, on_event, env=None, cwd=None):
        if folder:
            minikube_home("ghost")
        return (0, "", "") if rc == 0 else (refusal["exit"], refusal["stdout"], refusal["stderr"])

    monkeypatch.setattr(minikube_start, "stream", stream)
    if running and folder:
        minikube_home("ghost")
    result, failed = run_module(minikube_start.main, dict(START, mark_created=mark_created))
    assert failed is fails
    if words:
        assert words in result["msg"]
    mark = minikube_home.profiles / "ghost" / OWNER_MARK
    assert mark.is_file() is marked
    assert result["marked"] == (str(mark) if marked else "")


def test_start_takes_no_hints_of_its_callers(minikube):
    runner = minikube(Recorded())
    result, failed = run_module(minikube_start.main, dict(START, hints={"29": "mine"}))
    assert failed and "hints" in result["msg"]
    assert runner.calls == []


def test_start_runs_the_whole_command_line(recorded_start):
    started = recorded_start("start-bad-driver-json")
    run_module(
        minikube_start.main, dict(START, cni="calico", memory=4096, kubernetes_version="v1.35.0", extra_args=["--x"])
    )
    assert started == [
        [
            BIN,
            *START_ARGV[:5],
            "--cni=calico",
            "--cpus=1",
            "--memory=4096",
            "--kubernetes-version=v1.35.0",
            "--interactive=false",
            "--x",
            "--output=json",
        ]
    ]


MISMATCHES = [
    # (profile, requested cni, recreate, check mode, fails, mismatch,
    #  commands run after the look: profile list and status, side by side)
    ("sre-real", "calico", False, False, True, 'CNI is "bridge", wanted "calico"', []),
    ("sre-real", "calico", True, True, False, 'CNI is "bridge", wanted "calico"', []),
    ("sre-real", "calico", True, False, False, 'CNI is "bridge", wanted "calico"', ["delete", "start"]),
    ("sre-molecule", "", False, False, True, "the profile is invalid", []),
    # The same shape: no mismatch, the running cluster is left alone.
    ("sre-real", "bridge", False, False, False, None, []),
]


@pytest.mark.parametrize(("profile", "cni", "recreate", "check", "fails", "mismatch", "commands"), MISMATCHES)
def test_start_refuses_or_recreates_a_different_cluster(
    minikube, monkeypatch, profile, cni, recreate, check, fails, mismatch, commands
):
    answers = {("delete", "-p", profile): (0, "", ""), ("status", "-p", "sre-real", "--output=json"): (0, "", "")}
    runner = minikube(Recorded("profile-list-json-running", answers=answers))

    def stream(argv, on_event, env=None, cwd=None):
        runner.calls.append(argv)
        return 0, "", ""

    monkeypatch.setattr(minikube_start, "stream", stream)
    args = dict(START, profile=profile, cni=cni, cpus=2, recreate=recreate, _ansible_check_mode=check)
    result, failed = run_module(minikube_start.main, args)
    assert failed is fails
    assert sorted(call[1] for call in runner.calls[:2]) == ["profile", "status"]
    assert [call[1] for call in runner.calls[2:]] == commands
    if mismatch is None:
        assert result["mismatches"] == [] and result["changed"] is False
        return
    assert mismatch in "; ".join(result["mismatches"])
    assert result["recreate_command"].startswith(
        f"{BIN} delete -p {profile} && {BIN} start -p {profile} --driver=docker"
    )
    assert "--output=json" not in result["recreate_command"]
    if fails:
        assert mismatch in result["msg"] and result["recreate_command"] in result["msg"]
    else:
        assert result["changed"] is True and result["created"] is True and result["start_needed"] is True
        assert result["start_ran"] is not check


# ---------------------------------------------------------------- minikube_start: the node count


def profile_listing(nodes, name="sre-real", ports=()):
    """The recorded `profile list` of the running sre-real, with NODES nodes (the primary, then m02...), as NAME,
    its node publishing PORTS."""
    document = json.loads(load("profile-list-json-running")["stdout"])
    (entry,) = document["valid"]
    entry["Name"] = entry["Config"]["Name"] = name
    entry["Config"]["ExposedPorts"] = list(ports)
    primary = entry["Config"]["Nodes"][0]
    workers = [dict(primary, Name=f"m{n:02d}", ControlPlane=False) for n in range(2, nodes + 1)]
    entry["Config"]["Nodes"] = [primary, *workers]
    return json.dumps(document)


class Nodes:
    """minikube with profile sre-real of HAVE nodes, in a state (a `status` exit code); `node add` adds one,
    unless it fails (FAIL: the recording of a failed command) or leaves the list as it was (SILENT); `delete`
    deletes it. Its node publishes PORTS."""

    def __init__(self, have, status=0, fail=None, silent=False, ports=()):
        self.have, self.status, self.fail, self.silent, self.ports = have, status, fail, silent, ports
        self.calls = []

    def __call__(self, argv, env=None):
        self.calls.append(list(argv))
        command = tuple(argv[1:])
        if command == ("delete", "-p", "sre-real"):
            self.have, self.status = 0, 85
            return 0, "", ""
        if command == ("profile", "list", "--output=json"):
            return 0, profile_listing(self.have, ports=self.ports), ""
        if command == ("status", "-p", "sre-real", "--output=json"):
            return self.status, "", ""
        if command == ("node", "add", "-p", "sre-real"):
            self.env = env
            if self.fail:
                return self.fail["exit"], self.fail["stdout"], self.fail["stderr"]
            if not self.silent:
                self.have += 1
            return 0, f"* Adding node m{self.have:02d} to cluster sre-real as [worker]\n", ""
        if command[0] == "start":
            self.status = 0
            return 0, "", ""
        raise AssertionError(f"unexpected command {' '.join(command)}")


@pytest.fixture
def nodes(minikube, monkeypatch):
    """Install a Nodes as the module's runner and its streaming runner (start, node add)."""

    def install(fake):
        minikube(fake)

        def stream(argv, on_event, env=None, cwd=None):
            rc, stdout, stderr = fake(argv, env)
            from ansible_collections.sre.minikube.plugins.module_utils.minikube import parse_events

            for event in parse_events(stdout):
                on_event(event)
            return rc, stdout, stderr

        monkeypatch.setattr(minikube_start, "stream", stream)
        return fake

    return install


NODE_COUNTS = [
    # (nodes the profile has, status exit code (0 running, 7 stopped), nodes asked, check mode,
    #  changed, nodes to add, the commands run after the look, nodes after, a warning)
    (1, 0, 1, False, False, 0, [], 1, False),
    (2, 0, 2, False, False, 0, [], 2, False),
    (1, 0, 3, True, True, 2, [], 3, False),
    (1, 0, 3, False, True, 2, ["node", "node", "profile"], 3, False),
    # A stopped cluster is started first (it keeps its node: no --nodes), then the missing one is added.
    (1, 7, 2, False, True, 1, ["start", "node", "profile"], 2, False),
    (1, 7, 2, True, True, 1, [], 2, False),
    # More nodes than asked: none is deleted; the module says so.
    (3, 0, 2, False, False, 0, [], 3, True),
    (3, 0, 1, True, False, 0, [], 3, True),
]


@pytest.mark.parametrize(
    ("have", "status", "wanted", "check", "changed", "to_add", "commands", "after", "warned"), NODE_COUNTS
)
def test_start_gives_the_cluster_its_nodes(
    nodes, have, status, wanted, check, changed, to_add, commands, after, warned
):
    fake = nodes(Nodes(have, status))
    args = dict(START, profile="sre-real", cni="bridge", cpus=2, nodes=wanted, _ansible_check_mode=check)
    result, failed = run_module(minikube_start.main, args)
    assert not failed, result.get("msg")
    assert (result["changed"], result["nodes_before"], result["nodes_to_add"]) == (changed, have, to_add)
    assert result["nodes"] == after
    assert result["nodes_added"] == (0 if check else to_add)
    assert [call[1] for call in fake.calls[2:]] == commands
    assert result["node_add_command"] == f"{BIN} node add -p sre-real"
    # A restart keeps the cluster's nodes: minikube warns about --nodes there.
    assert "--nodes" not in result["command"]
    if check and to_add:
        assert f"add {to_add} node" in result["msg"] and result["node_add_command"] in result["msg"]
    said = " ".join(result.get("warnings") or [])
    assert ("has 3 nodes, more than the" in said) is warned
    if warned:
        assert "minikube node delete -p sre-real sre-real-m03" in said


def test_a_second_run_with_the_same_count_changes_nothing(nodes):
    fake = nodes(Nodes(1))
    args = dict(START, profile="sre-real", cni="bridge", cpus=2, nodes=2)
    first, failed = run_module(minikube_start.main, args)
    assert not failed and first["changed"] and first["nodes_added"] == 1
    second, failed = run_module(minikube_start.main, args)
    assert not failed and not second["changed"] and second["nodes_to_add"] == 0
    assert [call[1] for call in fake.calls].count("node") == 1


def test_nodes_are_added_with_the_clusters_memory(nodes):
    fake = nodes(Nodes(1))
    run_module(minikube_start.main, dict(START, profile="sre-real", cni="bridge", cpus=2, memory=4096, nodes=2))
    # minikube gives the first node added to a one-node cluster 2200 MB unless its memory setting is given.
    assert fake.env["MINIKUBE_MEMORY"] == "4096" and fake.env["MINIKUBE_IN_STYLE"] == "false"


NEW_CLUSTERS = [
    # (nodes asked, the --nodes flag of the creating start: none for minikube's default, one)
    (1, []),
    (2, ["--nodes=2"]),
    (5, ["--nodes=5"]),
]


@pytest.mark.parametrize(("wanted", "flags"), NEW_CLUSTERS)
def test_a_new_cluster_is_created_with_its_nodes(minikube, wanted, flags):
    runner = minikube(Recorded("profile-list-json-empty", "status-json-unknown"))
    result, failed = run_module(minikube_start.main, dict(START, nodes=wanted, _ansible_check_mode=True))
    assert not failed and result["created"]
    assert [word for word in result["command"].split() if word.startswith("--nodes")] == flags
    assert (result["nodes_before"], result["nodes"], result["nodes_to_add"]) == (0, wanted, 0)
    assert "node add" not in result["msg"]
    assert [call[1] for call in runner.calls] == ["profile", "status"]


def test_a_recreated_cluster_is_created_with_its_nodes(nodes):
    fake = nodes(Nodes(1))
    args = dict(START, profile="sre-real", cni="calico", cpus=2, nodes=3, recreate=True)
    result, failed = run_module(minikube_start.main, args)
    assert not failed and result["created"]
    (start,) = [call for call in fake.calls if call[1] == "start"]
    assert "--nodes=3" in start and "--nodes=3" in result["recreate_command"]
    assert result["nodes_to_add"] == 0
    assert [call[1] for call in fake.calls[2:]] == ["delete", "start"]


NODE_FAILURES = [
    # (node add's answer: a recording, or None for an exit 0 that added nothing; the words of the failure)
    ("node-add-unknown", 'the profile "sre-real" does not exist'),
    (None, "lists 1 node(s)"),
]


@pytest.mark.parametrize(("recording", "words"), NODE_FAILURES)
def test_a_node_that_is_not_added_fails_the_run(nodes, recording, words):
    answer = dict(load(recording), stdout=load(recording)["stdout"].replace("ghost", "sre-real")) if recording else None
    nodes(Nodes(1, fail=answer, silent=recording is None))
    result, failed = run_module(minikube_start.main, dict(START, profile="sre-real", cni="bridge", cpus=2, nodes=2))
    assert failed and result["changed"] is True
    assert words in result["msg"]
    assert result["nodes_added"] == (0 if recording else 1)


def test_several_nodes_are_refused_where_the_node_publishes_the_front_doors_ports(minikube, monkeypatch):
    """minikube publishes --ports on every node's container: the second one cannot take the same host port."""
    monkeypatch.setattr(platform, "system", lambda: "Darwin")
    runner = minikube(Recorded("profile-list-json-empty", "status-json-unknown"))
    args = dict(START, nodes=2, tunnel="auto", forwarded_drivers=["docker"])
    result, failed = run_module(minikube_start.main, args)
    assert failed and "A cluster of 2 nodes cannot publish ports 127.0.0.1:80:80, 127.0.0.1:443:443" in result["msg"]
    assert "minikube tunnel" in result["msg"]
    assert runner.calls == []


def test_no_node_is_added_to_a_cluster_that_publishes_ports(nodes):
    fake = nodes(Nodes(1, ports=["127.0.0.1:80:80"]))
    result, failed = run_module(minikube_start.main, dict(START, profile="sre-real", cni="bridge", cpus=2, nodes=2))
    assert failed and "cannot publish ports 127.0.0.1:80:80" in result["msg"]
    assert [call[1] for call in fake.calls[2:]] == []


@pytest.mark.parametrize("wanted", [0, -1])
def test_start_refuses_fewer_than_one_node(minikube, wanted):
    runner = minikube(Recorded())
    result, failed = run_module(minikube_start.main, dict(START, nodes=wanted))
    assert failed and f"nodes={wanted} must be at least 1" in result["msg"]
    assert runner.calls == []


# ---------------------------------------------------------------- minikube_images

IMAGES = [{"ref": "app:2", "context": "/src/app"}, {"ref": "postgres:17", "context": "/src/pg"}]


def listing(*refs):
    return json.dumps([{"id": str(n), "repoTags": [ref]} for n, ref in enumerate(refs)])


class Cluster:
    """The images of profile p's NODES nodes (p, p-m02...), all holding PRESENT but what LACKING (node -> refs)
    takes away. A build adds its image to every node with --all, else to the primary, unless the build is broken
    (minikube still exits 0)."""

    def __init__(self, present, broken=(), nodes=1, lacking=None):
        self.nodes = ["p"] + [f"p-m{n:02d}" for n in range(2, nodes + 1)]
        self.held = {node: [ref for ref in present if ref not in (lacking or {}).get(node, ())] for node in self.nodes}
        self.broken = broken
        self.calls = []

    def __call__(self, argv):
        self.calls.append(list(argv))
        command = argv[1:]
        if command[:3] == ["image", "ls", "--format=json"]:
            # minikube merges the nodes' lists.
            return 0, listing(*dict.fromkeys(ref for refs in self.held.values() for ref in refs)), ""
        if command == ["profile", "list", "--output=json"]:
            return 0, profile_listing(len(self.nodes), "p"), ""
        if command[0] == "ssh":
            node = command[command.index("-n") + 1]
            return 0, json.dumps({"images": json.loads(listing(*self.held[node]))}), ""
        ref = argv[argv.index("-t") + 1]
        if ref in self.broken:
            return 0, "", load("image-build-broken-running")["stderr"]
        for node in self.nodes if "--all" in argv else self.nodes[:1]:
            self.held[node].append(ref)
        return 0, "", ""


@pytest.fixture
def cluster(minikube, monkeypatch):
    """A Cluster answering the image list (run_command) and the builds (streamed, as the module runs them)."""

    def install(fake):
        minikube(fake)

        def stream(argv, on_event, env=None, cwd=None, on_stderr=None):
            rc, stdout, stderr = fake(argv)
            for line in stderr.splitlines(keepends=True):
                on_stderr(line)
            return rc, stdout, stderr

        monkeypatch.setattr(minikube_images, "stream", stream)
        return fake

    return install


IMAGE_RUNS = [
    # (present before, check mode, changed, built, builds run)
    (["app:2", "postgres:17"], False, False, [], 0),
    (["app:1", "postgres:17"], False, True, ["app:2"], 1),
    (["app:1"], True, True, ["app:2", "postgres:17"], 0),
    ([], False, True, ["app:2", "postgres:17"], 2),
]


@pytest.mark.parametrize(("present", "check", "changed", "built", "builds"), IMAGE_RUNS)
def test_images_build_what_is_missing(cluster, present, check, changed, built, builds):
    cluster = cluster(Cluster(present))
    args = {"binary": BIN, "profile": "p", "images": IMAGES, "_ansible_check_mode": check}
    result, failed = run_module(minikube_images.main, args)
    assert not failed
    assert (result["changed"], result["built"]) == (changed, built)
    assert len([call for call in cluster.calls if "build" in call]) == builds


def test_images_fail_when_a_build_that_exited_0_left_no_image(cluster, tmp_path):
    cluster(Cluster([], broken=("postgres:17",)))
    progress = tmp_path / "progress"
    args = {"binary": BIN, "profile": "p", "images": IMAGES, "progress_file": str(progress)}
    result, failed = run_module(minikube_images.main, args)
    assert failed
    assert result["failed_refs"] == ["postgres:17"] and result["built"] == ["app:2"]
    assert "exited 0 but postgres:17 is not in the cluster" in result["msg"]
    assert "error: failed to solve" in result["msg"]
    # The recorded builder output, as progress lines: the steps and the error, not the detail between.
    lines = progress.read_text().splitlines()
    assert lines[0] == "building app:2 from /src/app"
    assert "postgres:17: #4 [1/1] COPY missing.txt /missing.txt" in lines
    assert lines[-1].startswith("postgres:17: error: failed to solve")
    assert not [line for line in lines if "DONE" in line or "transferring" in line]


def test_images_of_a_missing_profile(minikube):
    minikube(Recorded("image-ls-json-unknown", "profile-list-json-empty"))
    result, failed = run_module(minikube_images.main, {"binary": BIN, "profile": "ghost", "images": IMAGES})
    assert failed and result["rc"] == 14
    assert 'the profile "ghost" does not exist' in result["msg"]


NODE_IMAGE_RUNS = [
    # (nodes, what each node lacks of the images present, check mode, built, lacking before, the builds' --all)
    (2, {}, False, [], {}, []),
    # A node added after the build lacks the images: `image ls` merges the nodes' lists and shows them.
    (2, {"p-m02": ["app:2"]}, False, ["app:2"], {"app:2": ["p-m02"]}, [True]),
    (3, {"p-m03": ["app:2", "postgres:17"]}, True, ["app:2", "postgres:17"],
     {"app:2": ["p-m03"], "postgres:17": ["p-m03"]}, []),
    (3, {"p-m02": ["postgres:17"], "p": ["postgres:17"]}, False, ["postgres:17"], {"postgres:17": ["p", "p-m02"]},
     [True]),
    # One node: minikube's own list, and a build on the primary node alone.
    (1, {"p": ["app:2"]}, False, ["app:2"], {}, [False]),
]  # fmt: skip


@pytest.mark.parametrize(("nodes", "lacks", "check", "built", "lacking", "all_nodes"), NODE_IMAGE_RUNS)
def test_images_every_node_lacks_are_built_on_every_node(cluster, nodes, lacks, check, built, lacking, all_nodes):
    fake = cluster(Cluster(["app:2", "postgres:17"], nodes=nodes, lacking=lacks))
    args = {"binary": BIN, "profile": "p", "images": IMAGES, "_ansible_check_mode": check}
    result, failed = run_module(minikube_images.main, args)
    assert not failed, result.get("msg")
    assert (result["changed"], result["built"], result["lacking"]) == (bool(built), built, lacking)
    assert result["nodes"] == fake.nodes
    assert ["--all" in call for call in fake.calls if "build" in call] == all_nodes
    if not check:
        assert all(set(refs) >= {"app:2", "postgres:17"} for refs in fake.held.values())
    # Each node's own list, asked inside it, as minikube lists images there.
    asked = sorted(call[call.index("-n") + 1] for call in fake.calls if call[1] == "ssh")
    assert asked == (sorted(fake.nodes * (1 if check or not built else 2)) if nodes > 1 else [])


def test_a_build_that_leaves_a_node_without_the_image_fails(cluster):
    fake = cluster(Cluster(["app:2"], nodes=2, broken=("postgres:17",)))
    result, failed = run_module(minikube_images.main, {"binary": BIN, "profile": "p", "images": IMAGES})
    assert failed and result["failed_refs"] == ["postgres:17"]
    assert "postgres:17 is not in the cluster on p, p-m02 afterwards" in result["msg"]
    assert fake.calls[-1][:2] in ([BIN, "ssh"], [BIN, "profile"], [BIN, "image"])


BUILD_ARG_RUNS = [
    # (module-wide build_args, the image's build_args, runtime, the build options expected)
    ({}, {}, "containerd", []),
    ({}, {"APP": "app"}, "containerd", ["--build-opt=opt=build-arg:APP=app"]),
    (
        {"GOPROXY": "http://127.0.0.1:3000"},
        {"APP": "app"},
        "containerd",
        ["--build-opt=opt=build-arg:APP=app", "--build-opt=opt=build-arg:GOPROXY=http://127.0.0.1:3000"],
    ),
    ({"APP": "everyone"}, {"APP": "app"}, "docker", ["--build-opt=build-arg=APP=app"]),
]


@pytest.mark.parametrize(("common", "own", "runtime", "expected"), BUILD_ARG_RUNS)
def test_images_build_with_their_own_build_args(cluster, common, own, runtime, expected):
    cluster = cluster(Cluster([]))
    images = [{"ref": "app:2", "context": "/src", "dockerfile": "Dockerfile", "build_args": own}]
    args = {"binary": BIN, "profile": "p", "images": images, "build_args": common, "container_runtime": runtime}
    result, failed = run_module(minikube_images.main, args)
    assert not failed and result["built"] == ["app:2"]
    (build,) = [call for call in cluster.calls if "build" in call]
    assert [arg for arg in build if arg.startswith("--build-opt")] == expected
    assert build[-1] == "/src" and build[build.index("-f") + 1] == "Dockerfile"


def test_start_without_a_binary_says_so(minikube):
    def missing(argv):
        raise FileNotFoundError(2, "No such file or directory", argv[0])

    minikube(missing)
    result, failed = run_module(minikube_start.main, dict(START, binary="/nowhere/minikube"))
    assert failed and result["msg"].startswith("cannot run /nowhere/minikube: ")
    assert "No such file or directory" in result["msg"]


def test_addons_say_why_their_deployments_cannot_be_read(minikube, monkeypatch):
    minikube(Recorded("addons-list-json-running"))

    def no_context(kubeconfig, context):
        raise kube_client.KubeClientError(f"cannot load context {context} from {kubeconfig}: no such context")

    monkeypatch.setattr(kube_client, "api_client", no_context)
    args = {
        "binary": BIN,
        "profile": "sre-real",
        "enabled": ["storage-provisioner"],
        "wait_for": ["a/b"],
        "kubeconfig": "/k/config",
    }
    result, failed = run_module(minikube_addons.main, args)
    assert failed
    assert result["msg"] == (
        "could not read the addons' Deployments: cannot load context sre-real from /k/config: no such context"
    )


# The apps' form: the module hashes the context itself and returns the references.


@pytest.fixture
def app_context(tmp_path):
    return write_context(tmp_path)


APP_RUNS = [
    # (apps present before, by name; check mode; tag length; apps built)
    ([], False, 16, ["one", "two"]),
    (["two"], False, 12, ["one"]),
    (["one", "two"], False, 16, []),
    ([], True, 16, ["one", "two"]),
]


@pytest.mark.parametrize(("present", "check", "length", "built"), APP_RUNS)
def test_images_of_apps_are_tagged_with_their_content_hash(cluster, app_context, present, check, length, built):
    refs = context_hash.image_refs(str(app_context), ["one", "two"], tag_length=length)
    fake = cluster(Cluster([f"{refs[app]['image']}:{refs[app]['tag']}" for app in present]))
    args = {
        "binary": BIN,
        "profile": "p",
        "apps": ["one", "two"],
        "context": str(app_context),
        "tag_length": length,
        "_ansible_check_mode": check,
    }
    result, failed = run_module(minikube_images.main, args)
    assert not failed
    assert result["refs"] == refs and all(len(ref["tag"]) == length for ref in refs.values())
    assert result["built"] == [f"{app}:{refs[app]['tag']}" for app in built]
    builds = [call for call in fake.calls if "build" in call]
    expected = [] if check else [(f"--build-opt=opt=build-arg:APP={app}", str(app_context)) for app in built]
    assert [(next(arg for arg in call if "APP=" in arg), call[-1]) for call in builds] == expected


APP_REFUSALS = [
    # (arguments beyond binary and profile, words of the message)
    ({"apps": ["one", "three"], "context": "CONTEXT"}, "no directory three for the app three"),
    ({"apps": ["one"], "context": "CONTEXT", "dockerfile": "build/Dockerfile"}, "no build/Dockerfile"),
    ({"apps": ["one"], "context": "CONTEXT", "tag_length": 4}, "8 to 64"),
    ({"apps": ["one"]}, "context"),
    ({"apps": ["one"], "context": "CONTEXT", "images": IMAGES}, "mutually exclusive"),
]


@pytest.mark.parametrize(("extra", "words"), APP_REFUSALS)
def test_images_of_apps_refuse_sources_they_cannot_hash(cluster, app_context, extra, words):
    fake = cluster(Cluster([]))
    args = {"binary": BIN, "profile": "p", **{k: str(app_context) if v == "CONTEXT" else v for k, v in extra.items()}}
    result, failed = run_module(minikube_images.main, args)
    assert failed and words in result["msg"]
    assert fake.calls == []


# ---------------------------------------------------------------- inputs that reach minikube's command line

ADDONS = {"binary": BIN, "profile": "sre-real", "enabled": ["ingress"]}
IMAGE_ARGS = {"binary": BIN, "profile": "sre-real", "images": [{"ref": "app:1", "context": "/src"}]}

# (module, arguments, the words of the refusal): each is refused before minikube runs.
REFUSED_INPUTS = [
    pytest.param(
        minikube_version,
        {"binary": "/opt/bin/minikube\n"},
        "binary='/opt/bin/minikube\\n' breaks the rule path",
        id="version-binary-newline",
    ),
    pytest.param(
        minikube_profile_info,
        {"binary": BIN, "profile": "--all"},
        "profile='--all' breaks the rule minikube_profile",
        id="profile-info-flag-as-profile",
    ),
    pytest.param(
        minikube_profile_info, {"binary": BIN, "profile": "sre\n"}, "profile='sre\\n' breaks", id="profile-newline"
    ),
    pytest.param(minikube_start, dict(START, profile="ghost "), "profile='ghost ' breaks", id="start-profile-space"),
    pytest.param(
        minikube_start, dict(START, driver="--force"), "driver='--force' breaks the rule word", id="start-driver-flag"
    ),
    pytest.param(
        minikube_start, dict(START, driver="docker\n"), "driver='docker\\n' breaks", id="start-driver-newline"
    ),
    pytest.param(
        minikube_start, dict(START, cni="calico --force"), "cni='calico --force' breaks", id="start-cni-space"
    ),
    pytest.param(
        minikube_start,
        dict(START, kubernetes_version="v1.35.4\n"),
        "kubernetes_version='v1.35.4\\n' breaks",
        id="start-version-newline",
    ),
    pytest.param(
        minikube_start,
        dict(START, extra_args=["--force", "-f"]),
        "extra_args[1]='-f' breaks the rule flag",
        id="start-short-flag",
    ),
    pytest.param(
        minikube_start,
        dict(START, extra_args=["--extra-config=a\nb"]),
        "extra_args[0]='--extra-config=a\\nb'",
        id="start-flag-newline",
    ),
    pytest.param(
        minikube_addons,
        dict(ADDONS, enabled=["ingress\n"]),
        "enabled[0]='ingress\\n' breaks the rule dns_label",
        id="addons-name-newline",
    ),
    pytest.param(
        minikube_addons,
        dict(ADDONS, args={"ingress": ["--images=a\nb"]}),
        "args['ingress'][0]='--images=a\\nb' breaks the rule flag",
        id="addons-flag-newline",
    ),
    pytest.param(
        minikube_addons,
        dict(ADDONS, args={"ingress": ["-x"]}),
        "args['ingress'][0]='-x' breaks",
        id="addons-short-flag",
    ),
    pytest.param(
        minikube_addons,
        dict(ADDONS, wait_for=["a/b\n"]),
        "wait_for[0]='a/b\\n' breaks the rule namespaced_name",
        id="addons-wait-newline",
    ),
    pytest.param(
        minikube_images,
        dict(IMAGE_ARGS, images=[{"ref": "app:1\n", "context": "/src"}]),
        "images[0].ref='app:1\\n' breaks the rule image_reference",
        id="images-ref-newline",
    ),
    pytest.param(
        minikube_images,
        dict(IMAGE_ARGS, build_args={"GOFLAGS": "-x\n-y"}),
        "build_args['GOFLAGS']='-x\\n-y' breaks the rule text",
        id="images-build-arg-newline",
    ),
    pytest.param(
        minikube_images,
        dict(IMAGE_ARGS, build_args={"A B": "x"}),
        "build_args['A B']='A B' breaks the rule env_name",
        id="images-build-arg-name",
    ),
    pytest.param(
        minikube_images,
        {"binary": BIN, "profile": "sre-real", "apps": ["one\n"], "context": "/src"},
        "apps[0]='one\\n' breaks the rule dns_label",
        id="images-app-newline",
    ),
]


@pytest.mark.parametrize(("module", "args", "words"), REFUSED_INPUTS)
def test_inputs_are_refused_before_minikube_runs(minikube, module, args, words):
    runner = minikube(Recorded())
    result, failed = run_module(module.main, args)
    assert failed, result
    assert words in result["msg"]
    assert runner.calls == []
