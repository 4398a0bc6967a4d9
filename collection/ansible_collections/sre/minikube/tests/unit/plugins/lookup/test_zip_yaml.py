# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""zip_yaml: the YAML documents of a module zip's matching members, and its refusals."""

from __future__ import annotations

import zipfile

import pytest
from ansible.errors import AnsibleLookupError
from ansible_collections.sre.minikube.plugins.lookup import zip_yaml
from ansible_collections.sre.minikube.tests.unit.plugins.loaded_lookup import loaded_lookup

PREFIX = "sigs.k8s.io/gateway-api@v1.4.1/config/crd/"
MEMBERS = {
    PREFIX + "standard/gateway.networking.k8s.io_httproutes.yaml": "kind: CustomResourceDefinition\nname: b\n",
    PREFIX + "standard/gateway.networking.k8s.io_gateways.yaml": "---\nkind: CustomResourceDefinition\nname: a\n---\n",
    PREFIX + "standard/kustomization.yml": "resources: []\n",
    PREFIX + "experimental/gateway.networking.k8s.io_tcproutes.yaml": "kind: CustomResourceDefinition\nname: x\n",
    PREFIX + "standard/nested/extra.yaml": "kind: CustomResourceDefinition\nname: n\n",
}


@pytest.fixture
def archive(tmp_path):
    path = tmp_path / "module.zip"
    with zipfile.ZipFile(path, "w") as out:
        for name, text in MEMBERS.items():
            out.writestr(name, text)
    return path


def run(path, pattern):
    return loaded_lookup(zip_yaml, "sre.minikube.zip_yaml").run([str(path)], pattern=pattern)


@pytest.mark.parametrize(
    ("pattern", "names"),
    [
        # Name order, empty documents left out, * not crossing '/'.
        (PREFIX + "standard/*.yaml", ["a", "b"]),
        (PREFIX + "*/gateway.networking.k8s.io_*.yaml", ["x", "a", "b"]),
        (PREFIX + "standard/gateway.networking.k8s.io_gateway?.yaml", ["a"]),
    ],
)
def test_the_matching_members_documents_in_name_order(archive, pattern, names):
    assert [d["name"] for d in run(archive, pattern)] == names


@pytest.mark.parametrize(
    ("content", "pattern", "message"),
    [
        (None, PREFIX + "standard/*.yaml", "no member of"),
        (b"not a zip", PREFIX + "standard/*.yaml", "cannot read"),
        ("missing", PREFIX + "standard/*.yaml", "cannot read"),
        ({"a.yaml": "key: [unclosed\n"}, "*.yaml", "cannot read"),
    ],
)
def test_an_archive_that_gives_nothing_is_refused(tmp_path, content, pattern, message):
    path = tmp_path / "module.zip"
    if content is None:
        with zipfile.ZipFile(path, "w") as out:
            out.writestr("other.txt", "x")
    elif isinstance(content, bytes):
        path.write_bytes(content)
    elif isinstance(content, dict):
        with zipfile.ZipFile(path, "w") as out:
            for name, text in content.items():
                out.writestr(name, text)

    with pytest.raises(AnsibleLookupError, match=message):
        run(path, pattern)


def test_a_path_under_the_home_directory_is_found(archive, monkeypatch):
    monkeypatch.setenv("HOME", str(archive.parent))

    assert [d["name"] for d in run("~/" + archive.name, PREFIX + "standard/*.yaml")] == ["a", "b"]
