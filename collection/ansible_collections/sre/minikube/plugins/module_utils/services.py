# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The stack's list of services (apps/services.yml): where it is, how it is read, what can be wrong with it.

This file is the list's one reader: the services lookup (the roles' default
lists), tools/product_facts.py (make and the test harness) and the tests
call read() and default_file(); nothing else opens services.yml.

One entry: name (a DNS-1123 label: the directory, image, Deployment, Service
and pod label), team (a DNS-1123 label: who owns it), port (1-65535),
component (a label value), callers (the other services that may call it),
public and database (booleans), env (variable name -> string). The roles
that take such a list (app_deploy, verify) ask problems() before anything
runs and print every sentence it returns.

A team's services live in a namespace of their own, named after the stack's
namespace and the team (team_namespace()); teams() groups the list by team,
for the deploy model, the verify stage and the access checks alike.

A name also names the service's Postgres role and database (database_name():
'_' for '-'), so the names Postgres would refuse or misread are refused here,
and the SQL that creates them quotes them (quote_identifier()) all the same.
"""

from __future__ import annotations

import os

from ansible_collections.sre.minikube.plugins.module_utils.inputs import RULES

try:
    import yaml
except ImportError:  # a module that imports this file on a host without PyYAML never reads the list
    yaml = None

FILE = "services.yml"
# The collection's directory: plugins/module_utils/services.py lies two levels below it.
COLLECTION_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# Where the stack's build context is, relative to the collection: the built
# collection holds it as playbooks/apps (collection/build-artifact.sh copies
# apps/ there); a clone keeps the collection in collection/ansible_collections/
# sre/minikube and apps/ at its top.
CONTEXTS = (("playbooks", "apps"), ("..", "..", "..", "..", "apps"))

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


def team_namespace(namespace, team):
    """The namespace of TEAM's services in the stack whose own namespace is NAMESPACE: invoice, billing ->
    invoice-billing. Two stacks in one cluster (two namespaces) never share a team's namespace."""
    return f"{namespace}-{team}"


def teams(services, namespace, group_prefix=""):
    """The teams of SERVICES, in the order each first appears, each a dict: name, namespace (team_namespace()),
    group (GROUP_PREFIX and the name: the Kubernetes group its people are in) and services (the names)."""
    found = {}
    for entry in services:
        team = entry["team"]
        if team not in found:
            found[team] = {
                "name": team,
                "namespace": team_namespace(namespace, team),
                "group": f"{group_prefix or ''}{team}",
                "services": [],
            }
        found[team]["services"].append(entry["name"])
    return list(found.values())


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


def whole_number(value):
    """The int a setting or a port holds (a number or its text); None for anything else, a bool included."""
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
    team = entry.get("team")
    if team is None:
        found.append(
            f"{where}: team is missing: give the team that owns the service (a DNS-1123 label such as billing);"
            " its services get a namespace of their own, where the team's group may run them."
        )
    elif not (isinstance(team, str) and LABEL.allows(team)):
        found.append(
            f"{where}: team {team!r} is not a DNS-1123 label (at most 63 lower-case letters, digits and '-',"
            " starting and ending with a letter or digit), so it cannot name the team's namespace."
        )
    port = whole_number(entry.get("port"))
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


class ServicesFileError(ValueError):
    """A services.yml that is missing, not YAML, or holds no list of named services; the message names the file."""


def default_files(collection_dir=None):
    """The stack's services.yml files, in the order they are tried: the collection's own, then the clone's."""
    top = collection_dir or COLLECTION_DIR
    return [os.path.normpath(os.path.join(top, *parts, FILE)) for parts in CONTEXTS]


def default_file(collection_dir=None):
    """The stack's services.yml, found through the collection (see CONTEXTS); ServicesFileError when none is."""
    tried = default_files(collection_dir)
    for path in tried:
        if os.path.isfile(path):
            return path
    raise ServicesFileError(f"no services list at {' or '.join(tried)}")


def context_file(context):
    """The services.yml of a build context (a directory holding the apps)."""
    return os.path.join(context, FILE)


def read(path=None):
    """The list of services in PATH (by default the stack's own, default_file()), in the file's order.

    Raises ServicesFileError, naming the file, when it is missing, is not
    YAML or holds no ``services:`` list of entries each with a name. The
    entries' values are problems()'s to judge.
    """
    path = path or default_file()
    if yaml is None:
        raise ServicesFileError(f"reading {path} needs PyYAML, which this Python lacks")
    try:
        with open(path, encoding="utf-8") as handle:
            document = yaml.safe_load(handle)
    except OSError as error:
        raise ServicesFileError(f"cannot read {path}: {error.strerror}") from None
    except yaml.YAMLError as error:
        raise ServicesFileError(f"{path} is not YAML: {error}") from None
    found = document.get("services") if isinstance(document, dict) else None
    if not isinstance(found, list) or not all(
        isinstance(entry, dict) and isinstance(entry.get("name"), str) for entry in found
    ):
        raise ServicesFileError(f"{path} must hold `services:`, a list of entries each with a name")
    return found


def names(services):
    """The services' names, in order: each is the app's directory under the build context and its image."""
    return [entry["name"] for entry in services]
