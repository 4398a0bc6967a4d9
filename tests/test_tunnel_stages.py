"""The cluster stage's tunnel tasks and the clean stage's removal, on Linux, against a fake systemctl.

The cluster stage's tunnel tasks (roles/cluster_addons/tasks/tunnel.yml) run with the shipped settings and
the dns_resolver role's list of drivers; the clean stage is the real playbooks/clean.yml, its tunnel task
alone (--tags tunnel). The fake systemctl is the module tests' (it records its calls and keeps the unit's
state in files), first on PATH; HOME is a temporary directory, so the unit lands under it.
"""

from __future__ import annotations

import pathlib
import sys

import local_playbook
import pytest

TOP = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(TOP / "collection"))
from ansible_collections.sre.minikube.tests.unit.plugins.modules.test_tunnel_service import (  # noqa: E402
    FAKE_SYSTEMCTL,
)

UNIT = "sre-minikube-tunnel-sre-minikube.service"

CLUSTER_PLAY = f"""
- name: The cluster stage's tunnel tasks
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/sre.minikube.minikube:
      binary: "{{{{ sre_minikube_binary }}}}"
      profile: "{{{{ sre_minikube_profile }}}}"
  roles:
    - role: {TOP / "playbooks" / "sre_minikube_settings"}
  tasks:
    - name: Run the role's tunnel tasks as the cluster play gives them the setting
      ansible.builtin.include_role:
        name: cluster_addons
        tasks_from: tunnel.yml
      vars:
        cluster_addons_tunnel: "{{{{ sre_minikube_tunnel }}}}"
"""


@pytest.fixture
def machine(tmp_path):
    """A home, a fake systemctl first on PATH and its state directory; the environment of the runs."""
    for name in ("home", "bin", "state"):
        (tmp_path / name).mkdir()
    (tmp_path / "bin" / "systemctl").write_text(FAKE_SYSTEMCTL)
    (tmp_path / "bin" / "systemctl").chmod(0o755)
    env = local_playbook.playbook_env(
        HOME=str(tmp_path / "home"),
        PATH=f"{tmp_path / 'bin'}:{pathlib.Path(sys.executable).parent}:/usr/bin:/bin",
        FAKE_STATE=str(tmp_path / "state"),
    )
    env.pop("XDG_CONFIG_HOME", None)
    (tmp_path / "play.yml").write_text(CLUSTER_PLAY)
    return tmp_path, env


def playbook(machine, play, *args):
    workdir, env = machine
    run = local_playbook.run_playbook(workdir, play, *args, env=env)
    assert run.returncode == 0, run.stdout + run.stderr
    return run.stdout


def unit_file(machine):
    return machine[0] / "home" / ".config" / "systemd" / "user" / UNIT


def calls(machine):
    path = machine[0] / "state" / "calls"
    return path.read_text().splitlines() if path.exists() else []


@pytest.mark.parametrize(
    ("setting", "runs"),
    [
        pytest.param("sre_minikube_tunnel=true", True, id="true"),
        pytest.param('{"sre_minikube_tunnel": true}', True, id="yaml-boolean"),
        pytest.param("sre_minikube_tunnel=auto", False, id="auto-on-linux"),
        pytest.param("sre_minikube_tunnel=publish", False, id="publish-runs-no-service"),
        pytest.param('{"sre_minikube_tunnel": false}', False, id="false"),
    ],
)
def test_the_cluster_stage_runs_the_unit_only_when_asked_on_linux(machine, setting, runs):
    out = playbook(machine, machine[0] / "play.yml", "-e", setting)

    assert unit_file(machine).exists() is runs, out
    assert (f"--user enable --now {UNIT}" in calls(machine)) is runs
    assert ("minikube tunnel runs for the profile sre-minikube as the systemd user unit" in out) is runs
    if runs:
        assert 'ExecStart="/usr/local/bin/minikube" "-p" "sre-minikube" "tunnel" "--cleanup"' in (
            unit_file(machine).read_text()
        )


def test_a_second_run_changes_nothing_and_clean_removes_the_unit(machine):
    playbook(machine, machine[0] / "play.yml", "-e", "sre_minikube_tunnel=true")

    again = playbook(machine, machine[0] / "play.yml", "-e", "sre_minikube_tunnel=true")
    assert "changed=0" in again, again

    cleaned = playbook(machine, TOP / "playbooks" / "clean.yml", "--tags", "tunnel")
    assert "changed=1" in cleaned, cleaned
    assert not unit_file(machine).exists()
    assert calls(machine)[-2:] == [f"--user disable --now {UNIT}", "--user daemon-reload"]


def test_turning_the_setting_off_removes_the_unit(machine):
    playbook(machine, machine[0] / "play.yml", "-e", "sre_minikube_tunnel=true")

    playbook(machine, machine[0] / "play.yml", "-e", "sre_minikube_tunnel=false")

    assert not unit_file(machine).exists()
    assert f"--user disable --now {UNIT}" in calls(machine)
