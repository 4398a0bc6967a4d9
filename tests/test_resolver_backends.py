"""The dns_resolver role's backends: one vars file each, whose template, handler and task files exist.

A backend is vars/backends/<name>.yml (its files, its handler, its own task
files), the templates it names and its handler; the role's tasks are
generic. The backends the role has are the ones sre.minikube.resolver_facts
detects (module_utils/dns_detect.py).
"""

from __future__ import annotations

import pathlib
import sys

import pytest
import yaml

TOP = pathlib.Path(__file__).resolve().parent.parent
ROLE = TOP / "roles" / "dns_resolver"
sys.path.insert(0, str(TOP / "collection"))

from ansible_collections.sre.minikube.plugins.module_utils import dns_detect  # noqa: E402

FILES = sorted((ROLE / "vars" / "backends").glob("*.yml"))
HANDLERS = {handler["name"] for handler in yaml.safe_load((ROLE / "handlers" / "main.yml").read_text())}


def backend(path):
    document = yaml.safe_load(path.read_text())
    assert isinstance(document, dict) and len(document) == 1, f"{path} must define one variable"
    (variable, found), *_ = document.items()
    assert variable == "dns_resolver_backend_" + path.stem.replace("-", "_")
    return found


def test_the_backend_files_are_the_detected_backends():
    assert {backend(path)["name"] for path in FILES} == set(dns_detect.BACKENDS)


@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
def test_a_backend_names_what_exists(path):
    found = backend(path)
    assert found["name"] == path.stem
    assert found["handler"] in HANDLERS
    for tasks in [found["tasks"], *found["read"], *found["apply"]]:
        assert (ROLE / "tasks" / tasks).is_file(), tasks
    for entry in found["files"]:
        assert set(entry) <= {"dest", "template", "wanted", "validate", "comments", "lines"}
        assert (ROLE / "templates" / entry["template"]).is_file(), entry["template"]
        assert entry["dest"].endswith("{{ dns_resolver_file_name }}.conf")
