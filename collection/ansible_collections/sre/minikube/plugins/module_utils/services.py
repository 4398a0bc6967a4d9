# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What can be wrong with a list of services (apps/services.yml's shape).

One entry: name (a DNS-1123 label: the directory, image, Deployment, Service
and pod label), port (1-65535), component (a label value), callers (the other
services that may call it), public and database (booleans), env (variable
name -> string). The roles that take such a list (app_deploy, verify) ask
problems() before anything runs and print every sentence it returns.

A name also names the service's Postgres role and database (database_name():
'_' for '-'), so the names Postgres would refuse or misread are refused here,
and the SQL that creates them quotes them (quote_identifier()) all the same.
"""

from __future__ import annotations

from ansible_collections.sre.minikube.plugins.module_utils.inputs import RULES

LABEL = RULES["dns_label"]
ENV_NAME = RULES["env_name"]
# A value of env reaches a ConfigMap and the process's environment as one line.
ENV_VALUE = RULES["text"]
# Postgres's reserved key words (pg_get_keywords() category R, Postgres 17):
# unquoted, each is read as the key word (`user` is the current user, `all`
# every role), so none may name a role or a database.
POSTGRES_RESERVED_WORDS = frozenset(
    [
        "all",
        "analyse",
        "analyze",
        "and",
        "any",
        "array",
        "as",
        "asc",
        "asymmetric",
        "both",
        "case",
        "cast",
        "check",
        "collate",
        "column",
        "constraint",
        "create",
        "current_catalog",
        "current_date",
        "current_role",
        "current_time",
        "current_timestamp",
        "current_user",
        "default",
        "deferrable",
        "desc",
        "distinct",
        "do",
        "else",
        "end",
        "except",
        "false",
        "fetch",
        "for",
        "foreign",
        "from",
        "grant",
        "group",
        "having",
        "in",
        "initially",
        "intersect",
        "into",
        "lateral",
        "leading",
        "limit",
        "localtime",
        "localtimestamp",
        "not",
        "null",
        "offset",
        "on",
        "only",
        "or",
        "order",
        "placing",
        "primary",
        "references",
        "returning",
        "select",
        "session_user",
        "some",
        "symmetric",
        "system_user",
        "table",
        "then",
        "to",
        "trailing",
        "true",
        "union",
        "unique",
        "user",
        "using",
        "variadic",
        "when",
        "where",
        "window",
        "with",
    ]
)
# Role names Postgres refuses even quoted.
POSTGRES_RESERVED_ROLES = frozenset(("public", "none"))
# What app_deploy sets in every service's environment itself.
SET_BY_ROLE = ("LISTEN_ADDR", "DATABASE_URL", "DATABASE_PASSWORD")


def url_variable(name):
    """The variable a caller finds a service's URL in: payment-provider -> PAYMENT_PROVIDER_URL."""
    return name.upper().replace("-", "_") + "_URL"


def database_name(name):
    """The Postgres role and database of a service: invoice-app -> invoice_app."""
    return name.replace("-", "_")


def quote_identifier(name):
    """NAME as a Postgres identifier in double quotes (a double quote inside doubled): read as written, never as a
    key word."""
    return '"' + str(name).replace('"', '""') + '"'


def name_problem(name):
    """Why NAME cannot name a service (Kubernetes objects, a Postgres role and database), or None."""
    database = database_name(name)
    if not LABEL.allows(name):
        return "the name is not a DNS-1123 label (at most 63 lower-case letters, digits and '-')"
    if name[0].isdigit():
        return (
            "the name starts with a digit: a Kubernetes Service name starts with a letter (DNS-1035) and Postgres"
            f" reads {database} as a number; start it with a letter"
        )
    if database.startswith("pg_"):
        return (
            f"the name starts with pg- or pg_: Postgres reserves role names starting with pg_ ({database}); rename it"
        )
    if database in POSTGRES_RESERVED_WORDS or database in POSTGRES_RESERVED_ROLES:
        return (
            f"its Postgres role and database name {database} is a word Postgres reserves (a key word or the role"
            f" name public or none); rename it, e.g. {name}-svc"
        )
    return None


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
    why = name_problem(name)
    if why is not None:
        found.append(f"{where}: {why}.")
    elif name in reserved:
        found.append(f"{where}: the name is one the role keeps for itself ({', '.join(reserved)}).")
    port = _port(entry.get("port"))
    if port is None or not 1 <= port <= 65535:
        found.append(f"{where}: port {entry.get('port')!r} is not a number from 1 to 65535.")
    component = entry.get("component", "")
    if not LABEL.allows(component):
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
        if not ENV_NAME.allows(key) or not isinstance(value, str):
            found.append(
                f"{where}: env {key}={value!r} is not a variable name with a string value (quote numbers and booleans)."
            )
        elif not ENV_VALUE.allows(value):
            found.append(
                f"{where}: env {key}={value!r} holds a control character (a line break, a tab); give one line."
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
