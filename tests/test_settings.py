"""The stack's settings: shipped defaults that an inventory and -e override.

Every stage play lists playbooks/sre_minikube_settings first among its roles, so its
defaults/main.yml reaches the play as role defaults, the lowest precedence
Ansible has. A run without an inventory (the installed collection's
`ansible-playbook sre.minikube.site`, on the implicit localhost) has them
all; an inventory's group_vars and -e win over them.
"""

from __future__ import annotations

import pathlib
import subprocess
import sys

import local_playbook
import pytest
import yaml

TOP = pathlib.Path(__file__).resolve().parent.parent
SETTINGS = TOP / "playbooks" / "sre_minikube_settings"
STAGES = ["build", "clean", "cluster", "deploy", "dns", "install", "privileges", "verify"]

PLAY = f"""
- name: Show the settings
  hosts: localhost
  gather_facts: false
  roles:
    - role: {SETTINGS}
  tasks:
    - name: Show them
      ansible.builtin.debug:
        msg: "namespace={{{{ sre_minikube_namespace }}}} context={{{{ sre_minikube_context }}}}"
"""


def show(workdir: pathlib.Path, *args: str) -> str:
    (workdir / "play.yml").write_text(PLAY)
    env = local_playbook.ansible_env(
        ANSIBLE_NOCOLOR="1", ANSIBLE_LOCALHOST_WARNING="false", ANSIBLE_INVENTORY_UNPARSED_WARNING="false"
    )
    run = subprocess.run(
        ["ansible-playbook", *args, "play.yml"],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return run.stdout


@pytest.fixture
def inventory(tmp_path):
    """An inventory of the user's own: localhost, and one setting in group_vars/all.yml."""
    (tmp_path / "inventory" / "group_vars").mkdir(parents=True)
    (tmp_path / "inventory" / "hosts.yml").write_text(
        yaml.safe_dump({"all": {"hosts": {"localhost": {"ansible_connection": "local"}}}})
    )
    (tmp_path / "inventory" / "group_vars" / "all.yml").write_text("sre_minikube_profile: mine\n")
    return "inventory"


def test_without_an_inventory_the_play_runs_on_localhost_with_the_shipped_defaults(tmp_path):
    out = show(tmp_path)

    assert "namespace=invoice context=sre-minikube" in out


def test_the_inventory_group_vars_override_a_default(tmp_path, inventory):
    out = show(tmp_path, "-i", inventory, "-e", f"ansible_python_interpreter={sys.executable}")

    assert "namespace=invoice context=mine" in out


def test_extra_vars_override_the_inventory_and_the_defaults(tmp_path, inventory):
    out = show(
        tmp_path,
        "-i",
        inventory,
        "-e",
        f"ansible_python_interpreter={sys.executable}",
        "-e",
        "sre_minikube_profile=cli",
        "-e",
        "sre_minikube_namespace=cli-ns",
    )

    assert "namespace=cli-ns context=cli" in out


@pytest.mark.parametrize("stage", STAGES)
def test_every_stage_play_runs_on_localhost_with_the_settings_first(stage):
    """`hosts: all` would match nothing without an inventory; the settings come before the roles that read them."""
    for play in yaml.safe_load((TOP / "playbooks" / f"{stage}.yml").read_text()):
        assert play["hosts"] == "localhost"
        assert play["roles"][0]["role"] == "sre_minikube_settings"


def test_the_settings_are_defaults_only_and_the_clone_inventory_sets_none():
    """One source: the clone's group_vars/all.yml is the user's, empty as shipped."""
    defaults = yaml.safe_load((SETTINGS / "defaults" / "main.yml").read_text())
    assert {"sre_minikube_profile", "sre_minikube_install_dir", "sre_minikube_binary"} <= defaults.keys()
    assert yaml.safe_load((TOP / "inventory" / "group_vars" / "all.yml").read_text()) is None


# The stage plays and the role each includes.
STAGE_ROLES = {
    "install": "minikube_install",
    "cluster": "cluster_addons",
    "build": "image_build",
    "deploy": "app_deploy",
}


@pytest.mark.parametrize("stage", sorted(STAGE_ROLES))
def test_a_run_loads_nothing_of_the_stages_it_does_not_select(stage):
    """A stage's role is included, so a run that does not select the stage does not even validate its arguments;
    and only the selected stage notes its start (the privilege play's note, under always, notes nothing)."""
    env = local_playbook.ansible_env(ANSIBLE_CONFIG=str(TOP / "ansible.cfg"), ANSIBLE_NOCOLOR="1")
    run = subprocess.run(
        ["ansible-playbook", "site.yml", "--list-tasks", "--tags", stage],
        cwd=TOP, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    validated = {line.split(" : ")[0].strip() for line in run.stdout.splitlines() if "Validating arguments" in line}
    assert not validated & set(STAGE_ROLES.values()), run.stdout
    notes = [line for line in run.stdout.splitlines() if "Note when the stage started" in line]
    assert [line.split("TAGS: ")[1] for line in notes] == ["[always]", f"[{stage}]"], run.stdout


NODE_COUNTS = [
    # (sre_minikube_nodes, the stage of the play, refused)
    ("0", "cluster", True),
    ("-1", "cluster", True),
    ("1", "cluster", False),
    ("3", "cluster", False),
    # Only the cluster stage makes nodes: another stage does not refuse what it does not use.
    ("0", "deploy", False),
]


@pytest.mark.parametrize(("nodes", "stage", "refused"), NODE_COUNTS)
def test_the_cluster_stage_refuses_fewer_than_one_node(tmp_path, nodes, stage, refused):
    (tmp_path / "play.yml").write_text(PLAY)
    env = local_playbook.ansible_env(ANSIBLE_NOCOLOR="1", ANSIBLE_LOCALHOST_WARNING="false")
    settings = ["-e", f"sre_minikube_nodes={nodes}", "-e", f"sre_minikube_settings_stage={stage}"]
    run = subprocess.run(
        ["ansible-playbook", "play.yml", *settings],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert (run.returncode != 0) is refused, run.stdout + run.stderr
    assert (f"sre_minikube_nodes={nodes} must be at least 1" in run.stdout) is refused, run.stdout
