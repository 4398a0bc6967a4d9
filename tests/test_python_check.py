"""The Makefile refuses an unsupported Python before it installs anything.

Each case runs `make` on the project's Makefile with PYTHON naming a stand-in
interpreter: a shell script that prints a fixed version for the check's
`-c` snippet and records any other call, so a test can tell whether make
went on to create a virtual environment. VENV points into the test's
temporary directory, so the project's own .venv is never touched.
"""

from __future__ import annotations

import os
import pathlib
import subprocess

import pytest

TOP = pathlib.Path(__file__).resolve().parent.parent


def fake_python(directory: pathlib.Path, version: str) -> pathlib.Path:
    """A stand-in interpreter that claims to be Python <version>."""
    path = directory / f"python{version}"
    calls = directory / "calls.log"
    path.write_text(
        "#!/bin/sh\n"
        '[ "$1" = "-c" ] && case "$2" in *version_info*) '
        f"echo {version}; exit 0;; esac\n"
        f'echo "$@" >> {calls}\n'
        "exit 1\n"
    )
    path.chmod(0o755)
    return path


def run_make(python: pathlib.Path | str, venv: pathlib.Path, *goals: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS", "VENV")}
    return subprocess.run(
        ["make", "-C", str(TOP), f"PYTHON={python}", f"VENV={venv}", *goals],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("goal", ["all", "init", "deploy", "clean", "venv", "venv-runtime"])
def test_an_old_python_is_refused_before_anything_is_installed(tmp_path, goal):
    python = fake_python(tmp_path, "3.9")
    venv = tmp_path / "venv"

    result = run_make(python, venv, goal)

    assert result.returncode != 0
    assert f"{python} is Python 3.9" in result.stderr
    assert "needs Python 3.11, 3.12 or 3.13" in result.stderr
    assert f"make PYTHON=python3.12 {goal}" in result.stderr
    assert "Nothing was installed" in result.stderr
    # make stopped at the check: no venv, no other call of the interpreter,
    # and the stack's playbook never ran.
    assert not venv.exists()
    assert not (tmp_path / "calls.log").exists()
    assert "ansible-playbook" not in result.stdout


@pytest.mark.parametrize("version", ["3.10", "3.14", "2.7"])
def test_versions_outside_the_supported_range_are_refused(tmp_path, version):
    result = run_make(fake_python(tmp_path, version), tmp_path / "venv", "check-python")

    assert result.returncode != 0
    assert f"is Python {version}" in result.stderr


def test_a_missing_interpreter_is_named(tmp_path):
    missing = tmp_path / "no-such-python"

    result = run_make(missing, tmp_path / "venv", "all")

    assert result.returncode != 0
    assert f"{missing} was not found or did not run" in result.stderr
    assert not (tmp_path / "venv").exists()


@pytest.mark.parametrize("version", ["3.11", "3.12", "3.13"])
def test_supported_versions_pass_the_check(tmp_path, version):
    result = run_make(fake_python(tmp_path, version), tmp_path / "venv", "check-python")

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
