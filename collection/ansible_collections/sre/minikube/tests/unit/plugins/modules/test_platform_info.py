# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest
from ansible_collections.sre.minikube.plugins.module_utils import install_plan
from ansible_collections.sre.minikube.plugins.modules import minikube_install_plan, platform_info
from ansible_collections.sre.minikube.tests.unit.plugins.modules.utils import run_module

SUPPORTED_HOSTS = [
    # (platform.system(), platform.machine(), os, arch, asset)
    ("Linux", "x86_64", "linux", "amd64", "minikube-linux-amd64"),
    ("Linux", "amd64", "linux", "amd64", "minikube-linux-amd64"),
    ("Linux", "aarch64", "linux", "arm64", "minikube-linux-arm64"),
    ("Linux", "arm64", "linux", "arm64", "minikube-linux-arm64"),
    ("Linux", "armv7l", "linux", "arm", "minikube-linux-arm"),
    ("Linux", "armv6l", "linux", "arm", "minikube-linux-arm"),
    ("Linux", "ppc64le", "linux", "ppc64le", "minikube-linux-ppc64le"),
    ("Linux", "s390x", "linux", "s390x", "minikube-linux-s390x"),
    ("Darwin", "x86_64", "darwin", "amd64", "minikube-darwin-amd64"),
    ("Darwin", "arm64", "darwin", "arm64", "minikube-darwin-arm64"),
    ("Windows", "AMD64", "windows", "amd64", "minikube-windows-amd64.exe"),
]

UNSUPPORTED_HOSTS = [
    ("Linux", "i686"),
    ("Linux", "i386"),
    ("Linux", "riscv64"),
    ("Linux", "ppc64"),
    ("Linux", "mips64"),
    ("Darwin", "armv7l"),
    ("Darwin", "ppc64le"),
    ("Windows", "ARM64"),
    ("Windows", "x86"),
    ("FreeBSD", "amd64"),
    ("SunOS", "i86pc"),
    ("", ""),
]


@pytest.mark.parametrize(("system", "machine", "os_name", "arch", "asset"), SUPPORTED_HOSTS)
def test_reports_platform(patched_module, monkeypatch, system, machine, os_name, arch, asset):
    monkeypatch.setattr(platform_info.platform, "system", lambda: system)
    monkeypatch.setattr(platform_info.platform, "machine", lambda: machine)

    result, failed = run_module(platform_info.main, {})

    assert not failed
    assert result["changed"] is False
    facts = result["ansible_facts"]["minikube_platform"]
    assert (facts["os"], facts["arch"], facts["asset"]) == (os_name, arch, asset)
    assert (facts["system"], facts["machine"]) == (system, machine)


@pytest.mark.parametrize(("system", "machine"), UNSUPPORTED_HOSTS)
def test_refuses_unsupported_platform(patched_module, monkeypatch, system, machine):
    monkeypatch.setattr(platform_info.platform, "system", lambda: system)
    monkeypatch.setattr(platform_info.platform, "machine", lambda: machine)

    result, failed = run_module(platform_info.main, {})

    assert failed
    assert f"detected system '{system}' and CPU '{machine}'" in result["msg"]
    assert "linux/amd64" in result["msg"] and "darwin/arm64" in result["msg"]
    assert "ansible_facts" not in result


def test_check_mode_reports_the_same_facts(patched_module, monkeypatch):
    monkeypatch.setattr(platform_info.platform, "system", lambda: "Linux")
    monkeypatch.setattr(platform_info.platform, "machine", lambda: "x86_64")

    result, failed = run_module(platform_info.main, {"_ansible_check_mode": True})

    assert not failed and result["changed"] is False
    assert result["ansible_facts"]["minikube_platform"]["asset"] == "minikube-linux-amd64"


def test_takes_no_options(patched_module):
    result, failed = run_module(platform_info.main, {"arch": "amd64"})

    assert failed
    assert "arch" in result["msg"]


# ---------------------------------------------------------------- minikube_install_plan (same table of hosts)


def install_plan_args(install_dir):
    return {"version": "v1.38.1", "base_url": "https://example.invalid/r", "dir": install_dir, "preflight": False}


# Hosts with an asset of v1.38.1 (32-bit ARM stopped at v1.37.0; Windows is not installed on).
@pytest.mark.parametrize(
    ("system", "machine", "os_name", "arch", "asset"),
    [host for host in SUPPORTED_HOSTS if host[3] != "arm" and host[2] != "windows"],
)
def test_install_plan_module(patched_module, monkeypatch, tmp_path, system, machine, os_name, arch, asset):
    monkeypatch.setattr(minikube_install_plan.platform, "system", lambda: system)
    monkeypatch.setattr(minikube_install_plan.platform, "machine", lambda: machine)

    def missing(argv):
        raise FileNotFoundError(argv[0])

    monkeypatch.setattr(install_plan, "run", missing)

    result, failed = run_module(minikube_install_plan.main, install_plan_args(str(tmp_path)))

    assert not failed and result["changed"] is False
    assert result["platform"]["os"] == os_name and result["asset"] == asset
    assert result["url"] == f"https://example.invalid/r/v1.38.1/{asset}"
    assert result["current"] == "" and result["binary"] == f"{tmp_path}/minikube"


@pytest.mark.parametrize(("system", "machine"), UNSUPPORTED_HOSTS[:3])
def test_install_plan_module_refuses(patched_module, monkeypatch, tmp_path, system, machine):
    monkeypatch.setattr(minikube_install_plan.platform, "system", lambda: system)
    monkeypatch.setattr(minikube_install_plan.platform, "machine", lambda: machine)

    result, failed = run_module(minikube_install_plan.main, install_plan_args(str(tmp_path)))

    assert failed
    assert result["msg"].startswith("minikube publishes no binary for this host")
