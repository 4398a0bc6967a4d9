# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The named rules a value must follow before it reaches a file, a manifest or a command line.

Each rule is a whole-value match (re.fullmatch: a trailing newline never
passes, as it would with ``$``) or a check in Python, with the sentence that
says what the value must be. The modules call check() and fail with its
message; the roles ask the sre.minikube.input_problems filter, which calls
problems(). A message names the option (or variable), shows the value with
its control characters escaped, names the rule and says what to give instead.
"""

from __future__ import annotations

import ipaddress
import re

# The DNS-1123 label, the one place it is written: Kubernetes names and
# namespaces, DNS names, label key prefixes (module_utils/k8s_deploy.py).
DNS_LABEL = r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?"
_DNS_NAME = rf"(?=.{{1,253}}\Z){DNS_LABEL}(\.{DNS_LABEL})*"
_COMPONENT = r"[a-z0-9]+([._-]+[a-z0-9]+)*"
# host[:port][/path]
_REGISTRY = rf"{_COMPONENT}(:[0-9]{{1,5}})?(/{_COMPONENT})*"
# A port only before a path: app:1 is a tag, not a host and port.
_REPOSITORY = rf"{_COMPONENT}((:[0-9]{{1,5}})?(/{_COMPONENT})+)?"
# No control character (C0, DEL) anywhere.
_PRINTABLE = r"[^\x00-\x1f\x7f]"


class InputError(ValueError):
    """A value that breaks its rule; the message says which option, which rule and what to give."""


class Rule:
    def __init__(self, name, description, pattern=None, predicate=None):
        self.name = name
        self.description = description
        self.pattern = re.compile(pattern) if pattern is not None else None
        self.predicate = predicate

    def allows(self, value):
        # A number given where text is expected (a quantity of 2, a tag of 123) is read as its text.
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            return False
        if self.pattern is not None and not self.pattern.fullmatch(value):
            return False
        return self.predicate is None or self.predicate(value)


def _plain_ip_address(value):
    """An IPv4 or IPv6 address in any form Python reads, without a zone (scope id) or surrounding space."""
    if "%" in value or value != value.strip():
        return False
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _address(value):
    """An IP address as ip_address takes it, or a lower-case DNS name."""
    return _plain_ip_address(value) or re.fullmatch(_DNS_NAME, value) is not None


RULES = {
    rule.name: rule
    for rule in (
        Rule(
            "dns_label",
            "a DNS-1123 label: 1 to 63 lower-case letters, digits and '-', starting and ending with a letter or digit"
            " (e.g. invoice)",
            DNS_LABEL,
        ),
        Rule(
            "dns_name",
            "a lower-case DNS name: DNS-1123 labels joined by '.', at most 253 characters (e.g. invoice-app.test)",
            _DNS_NAME,
        ),
        Rule(
            "host_name",
            "a lower-case DNS host name, not an IP address: DNS-1123 labels joined by '.', at most 253 characters"
            " (e.g. invoice-app.test)",
            rf"(?![0-9.]+\Z){_DNS_NAME}",
        ),
        Rule(
            "image_repository",
            "an image repository without tag or digest: optional host[:port]/, then lower-case path components"
            " of letters and digits separated by '.', '_' or '-' (e.g. invoice-app)",
            _REPOSITORY,
        ),
        Rule(
            "image_tag",
            "an immutable image tag that is also a label value: 1 to 63 letters, digits, '.', '_' and '-', starting"
            " and ending with a letter or digit, not 'latest' in any case (e.g. the tag the image build computed)",
            r"(?!(?i:latest)\Z)[A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?",
        ),
        Rule(
            "pinned_image",
            "a pinned image reference: repository:tag@sha256:<64 hex digits>, or repository:tag with a tag other"
            " than 'latest' (e.g. postgres:17.6@sha256:<digest>)",
            rf"{_REPOSITORY}((:(?!latest(@|\Z))[A-Za-z0-9_][A-Za-z0-9_.-]{{0,127}})(@sha256:[0-9a-f]{{64}})?"
            r"|@sha256:[0-9a-f]{64})",
        ),
        Rule(
            "image_reference",
            "an image reference: repository, then :tag, @sha256:<64 hex digits> or both (e.g. invoice-app:3f2a9c)",
            rf"{_REPOSITORY}((:[A-Za-z0-9_][A-Za-z0-9_.-]{{0,127}})(@sha256:[0-9a-f]{{64}})?|@sha256:[0-9a-f]{{64}})",
        ),
        Rule(
            "image_digest",
            "an image digest: sha256: and 64 lower-case hex digits (e.g. the digest of the pushed image)",
            r"sha256:[0-9a-f]{64}",
        ),
        Rule(
            "registry",
            "a registry: host[:port] and an optional /path, lower-case, without a scheme (e.g. localhost:5000/dev)",
            _REGISTRY,
        ),
        Rule(
            "quantity",
            "a Kubernetes quantity: a decimal number and an optional unit m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi"
            " or Ei (e.g. 50m, 64Mi)",
            r"([0-9]+(\.[0-9]+)?|\.[0-9]+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?",
        ),
        Rule(
            "ip_address",
            "an IPv4 or IPv6 address without a zone ('%' scope id), spaces or other text (e.g. 192.168.49.2)",
            predicate=_plain_ip_address,
        ),
        Rule(
            "address",
            "an IP address without a zone, or a lower-case DNS name (e.g. 127.0.0.1, localhost)",
            predicate=_address,
        ),
        Rule(
            "file_name",
            "a plain file name: 1 to 255 letters, digits, '.', '_' and '-', not '.' or '..', no path separator"
            " (e.g. minikube-test)",
            r"(?!\.\.?\Z)[A-Za-z0-9._-]{1,255}",
        ),
        Rule(
            "path",
            "a path without control characters (no newline, tab or NUL)",
            rf"{_PRINTABLE}+",
        ),
        Rule(
            "absolute_path",
            "an absolute path without control characters (no newline, tab or NUL), starting with '/' (e.g. /etc/hosts)",
            rf"/{_PRINTABLE}*",
        ),
        Rule(
            "interface_name",
            "a network interface name: 1 to 15 letters, digits, '_', '.' and '-', starting with a letter or digit"
            " (e.g. br-1a2b3c4d5e6f)",
            r"[A-Za-z0-9][A-Za-z0-9_.-]{0,14}",
        ),
        Rule(
            "text",
            "one line of text without control characters (no newline, tab or NUL)",
            rf"{_PRINTABLE}*",
        ),
        Rule(
            "word",
            "one word: no spaces or control characters, not starting with '-' (a command would read it as a flag)",
            r"[^\s\x00-\x1f\x7f-][^\s\x00-\x1f\x7f]*",
        ),
        Rule(
            "flag",
            "one long command-line flag, --name or --name=value, without control characters (e.g. --extra-config=a=b)",
            rf"--[A-Za-z0-9][A-Za-z0-9._-]*(={_PRINTABLE}*)?",
        ),
        Rule(
            "minikube_profile",
            "a minikube profile name: letters and digits, then letters, digits, '.', '_' or '-', at most 63"
            " characters (e.g. sre-minikube)",
            r"[A-Za-z0-9][A-Za-z0-9._-]{0,62}",
        ),
        Rule(
            "kubernetes_version",
            "a Kubernetes version as minikube takes it: vMAJOR.MINOR.PATCH (e.g. v1.35.4), stable or latest",
            r"v?[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?|stable|latest",
        ),
        Rule(
            "kubernetes_minor",
            "a Kubernetes minor release: MAJOR.MINOR, with or without a leading v (e.g. 1.30)",
            r"v?[0-9]{1,4}\.[0-9]{1,4}",
        ),
        Rule(
            "config_key",
            "a ConfigMap or Secret key: 1 to 253 letters, digits, '-', '_' and '.' (e.g. postgres-password)",
            r"(?!\.\.?\Z)[-._a-zA-Z0-9]{1,253}",
        ),
        Rule(
            "env_name",
            "an environment variable name: a letter or '_', then letters, digits and '_' (e.g. PAYMENT_TIMEOUT)",
            r"[A-Za-z_][A-Za-z0-9_]*",
        ),
        Rule(
            "tunnel_setting",
            "auto, publish, true or false: how this host reaches the front door (publish: the node's ports 80 and"
            " 443 on this host; true: `minikube tunnel` as a service of the user; auto: publish where this host"
            " cannot reach the node's address)",
            r"auto|publish|true|false",
        ),
        Rule(
            "namespaced_name",
            "namespace/name: a DNS-1123 label, '/', then a lower-case DNS name (e.g. ingress-nginx/controller)",
            rf"{DNS_LABEL}/{_DNS_NAME}",
        ),
    )
}


def show(value):
    """The value as a message shows it: control characters escaped, so a trailing newline is seen."""
    return repr(str(value)) if isinstance(value, str) else repr(value)


def problem(option, value, rule, optional=False):
    """The sentence saying how VALUE of OPTION breaks RULE (a name of RULES), or None when it follows it.

    With optional, the empty string (and None) is allowed too: the option is not set.
    """
    found = RULES[rule]
    if optional and value in ("", None):
        return None
    if found.allows(value):
        return None
    empty = " or leave it empty" if optional else ""
    return f"{option}={show(value)} breaks the rule {rule}: give {found.description}{empty}."


def check(option, value, rule, optional=False):
    """Raise InputError (the sentence of problem()) unless VALUE follows RULE; return VALUE."""
    sentence = problem(option, value, rule, optional)
    if sentence is not None:
        raise InputError(sentence)
    return value


def check_each(option, values, rule):
    """check() every element of a list, named OPTION[index]; return the list."""
    for index, value in enumerate(values or []):
        check(f"{option}[{index}]", value, rule)
    return values


def problems(checks):
    """Every sentence of CHECKS, a list of mappings {name, value, rule} (optional: bool, elements: bool).

    With elements, the value is a list (or a mapping: its keys) and each element is checked, named
    name[index] (name[key]); a value that is not a list then is a problem of its own.
    """
    found = []
    for entry in checks:
        name, value, rule = entry["name"], entry.get("value"), entry["rule"]
        if rule not in RULES:
            raise KeyError(f"no input rule named {rule!r}; the rules are {', '.join(sorted(RULES))}")
        optional = bool(entry.get("optional", False))
        if not entry.get("elements", False):
            sentence = problem(name, value, rule, optional)
            if sentence:
                found.append(sentence)
            continue
        if isinstance(value, dict):
            items = [(f"{name}[{key!r}]", key) for key in value]
        elif isinstance(value, (list, tuple)):
            items = [(f"{name}[{index}]", item) for index, item in enumerate(value)]
        else:
            found.append(f"{name}={show(value)} must be a list.")
            continue
        found.extend(sentence for sentence in (problem(n, v, rule, optional) for n, v in items) if sentence)
    return found


def refuse(module, checks):
    """Fail MODULE (an AnsibleModule) with every problem of CHECKS, before it reads or changes anything."""
    found = problems(checks)
    if found:
        module.fail_json(msg=" ".join(found), problems=found)
