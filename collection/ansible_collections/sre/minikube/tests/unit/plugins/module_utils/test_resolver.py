# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest
from ansible_collections.sre.minikube.plugins.module_utils.resolver import (
    ResolverInputError,
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
    [(["192.168.49.2"], ["192.168.49.2"]), (["2001:DB8::0001"], ["2001:db8::1"]), ([" 10.0.0.1 "], ["10.0.0.1"])],
)
def test_normalise_nameservers(addresses, expected):
    assert normalise_nameservers(addresses) == expected


@pytest.mark.parametrize("address", ["minikube", "192.168.49", "1.2.3.4.5", "::g"])
def test_host_names_and_malformed_addresses_are_refused(address):
    with pytest.raises(ResolverInputError, match="is not an IP address"):
        normalise_nameservers([address])


def test_render_keeps_a_stable_order():
    assert render("test", ["10.0.0.2", "10.0.0.1"], timeout=5, search_order=1) == (
        "domain test\nnameserver 10.0.0.2\nnameserver 10.0.0.1\nsearch_order 1\ntimeout 5\n"
    )
