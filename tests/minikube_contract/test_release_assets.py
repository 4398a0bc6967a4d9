"""platform_info's asset names against minikube's own list of release binaries.

minikube's Makefile, in the module the real binary is built from, writes a
.sha256 for every binary a release publishes (its `checksum` target). The
asset names sre.minikube.platform_info computes for the pairs it supports,
and the pinned checksums of the installed release, must be exactly those.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import contract
import pytest

sys.path.insert(0, os.path.join(contract.TOP, "collection"))
sys.path.insert(0, os.path.join(contract.TOP, "tools"))

import product_facts  # noqa: E402
from ansible_collections.sre.minikube.plugins.module_utils import platform as mk_platform  # noqa: E402


def pinned_version() -> str:
    return product_facts.minikube_version()


def pinned_checksums(version: str) -> set[str]:
    """Asset names under minikube_install_checksums[version] in the role's defaults."""
    defaults = os.path.join(contract.TOP, "roles", "minikube_install", "defaults", "main.yml")
    names, inside = set(), False
    with open(defaults, encoding="utf-8") as handle:
        for line in handle:
            if re.match(rf"^  {re.escape(version)}:\s*$", line):
                inside = True
            elif inside and (match := re.match(r"^    (minikube-[a-z0-9.-]+):", line)):
                names.add(match.group(1))
            elif inside and line.strip():
                break
    return names


@pytest.fixture(scope="module")
def released_assets() -> set[str]:
    version = pinned_version()
    listing = subprocess.run(
        ["go", "mod", "download", "-json", f"k8s.io/minikube@{version}"],
        capture_output=True,
        text=True,
        check=True,
        env=dict(os.environ, GOFLAGS="-mod=mod", GOTOOLCHAIN="local"),
    )
    makefile = os.path.join(json.loads(listing.stdout)["Dir"], "Makefile")
    with open(makefile, encoding="utf-8") as handle:
        text = handle.read()
    recipe = re.search(r"^checksum:.*?\n((?:\t.*\n)+)", text, re.MULTILINE)
    assert recipe, f"no checksum target in {makefile}"
    # Continuation lines of the recipe's for-loop list out/<asset> paths.
    assets = set(re.findall(r"out/(minikube-[a-z0-9]+-[a-z0-9]+(?:\.exe)?)(?=[\s;])", recipe.group(1)))
    assert assets, "the checksum target names no binaries"
    return assets


def test_every_supported_pair_names_a_released_binary(released_assets):
    computed = {mk_platform.asset_name(*pair.split("/")) for pair in mk_platform.supported_pairs()}
    assert computed == released_assets


def test_pinned_checksums_cover_every_binary_still_released(released_assets):
    version = pinned_version()
    retired = {
        mk_platform.asset_name(os_name, arch)
        for (os_name, arch), last in mk_platform.LAST_VERSION.items()
        if [int(x) for x in last[1:].split(".")] < [int(x) for x in version[1:].split(".")]
    }
    assert pinned_checksums(version) == released_assets - retired
