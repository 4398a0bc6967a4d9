# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import json

import pytest
from ansible_collections.sre.minikube.plugins.module_utils import doctor

GIB = 1024**3
INFO = {"ServerVersion": "28.1.1", "NCPU": 4, "MemTotal": 8 * GIB, "DockerRootDir": "/var/lib/docker"}


def answers(table):
    """A runner that answers each command (a tuple of its words) from a table; OSError for the rest."""

    def runner(argv):
        answer = table.get(tuple(argv))
        if answer is None or isinstance(answer, Exception):
            raise answer or OSError(argv[0])
        return answer

    return runner


@pytest.mark.parametrize(
    ("system", "machine", "status"),
    [
        ("Linux", "x86_64", "ok"),
        ("Darwin", "arm64", "ok"),
        ("Linux", "mips", "fail"),
        ("SunOS", "x86_64", "fail"),
    ],
)
def test_platform(system, machine, status):
    assert doctor.check_platform(system, machine)["status"] == status


DOCKER_INFO = ("docker", "info", "--format", "{{json .}}")


@pytest.mark.parametrize(
    ("answer", "status", "words"),
    [
        ((0, json.dumps(INFO), ""), "ok", "Docker 28.1.1 runs"),
        ((0, json.dumps({**INFO, "ServerVersion": "17.12.1-ce"}), ""), "fail", "needs 18.9 or later"),
        (None, "fail", "not installed"),
        (
            (1, json.dumps({"ServerErrors": ["Cannot connect to the Docker daemon"]}), ""),
            "fail",
            "Cannot connect to the Docker daemon",
        ),
        ((1, "", "permission denied while trying to connect"), "fail", "permission denied"),
        ((0, "not json", ""), "fail", "does not answer"),
    ],
    ids=["running", "too-old", "no-cli", "daemon-stopped", "permission-denied", "garbled"],
)
def test_docker(answer, status, words):
    info, why = doctor.docker_info(answers({DOCKER_INFO: answer}))
    check = doctor.check_docker(info, why)
    assert check["status"] == status
    assert words in check["detail"]
    assert bool(check["fix"]) == (status != "ok")


@pytest.mark.parametrize(
    ("info", "cpus", "memory", "status", "fix_words"),
    [
        (INFO, 2, 4096, "ok", ""),
        (INFO, 4, 8192, "ok", ""),
        (INFO, 6, 4096, "fail", "at least 6 CPUs"),
        ({**INFO, "MemTotal": 3 * GIB}, 2, 4096, "fail", "4096 MiB of memory"),
        ({**INFO, "NCPU": 1, "MemTotal": 2 * GIB}, 2, 4096, "fail", "2 CPUs and 4096 MiB"),
        (None, 2, 4096, "fail", "docker check first"),
    ],
)
def test_docker_resources(info, cpus, memory, status, fix_words):
    check = doctor.check_docker_resources(info, cpus, memory)
    assert check["status"] == status
    assert fix_words in check["fix"]


def free_from(table):
    def free(path):
        if path not in table:
            raise OSError(path)
        return table[path]

    return free


GB = 1000**3


@pytest.mark.parametrize(
    ("free", "status", "where"),
    [
        ({"/home/u/.minikube": 100 * GB, "/var/lib/docker": 80 * GB}, "ok", "/var/lib/docker"),
        ({"/home/u/.minikube": 12 * GB, "/var/lib/docker": 80 * GB}, "warn", "/home/u/.minikube"),
        ({"/home/u/.minikube": 100 * GB, "/var/lib/docker": 2 * GB}, "fail", "/var/lib/docker"),
        ({"/home/u/.minikube": 30 * GB}, "ok", "/home/u/.minikube"),
        ({}, "warn", ""),
    ],
    ids=["plenty", "home-short", "docker-full", "docker-unreadable", "nothing-readable"],
)
def test_disk(free, status, where):
    paths = {"minikube's home": "/home/u/.minikube", "Docker's data": "/var/lib/docker"}
    check = doctor.check_disk(paths, free_from(free))
    assert check["status"] == status
    assert where in check["detail"]


@pytest.mark.parametrize(
    ("environ", "expected"),
    [({"MINIKUBE_HOME": "/data/mk"}, "/data/mk"), ({"MINIKUBE_HOME": ""}, "HOME/.minikube"), ({}, "HOME/.minikube")],
)
def test_minikube_home(monkeypatch, environ, expected):
    monkeypatch.setenv("HOME", "/home/u")
    assert doctor.minikube_home(environ) == expected.replace("HOME", "/home/u")


def test_free_bytes_of_a_missing_directory_is_its_parents(tmp_path):
    assert doctor.free_bytes(str(tmp_path / "not" / "yet")) == doctor.free_bytes(str(tmp_path))


@pytest.mark.parametrize(
    ("system", "backend", "busy", "status", "words"),
    [
        ("Darwin", "macos-resolver", set(), "ok", "80 and 443 are free"),
        ("Darwin", "macos-resolver", {80}, "warn", "port 80,"),
        ("Darwin", "macos-resolver", {80, 443}, "warn", "port 80 and 443"),
        ("Linux", "systemd-resolved", {53, 80, 443}, "ok", "binds no host port"),
        ("Linux", "networkmanager", {53}, "warn", "port 53"),
        ("Linux", "networkmanager", set(), "ok", "binds no host port"),
        ("Linux", None, {53}, "ok", "binds no host port"),
    ],
)
def test_ports(system, backend, busy, status, words):
    check = doctor.check_ports(system, backend, lambda host, port: host == "127.0.0.1" and port in busy)
    assert check["status"] == status
    assert words in check["detail"]


def test_listening_sees_a_listener_and_its_absence():
    import socket

    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        assert doctor.listening("127.0.0.1", port)
    assert not doctor.listening("127.0.0.1", port)


@pytest.mark.parametrize(
    ("resolver", "status"),
    [
        ({"backend": "systemd-resolved", "reason": "systemd-resolved answers"}, "ok"),
        ({"backend": "macos-resolver", "reason": "macOS reads /etc/resolver"}, "ok"),
        ({"backend": None, "reason": "neither systemd-resolved nor NetworkManager is active"}, "fail"),
        (None, "warn"),
    ],
)
def test_resolver(resolver, status):
    check = doctor.check_resolver(resolver)
    assert check["status"] == status
    if resolver:
        assert resolver["reason"] in check["detail"]


def on_path(first, installed):
    return lambda search_path, binary: (first, installed)


@pytest.mark.parametrize(
    ("found", "status", "words"),
    [
        (("/usr/local/bin/minikube", True), "ok", "the one the install stage installs"),
        (("/opt/homebrew/bin/minikube", False), "warn", "PATH runs /opt/homebrew/bin/minikube (v1.30.1)"),
        (("", False), "warn", "no minikube on PATH"),
    ],
)
def test_minikube_path(found, status, words):
    runner = answers({("/opt/homebrew/bin/minikube", "version", "--short"): (0, "v1.30.1\n", "")})
    check = doctor.check_minikube_path("/usr/bin", "/usr/local/bin", runner, on_path(*found))
    assert check["status"] == status
    assert words in check["detail"]


def test_minikube_path_searches_path(tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    (other / "minikube").write_text("#!/bin/sh\necho v1.2.3\n")
    (other / "minikube").chmod(0o755)
    install = tmp_path / "install"
    check = doctor.check_minikube_path(f"{other}:{install}", str(install), answers({}))
    assert check["status"] == "warn"
    assert str(other / "minikube") in check["detail"]


@pytest.mark.parametrize(
    ("version", "status"),
    [((3, 11, 9), "ok"), ((3, 13, 0), "ok"), ((3, 9, 6), "fail"), ((3, 14, 0), "fail")],
)
def test_python(version, status):
    assert doctor.check_python(version, "/usr/bin/python3", ["3.11", "3.12", "3.13"])["status"] == status


@pytest.mark.parametrize(
    ("uid", "writable", "dns_become", "sudo", "sudo_rc", "status", "words"),
    [
        (0, False, True, None, None, "ok", "running as root"),
        (1000, True, False, None, None, "ok", "no stage needs root"),
        (1000, False, False, "/usr/bin/sudo", 0, "ok", "without a password"),
        (1000, True, True, "/usr/bin/sudo", 1, "warn", "asks for a password"),
        (1000, False, True, None, None, "fail", "sudo is not installed"),
    ],
)
def test_sudo(uid, writable, dns_become, sudo, sudo_rc, status, words):
    runner = answers({(sudo, "-n", "true"): (sudo_rc, "", "")} if sudo else {})
    which = {"sudo": sudo}.get
    check = doctor.check_sudo(uid, "/usr/local/bin", dns_become, runner, which, writable=lambda path: writable)
    assert check["status"] == status
    assert words in check["detail"]


@pytest.mark.parametrize(
    ("environ", "status", "words"),
    [
        ({}, "ok", "no proxy set"),
        ({"HTTPS_PROXY": "http://proxy:3128"}, "warn", "192.168.49.0/24, 10.96.0.0/12, 10.244.0.0/16, .test"),
        (
            {
                "https_proxy": "http://proxy:3128",
                "no_proxy": "localhost,192.168.49.0/24,10.96.0.0/12,10.244.0.0/16,.test",
            },
            "ok",
            "lets the cluster",
        ),
        (
            {"HTTP_PROXY": "http://proxy:3128", "NO_PROXY": "192.168.49.0/24, 10.96.0.0/12,10.244.0.0/16"},
            "warn",
            "leaves out .test",
        ),
    ],
)
def test_proxy(environ, status, words):
    check = doctor.check_proxy(environ, "test")
    assert check["status"] == status
    assert words in check["detail"]


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [((), "ok"), (("ok", "ok"), "ok"), (("ok", "warn"), "warn"), (("warn", "fail", "ok"), "fail")],
)
def test_verdict(statuses, expected):
    assert doctor.verdict([doctor.result(str(n), s, "") for n, s in enumerate(statuses)]) == expected


@pytest.mark.parametrize(
    ("check", "expected"),
    [
        (doctor.result("docker", "ok", "Docker 28 runs"), "OK   docker: Docker 28 runs"),
        (doctor.result("disk", "fail", "1 GB free.", "Free space."), "FAIL disk: 1 GB free. Fix: Free space."),
    ],
)
def test_line(check, expected):
    assert doctor.line(check) == expected
