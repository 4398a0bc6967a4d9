# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import json

import pytest
from ansible.module_utils import basic
from ansible_collections.sre.minikube.plugins.module_utils import doctor as checks
from ansible_collections.sre.minikube.plugins.modules import doctor
from ansible_collections.sre.minikube.tests.unit.plugins.modules.utils import run_module

INFO = {"ServerVersion": "28.1.1", "NCPU": 4, "MemTotal": 8 * 1024**3, "DockerRootDir": "/var/lib/docker"}
RESOLVED = {"backend": "systemd-resolved", "reason": "systemd-resolved answers the host's queries"}


@pytest.fixture
def host(monkeypatch, tmp_path):
    """A Linux host whose commands answer from a table; nothing listens, plenty of disk."""
    state = {
        "bins": {"docker": "/usr/bin/docker", "sudo": "/usr/bin/sudo"},
        "answers": {"docker": (0, json.dumps(INFO), ""), "sudo": (0, "", "")},
        "commands": [],
    }

    def get_bin_path(self, name, required=False, opt_dirs=None):
        return state["bins"].get(name)

    def run_command(self, args, **kwargs):
        state["commands"].append(list(args))
        return state["answers"][args[0].rsplit("/", 1)[-1]]

    monkeypatch.setattr(basic.AnsibleModule, "get_bin_path", get_bin_path)
    monkeypatch.setattr(basic.AnsibleModule, "run_command", run_command)
    monkeypatch.setattr(doctor.platform, "system", lambda: "Linux")
    monkeypatch.setattr(doctor.platform, "machine", lambda: "x86_64")
    monkeypatch.setattr(checks, "free_bytes", lambda path: 100 * 1000**3)
    monkeypatch.setattr(checks, "listening", lambda host, port: False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("MINIKUBE_HOME", str(tmp_path / "minikube-home"))
    for name in checks.PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    state["install_dir"] = str(tmp_path)
    return state


def statuses(result):
    return {check["name"]: check["status"] for check in result["checks"]}


@pytest.mark.parametrize(
    ("change", "args", "verdict", "failing"),
    [
        (None, {}, "ok", set()),
        ("docker-stopped", {}, "fail", {"docker", "docker resources"}),
        (None, {"cpus": 8}, "fail", {"docker resources"}),
        (None, {"resolver": {"backend": None, "reason": "nothing active"}}, "fail", {"resolver"}),
        (None, {"python_supported": ["3.99"]}, "fail", {"python"}),
    ],
    ids=["healthy", "docker-stopped", "too-few-cpus", "no-resolver", "python"],
)
def test_doctor_reports_and_never_fails_or_changes(patched_module, host, change, args, verdict, failing):
    if change == "docker-stopped":
        host["answers"]["docker"] = (1, "", "Cannot connect to the Docker daemon")
    module_args = {"install_dir": host["install_dir"], "resolver": RESOLVED, **args}
    result, failed = run_module(doctor.main, {**module_args, "_ansible_check_mode": True})
    assert not failed
    assert result["changed"] is False
    assert result["verdict"] == verdict
    assert {name for name, status in statuses(result).items() if status == "fail"} == failing
    assert len(result["lines"]) == len(result["checks"]) == 10


def test_doctor_runs_read_only_commands(patched_module, host):
    run_module(doctor.main, {"install_dir": host["install_dir"], "resolver": RESOLVED})
    read_only = (["/usr/bin/docker", "info", "--format", "{{json .}}"], ["/usr/bin/sudo", "-n", "true"])
    assert host["commands"][0] == read_only[0]
    assert all(command in read_only for command in host["commands"])
