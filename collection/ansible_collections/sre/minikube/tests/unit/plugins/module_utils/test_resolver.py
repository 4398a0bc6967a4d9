# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest
from ansible_collections.sre.minikube.plugins.module_utils.resolver import (
    ResolverInputError,
    check_rendered,
    normalise_domain,
    normalise_nameservers,
    render,
)


@pytest.mark.parametrize(
    ("domain", "expected"),
    [("test", "test"), ("TEST.", "test"), ("dev.example.test", "dev.example.test"), ("x-1.test", "x-1.test")],
)
def test_normalise_domain(domain, expected):
    assert normalise_domain(domain) == expected


@pytest.mark.parametrize("domain", ["local", "localhost", "a.local", "b.localhost", "LOCAL."])
def test_reserved_domains_are_refused_with_the_reason(domain):
    with pytest.raises(ResolverInputError, match="use 'test'"):
        normalise_domain(domain)


@pytest.mark.parametrize(
    ("addresses", "expected"),
    [(["192.168.49.2"], ["192.168.49.2"]), (["2001:DB8::0001"], ["2001:db8::1"]), (["fd00:0:0::53"], ["fd00::53"])],
)
def test_normalise_nameservers(addresses, expected):
    assert normalise_nameservers(addresses) == expected


@pytest.mark.parametrize(
    "address",
    [
        "minikube",
        "192.168.49",
        "1.2.3.4.5",
        "::g",
        # Python's ipaddress takes any text after '%' as an IPv6 zone.
        "fe80::1%x\nnameserver 6.6.6.6",
        "fe80::1%en0",
        "fe80::1%",
        "10.0.0.1\n",
        " 10.0.0.1",
        "10.0.0.1 ",
    ],
)
def test_host_names_zones_and_malformed_addresses_are_refused(address):
    with pytest.raises(ResolverInputError, match=r"nameservers\[0\]=.* breaks the rule ip_address"):
        normalise_nameservers([address])


@pytest.mark.parametrize("domain", ["a\n.b", "test\n", "\ntest", "te st", "test\t", "t\x00est", " test"])
def test_domains_with_whitespace_or_control_characters_are_refused(domain):
    with pytest.raises(ResolverInputError, match="breaks the rule dns_name"):
        normalise_domain(domain)


@pytest.mark.parametrize(
    ("content", "nameservers", "search_order", "timeout"),
    [
        pytest.param("domain test\nnameserver 6.6.6.6\nnameserver 10.0.0.1\n", ["10.0.0.1"], None, None,
                     id="a-line-too-many"),
        pytest.param("domain a\nb\nnameserver 10.0.0.1\n", ["10.0.0.1"], None, None, id="a-line-break-in-a-value"),
        pytest.param("domain test\nnameserver fe80::1%x y\n", ["fe80::1%x y"], None, None, id="a-space-in-a-value"),
        pytest.param("domain test\nnameserver 10.0.0.1\x0bport 5353\n", ["10.0.0.1"], None, None,
                     id="a-vertical-tab"),
        pytest.param("domain test\nnameserver 10.0.0.1", ["10.0.0.1"], None, None, id="no-final-newline"),
        pytest.param("domain test\nnameserver 10.0.0.1\n", ["10.0.0.1"], 1, None, id="a-line-missing"),
        pytest.param("nameserver 10.0.0.1\ndomain test\n", ["10.0.0.1"], None, None, id="another-order"),
    ],
)  # fmt: skip
def test_a_rendered_file_of_other_lines_is_refused(content, nameservers, search_order, timeout):
    with pytest.raises(ResolverInputError, match="nothing was written"):
        check_rendered(content, nameservers, search_order, timeout)


def test_a_rendered_file_of_the_expected_lines_passes():
    content = render("test", ["10.0.0.2", "fd00::53"], search_order=1, timeout=5)
    assert check_rendered(content, ["10.0.0.2", "fd00::53"], 1, 5) == content


def test_render_keeps_a_stable_order():
    assert render("test", ["10.0.0.2", "10.0.0.1"], timeout=5, search_order=1) == (
        "domain test\nnameserver 10.0.0.2\nnameserver 10.0.0.1\nsearch_order 1\ntimeout 5\n"
    )
