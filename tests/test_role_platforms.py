"""Each role's meta/main.yml declares the platforms its Molecule scenarios run it on, and no other."""

from __future__ import annotations

import functools
import pathlib
import re

import pytest
import yaml

TOP = pathlib.Path(__file__).resolve().parent.parent
ROLES = sorted(path.parent.parent.name for path in TOP.glob("roles/*/meta/main.yml"))
# Debian's release names by number, as the harness tags its base images (tests/harness/base-images.sh).
DEBIAN = {"12": "bookworm", "13": "trixie"}
INCLUDES = {f"{prefix}{verb}_role" for prefix in ("", "ansible.builtin.") for verb in ("include", "import")}
IMPORTS = {"import_playbook", "ansible.builtin.import_playbook"}


def versions_env():
    text = (TOP / "tests" / "harness" / "versions.env").read_text()
    return dict(re.findall(r"^([A-Z0-9_]+)=(\S*)", text, re.MULTILINE))


def host_release(env):
    """localhost is the CI machine: the Debian release whose Docker engine package versions.env pins (+debNN)."""
    return DEBIAN[re.search(r"\+deb(\d+)u", env["DOCKER_ENGINE_VERSION"]).group(1)]


def image_release(image, env):
    """A test image's Debian release: sre-minikube-test/debian:NN, or an image built FROM <NAME>_BASE_IMAGE."""
    repository, _, tag = image.partition(":")
    name = repository.rpartition("/")[2]
    if name == "debian":
        return DEBIAN[tag]
    return image_release(env[f"{name.upper().replace('-', '_')}_BASE_IMAGE"], env)


def roles_run(playbook):
    """The roles a playbook runs: its roles: lists, included and imported roles, imported playbooks."""
    found = set()

    def walk(node):
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            for key, value in node.items():
                if key == "roles":
                    found.update((r if isinstance(r, str) else r.get("role") or r["name"]) for r in value)
                elif key in INCLUDES:
                    found.add(value["name"])
                elif key in IMPORTS:
                    found.update(roles_run(playbook.parent / value))
                else:
                    walk(value)

    walk(yaml.safe_load(playbook.read_text()))
    return {name.rpartition(".")[2] for name in found}


@functools.cache
def scenario_platforms():
    """{role: {(platform, version)}} over the Molecule scenarios that make test runs."""
    env = versions_env()
    targets = " ".join(path.read_text() for path in TOP.glob("mk/*.mk"))
    tested = {}
    for config in sorted(TOP.glob("molecule/*/molecule.yml")):
        scenario = config.parent
        if not re.search(rf"molecule test -s {scenario.name}\b", targets):
            continue
        molecule = yaml.safe_load(config.read_text())
        converge = (molecule.get("provisioner", {}).get("playbooks", {})).get("converge", "converge.yml")
        releases = {
            host_release(env) if platform["name"] == "localhost" else image_release(platform["image"], env)
            for platform in molecule["platforms"]
        }
        for role in roles_run((scenario / converge).resolve()):
            tested.setdefault(role, set()).update(("Debian", release) for release in releases)
    return tested


@pytest.mark.parametrize("role", ROLES)
def test_declared_platforms_are_the_tested_ones(role):
    meta = yaml.safe_load((TOP / "roles" / role / "meta" / "main.yml").read_text())
    declared = {(p["name"], version) for p in meta["galaxy_info"]["platforms"] for version in p["versions"]}
    assert declared == scenario_platforms().get(role, set())


@pytest.mark.parametrize(
    "image, release",
    [
        pytest.param("sre-minikube-test/debian:12", "bookworm", id="base-12"),
        pytest.param("sre-minikube-test/debian:13", "trixie", id="base-13"),
        pytest.param("sre-minikube-test/dns-resolver:resolved", "bookworm", id="built-from-base"),
    ],
)
def test_image_release(image, release):
    assert image_release(image, {"DNS_RESOLVER_BASE_IMAGE": "sre-minikube-test/debian:12"}) == release
