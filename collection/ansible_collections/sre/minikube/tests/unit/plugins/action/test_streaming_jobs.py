# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""minikube_start and minikube_images under ansible-playbook: the job is found where Ansible's async wrapper put it.

Each case runs both modules through their action plugins in a real
ansible-playbook (local connection, the real async wrapper) with HOME
pointing at a directory that is not the account's home, or with a custom
async_dir. The minikube binary does not exist, so each module's job ends at
once with the module's own failure: the task's result must be that failure
(not "could not find job", as when the plugin looked for the job under the
account's home), and the job's files must be gone from the directory the
wrapper used.
"""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

COLLECTIONS = pathlib.Path(__file__).resolve().parents[7]
MISSING = "/nonexistent/sre-minikube/minikube"

PLAY = """
- hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: Start
      sre.minikube.minikube_start:
        profile: p
        binary: {missing}
      register: start
      ignore_errors: true
    - name: Build
      sre.minikube.minikube_images:
        profile: p
        binary: {missing}
        images: [{{ref: "app:1", context: /}}]
      register: images
      ignore_errors: true
    - name: Keep the results
      ansible.builtin.copy:
        content: "{{{{ {{'start': start, 'images': images}} | to_json }}}}"
        dest: "{{{{ results_file }}}}"
        mode: "0600"
"""

CASES = [
    # (id, the shell's async_dir given as ansible_async_dir (None: the default), where the jobs go under HOME)
    ("HOME elsewhere", None, ".ansible_async"),
    ("a custom async_dir under HOME", "~/custom-jobs", "custom-jobs"),
]


@pytest.mark.parametrize(("async_dir", "under_home"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_the_jobs_are_followed_where_the_wrapper_put_them(tmp_path, async_dir, under_home):
    playbook = shutil.which("ansible-playbook") or os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
    home = tmp_path / "home"
    home.mkdir()
    (tmp_path / "play.yml").write_text(PLAY.format(missing=MISSING))
    (tmp_path / "ansible.cfg").write_text("[defaults]\n")
    results = tmp_path / "results.json"
    env = {key: value for key, value in os.environ.items() if not key.startswith("ANSIBLE_")}
    env.update(
        HOME=str(home),
        ANSIBLE_CONFIG=str(tmp_path / "ansible.cfg"),
        ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS),
        ANSIBLE_LOCAL_TEMP=str(tmp_path / "tmp"),
        ANSIBLE_NOCOLOR="1",
    )
    command = [playbook, "-i", "localhost,", str(tmp_path / "play.yml"), "-e", f"results_file={results}"]
    command += ["-e", f"ansible_python_interpreter={sys.executable}"]
    if async_dir:
        command += ["-e", f"ansible_async_dir={async_dir}"]

    run = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, check=False)

    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    assert "could not find job" not in output
    found = json.loads(results.read_text())
    # Each module's own failure: it could not run the binary.
    assert found["start"]["failed"] is True and MISSING in found["start"]["msg"], found["start"]
    assert found["images"]["failed"] is True and MISSING in found["images"]["msg"], found["images"]
    for result in found.values():
        assert "ansible_job_id" not in result and "results_file" not in result
    # The wrapper's directory, as the host expanded it: the jobs and progress files are gone from it.
    job_dir = home / under_home
    assert job_dir.is_dir(), output
    assert sorted(path.name for path in job_dir.iterdir()) == []
