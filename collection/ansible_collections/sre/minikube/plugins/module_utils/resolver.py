# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Validation and rendering of macOS resolver(5) files."""

from __future__ import annotations

import ipaddress
import re

from ansible_collections.sre.minikube.plugins.module_utils.inputs import InputError, check, problem

# Domains that must never be sent to a cluster's DNS server, and why.
RESERVED_DOMAINS = {
    "local": "it is reserved for multicast DNS (Bonjour/Avahi) and macOS never sends it to a unicast server",
    "localhost": "it always resolves to the loopback address and is never sent to a DNS server",
}

# One setting of a rendered file: a key, one space, one word of printable ASCII.
_LINE = re.compile(r"(domain|nameserver|search_order|timeout) [!-~]+")


class ResolverInputError(InputError):
    """An option value that cannot be written to a resolver file."""


def normalise_domain(domain):
    """Return the domain in lower case without a trailing dot, or raise."""
    if domain is None or domain == "":
        raise ResolverInputError("domain must not be empty: give the DNS domain to route, for example 'test'.")
    text = domain.lower()
    text = text[:-1] if text.endswith(".") else text
    sentence = problem("domain", text, "dns_name")
    if sentence is not None:
        raise ResolverInputError(sentence.replace(repr(text), repr(domain), 1))
    top = text.split(".")[-1]
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
    for index, value in enumerate(nameservers):
        try:
            check(f"nameservers[{index}]", value, "ip_address")
        except InputError as error:
            raise ResolverInputError(
                f"{error} Host names cannot be used: the resolver would need DNS to find its DNS server."
            ) from None
        result.append(str(ipaddress.ip_address(value)))
    return result


def check_name(name):
    """Raise unless name is a plain file name."""
    try:
        check("name", name, "file_name")
    except InputError as error:
        raise ResolverInputError(f"{error} Set the directory with the path option.") from None


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


def check_rendered(content, nameservers, search_order=None, timeout=None):
    """Raise unless CONTENT holds exactly the lines a file of these settings has, each one key and one word.

    The last guard before a root-owned file is written: whatever got past the
    checks of the options, a line too many or a key and value with a space,
    a tab or another line break inside is refused here.
    """
    expected = ["domain"] + ["nameserver"] * len(nameservers)
    expected += ["search_order"] if search_order is not None else []
    expected += ["timeout"] if timeout is not None else []
    lines = content[:-1].split("\n") if content.endswith("\n") else None
    if (
        lines is None
        or [line.split(" ", 1)[0] for line in lines] != expected
        or not all(_LINE.fullmatch(line) for line in lines)
    ):
        raise ResolverInputError(
            f"the resolver file would not hold exactly the lines {', '.join(expected)} (one key and one word each): "
            f"{content!r}; nothing was written. Check the options' values."
        )
    return content
