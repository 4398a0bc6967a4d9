# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest
from ansible_collections.sre.minikube.plugins.module_utils.platform import (
    UnsupportedPlatformError,
    asset_name,
    describe,
    supported_pairs,
)


@pytest.mark.parametrize(
    ("os_name", "arch", "expected"),
    [
        ("linux", "amd64", "minikube-linux-amd64"),
        ("darwin", "arm64", "minikube-darwin-arm64"),
        ("windows", "amd64", "minikube-windows-amd64.exe"),
    ],
)
def test_asset_name(os_name, arch, expected):
    assert asset_name(os_name, arch) == expected


@pytest.mark.parametrize(
    ("system", "machine", "last_version"),
    [
        ("Linux", "armv7l", "v1.37.0"),
        ("Linux", "x86_64", None),
        ("Darwin", "arm64", None),
    ],
)
def test_last_version_marks_retired_assets(system, machine, last_version):
    assert describe(system, machine)["last_version"] == last_version


@pytest.mark.parametrize(("system", "machine"), [(" linux ", " X86_64 "), ("LINUX", "AARCH64")])
def test_normalises_case_and_space(system, machine):
    assert describe(system, machine)["os"] == "linux"


def test_supported_pairs_are_exactly_the_published_assets():
    assert supported_pairs() == [
        "darwin/amd64",
        "darwin/arm64",
        "linux/amd64",
        "linux/arm",
        "linux/arm64",
        "linux/ppc64le",
        "linux/s390x",
        "windows/amd64",
    ]


def test_error_names_detected_and_normalised_values():
    with pytest.raises(UnsupportedPlatformError, match=r"normalised to darwin/arm\)"):
        describe("Darwin", "armv7l")
