# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import os

import pytest
from ansible_collections.sre.minikube.plugins.module_utils import dns_detect

STUB_LINK = "/run/systemd/resolve/stub-resolv.conf"
UPSTREAM_LINK = "/run/systemd/resolve/resolv.conf"
NM_LINK = "/run/NetworkManager/resolv.conf"
DNSMASQ = "/usr/sbin/dnsmasq"


def conf(symlink_to=None, nameservers=(), exists=True):
    return {
        "path": "/etc/resolv.conf",
        "exists": exists,
        "symlink": symlink_to is not None,
        "target": symlink_to,
        "nameservers": list(nameservers),
    }


def states(resolved="inactive", nm="inactive"):
    return {"systemd-resolved": resolved, "NetworkManager": nm}


LINUX_CASES = [
    # (id, services, resolv.conf, nsswitch hosts, dnsmasq, backend, words the reason must hold)
    (
        "resolved-stub-symlink",
        states(resolved="active"),
        conf(STUB_LINK, ["127.0.0.53"]),
        ["files", "dns"],
        None,
        "systemd-resolved",
        ["systemd-resolved: active", f"symlink to {STUB_LINK}"],
    ),
    (
        "resolved-static-stub-file",
        states(resolved="active"),
        conf("/usr/lib/systemd/resolv.conf", ["127.0.0.53"]),
        ["files", "dns"],
        None,
        "systemd-resolved",
        ["systemd-resolved answers"],
    ),
    (
        "resolved-stub-address-in-regular-file",
        states(resolved="active"),
        conf(None, ["127.0.0.53"]),
        ["files", "dns"],
        None,
        "systemd-resolved",
        ["regular file", "nameservers 127.0.0.53"],
    ),
    (
        "resolved-proxy-stub-address",
        states(resolved="active"),
        conf(None, ["127.0.0.54"]),
        ["files", "dns"],
        None,
        "systemd-resolved",
        ["127.0.0.54"],
    ),
    (
        "resolved-through-nss-resolve",
        states(resolved="active"),
        conf(UPSTREAM_LINK, ["192.0.2.1"]),
        ["mymachines", "resolve", "files", "myhostname", "dns"],
        None,
        "systemd-resolved",
        ["nsswitch hosts: mymachines resolve files myhostname dns"],
    ),
    (
        "resolved-wins-over-networkmanager-that-feeds-it",
        states(resolved="active", nm="active"),
        conf(STUB_LINK, ["127.0.0.53"]),
        ["files", "dns"],
        DNSMASQ,
        "systemd-resolved",
        ["NetworkManager: active"],
    ),
    (
        "resolved-active-but-bypassed-by-upstream-file",
        states(resolved="active"),
        conf(UPSTREAM_LINK, ["192.0.2.1"]),
        ["files", "dns"],
        None,
        None,
        ["glibc does not ask it", UPSTREAM_LINK],
    ),
    (
        "resolved-stub-but-service-inactive",
        states(resolved="inactive"),
        conf(STUB_LINK, ["127.0.0.53"]),
        ["files", "dns"],
        None,
        None,
        ["neither systemd-resolved nor NetworkManager is active"],
    ),
    (
        "resolved-failed",
        states(resolved="failed"),
        conf(STUB_LINK, ["127.0.0.53"]),
        ["files", "resolve", "dns"],
        None,
        None,
        ["systemd-resolved: failed"],
    ),
    (
        "networkmanager-regular-file",
        states(nm="active"),
        conf(None, ["192.0.2.1"]),
        ["files", "dns"],
        DNSMASQ,
        "networkmanager",
        ["NetworkManager writes"],
    ),
    (
        "networkmanager-own-symlink",
        states(nm="active"),
        conf(NM_LINK, ["192.0.2.1"]),
        ["files", "dns"],
        DNSMASQ,
        "networkmanager",
        [NM_LINK],
    ),
    (
        "networkmanager-missing-resolv-conf",
        states(nm="active"),
        conf(None, [], exists=False),
        ["files", "dns"],
        DNSMASQ,
        "networkmanager",
        ["/etc/resolv.conf: missing"],
    ),
    (
        "networkmanager-with-dead-resolved-stub",
        states(resolved="inactive", nm="active"),
        conf(STUB_LINK, ["127.0.0.53"]),
        ["files", "dns"],
        DNSMASQ,
        None,
        ["points at systemd-resolved, which is not active"],
    ),
    (
        "networkmanager-foreign-symlink",
        states(nm="active"),
        conf("/run/resolvconf/resolv.conf", ["192.0.2.1"]),
        ["files", "dns"],
        DNSMASQ,
        None,
        ["which NetworkManager does not write", "/run/resolvconf/resolv.conf"],
    ),
    (
        "networkmanager-without-dnsmasq",
        states(nm="active"),
        conf(None, ["192.0.2.1"]),
        ["files", "dns"],
        None,
        None,
        ["dnsmasq-base"],
    ),
    (
        "nothing-active",
        states(),
        conf(None, ["192.0.2.1"]),
        ["files", "dns"],
        DNSMASQ,
        None,
        ["neither", "regular file, nameservers 192.0.2.1"],
    ),
    (
        "no-systemd",
        {"systemd-resolved": "unknown", "NetworkManager": "unknown"},
        conf(None, ["192.0.2.1"]),
        [],
        None,
        None,
        ["systemd-resolved: unknown", "NetworkManager: unknown", "nsswitch hosts: not set"],
    ),
    (
        "activating-is-not-active",
        states(resolved="activating", nm="activating"),
        conf(STUB_LINK, ["127.0.0.53"]),
        ["files", "dns"],
        DNSMASQ,
        None,
        ["systemd-resolved: activating"],
    ),
    (
        "dangling-symlink",
        states(nm="active"),
        conf("/run/NetworkManager/resolv.conf", [], exists=False),
        ["files", "dns"],
        DNSMASQ,
        "networkmanager",
        ["(dangling)", "nameservers none"],
    ),
]


@pytest.mark.parametrize(
    ("services", "resolv_conf", "nss_hosts", "dnsmasq", "backend", "words"),
    [case[1:] for case in LINUX_CASES],
    ids=[case[0] for case in LINUX_CASES],
)
def test_detect_linux(services, resolv_conf, nss_hosts, dnsmasq, backend, words):
    result = dns_detect.detect("Linux", services, resolv_conf, nss_hosts, dnsmasq)

    assert result["backend"] == backend
    for word in words:
        assert word in result["reason"]
    assert result["system"] == "Linux"
    assert result["services"] == services
    assert result["resolv_conf"] == resolv_conf
    assert result["dnsmasq"] == dnsmasq
    assert len(result["supported"]) == 3


def test_detect_macos_ignores_linux_services():
    result = dns_detect.detect("Darwin", {}, conf(None, ["192.0.2.1"]), [], None)

    assert result["backend"] == "macos-resolver"
    assert "/etc/resolver" in result["reason"]


@pytest.mark.parametrize("system", ["FreeBSD", "Windows", ""])
def test_detect_other_systems(system):
    result = dns_detect.detect(system, {}, conf(), [], None)

    assert result["backend"] is None
    assert f"'{system}'" in result["reason"]


@pytest.mark.parametrize(
    ("text", "servers"),
    [
        ("", []),
        (None, []),
        ("nameserver 127.0.0.53\noptions edns0 trust-ad\nsearch .\n", ["127.0.0.53"]),
        ("# nameserver 10.0.0.1\nnameserver 192.0.2.1\nnameserver 2001:db8::1\n", ["192.0.2.1", "2001:db8::1"]),
        ("nameserver\nnameserver   192.0.2.9   \n", ["192.0.2.9"]),
        ("domain example\nsearch example\n", []),
    ],
)
def test_parse_nameservers(text, servers):
    assert dns_detect.parse_nameservers(text) == servers


@pytest.mark.parametrize(
    ("text", "sources"),
    [
        ("", []),
        ("passwd: files\n", []),
        ("hosts:          files dns\n", ["files", "dns"]),
        (
            "hosts: mymachines resolve [!UNAVAIL=return] files myhostname dns\n",
            ["mymachines", "resolve", "files", "myhostname", "dns"],
        ),
        ("# hosts: resolve\nhosts: files dns # resolve\n", ["files", "dns"]),
    ],
)
def test_parse_nss_hosts(text, sources):
    assert dns_detect.parse_nss_hosts(text) == sources


def test_read_resolv_conf_follows_symlink(tmp_path):
    target = tmp_path / "stub-resolv.conf"
    target.write_text("nameserver 127.0.0.53\n")
    link = tmp_path / "resolv.conf"
    os.symlink(target, link)

    described = dns_detect.read_resolv_conf(str(link))

    assert described == {
        "path": str(link),
        "exists": True,
        "symlink": True,
        "target": str(target),
        "nameservers": ["127.0.0.53"],
    }


def test_read_resolv_conf_regular_and_missing(tmp_path):
    regular = tmp_path / "resolv.conf"
    regular.write_text("nameserver 192.0.2.1\n")

    assert dns_detect.read_resolv_conf(str(regular))["symlink"] is False
    assert dns_detect.read_resolv_conf(str(regular))["nameservers"] == ["192.0.2.1"]
    missing = dns_detect.read_resolv_conf(str(tmp_path / "absent"))
    assert (missing["exists"], missing["symlink"], missing["nameservers"]) == (False, False, [])


def test_read_nss_hosts(tmp_path):
    nsswitch = tmp_path / "nsswitch.conf"
    nsswitch.write_text("passwd: files\nhosts: files resolve dns\n")

    assert dns_detect.read_nss_hosts(str(nsswitch)) == ["files", "resolve", "dns"]
    assert dns_detect.read_nss_hosts(str(tmp_path / "absent")) == []


@pytest.mark.parametrize(
    ("text", "claims_all"),
    [
        ('{"type":"a(isb)","data":[[58,".",true],[58,"foo",true]]}', True),
        ('{"type":"a(isb)","data":[[3,"",true]]}', True),
        # The global settings (ifindex 0) are what leaks, they claim nothing.
        ('{"type":"a(isb)","data":[[0,".",true],[0,"test",true]]}', False),
        ('{"type":"a(isb)","data":[[0,"test",true],[58,"corp.example",true]]}', False),
        ('{"type":"a(isb)","data":[]}', False),
        ("", None),
        ("Failed to get property Domains", None),
        ('{"type":"a(isb)"}', None),
        ('{"type":"a(isb)","data":[[58]]}', None),
    ],
)
def test_parse_resolved_domains(text, claims_all):
    assert dns_detect.parse_resolved_domains(text) is claims_all


def test_detect_reports_the_routing_answer():
    result = dns_detect.detect("Linux", states(resolved="active"), conf(STUB_LINK, ["127.0.0.53"]), [], None, False)

    assert result["resolved_link_claims_all"] is False
