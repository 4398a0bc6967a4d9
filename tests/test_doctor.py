"""make doctor, for real on this machine: every check prints its line, and the exit status is the checks' verdict.

The playbook (playbooks/doctor.yml, which `make doctor` runs) looks at this
machine as it is: Docker may run here or not, the resolver may be one the
dns stage supports or not. So the tests hold the run to its own answer: a
line for each check, a fix on every line that is not OK, and a failed run
exactly when a line says FAIL. One run asks for more CPUs than any machine
offers, so that a failing check is seen to fail the run everywhere. Nothing
here needs root or Docker, and nothing is changed.
"""

from __future__ import annotations

import pathlib
import re
import subprocess

import local_playbook
import pytest

TOP = pathlib.Path(__file__).resolve().parent.parent
CHECKS = (
    "platform",
    "docker",
    "docker resources",
    "disk",
    "ports",
    "resolver",
    "minikube on PATH",
    "python",
    "sudo",
    "proxy",
)
LINE = re.compile(r'"msg": "(OK  |WARN|FAIL) ([^:]+): (.*)"$', re.MULTILINE)


def playbook(*args: str) -> subprocess.CompletedProcess:
    env = local_playbook.ansible_env(ANSIBLE_CONFIG=str(TOP / "ansible.cfg"), ANSIBLE_NOCOLOR="1")
    return subprocess.run(
        ["ansible-playbook", *args],
        cwd=TOP,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def lines(run: subprocess.CompletedProcess) -> dict[str, tuple[str, str]]:
    return {name: (status.strip(), rest) for status, name, rest in LINE.findall(run.stdout)}


@pytest.mark.parametrize(
    ("extra", "must_fail"),
    [([], None), (["-e", "cluster_addons_cpus=4096"], "docker resources")],
    ids=["as-configured", "more-cpus-than-any-docker"],
)
def test_doctor_prints_every_check_and_exits_with_its_verdict(extra, must_fail):
    run = playbook("playbooks/doctor.yml", *extra)
    found = lines(run)
    assert set(found) == set(CHECKS), run.stdout + run.stderr
    for name, (status, rest) in found.items():
        assert (" Fix: " in rest) == (status != "OK"), f"{name}: {status} {rest}"
    failed = sorted(name for name, (status, _rest) in found.items() if status == "FAIL")
    if must_fail:
        assert must_fail in failed
    if failed:
        assert run.returncode != 0
        assert f"fix the checks marked FAIL above ({', '.join(n for n in CHECKS if n in failed)})" in run.stdout
    else:
        assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.parametrize(
    ("tags", "runs_doctor"),
    [([], False), (["--tags", "deploy"], False), (["--tags", "doctor"], True)],
)
def test_site_runs_the_doctor_only_when_asked(tags, runs_doctor):
    run = playbook("site.yml", "--list-tasks", *tags)
    assert run.returncode == 0, run.stdout + run.stderr
    assert ("Print one line per check" in run.stdout) == runs_doctor
