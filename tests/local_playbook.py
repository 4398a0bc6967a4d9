"""Runs a play on localhost with this checkout's roles and collection, as the tests under tests/ do."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import yaml

TOP = pathlib.Path(__file__).resolve().parent.parent
# The checks' own places for Ansible's files (the Makefile sets them), kept in a
# test's environment so that no run writes into ~/.ansible.
KEPT = ("ANSIBLE_HOME", "ANSIBLE_REMOTE_TMP")


def ansible_env(**settings: str) -> dict:
    """This process's environment without the user's ANSIBLE_* settings (but KEPT), plus the given ones."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANSIBLE_") or k in KEPT}
    env.update(settings)
    return env


def playbook_env(**settings: str) -> dict:
    """ansible_env() that finds only the checkout's roles and collection and runs modules with this Python."""
    return ansible_env(
        ANSIBLE_ROLES_PATH=str(TOP / "roles"),
        ANSIBLE_COLLECTIONS_PATH=str(TOP / "collection"),
        ANSIBLE_PYTHON_INTERPRETER=sys.executable,
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_LOCALHOST_WARNING="false",
        **settings,
    )


def run_playbook(workdir: pathlib.Path, playbook, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """Runs ansible-playbook on PLAYBOOK (with ARGS) on localhost, in workdir, with ENV (playbook_env() by default)."""
    return subprocess.run(
        ["ansible-playbook", "-i", "localhost,", "-c", "local", str(playbook), *args],
        cwd=workdir,
        env=env if env is not None else playbook_env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def run(workdir: pathlib.Path, play: str, variables: dict) -> subprocess.CompletedProcess:
    """Writes the variables to input.yml and the play to play.yml in workdir, then runs ansible-playbook there.

    The user's ANSIBLE_* settings are left out, so that only the checkout's roles and collection are found;
    ANSIBLE_HOME and ANSIBLE_REMOTE_TMP stay, so that ansible's files go where the Makefile's checks keep them.
    """
    (workdir / "input.yml").write_text(yaml.safe_dump(variables))
    (workdir / "play.yml").write_text(play)
    return run_playbook(workdir, "play.yml")
