# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Validation and rendering of macOS resolver(5) files."""

from __future__ import annotations

import ipaddress
import re

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")

# Domains that must never be sent to a cluster's DNS server, and why.
RESERVED_DOMAINS = {
    "local": "it is reserved for multicast DNS (Bonjour/Avahi) and macOS never sends it to a unicast server",
    "localhost": "it always resolves to the loopback address and is never sent to a DNS server",
}


class ResolverInputError(ValueError):
    """An option value that cannot be written to a resolver file."""


def normalise_domain(domain):
    """Return the domain in lower case without a trailing dot, or raise."""
    text = (domain or "").strip().lower().rstrip(".")
    if not text:
        raise ResolverInputError("domain must not be empty: give the DNS domain to route, for example 'test'.")
    labels = text.split(".")
    if len(text) > 253 or not all(_LABEL.match(label) for label in labels):
        raise ResolverInputError(
            f"domain '{domain}' is not a valid DNS name: use labels of 1-63 letters, digits or hyphens "
            "separated by dots, not starting or ending with a hyphen, for example 'test'."
        )
    top = labels[-1]
    if top in RESERVED_DOMAINS:
        raise ResolverInputError(
            f"domain '{domain}' cannot be used because {RESERVED_DOMAINS[top]}; "
            "use 'test' (reserved for testing) instead."
        )
    return text


def normalise_nameservers(nameservers):
    """Return the addresses in canonical text form, or raise."""
    if not nameservers:
        raise ResolverInputError("nameservers must list at least one IPv4 or IPv6 address, for example 192.168.49.2.")
    result = []
    for value in nameservers:
        try:
            result.append(str(ipaddress.ip_address(str(value).strip())))
        except ValueError:
            raise ResolverInputError(
                f"nameserver '{value}' is not an IP address: give an IPv4 or IPv6 address such as 192.168.49.2 "
                "(host names cannot be used, the resolver would need DNS to find its DNS server)."
            ) from None
    return result


def check_name(name):
    """Raise unless name is a plain file name."""
    if not name or name in (".", "..") or "/" in name or "\\" in name or "\0" in name:
        raise ResolverInputError(
            f"name '{name}' must be a plain file name without a path separator, for example 'minikube-test'; "
            "set the directory with the path option."
        )


def check_positive(option, value):
    """Raise unless value is None or an integer above zero."""
    if value is not None and value <= 0:
        raise ResolverInputError(f"{option} must be a whole number greater than 0, got {value}.")


def check_non_negative(option, value):
    """Raise unless value is None or an integer of zero or more."""
    if value is not None and value < 0:
        raise ResolverInputError(f"{option} must be a whole number of 0 or more, got {value}.")


def render(domain, nameservers, search_order=None, timeout=None):
    """Return the file content: one 'key value' line per setting, in a stable order."""
    lines = [f"domain {domain}"]
    lines.extend(f"nameserver {address}" for address in nameservers)
    if search_order is not None:
        lines.append(f"search_order {search_order}")
    if timeout is not None:
        lines.append(f"timeout {timeout}")
    return "\n".join(lines) + "\n"
