"""The roles refuse values that would reach a command line, an API call or a header malformed.

Each case runs one role with ansible-playbook on localhost (no cluster, no
minikube: the role must stop at its first task, the check of its values)
and reads the message: every bad value named, with the rule it breaks. A
value with a trailing newline or a space is the case a `$`-anchored match
let through.
"""

from __future__ import annotations

import pathlib
import re
import subprocess
import sys

import local_playbook
import pytest

TOP = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(TOP / "tools"))
import product_facts  # noqa: E402

SERVICES = product_facts.services()

CASES = [
    pytest.param(
        "cluster_addons",
        "Check the cluster settings and the extra addon flags before touching the cluster",
        {
            "sre_minikube_profile": "sre-minikube\n",
            "cluster_addons_driver": "--force",
            "cluster_addons_cni": "calico ",
            "cluster_addons_kubernetes_version": "v1.35.0\n",
            "cluster_addons_extra_start_args": ["--extra-config=a\nb"],
            "cluster_addons_addons": ["ingress", "ingress-dns\n"],
            "cluster_addons_addon_args": {"ingress": ["--images=x\n"]},
            "cluster_addons_tunnel": "yes",
            "cluster_addons_tunnel_address": "localhost",
            "cluster_addons_nodes": 0,
        },
        [
            "sre_minikube_profile='sre-minikube\\n' breaks the rule minikube_profile",
            "cluster_addons_driver='--force' breaks the rule word",
            "cluster_addons_cni='calico ' breaks the rule word",
            "cluster_addons_kubernetes_version='v1.35.0\\n' breaks the rule kubernetes_version",
            "cluster_addons_extra_start_args[0]='--extra-config=a\\nb' breaks the rule flag",
            "cluster_addons_addons[1]='ingress-dns\\n' breaks the rule dns_label",
            "cluster_addons_addon_args['ingress'][0]='--images=x\\n' breaks the rule flag",
            "cluster_addons_tunnel='yes' breaks the rule tunnel_setting",
            "cluster_addons_tunnel_address='localhost' breaks the rule ip_address",
            "cluster_addons_nodes=0 must be at least 1",
        ],
        id="cluster_addons",
    ),
    pytest.param(
        "image_build",
        "Check the build settings",
        {
            "image_build_apps_dir": str(TOP / "apps"),
            "image_build_apps": ["invoice-app\n"],
            "image_build_build_args": {"GOFLAGS": "-mod=vendor\n", "A B": "x"},
            "image_build_mode": "registry",
            "image_build_registry": "localhost:5000\n",
        },
        [
            "image_build_apps[0]='invoice-app\\n' breaks the rule dns_label",
            "image_build_build_args['GOFLAGS']='-mod=vendor\\n' breaks the rule text",
            "image_build_build_args['A B']='A B' breaks the rule env_name",
            "image_build_registry='localhost:5000\\n' breaks the rule registry",
        ],
        id="image_build",
    ),
    pytest.param(
        "verify",
        "Check the settings that a type cannot express",
        {
            "verify_services": SERVICES,
            "verify_namespace": "invoice\n",
            "verify_ingress_host": "invoice-app.test\r\nX-Injected: 1",
            "verify_tunnel_address": "127.0.0.1\n",
            "verify_ingress_address": "fe80::1%x",
        },
        [
            "verify_namespace='invoice\\n' breaks the rule dns_label",
            "verify_ingress_host='invoice-app.test\\r\\nX-Injected: 1' breaks the rule host_name",
            "verify_tunnel_address='127.0.0.1\\n' breaks the rule address",
            "verify_ingress_address='fe80::1%x' breaks the rule address",
        ],
        id="verify",
    ),
]


def run_role(tmp_path: pathlib.Path, role: str, variables: dict) -> subprocess.CompletedProcess:
    play = f"- hosts: localhost\n  gather_facts: false\n  vars_files: [input.yml]\n  roles: [{role}]\n"
    return local_playbook.run(tmp_path, play, variables)


@pytest.mark.parametrize(("role", "task", "variables", "sentences"), CASES)
def test_each_malformed_value_is_named_by_the_first_task(tmp_path, role, task, variables, sentences):
    run = run_role(tmp_path, role, variables)
    output = run.stdout + run.stderr
    assert run.returncode != 0, output
    # The tasks that ran: the argument specs' validation, then the check, which failed.
    tasks = re.findall(r"^TASK \[(.*?)\]", run.stdout, flags=re.MULTILINE)
    assert [name.split(" : ", 1)[1] for name in tasks][1:] == [task], output
    assert tasks[0].startswith(f"{role} : Validating arguments against arg spec"), output
    for sentence in sentences:
        assert sentence in output, sentence + "\n" + output
