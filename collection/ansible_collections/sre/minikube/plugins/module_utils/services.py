# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What can be wrong with a list of services (apps/services.yml's shape).

One entry: name (a DNS-1123 label: the directory, image, Deployment, Service
and pod label), port (1-65535), component (a label value), callers (the other
services that may call it), public and database (booleans), env (variable
name -> string). The roles that take such a list (app_deploy, verify) ask
problems() before anything runs and print every sentence it returns.
"""

from __future__ import annotations

import re

LABEL = re.compile(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\Z")
ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
# What app_deploy sets in every service's environment itself.
SET_BY_ROLE = ("LISTEN_ADDR", "DATABASE_URL", "DATABASE_PASSWORD")


def url_variable(name):
    """The variable a caller finds a service's URL in: payment-provider -> PAYMENT_PROVIDER_URL."""
    return name.upper().replace("-", "_") + "_URL"


def _port(value):
    if isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _entry_problems(entry, where, names, reserved):
    name = entry["name"]
    found = []
    if not LABEL.match(name) or name in reserved:
        found.append(
            f"{where}: the name is not a DNS-1123 label (at most 63 lower-case letters, digits and '-')"
            + (f" or is one the role keeps for itself ({', '.join(reserved)})." if reserved else ".")
        )
    port = _port(entry.get("port"))
    if port is None or not 1 <= port <= 65535:
        found.append(f"{where}: port {entry.get('port')!r} is not a number from 1 to 65535.")
    component = entry.get("component", "")
    if not isinstance(component, str) or not LABEL.match(component):
        found.append(f"{where}: component {component!r} is not a label value (lower-case letters, digits and '-').")
    for flag in ("public", "database"):
        if not isinstance(entry.get(flag, False), bool):
            found.append(f"{where}: {flag} must be true or false, not {entry[flag]!r}.")
    callers = entry.get("callers") or []
    if not isinstance(callers, list):
        found.append(f"{where}: callers must be a list of service names, not {callers!r}.")
        callers = []
    for caller in callers:
        if caller == name or caller not in names:
            what = "the service itself" if caller == name else "not a service of the list"
            found.append(
                f"{where}: caller {caller!r} is {what}; callers name the other services that may call it"
                f" ({', '.join(names)})."
            )
    env = entry.get("env") or {}
    if not isinstance(env, dict):
        found.append(f"{where}: env must map variable names to strings, not {env!r}.")
        env = {}
    urls = {url_variable(other) for other in names}
    for key, value in env.items():
        if not isinstance(key, str) or not ENV_NAME.match(key) or not isinstance(value, str):
            found.append(
                f"{where}: env {key}={value!r} is not a variable name with a string value (quote numbers and booleans)."
            )
        elif key in SET_BY_ROLE or key in urls:
            found.append(
                f"{where}: env {key} is set by the role itself ({', '.join(SET_BY_ROLE)} and each called"
                " service's <SERVICE>_URL); leave it out."
            )
    return found


def problems(services, where="services", reserved=()):
    """Every problem of SERVICES, one sentence each naming WHERE (the variable); empty when there is none."""
    reserved = list(reserved or ())
    if not isinstance(services, list) or not services:
        return [f"{where} is empty or not a list: list the services (apps/services.yml declares them)."]
    if not all(isinstance(entry, dict) and isinstance(entry.get("name"), str) for entry in services):
        return [f"{where}: every entry must be a mapping with a name (see apps/services.yml)."]
    names = [entry["name"] for entry in services]
    found = []
    public = [entry["name"] for entry in services if entry.get("public") is True]
    if len(public) > 1:
        found.append(
            f"{where}: {', '.join(public)} are all public, but the Ingress has one host: make at most one"
            " service public."
        )
    for name in sorted({name for name in names if names.count(name) > 1}):
        found.append(f"{where}: {name} is declared more than once; each service has one entry.")
    for entry in services:
        found.extend(_entry_problems(entry, f"{where} entry {entry['name']}", names, reserved))
    return found
