# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""tunnel_service against a fake launchctl and a fake systemctl on PATH.

Each fake is a shell script the test writes: it records its arguments, one
line per call, and keeps the service's state in files (loaded, enabled,
active), the way the real tool answers its exit codes (launchctl print: 0
loaded, else not; systemctl is-active/is-enabled: 0 yes, else no).
"""

from __future__ import annotations

import os
import plistlib

import pytest
from ansible_collections.sre.minikube.plugins.module_utils.tunnel import render_plist, render_unit
from ansible_collections.sre.minikube.plugins.modules import tunnel_service
from ansible_collections.sre.minikube.tests.unit.plugins.modules.utils import run_module

BINARY = "/usr/local/bin/minikube"
PROFILE = "sre-minikube"
UNIT = "sre-minikube-tunnel-sre-minikube.service"
LABEL = "io.sre-minikube.tunnel.sre-minikube"
UID = os.getuid()

FAKE_SYSTEMCTL = r"""#!/bin/sh
echo "$*" >> "$FAKE_STATE/calls"
[ "$1" = --user ] || exit 64
shift
if [ -e "$FAKE_STATE/no-bus" ]; then echo "Failed to connect to bus: No medium found" >&2; exit 1; fi
case "$1" in
  show-environment) echo HOME=/home/me ;;
  daemon-reload) ;;
  is-active) [ -e "$FAKE_STATE/active" ] || exit 3 ;;
  is-enabled) [ -e "$FAKE_STATE/enabled" ] || exit 1 ;;
  enable) touch "$FAKE_STATE/enabled"; [ -e "$FAKE_STATE/fails" ] || touch "$FAKE_STATE/active" ;;
  restart) [ -e "$FAKE_STATE/fails" ] || touch "$FAKE_STATE/active" ;;
  disable) rm -f "$FAKE_STATE/enabled" "$FAKE_STATE/active" ;;
  *) exit 64 ;;
esac
"""

FAKE_LAUNCHCTL = r"""#!/bin/sh
echo "$*" >> "$FAKE_STATE/calls"
case "$1" in
  print)
    if [ -e "$FAKE_STATE/loaded" ]; then printf '%s = {\n\tstate = %s\n}\n' "$2" "$(cat "$FAKE_STATE/loaded")"
    else echo "Could not find service \"$2\" in domain" >&2; exit 113; fi ;;
  bootstrap)
    [ -e "$3" ] || { echo "Bootstrap failed: 2: No such file or directory" >&2; exit 5; }
    state=running; [ -e "$FAKE_STATE/fails" ] && state=waiting
    echo "$state" > "$FAKE_STATE/loaded" ;;
  bootout) [ -e "$FAKE_STATE/loaded" ] || exit 113; rm -f "$FAKE_STATE/loaded" ;;
  kickstart) [ -e "$FAKE_STATE/fails" ] || echo running > "$FAKE_STATE/loaded" ;;
  *) exit 64 ;;
esac
"""


@pytest.fixture
def host(tmp_path, monkeypatch, patched_module):
    """A home, a state directory and a bin directory with both fakes, first on PATH."""
    state = tmp_path / "state"
    state.mkdir()
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, text in (("systemctl", FAKE_SYSTEMCTL), ("launchctl", FAKE_LAUNCHCTL)):
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    monkeypatch.setenv("FAKE_STATE", str(state))
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    return tmp_path


def calls(host):
    path = host / "state" / "calls"
    return path.read_text().splitlines() if path.exists() else []


# The calls that change something; the reads (print, is-active, is-enabled, show-environment) are left out.
READS = ("print ", "--user is-active", "--user is-enabled", "--user show-environment")


def actions(host):
    return [call for call in calls(host) if not call.startswith(READS)]


def service_file(host, manager):
    home = host / "home"
    if manager == "launchd":
        return home / "Library" / "LaunchAgents" / f"{LABEL}.plist"
    return home / ".config" / "systemd" / "user" / UNIT


def wanted(manager, host):
    if manager == "launchd":
        return render_plist(BINARY, PROFILE, {}, str(host / "home" / "Library" / "Logs" / f"{LABEL}.log"))
    return render_unit(BINARY, PROFILE, {})


def arrange(host, manager, file, service):
    """FILE: none, same or old; SERVICE: the state files to create (loaded=<state>, enabled, active, no-bus)."""
    path = service_file(host, manager)
    if file != "none":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(wanted(manager, host) if file == "same" else "# an older version\n")
    for entry in service:
        name, _sep, value = entry.partition("=")
        (host / "state" / name).write_text(value)
    return path


def args(manager, **more):
    return {"binary": BINARY, "profile": PROFILE, "manager": manager, "tunnel": "true", "timeout": 0, **more}


BOOTSTRAP = f"bootstrap gui/{UID} {{path}}"
BOOTOUT = f"bootout gui/{UID}/{LABEL}"

PRESENT_CASES = [
    # manager, file before, service before, check mode, changed, the actions
    pytest.param(
        "systemd", "none", [], False, True, ["--user daemon-reload", f"--user enable --now {UNIT}"], id="systemd-new"
    ),
    pytest.param("systemd", "same", ["enabled", "active"], False, False, [], id="systemd-running-unchanged"),
    pytest.param("systemd", "same", ["enabled"], False, True, [f"--user enable --now {UNIT}"], id="systemd-stopped"),
    pytest.param(
        "systemd",
        "old",
        ["enabled", "active"],
        False,
        True,
        ["--user daemon-reload", f"--user enable --now {UNIT}", f"--user restart {UNIT}"],
        id="systemd-changed-file-restarts",
    ),
    pytest.param("systemd", "none", [], True, True, [], id="systemd-check-mode"),
    pytest.param("launchd", "none", [], False, True, [BOOTSTRAP], id="launchd-new"),
    pytest.param("launchd", "same", ["loaded=running"], False, False, [], id="launchd-running-unchanged"),
    pytest.param(
        "launchd", "old", ["loaded=running"], False, True, [BOOTOUT, BOOTSTRAP], id="launchd-changed-file-reloads"
    ),
    pytest.param(
        "launchd",
        "same",
        ["loaded=waiting"],
        False,
        True,
        [f"kickstart gui/{UID}/{LABEL}"],
        id="launchd-loaded-not-running",
    ),
    pytest.param("launchd", "old", ["loaded=running"], True, True, [], id="launchd-check-mode"),
]


@pytest.mark.parametrize(("manager", "file", "service", "check", "changed", "expected"), PRESENT_CASES)
def test_present_writes_the_file_and_runs_the_service(host, manager, file, service, check, changed, expected):
    path = arrange(host, manager, file, service)
    before = path.read_text() if path.exists() else None

    result, failed = run_module(tunnel_service.main, {**args(manager), "_ansible_check_mode": check})

    assert not failed, result
    assert result["changed"] is changed
    assert actions(host) == [a.format(path=path) for a in expected]
    assert result["path"] == str(path)
    assert result["content"] == wanted(manager, host)
    assert result["command"] == f"{BINARY} -p {PROFILE} tunnel"
    if check:
        assert (path.read_text() if path.exists() else None) == before, "check mode writes nothing"
        assert result["running"] is False
    else:
        assert path.read_text() == wanted(manager, host)
        assert result["running"] is True


@pytest.mark.parametrize("manager", ["systemd", "launchd"])
def test_a_second_run_changes_nothing(host, manager):
    first, first_failed = run_module(tunnel_service.main, args(manager))
    written = service_file(host, manager).stat().st_mtime_ns
    done = len(actions(host))

    second, failed = run_module(tunnel_service.main, args(manager))

    assert not first_failed and not failed and first["changed"] is True and second["changed"] is False
    assert len(actions(host)) == done
    assert service_file(host, manager).stat().st_mtime_ns == written


@pytest.mark.parametrize("manager", ["systemd", "launchd"])
def test_diff_shows_the_file(host, manager):
    arrange(host, manager, "old", [])

    result, failed = run_module(
        tunnel_service.main, {**args(manager), "_ansible_diff": True, "_ansible_check_mode": True}
    )

    assert not failed, result
    assert result["diff"]["before"] == "# an older version\n"
    assert result["diff"]["after"] == wanted(manager, host)


ABSENT_CASES = [
    # manager, file before, service before, arguments, changed, the actions
    pytest.param(
        "systemd",
        "same",
        ["enabled", "active"],
        {"state": "absent"},
        True,
        [f"--user disable --now {UNIT}", "--user daemon-reload"],
        id="systemd-installed",
    ),
    pytest.param("systemd", "none", [], {"state": "absent"}, False, [], id="systemd-nothing"),
    pytest.param("systemd", "same", ["no-bus"], {"state": "absent"}, True, [], id="systemd-no-bus-removes-the-file"),
    pytest.param(
        "systemd",
        "same",
        ["enabled", "active"],
        {"tunnel": "auto", "driver": "docker", "forwarded_drivers": ["docker"]},
        True,
        [f"--user disable --now {UNIT}", "--user daemon-reload"],
        id="systemd-not-needed-on-linux",
    ),
    pytest.param(
        "systemd",
        "same",
        ["enabled", "active"],
        {"tunnel": "false"},
        True,
        [f"--user disable --now {UNIT}", "--user daemon-reload"],
        id="systemd-turned-off",
    ),
    pytest.param("launchd", "same", ["loaded=running"], {"state": "absent"}, True, [BOOTOUT], id="launchd-installed"),
    pytest.param("launchd", "none", [], {"state": "absent"}, False, [], id="launchd-nothing"),
]


@pytest.mark.parametrize(("manager", "file", "service", "more", "changed", "expected"), ABSENT_CASES)
def test_absent_stops_the_service_and_removes_the_file(host, manager, file, service, more, changed, expected):
    path = arrange(host, manager, file, service)
    log = host / "home" / "Library" / "Logs" / f"{LABEL}.log"
    if manager == "launchd" and file != "none":
        log.parent.mkdir(parents=True)
        log.write_text("minikube tunnel's output\n")

    result, failed = run_module(tunnel_service.main, {**args(manager), **more})

    assert not failed, result
    assert result["changed"] is changed and result["needed"] is False
    assert actions(host) == expected
    assert not path.exists()
    assert not log.exists()


def test_absent_in_check_mode_keeps_everything(host):
    path = arrange(host, "systemd", "same", ["enabled", "active"])

    result, failed = run_module(tunnel_service.main, {**args("systemd", state="absent"), "_ansible_check_mode": True})

    assert not failed and result["changed"] is True
    assert actions(host) == [] and path.exists()


FAILURES = [
    # manager, service before, PATH without the fakes, the message
    pytest.param(
        "systemd",
        ["no-bus"],
        False,
        "`systemctl --user` cannot reach a user service manager: Failed to connect to bus: No medium found",
        id="systemd-no-user-session",
    ),
    pytest.param("launchd", [], True, "launchctl is not on PATH", id="no-launchctl"),
    pytest.param(
        "systemd",
        ["fails"],
        False,
        f"did not run within 0 seconds (see `journalctl --user -u {UNIT}`)",
        id="systemd-unit-does-not-run",
    ),
    pytest.param("launchd", ["fails"], False, f"{LABEL}.log)", id="launchd-agent-does-not-run"),
]


@pytest.mark.parametrize(("manager", "service", "no_fakes", "says"), FAILURES)
def test_when_the_service_cannot_run_the_message_gives_the_hand_command(
    host, monkeypatch, manager, service, no_fakes, says
):
    arrange(host, manager, "none", service)
    if no_fakes:
        monkeypatch.setenv("PATH", "/usr/bin:/bin")

    result, failed = run_module(tunnel_service.main, args(manager))

    assert failed
    assert says in result["msg"]
    assert result["msg"].endswith(
        f"Run it by hand in a terminal and keep that terminal open: `{BINARY} -p {PROFILE} tunnel`"
    )
    if "fails" not in service:
        assert not service_file(host, manager).exists(), "nothing is written when the service cannot run"


def test_the_plist_written_is_the_agent(host):
    result, failed = run_module(
        tunnel_service.main, args("launchd", env={"KUBECONFIG": "/Users/me/my kube", "MINIKUBE_HOME": ""})
    )

    agent = plistlib.loads(service_file(host, "launchd").read_bytes())
    assert not failed, result
    assert agent["ProgramArguments"] == [BINARY, "-p", PROFILE, "tunnel", "--cleanup"]
    assert agent["EnvironmentVariables"] == {"KUBECONFIG": "/Users/me/my kube"}


def test_a_binary_on_path_is_written_as_its_absolute_path(host):
    (host / "bin" / "minikube").write_text("#!/bin/sh\n")
    (host / "bin" / "minikube").chmod(0o755)

    result, failed = run_module(tunnel_service.main, args("systemd", binary="minikube"))

    assert not failed, result
    assert f'ExecStart="{host}/bin/minikube" "-p"' in service_file(host, "systemd").read_text()
    assert result["command"] == f"{host}/bin/minikube -p {PROFILE} tunnel"
