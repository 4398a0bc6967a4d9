# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The tunnel service's decision and files: the same command line in a launchd agent and a systemd user unit."""

from __future__ import annotations

import plistlib
import shutil
import subprocess

import pytest
from ansible_collections.sre.minikube.plugins.module_utils.inputs import InputError
from ansible_collections.sre.minikube.plugins.module_utils.tunnel import (
    default_paths,
    hand_command,
    host_path,
    launchd_state,
    published_ports,
    render_plist,
    render_unit,
    tunnel_needed,
)

FORWARDED = ["docker", "podman"]

DECISIONS = [
    pytest.param("auto", "Darwin", "docker", "publish", id="auto-macos-docker"),
    pytest.param("auto", "Darwin", "podman", "publish", id="auto-macos-podman"),
    pytest.param("auto", "Darwin", "vfkit", "node", id="auto-macos-routable-vm"),
    pytest.param("auto", "Linux", "docker", "node", id="auto-linux-docker"),
    pytest.param("auto", "Linux", "kvm2", "node", id="auto-linux-kvm"),
    pytest.param("publish", "Linux", "docker", "publish", id="publish-linux-docker"),
    pytest.param("publish", "Darwin", "podman", "publish", id="publish-macos-podman"),
    pytest.param("true", "Linux", "docker", "tunnel", id="true-linux"),
    pytest.param("true", "Darwin", "docker", "tunnel", id="true-macos-docker"),
    pytest.param("true", "Darwin", "vfkit", "tunnel", id="true-macos-vm"),
    pytest.param("false", "Darwin", "docker", "node", id="false-macos-docker"),
    pytest.param("false", "Linux", "docker", "node", id="false-linux"),
]


@pytest.mark.parametrize(("setting", "system", "driver", "path"), DECISIONS)
def test_how_the_host_reaches_the_front_door(setting, system, driver, path):
    assert host_path(setting, system, driver, FORWARDED) == path
    assert tunnel_needed(setting, system, driver, FORWARDED) is (path == "tunnel")


@pytest.mark.parametrize("setting", ["True", "yes", "", "auto\n", None])
def test_a_setting_other_than_the_four_is_refused(setting):
    with pytest.raises(InputError, match="must be one of auto, publish, true, false"):
        host_path(setting, "Darwin", "docker", FORWARDED)


def test_auto_reads_the_list_it_is_given():
    # A listed driver minikube cannot publish for gets the tunnel; an unlisted one is reached at the node.
    assert host_path("auto", "Darwin", "qemu2", ["qemu2"]) == "tunnel"
    assert host_path("auto", "Darwin", "docker", []) == "node"


@pytest.mark.parametrize("driver", ["kvm2", "vfkit", "none", ""])
def test_publish_is_refused_for_a_driver_without_a_node_container(driver):
    with pytest.raises(InputError, match="only the docker and podman drivers do"):
        host_path("publish", "Linux", driver, FORWARDED)


PUBLISHED = [
    pytest.param("publish", "127.0.0.1", ["127.0.0.1:80:80", "127.0.0.1:443:443"], id="loopback"),
    pytest.param("publish", "127.0.0.2", ["127.0.0.2:80:80", "127.0.0.2:443:443"], id="another-loopback"),
    pytest.param("publish", "::1", ["[::1]:80:80", "[::1]:443:443"], id="ipv6-loopback"),
    pytest.param("tunnel", "127.0.0.1", [], id="tunnel"),
    pytest.param("node", "127.0.0.1", [], id="node"),
]


@pytest.mark.parametrize(("path", "address", "ports"), PUBLISHED)
def test_published_ports(path, address, ports):
    assert published_ports(path, address) == ports


@pytest.mark.parametrize("address", ["", "localhost", "127.0.0.1 ", "127.0.0.1:80"])
def test_published_ports_need_an_address(address):
    with pytest.raises(InputError):
        published_ports("publish", address)


# Paths a user may really have: spaces (Application Support), quotes, a percent sign, a dollar sign.
PATHS = [
    pytest.param("/usr/local/bin/minikube", id="plain"),
    pytest.param("/Users/me/Application Support/bin/minikube", id="space"),
    pytest.param("/opt/100%/minikube", id="percent"),
    pytest.param("/opt/$HOME/mini kube", id="dollar-and-space"),
]
ENVIRONMENTS = [
    pytest.param({}, {}, id="none"),
    pytest.param({"KUBECONFIG": "", "MINIKUBE_HOME": None}, {}, id="empty-values-left-out"),
    pytest.param(
        {"MINIKUBE_HOME": "/Users/me/mk home", "KUBECONFIG": '/a b/c:/d/"e"/f%g', "PATH": "/usr/bin:/bin"},
        {"MINIKUBE_HOME": "/Users/me/mk home", "KUBECONFIG": '/a b/c:/d/"e"/f%g', "PATH": "/usr/bin:/bin"},
        id="space-quote-percent",
    ),
    pytest.param({"KUBECONFIG": "/k/it's\\here$x"}, {"KUBECONFIG": "/k/it's\\here$x"}, id="single-quote-backslash"),
]


@pytest.mark.parametrize("binary", PATHS)
@pytest.mark.parametrize(("environment", "expected_env"), ENVIRONMENTS)
def test_the_plist_parses_back_to_the_command_and_the_environment(binary, environment, expected_env):
    log = "/Users/me/Library/Logs/io.sre-minikube.tunnel.sre-minikube.log"

    agent = plistlib.loads(render_plist(binary, "sre-minikube", environment, log).encode())

    assert agent["Label"] == "io.sre-minikube.tunnel.sre-minikube"
    assert agent["ProgramArguments"] == [binary, "-p", "sre-minikube", "tunnel", "--cleanup"]
    assert agent["RunAtLoad"] is True
    assert agent["KeepAlive"] is True
    assert agent["StandardOutPath"] == agent["StandardErrorPath"] == log
    assert agent.get("EnvironmentVariables", {}) == expected_env


def unquote_systemd(line):
    """Split one unit-file value as systemd does: double/single quotes, C escapes, then %% and $$.

    The test's own reading of systemd.syntax(7) and systemd.service(5) ("Command lines").
    """
    words, word, quote, i, started = [], "", None, 0, False
    escapes = {"n": "\n", "t": "\t", "\\": "\\", '"': '"', "'": "'", " ": " "}
    while i < len(line):
        char = line[i]
        if char == "\\":
            word += escapes[line[i + 1]]
            i += 2
            started = True
            continue
        if quote:
            if char == quote:
                quote = None
            else:
                word += char
        elif char in "\"'":
            quote, started = char, True
        elif char == " ":
            if started:
                words.append(word)
            word, started = "", False
        else:
            word += char
            started = True
        i += 1
    assert quote is None, f"unterminated quote in {line!r}"
    if started:
        words.append(word)
    return [w.replace("%%", "%") for w in words]


def unit_values(unit, key):
    return [line.split("=", 1)[1] for line in unit.splitlines() if line.startswith(key + "=")]


@pytest.mark.parametrize("binary", PATHS)
@pytest.mark.parametrize(("environment", "expected_env"), ENVIRONMENTS)
def test_the_unit_parses_back_to_the_command_and_the_environment(binary, environment, expected_env):
    unit = render_unit(binary, "sre-minikube", environment)

    (exec_start,) = unit_values(unit, "ExecStart")
    executable, *arguments = unquote_systemd(exec_start)
    # systemd expands $NAME in the arguments ($$ is a $), never in the executable's path.
    assert [executable, *(a.replace("$$", "$") for a in arguments)] == [
        binary,
        "-p",
        "sre-minikube",
        "tunnel",
        "--cleanup",
    ]
    found = dict(word.split("=", 1) for value in unit_values(unit, "Environment") for word in unquote_systemd(value))
    assert found == expected_env
    assert unit_values(unit, "Restart") == ["on-failure"]
    assert unit_values(unit, "KillSignal") == ["SIGINT"]
    assert unit_values(unit, "WantedBy") == ["default.target"]


@pytest.mark.parametrize(
    ("binary", "says"),
    [
        pytest.param('/opt/"q"/minikube', "systemd refuses an executable path", id="double-quote"),
        pytest.param("/opt/it's/minikube", "systemd refuses an executable path", id="single-quote"),
        pytest.param("/opt/a\\b/minikube", "systemd refuses an executable path", id="backslash"),
        pytest.param("/opt/a\nb/minikube", "breaks the rule absolute_path", id="newline"),
        pytest.param("minikube", "breaks the rule absolute_path", id="not-absolute"),
    ],
)
def test_a_binary_path_systemd_cannot_run_is_refused(binary, says):
    with pytest.raises(InputError, match=says):
        render_unit(binary, "sre-minikube", {})


@pytest.mark.parametrize(
    ("profile", "environment", "says"),
    [
        pytest.param("-x", {}, "profile='-x' breaks the rule minikube_profile", id="profile-flag"),
        pytest.param("a b", {}, "breaks the rule minikube_profile", id="profile-space"),
        pytest.param("p", {"KUBECONFIG": "/a\n[Service]"}, "breaks the rule text", id="env-newline"),
        pytest.param("p", {"BAD NAME": "x"}, "breaks the rule env_name", id="env-name"),
    ],
)
def test_bad_input_never_reaches_a_file(profile, environment, says):
    for render in (
        lambda: render_unit("/usr/bin/minikube", profile, environment),
        lambda: render_plist("/usr/bin/minikube", profile, environment, "/tmp/log"),
    ):
        with pytest.raises(InputError, match=says):
            render()


SYSTEMD_ANALYZE = shutil.which("systemd-analyze")


@pytest.mark.skipif(SYSTEMD_ANALYZE is None, reason="systemd-analyze is not installed")
@pytest.mark.parametrize(
    "directory", ["bin", "Application Support", "100% sure", "cost $5"], ids=["plain", "space", "percent", "dollar"]
)
def test_systemd_verifies_the_unit(tmp_path, directory):
    """systemd's own parser reads the unit without a warning and finds the executable at the unquoted path."""
    binary = tmp_path / directory / "minikube"
    binary.parent.mkdir()
    binary.write_text("#!/bin/sh\n")
    binary.chmod(0o755)
    unit = tmp_path / "sre-minikube-tunnel-sre-minikube.service"
    unit.write_text(render_unit(str(binary), "sre-minikube", {"KUBECONFIG": '/a b/"c"/50%'}))

    run = subprocess.run(
        [SYSTEMD_ANALYZE, "verify", str(unit)], capture_output=True, text=True, check=False, timeout=60
    )

    assert run.returncode == 0, run.stderr
    assert str(unit) not in run.stderr, run.stderr


def test_the_hand_command_quotes_for_a_shell():
    assert hand_command("/usr/local/bin/minikube", "sre-minikube") == "/usr/local/bin/minikube -p sre-minikube tunnel"
    assert hand_command("/Users/me/App Support/minikube", "p") == "'/Users/me/App Support/minikube' -p p tunnel"


@pytest.mark.parametrize(
    ("manager", "environ", "expected"),
    [
        pytest.param(
            "launchd",
            {},
            (
                "/Users/me/Library/LaunchAgents/io.sre-minikube.tunnel.sre-minikube.plist",
                "/Users/me/Library/Logs/io.sre-minikube.tunnel.sre-minikube.log",
            ),
            id="launchd",
        ),
        pytest.param(
            "systemd", {}, ("/Users/me/.config/systemd/user/sre-minikube-tunnel-sre-minikube.service", ""), id="systemd"
        ),
        pytest.param(
            "systemd",
            {"XDG_CONFIG_HOME": "/cfg"},
            ("/cfg/systemd/user/sre-minikube-tunnel-sre-minikube.service", ""),
            id="systemd-xdg",
        ),
    ],
)
def test_where_the_files_go(manager, environ, expected):
    assert default_paths(manager, "sre-minikube", "/Users/me", environ) == expected


@pytest.mark.parametrize(
    ("printed", "state"),
    [
        pytest.param("gui/501/x = {\n\tactive count = 1\n\tstate = running\n\n\tprogram = /m\n", "running", id="run"),
        pytest.param("gui/501/x = {\n\tstate = waiting\n", "waiting", id="waiting"),
        pytest.param("gui/501/x = {\n\tprogram = /m\n", "", id="no-state"),
    ],
)
def test_the_launchd_state(printed, state):
    assert launchd_state(printed) == state
