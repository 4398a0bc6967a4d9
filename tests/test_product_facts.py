"""tools/product_facts.py: the versions the product pins are read from the roles' defaults, and the test
harness builds exactly those (it keeps no copy of its own); the Traefik release is the tag of the product's image,
and a value without a release tag is refused."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import pytest
import yaml

TOP = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(TOP / "tools"))

import product_facts  # noqa: E402

HARNESS = TOP / "tests" / "harness"


def role_default(role, name):
    return yaml.safe_load((TOP / "roles" / role / "defaults" / "main.yml").read_text())[name]


FACTS = [
    pytest.param("minikube-version", "minikube_install", "minikube_install_version", id="minikube"),
    pytest.param("kubernetes-version", "cluster_addons", "cluster_addons_kubernetes_version", id="kubernetes"),
]
DIGEST = "sha256:" + "ab" * 32


@pytest.mark.parametrize(("fact", "role", "name"), FACTS)
def test_each_version_is_printed_as_its_role_default_holds_it(fact, role, name):
    printed = subprocess.run(
        [sys.executable, str(TOP / "tools" / "product_facts.py"), fact],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert printed == role_default(role, name) + "\n"


@pytest.mark.parametrize(
    ("script", "key", "path"),
    [
        pytest.param(
            "cluster-build.sh",
            "CLUSTER_KUBERNETES_BIN",
            lambda: f"cluster/kubernetes-{role_default('cluster_addons', 'cluster_addons_kubernetes_version')}/bin",
            id="kubernetes",
        ),
        pytest.param(
            "minikube-build.sh",
            "MINIKUBE_BIN",
            lambda: f"minikube/{role_default('minikube_install', 'minikube_install_version')}/minikube",
            id="minikube",
        ),
    ],
)
def test_the_harness_builds_the_version_the_product_pins(tmp_path, script, key, path):
    # --paths builds nothing; the cache root is a fresh directory.
    out = subprocess.run(
        [str(HARNESS / script), "--paths"],
        env=dict(os.environ, SRE_MINIKUBE_CACHE=str(tmp_path)),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    lines = dict(line.split("=", 1) for line in out.splitlines())
    assert lines[key] == f"{tmp_path}/{path()}"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        pytest.param(None, "cannot read", id="missing-file"),
        pytest.param("cluster_addons_kubernetes_version: [", "cannot read", id="not-yaml"),
        pytest.param("cluster_addons_cni: calico\n", "holds no cluster_addons_kubernetes_version", id="absent"),
        pytest.param("cluster_addons_kubernetes_version: 1.35.4\n", "got '1.35.4'", id="no-v"),
        pytest.param("- cluster_addons_kubernetes_version\n", "got None", id="not-a-mapping"),
    ],
)
def test_a_defaults_file_without_the_version_is_refused_naming_it(tmp_path, text, says):
    path = tmp_path / "main.yml"
    if text is not None:
        path.write_text(text)
    with pytest.raises(product_facts.FactError, match=says) as error:
        product_facts.kubernetes_version(path)
    assert str(path) in str(error.value)


TRAEFIK_CASES = [
    pytest.param(f"cluster_addons_traefik_image: traefik:v3.6.12@{DIGEST}\n", "v3.6.12", id="tag-and-digest"),
    pytest.param("cluster_addons_traefik_image: traefik:v3.7.13\n", "v3.7.13", id="tag-only"),
    pytest.param(f"cluster_addons_traefik_image: mirror/traefik:v3.6.12@{DIGEST}\n", "v3.6.12", id="path"),
    pytest.param(f"cluster_addons_traefik_image: traefik@{DIGEST}\n", None, id="digest-without-tag"),
    pytest.param("cluster_addons_traefik_image: traefik:latest\n", None, id="tag-not-a-release"),
    pytest.param("cluster_addons_traefik_image: traefik:v3.6\n", None, id="tag-without-patch"),
    pytest.param("cluster_addons_traefik_image: 'traefik:v3.6.12\n\n'\n", None, id="trailing-newline"),
    pytest.param("cluster_addons_cni: bridge\n", None, id="missing"),
    pytest.param("- a list\n", None, id="not-a-mapping"),
]


@pytest.mark.parametrize(("defaults", "expected"), TRAEFIK_CASES)
def test_traefik_version(tmp_path, defaults, expected):
    path = tmp_path / "main.yml"
    path.write_text(defaults, encoding="utf-8")
    if expected is None:
        with pytest.raises(product_facts.FactError, match="cluster_addons_traefik_image"):
            product_facts.traefik_version(path)
    else:
        assert product_facts.traefik_version(path) == expected
