"""make clean PURGE=1 removes the minikube binary the install stage put in place, and no other.

Each case runs the minikube_install role for real on localhost, from a file:/// release mirror of stand-in minikube
binaries (shell scripts that answer `minikube version --output=json`), into a temporary install directory with the
stack's record (minikube_install_record); then the clean stage's purge (playbooks/tasks/purge.yml). A stand-in
minikube of the user's in another directory must survive every case, and so must a binary at the install path that
the stack did not put there, or that took the place of the user's own.
"""

from __future__ import annotations

import hashlib
import json
import os
import pathlib
import platform
import subprocess

import local_playbook
import pytest

TOP = pathlib.Path(__file__).resolve().parent.parent
MACHINES = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}
ASSET = f"minikube-{platform.system().lower()}-{MACHINES[platform.machine().lower()]}"

INSTALL = """
- name: Install minikube
  hosts: localhost
  gather_facts: false
  vars_files: [input.yml]
  roles:
    - role: minikube_install
"""

PURGE = f"""
- name: Purge
  hosts: localhost
  gather_facts: false
  vars_files: [input.yml]
  tasks:
    - name: The clean stage's purge
      ansible.builtin.import_tasks: {TOP}/playbooks/tasks/purge.yml
"""


def minikube(version: str, note: str = "") -> str:
    """A stand-in minikube that reports VERSION; NOTE makes two of the same version differ."""
    return f'#!/bin/sh\n# {note}\necho \'{{"minikubeVersion": "{version}", "commit": "stand-in"}}\'\n'


def put(path: pathlib.Path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content)
    path.chmod(0o755)


def install(tmp: pathlib.Path, version: str) -> None:
    checksums = {}
    for release in ("v1.37.0", "v1.38.1"):
        binary = tmp / "mirror" / release / ASSET
        put(binary, minikube(release, "the release"))
        checksums[release] = {ASSET: hashlib.sha256(binary.read_bytes()).hexdigest()}
    result = local_playbook.run(
        tmp,
        INSTALL,
        {
            "minikube_install_version": version,
            "minikube_install_base_url": f"file://{tmp}/mirror",
            "minikube_install_checksums": checksums,
            "minikube_install_dir": str(tmp / "bin"),
            "minikube_install_record": str(tmp / "state" / "minikube_install.json"),
            "minikube_install_preflight": False,
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr


def purge(tmp: pathlib.Path) -> str:
    result = local_playbook.run(tmp, PURGE, {"minikube_install_record": str(tmp / "state" / "minikube_install.json")})
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def nothing_before(tmp):
    install(tmp, "v1.38.1")


def users_minikube_before(tmp):
    put(tmp / "bin" / "minikube", minikube("v1.30.0", "the user's"))
    install(tmp, "v1.38.1")


def stacks_older_release_before(tmp):
    install(tmp, "v1.37.0")
    install(tmp, "v1.38.1")


def replaced_after_install(tmp):
    install(tmp, "v1.38.1")
    put(tmp / "bin" / "minikube", minikube("v1.38.1", "the user's own build"))


def users_minikube_no_install(tmp):
    put(tmp / "bin" / "minikube", minikube("v1.38.1", "the user's"))


@pytest.mark.parametrize(
    ("history", "removed", "said"),
    [
        pytest.param(nothing_before, True, None, id="installed-where-there-was-none"),
        pytest.param(stacks_older_release_before, True, None, id="upgraded-the-stacks-own"),
        pytest.param(users_minikube_before, False, "in place of v1.30.0, which was not the stack's", id="over-users"),
        pytest.param(replaced_after_install, False, "no longer the file the install stage put", id="changed-since"),
        pytest.param(users_minikube_no_install, False, None, id="never-installed"),
    ],
)
def test_purge_removes_only_the_stacks_binary(history, removed, said, tmp_path):
    foreign = tmp_path / "elsewhere" / "minikube"
    put(foreign, minikube("v1.38.1", "the user's, elsewhere on PATH"))
    history(tmp_path)
    binary = tmp_path / "bin" / "minikube"
    record = tmp_path / "state" / "minikube_install.json"
    if history is not users_minikube_no_install:
        entry = json.loads(record.read_text())[str(binary)]
        assert entry["version"] == "v1.38.1", entry
    before = binary.read_text()

    output = purge(tmp_path)

    assert binary.exists() is not removed, output
    if not removed:
        assert binary.read_text() == before, "the purge changed a binary it keeps"
    assert foreign.exists(), output
    assert not record.exists() and not record.parent.exists(), output
    if said:
        assert said in output, output


def test_purge_keeps_the_state_directory_with_other_files(tmp_path):
    install(tmp_path, "v1.38.1")
    (tmp_path / "state" / "notes").write_text("not the stack's\n")

    output = purge(tmp_path)

    assert not (tmp_path / "bin" / "minikube").exists(), output
    assert not (tmp_path / "state" / "minikube_install.json").exists(), output
    assert (tmp_path / "state" / "notes").exists(), output


@pytest.mark.parametrize(
    ("make_args", "venv_removed"),
    [
        pytest.param([], True, id="the-clones-venv"),
        pytest.param(["VENV=/nonexistent/venv"], False, id="a-venv-given-to-make"),
    ],
)
def test_make_clean_purge(make_args, venv_removed):
    """make clean PURGE=1: the clean stage purges, then the wheel and the clone's .venv go, no other (make -n)."""
    # Not the variables of a make that runs this test (make unit VENV=...): only those of the case.
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "VENV")}
    result = subprocess.run(
        ["make", "-n", "-C", str(TOP), *make_args, "clean", "PURGE=1"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    commands = result.stdout.splitlines()
    assert any("--tags clean" in line and "-e sre_minikube_purge=true" in line for line in commands), result.stdout
    assert (f"rm -rf {TOP}/.venv" in commands) is venv_removed, result.stdout
    cache = env.get("SRE_MINIKUBE_CACHE", os.path.expanduser("~/.cache/sre-minikube"))
    assert f"rm -rf {cache}/wheels" in commands, result.stdout
    assert not any(line.startswith("rm ") and "/nonexistent/venv" in line for line in commands), result.stdout
