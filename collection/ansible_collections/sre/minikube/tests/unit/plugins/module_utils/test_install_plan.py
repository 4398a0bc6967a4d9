# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The minikube_install role's decisions, from tables of what a host shows."""

from __future__ import annotations

import json
import os
import time

import pytest
from ansible_collections.sre.minikube.plugins.module_utils import install_plan
from ansible_collections.sre.minikube.plugins.module_utils.install_plan import PlanError

SHA = "a" * 64
LINUX = {
    "os": "linux",
    "arch": "amd64",
    "asset": "minikube-linux-amd64",
    "last_version": None,
    "system": "Linux",
    "machine": "x86_64",
}
ARM32 = dict(LINUX, arch="arm", asset="minikube-linux-arm", last_version="v1.37.0", machine="armv7l")
WINDOWS = dict(LINUX, os="windows", asset="minikube-windows-amd64.exe", system="Windows", machine="AMD64")
BASE = "https://example.invalid/releases"

# ---------------------------------------------------------------- settings

GOOD = {
    "version": "v1.38.1",
    "base_url": BASE,
    "sha256": "",
    "install_dir": "/usr/local/bin",
    "download_timeout": 60,
    "checksums": {"v1.38.1": {"minikube-linux-amd64": SHA}},
}
VERSION_RULE = "minikube_install_version must name one release exactly"
URL_RULE = "minikube_install_base_url must be an https://, http:// or file:/// URL of printable ASCII"
SHA_RULE = "minikube_install_sha256 must be empty or exactly 64 hex digits"
DIR_RULE = "minikube_install_dir must be an absolute path or start with ~/, without whitespace"

SETTINGS = [
    # (changed settings, the words of the one expected problem; None: no problem)
    ({}, None),
    ({"install_dir": "~/.local/bin"}, None),
    ({"install_dir": "~"}, None),
    ({"install_dir": "/Users/José/bin"}, None),
    ({"base_url": "file:///srv/mirror"}, None),
    ({"base_url": "file:///"}, None),
    ({"base_url": "http://127.0.0.1:8080"}, None),
    ({"base_url": "https://[::1]:8443/minikube/releases/"}, None),
    ({"sha256": SHA.upper()}, None),
    ({"checksums": {}}, None),
    ({"version": "latest"}, VERSION_RULE),
    ({"version": "1.38.1"}, VERSION_RULE),
    ({"version": "v1.38"}, VERSION_RULE),
    ({"version": "v1.38.1\n"}, VERSION_RULE),
    ({"version": " v1.38.1"}, VERSION_RULE),
    ({"version": "v1.38.1 "}, VERSION_RULE),
    ({"version": ">=v1.38.1"}, VERSION_RULE),
    ({"base_url": "ftp://mirror"}, URL_RULE),
    ({"base_url": "https://mirror/a b"}, URL_RULE),
    ({"base_url": "https://mirror/\nx"}, URL_RULE),
    ({"base_url": "https://mirror/releases\n"}, URL_RULE),
    ({"base_url": "https://mirror/releases\t"}, URL_RULE),
    ({"base_url": "https://mirror/rel\x00eases"}, URL_RULE),
    ({"base_url": "https://mirror/rel\x7feases"}, URL_RULE),
    ({"base_url": "https://mirrör/releases"}, URL_RULE),
    ({"base_url": "https://user:secret@mirror/releases"}, URL_RULE),
    ({"base_url": "https://mirror/releases?token=x"}, URL_RULE),
    ({"base_url": "https://mirror/releases#v1"}, URL_RULE),
    ({"base_url": "https:///releases"}, "minikube_install_base_url: an https URL needs a host"),
    ({"base_url": "file://server/srv/mirror"}, "a file URL names a directory on the host itself"),
    ({"base_url": "file://"}, "a file URL names a directory on the host itself"),
    ({"sha256": "abc"}, SHA_RULE),
    ({"sha256": "g" * 64}, SHA_RULE),
    ({"sha256": SHA + "\n"}, SHA_RULE),
    ({"sha256": " " + SHA}, SHA_RULE),
    ({"checksums": {"v1.38.1\n": {"minikube-linux-amd64": SHA}}}, "'v1.38.1\\n' is not a release"),
    ({"checksums": {"latest": {"minikube-linux-amd64": SHA}}}, "'latest' is not a release"),
    ({"checksums": {"v1.38.1": SHA}}, "minikube_install_checksums['v1.38.1'] must be a mapping of asset name"),
    ({"checksums": {"v1.38.1": {"minikube-linux-amd64\n": SHA}}}, "is not a release asset name"),
    ({"checksums": {"v1.38.1": {"../minikube": SHA}}}, "is not a release asset name"),
    (
        {"checksums": {"v1.38.1": {"minikube-linux-amd64": SHA + "\n"}}},
        "minikube_install_checksums['v1.38.1']['minikube-linux-amd64'] must be exactly 64 hex digits",
    ),
    (
        {"checksums": {"v1.38.1": {"minikube-linux-amd64": "sha256:" + SHA}}},
        "minikube_install_checksums['v1.38.1']['minikube-linux-amd64'] must be exactly 64 hex digits",
    ),
    ({"checksums": ["v1.38.1"]}, "minikube_install_checksums must be a mapping of release"),
    ({"install_dir": "bin"}, DIR_RULE),
    ({"install_dir": "~other/bin"}, DIR_RULE),
    ({"install_dir": "/usr/local/bin\n"}, DIR_RULE),
    ({"install_dir": "/usr/local/bin "}, DIR_RULE),
    ({"install_dir": "/opt/my bin"}, DIR_RULE),
    ({"install_dir": "/opt/bin:/usr/bin"}, DIR_RULE),
    ({"install_dir": "/opt/\x1bbin"}, DIR_RULE),
    ({"download_timeout": 0}, "minikube_install_download_timeout must be a positive number of seconds"),
    ({"download_timeout": -5}, "minikube_install_download_timeout must be a positive number of seconds"),
]


@pytest.mark.parametrize(("changes", "expected"), SETTINGS)
def test_settings(changes, expected):
    problems = install_plan.settings_problems(**dict(GOOD, **changes))
    if expected is None:
        assert problems == []
    else:
        assert len(problems) == 1 and expected in problems[0], problems


def test_every_wrong_setting_is_named():
    problems = install_plan.settings_problems("latest", "ftp://x", "abc", "bin", 0, {"v1": {}})
    assert len(problems) == 6


def test_a_refused_value_is_shown_with_its_control_characters():
    (problem,) = install_plan.settings_problems(**{**GOOD, "version": "v1.38.1\n"})
    assert "(got 'v1.38.1\\n')" in problem


# ---------------------------------------------------------------- versions

CHANGES = [
    # (installed, requested, change)
    ("", "v1.38.1", "none"),
    ("v1.38.1", "v1.38.1", "none"),
    ("v1.37.0", "v1.38.1", "upgrade"),
    ("v1.38.1", "v1.37.0", "downgrade"),
    ("v1.100.0", "v1.38.1", "downgrade"),
    ("v1.9.0", "v1.38.1", "upgrade"),
    ("v2.0.0", "v1.99.99", "downgrade"),
    ("v1.38.1-beta.0", "v1.38.1", "upgrade"),
    ("v1.39.0-beta.0", "v1.38.1", "downgrade"),
    ("v1.38.1+build.5", "v1.38.1", "other"),
    ("v1.38", "v1.38.1", "other"),
    ("1.38.0", "v1.38.1", "other"),
    ("devel", "v1.38.1", "other"),
]


@pytest.mark.parametrize(("current", "requested", "change"), CHANGES)
def test_change_kind(current, requested, change):
    assert install_plan.change_kind(current, requested) == change


PRERELEASES = ["v1.0.0-alpha", "v1.0.0-alpha.1", "v1.0.0-alpha.beta", "v1.0.0-beta", "v1.0.0-beta.2", "v1.0.0-beta.11"]


def test_semver_precedence_of_prereleases():
    ordered = [*PRERELEASES, "v1.0.0-rc.1", "v1.0.0"]
    assert sorted(reversed(ordered), key=install_plan.semver_key) == ordered


# ---------------------------------------------------------------- release

RELEASES = [
    # (platform, version, sha256, checksums, asset, checksum)
    (LINUX, "v1.38.1", "", {}, "minikube-linux-amd64", f"{BASE}/v1.38.1/minikube-linux-amd64.sha256"),
    (LINUX, "v1.38.1", SHA.upper(), {"v1.38.1": {"minikube-linux-amd64": "b" * 64}}, "minikube-linux-amd64", SHA),
    (LINUX, "v1.38.1", "", {"v1.38.1": {"minikube-linux-amd64": "b" * 64}}, "minikube-linux-amd64", "b" * 64),
    (LINUX, "v1.39.0", "", {"v1.38.1": {"minikube-linux-amd64": "b" * 64}}, "minikube-linux-amd64", None),
    (ARM32, "v1.37.0", "", {}, "minikube-linux-arm", None),
    (ARM32, "v1.9.0", "", {}, "minikube-linux-arm", None),
]


@pytest.mark.parametrize(("platform", "version", "sha256", "checksums", "asset", "checksum"), RELEASES)
def test_release(platform, version, sha256, checksums, asset, checksum):
    found = install_plan.release(platform, version, BASE + "/", sha256, checksums)
    assert found["asset"] == asset
    assert found["url"] == f"{BASE}/{version}/{asset}"
    assert found["checksum"] == (checksum or f"{found['url']}.sha256")
    assert found["checksum_pinned"] is (found["checksum"] != f"{found['url']}.sha256")


PINNED = {"v1.38.1": {"minikube-linux-amd64": "b" * 64}}
TRUST = [
    # (base URL, version, sha256, checksums, the checksum used; None: refused)
    ("http://127.0.0.1:8080", "v1.38.1", "", {}, None),
    ("http://mirror.internal/releases/", "v1.38.1", "", {}, None),
    ("http://mirror.internal/releases", "v1.39.0", "", PINNED, None),
    ("http://mirror.internal/releases", "v1.38.1", "", {"v1.38.1": {"minikube-darwin-amd64": "b" * 64}}, False),
    ("http://127.0.0.1:8080", "v1.38.1", SHA, {}, SHA),
    ("http://127.0.0.1:8080", "v1.38.1", "", PINNED, "b" * 64),
    ("http://127.0.0.1:8080", "v1.39.0", SHA.upper(), PINNED, SHA),
    (
        "https://mirror.internal/releases",
        "v1.39.0",
        "",
        PINNED,
        "https://mirror.internal/releases/v1.39.0/minikube-linux-amd64.sha256",
    ),
    (
        "file:///srv/minikube/releases",
        "v1.38.1",
        "",
        {},
        "file:///srv/minikube/releases/v1.38.1/minikube-linux-amd64.sha256",
    ),
]


@pytest.mark.parametrize(("base_url", "version", "sha256", "checksums", "checksum"), TRUST)
def test_plain_http_needs_a_pinned_checksum(base_url, version, sha256, checksums, checksum):
    if checksum is False:
        # A release pinned without this host's asset is refused for that reason first.
        with pytest.raises(PlanError, match="has no minikube-linux-amd64 for this host"):
            install_plan.release(LINUX, version, base_url, sha256, checksums)
    elif checksum is None:
        with pytest.raises(PlanError) as caught:
            install_plan.release(LINUX, version, base_url, sha256, checksums)
        message = str(caught.value)
        assert message.startswith(f"minikube_install_base_url {base_url} is plain http and the sha256 of minikube")
        assert f"minikube {version}'s minikube-linux-amd64 is not pinned" in message
        assert "Use an https:// or file:/// mirror, or pin the digest: minikube_install_sha256" in message
        assert f"minikube_install_checksums['{version}']['minikube-linux-amd64']" in message
    else:
        assert install_plan.release(LINUX, version, base_url, sha256, checksums)["checksum"] == checksum


REFUSALS = [
    # (platform, version, checksums, words of the message)
    (WINDOWS, "v1.38.1", {}, "install minikube on Windows with its installer"),
    (ARM32, "v1.38.1", {}, "The last release with this asset is v1.37.0: set minikube_install_version to it or older."),
    (
        LINUX,
        "v1.38.1",
        {"v1.38.1": {"minikube-darwin-arm64": SHA, "minikube-darwin-amd64": SHA}},
        "Published assets of v1.38.1: minikube-darwin-amd64, minikube-darwin-arm64.",
    ),
]


@pytest.mark.parametrize(("platform", "version", "checksums", "words"), REFUSALS)
def test_release_refused(platform, version, checksums, words):
    with pytest.raises(PlanError) as caught:
        install_plan.release(platform, version, BASE, "", checksums)
    message = str(caught.value)
    assert message.startswith(f"minikube {version} has no {platform['asset']} for this host")
    assert f"({platform['system']}/{platform['machine']})" in message
    assert words in message


# ---------------------------------------------------------------- install directory

LOCATIONS = [
    # (uid, existing paths, writable paths, install dir, dir, exists, become)
    (1000, {"/", "/usr", "/usr/local", "/usr/local/bin"}, {"/tmp"}, "/usr/local/bin", "/usr/local/bin", True, True),
    (1000, {"/", "/home", "/home/u", "/home/u/bin"}, {"/home/u/bin"}, "/home/u/bin/", "/home/u/bin", True, False),
    (1000, {"/", "/home", "/home/u"}, {"/home/u"}, "/home/u/.local/bin", "/home/u/.local/bin", False, False),
    (1000, {"/", "/opt"}, set(), "/opt/a/b/c", "/opt/a/b/c", False, True),
    (1000, {"/"}, {"/"}, "/srv/bin", "/srv/bin", False, False),
    (1000, {"/"}, set(), "/", "/", True, True),
    # Root writes anywhere, as the privilege check says (write_access).
    (0, {"/", "/usr", "/usr/local", "/usr/local/bin"}, set(), "/usr/local/bin", "/usr/local/bin", True, False),
]


@pytest.mark.parametrize(("uid", "existing", "writable", "install_dir", "where", "exists", "become"), LOCATIONS)
def test_locate(uid, existing, writable, install_dir, where, exists, become):
    found = install_plan.locate(
        install_dir, uid, exists=existing.__contains__, isdir=existing.__contains__, writable=writable.__contains__
    )
    assert found == {"dir": where, "exists": exists, "become": become, "binary": os.path.join(where, "minikube")}


def test_locate_refuses_a_file(tmp_path):
    target = tmp_path / "bin"
    target.write_text("not a directory")
    with pytest.raises(PlanError, match="exists on this host but is not a directory"):
        install_plan.locate(str(target), 1000)


# ---------------------------------------------------------------- PATH

BINARY = "/usr/local/bin/minikube"
ON_PATH = [
    # (PATH, executables, files that are the installed binary, first, is the installed binary)
    ("/usr/local/bin:/usr/bin", set(), {"/usr/local/bin/minikube"}, BINARY, True),
    ("/usr/bin:/usr/local/bin", set(), {"/usr/local/bin/minikube"}, BINARY, True),
    ("/opt/brew/bin:/usr/local/bin", {"/opt/brew/bin/minikube"}, {BINARY}, "/opt/brew/bin/minikube", False),
    ("/usr/local/bin:/opt/brew/bin", {"/opt/brew/bin/minikube"}, {BINARY}, BINARY, True),
    (
        "/home/u/links:/opt/brew/bin",
        {"/opt/brew/bin/minikube"},
        {BINARY, "/home/u/links/minikube"},
        "/home/u/links/minikube",
        True,
    ),
    ("/usr/bin:/bin", set(), {BINARY}, "", False),
    ("", set(), {BINARY}, "", False),
]


@pytest.mark.parametrize(("search_path", "executables", "same", "first", "installed"), ON_PATH)
def test_first_on_path(search_path, executables, same, first, installed):
    found = install_plan.first_on_path(
        search_path, BINARY, is_executable=executables.__contains__, same_file=lambda one, _binary: one in same
    )
    assert found == (first, installed)


def test_first_on_path_sees_links_and_files(tmp_path):
    installed_dir, other_dir, link_dir = tmp_path / "bin", tmp_path / "other", tmp_path / "links"
    for folder in (installed_dir, other_dir, link_dir):
        folder.mkdir()
    binary = installed_dir / "minikube"
    other = other_dir / "minikube"
    other.write_text("#!/bin/sh\necho v1.20.0\n")
    other.chmod(0o755)
    (link_dir / "minikube").symlink_to(binary)  # dangling until installed

    assert install_plan.first_on_path(f"{link_dir}:{other_dir}", str(binary)) == (str(link_dir / "minikube"), True)
    assert install_plan.first_on_path(f"{other_dir}:{installed_dir}", str(binary)) == (str(other), False)
    other.chmod(0o644)
    assert install_plan.first_on_path(f"{other_dir}:{installed_dir}", str(binary)) == (str(binary), True)


SHORT_VERSIONS = [
    # (rc, stdout, reported)
    (0, "v1.20.0\n", "v1.20.0"),
    (0, "minikube version: v1.20.0\n", "version unknown"),
    (1, "v1.20.0\n", "version unknown"),
    (None, "", "version unknown"),
]


@pytest.mark.parametrize(("rc", "stdout", "reported"), SHORT_VERSIONS)
def test_short_version(rc, stdout, reported):
    def runner(argv):
        assert argv == ["/opt/minikube", "version", "--short"]
        if rc is None:
            raise FileNotFoundError(argv[0])
        return rc, stdout, ""

    assert install_plan.short_version(runner, "/opt/minikube") == reported


# ---------------------------------------------------------------- Docker

DOCKER = [
    # (answer, words of the message; '' when fine)
    ((0, "Client: ...", ""), ""),
    (None, "the docker CLI could not be run: it is not installed (or not on PATH)"),
    ((127, "", ""), "the docker CLI could not be run"),
    (
        (1, "Client: ...", "Cannot connect to the Docker daemon at unix:///x.sock\n"),
        "`docker version` exited 1 (Cannot connect to the Docker daemon at unix:///x.sock). Start the Docker daemon",
    ),
    ((1, "", "permission denied while trying to connect"), "if the error says permission denied, add the user"),
]


@pytest.mark.parametrize(("answer", "words"), DOCKER)
def test_docker_problem(answer, words):
    problem = install_plan.docker_problem(answer)
    if not words:
        assert problem == ""
    else:
        assert words in problem
        assert problem.endswith("Hosts that only need the minikube binary can set minikube_install_preflight: false.")


# ---------------------------------------------------------------- the whole plan


def fake_host(versions, docker=(0, "ok", "")):
    """A runner: minikube binaries answer their version (JSON or short), docker its answer; others are missing."""
    calls = []

    def runner(argv):
        calls.append(argv)
        time.sleep(0.01)
        if argv[0] == "docker":
            if docker is None:
                raise FileNotFoundError("docker")
            return docker
        if argv[0] not in versions:
            raise FileNotFoundError(argv[0])
        if argv[1:] == ["version", "--output=json"]:
            return 0, json.dumps({"commit": "x", "minikubeVersion": versions[argv[0]]}), ""
        return 0, versions[argv[0]] + "\n", ""

    runner.calls = calls
    return runner


def params(install_dir, **changes):
    return dict(
        {
            "version": "v1.38.1",
            "base_url": BASE,
            "sha256": "",
            "checksums": {},
            "dir": install_dir,
            "download_timeout": 60,
            "preflight": True,
        },
        **changes,
    )


def test_plan_of_a_rerun(tmp_path):
    install_dir = tmp_path / "bin"
    install_dir.mkdir()
    binary = str(install_dir / "minikube")
    runner = fake_host({binary: "v1.38.1"})

    found = install_plan.plan(params(str(install_dir)), "Linux", "x86_64", {"PATH": f"{install_dir}:/usr/bin"}, runner)

    assert found["current"] == "v1.38.1" and found["change"] == "none"
    assert (found["binary"], found["dir_exists"], found["become"]) == (binary, True, False)
    assert found["asset"] == "minikube-linux-amd64"
    assert found["path"] == {
        "search_path": f"{install_dir}:/usr/bin",
        "first": binary,
        "shadowed": False,
        "other_version": "",
    }
    assert found["docker_checked"] is True
    assert set(map(tuple, runner.calls)) == {("docker", "version"), (binary, "version", "--output=json")}


def test_plan_of_a_first_install_with_another_minikube_first(tmp_path):
    other_dir = tmp_path / "brew"
    other_dir.mkdir()
    other = other_dir / "minikube"
    other.write_text("")
    other.chmod(0o755)
    install_dir = tmp_path / "missing" / "bin"
    runner = fake_host({str(other): "v1.20.0"})

    found = install_plan.plan(
        params(str(install_dir), version="v1.37.0", preflight=False),
        "Linux",
        "aarch64",
        {"PATH": f"{other_dir}:{install_dir}"},
        runner,
    )

    assert (found["current"], found["change"], found["dir_exists"]) == ("", "none", False)
    assert found["url"] == f"{BASE}/v1.37.0/minikube-linux-arm64"
    assert found["path"]["first"] == str(other) and found["path"]["shadowed"] is True
    assert found["path"]["other_version"] == "v1.20.0"
    assert found["docker_checked"] is False
    assert ["docker", "version"] not in runner.calls


def test_plan_without_path_searches_the_default(tmp_path):
    found = install_plan.plan(params(str(tmp_path), preflight=False), "Linux", "x86_64", {}, fake_host({}))
    assert found["path"]["search_path"] == os.defpath


PLAN_FAILURES = [
    # (changes, system, machine, docker, words)
    ({"version": "latest"}, "Linux", "x86_64", (0, "", ""), "minikube_install_version must name one release"),
    ({"base_url": "http://127.0.0.1:8080"}, "Linux", "x86_64", (0, "", ""), "is plain http and the sha256"),
    ({"dir": "/usr/local/bin\n"}, "Linux", "x86_64", (0, "", ""), "minikube_install_dir must be an absolute path"),
    ({}, "Linux", "i686", (0, "", ""), "detected system 'Linux' and CPU 'i686'"),
    ({}, "Windows", "AMD64", (0, "", ""), "install minikube on Windows"),
    (
        {"checksums": {"v1.38.1": {"minikube-darwin-arm64": SHA}}},
        "Linux",
        "x86_64",
        (0, "", ""),
        "Published assets of v1.38.1: minikube-darwin-arm64",
    ),
    ({}, "Linux", "x86_64", None, "the docker CLI could not be run"),
    ({}, "Linux", "x86_64", (1, "", "Cannot connect"), "`docker version` exited 1 (Cannot connect)"),
]


@pytest.mark.parametrize(("changes", "system", "machine", "docker", "words"), PLAN_FAILURES)
def test_plan_failures(tmp_path, changes, system, machine, docker, words):
    with pytest.raises(PlanError) as caught:
        install_plan.plan(
            params(str(tmp_path), **changes), system, machine, {"PATH": "/usr/bin"}, fake_host({}, docker=docker)
        )
    assert words in str(caught.value)


REFUSED_BEFORE_RUNNING = [
    {"base_url": "http://127.0.0.1:8080"},
    {"version": "v1.38.1\n"},
    {"checksums": {"v1.38.1": {"minikube-linux-amd64": "x"}}},
    {"sha256": SHA + "\n"},
]


@pytest.mark.parametrize("changes", REFUSED_BEFORE_RUNNING)
def test_a_refused_setting_runs_nothing(tmp_path, changes):
    runner = fake_host({str(tmp_path / "minikube"): "v1.37.0"})
    with pytest.raises(PlanError):
        install_plan.plan(params(str(tmp_path), **changes), "Linux", "x86_64", {"PATH": str(tmp_path)}, runner)
    assert runner.calls == []


def test_plan_expands_the_home(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    found = install_plan.plan(params("~/.local/bin", preflight=False), "Linux", "x86_64", {"PATH": ""}, fake_host({}))
    assert found["dir"] == f"{tmp_path}/.local/bin" and found["binary"] == f"{tmp_path}/.local/bin/minikube"
