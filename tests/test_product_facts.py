"""tools/product_facts.py: the Traefik release the harness builds is the tag of the product's image, read from the
cluster role's defaults, and a value without a release tag is refused."""

from __future__ import annotations

import pathlib
import sys

import pytest

TOP = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(TOP / "tools"))
import product_facts  # noqa: E402

DIGEST = "sha256:" + "ab" * 32

CASES = [
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


@pytest.mark.parametrize(("defaults", "expected"), CASES)
def test_traefik_version(tmp_path, defaults, expected):
    path = tmp_path / "main.yml"
    path.write_text(defaults, encoding="utf-8")
    if expected is None:
        with pytest.raises(product_facts.FactError, match="cluster_addons_traefik_image"):
            product_facts.traefik_version(path)
    else:
        assert product_facts.traefik_version(path) == expected
