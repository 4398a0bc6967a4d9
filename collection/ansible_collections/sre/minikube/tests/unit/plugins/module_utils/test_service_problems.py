# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The checks of a list of services: a good list passes, each bad one is named."""

from __future__ import annotations

import copy

import pytest
from ansible_collections.sre.minikube.plugins.filter.service_problems import service_problems
from ansible_collections.sre.minikube.plugins.filter.sql_identifier import sql_identifier
from ansible_collections.sre.minikube.plugins.module_utils.services import (
    POSTGRES_RESERVED_WORDS,
    database_name,
    problems,
    quote_identifier,
    team_namespace,
    teams,
    url_variable,
)

GOOD = [
    {"name": "invoice-app", "team": "billing", "port": 8081, "component": "api", "public": True, "database": True,
     "callers": [], "env": {"PAYMENT_TIMEOUT": "5s"}},
    {"name": "payment-provider", "team": "payments", "port": 8082, "component": "payments", "public": False,
     "database": True, "callers": ["invoice-app"], "env": {}},
]  # fmt: skip


def changed(index, **fields):
    services = copy.deepcopy(GOOD)
    services[index].update(fields)
    return services


def without(index, field):
    services = copy.deepcopy(GOOD)
    del services[index][field]
    return services


def test_a_good_list_has_no_problem():
    assert problems(GOOD, "app_deploy_services", ["postgres"]) == []
    assert service_problems(GOOD) == []


# (services, reserved, the one problem's expected words)
CASES = [
    pytest.param([], (), "is empty", id="empty"),
    pytest.param("invoice-app", (), "is empty or not a list", id="not-a-list"),
    pytest.param([{"port": 1}], (), "a mapping with a name", id="entry-without-name"),
    pytest.param(changed(1, name="Payments"), (), "not a DNS-1123 label", id="name-not-a-label"),
    pytest.param(changed(1, name="postgres"), ("postgres",), "keeps for itself (postgres)", id="reserved-name"),
    pytest.param(without(0, "team"), (), "invoice-app: team is missing: give the team", id="team-missing"),
    pytest.param(changed(1, team="Payments"), (), "team 'Payments' is not a DNS-1123 label", id="team-not-a-label"),
    pytest.param(changed(1, team=""), (), "team '' is not a DNS-1123 label", id="team-empty"),
    pytest.param(changed(1, team=7), (), "team 7 is not a DNS-1123 label", id="team-a-number"),
    pytest.param(changed(1, team="pay\n"), (), "is not a DNS-1123 label", id="team-trailing-newline"),
    pytest.param(changed(0, port=0), (), "port 0 is not", id="port-zero"),
    pytest.param(changed(0, port=70000), (), "port 70000", id="port-too-high"),
    pytest.param(changed(0, port="http"), (), "port 'http'", id="port-not-a-number"),
    pytest.param(changed(0, port=True), (), "port True", id="port-boolean"),
    pytest.param(changed(0, component="API"), (), "component 'API'", id="component-not-a-label"),
    pytest.param(changed(1, public="no"), (), "public must be true or false", id="public-not-boolean"),
    pytest.param(changed(1, database=1), (), "database must be true or false", id="database-not-boolean"),
    pytest.param(changed(1, callers=["ledger"]), (), "caller 'ledger' is not a service", id="unknown-caller"),
    pytest.param(changed(1, callers=["payment-provider"]), (), "the service itself", id="self-caller"),
    pytest.param(changed(1, callers="invoice-app"), (), "callers must be a list", id="callers-not-a-list"),
    pytest.param(changed(0, env={"TIMEOUT": 5}), (), "TIMEOUT=5 is not a variable name", id="env-not-a-string"),
    pytest.param(changed(0, env={"1X": "a"}), (), "1X='a' is not a variable name", id="env-bad-name"),
    pytest.param(changed(0, env={"DATABASE_URL": "x"}), (), "env DATABASE_URL is set by the role", id="env-role-set"),
    pytest.param(
        changed(0, env={"PAYMENT_PROVIDER_URL": "x"}), (), "PAYMENT_PROVIDER_URL is set by the role", id="env-url"
    ),
    pytest.param(changed(0, env=["A"]), (), "env must map", id="env-not-a-mapping"),
    pytest.param(changed(0, env={"MODE": "a\nb"}), (), "env MODE='a\\nb' holds a control character", id="env-newline"),
    pytest.param(changed(1, name="ledger\n"), (), "not a DNS-1123 label", id="name-trailing-newline"),
    pytest.param(changed(1, public=True), (), "invoice-app, payment-provider are all public", id="two-public"),
    pytest.param(changed(1, name="invoice-app", callers=[]), (), "declared more than once", id="duplicate-name"),
]


@pytest.mark.parametrize(("services", "reserved", "words"), CASES)
def test_each_problem_is_named(services, reserved, words):
    found = problems(services, "app_deploy_services", reserved)
    assert len(found) == 1, found
    assert words in found[0]
    assert found[0].startswith("app_deploy_services")


def test_every_problem_is_reported_at_once():
    services = changed(0, port=0, component="API")
    assert len(problems(services)) == 2


@pytest.mark.parametrize(
    ("name", "variable"),
    [("payment-provider", "PAYMENT_PROVIDER_URL"), ("ledger", "LEDGER_URL"), ("a-b-c", "A_B_C_URL")],
)
def test_url_variable(name, variable):
    assert url_variable(name) == variable


# Names a service cannot take: Postgres would refuse or misread its role and
# database (the name with '_' for '-'), or Kubernetes its Service.
REFUSED_NAMES = [
    ("user", "is a word Postgres reserves"),
    ("all", "is a word Postgres reserves"),
    ("public", "is a word Postgres reserves"),
    ("none", "is a word Postgres reserves"),
    ("current-user", "current_user is a word Postgres reserves"),
    ("session-user", "session_user is a word Postgres reserves"),
    ("select", "is a word Postgres reserves"),
    ("1abc", "starts with a digit"),
    ("9", "starts with a digit"),
    ("pg-x", "starts with pg- or pg_"),
    ("pg-ledger", "starts with pg- or pg_"),
]


@pytest.mark.parametrize(("name", "words"), REFUSED_NAMES, ids=[case[0] for case in REFUSED_NAMES])
def test_names_postgres_or_kubernetes_would_refuse_or_misread_are_refused(name, words):
    services = changed(1, name=name)
    found = problems(services, "app_deploy_services")
    assert found == [found[0]] and found[0].startswith(f"app_deploy_services entry {name}: "), found
    assert words in found[0]


# Names the check lets through, and their role and database as the SQL writes them.
QUOTED_NAMES = [
    ("ledger", "ledger", '"ledger"'),
    ("audit-log", "audit_log", '"audit_log"'),
    # A key word Postgres does not let name a database unless quoted.
    ("left", "left", '"left"'),
    ("join", "join", '"join"'),
    ("users", "users", '"users"'),
    ("page", "page", '"page"'),
]


@pytest.mark.parametrize(("name", "database", "quoted"), QUOTED_NAMES, ids=[case[0] for case in QUOTED_NAMES])
def test_other_names_pass_and_are_quoted_in_sql(name, database, quoted):
    assert problems(changed(1, name=name)) == []
    assert database_name(name) == database
    assert quote_identifier(database) == quoted == sql_identifier(database)


def test_a_double_quote_inside_an_identifier_is_doubled():
    assert quote_identifier('a"b') == '"a""b"'


def test_the_reserved_words_are_lower_case_words():
    assert all(word.isidentifier() and word == word.lower() for word in POSTGRES_RESERVED_WORDS)
    assert {"user", "all", "current_user", "system_user"} <= POSTGRES_RESERVED_WORDS


def test_a_team_s_namespace_is_named_after_the_stack_s_namespace_and_the_team():
    assert team_namespace("invoice", "billing") == "invoice-billing"
    assert team_namespace("rollout-check", "payments") == "rollout-check-payments"


# (services' teams in order, group prefix, the teams expected: name, namespace, group, services)
TEAMS = [
    (["billing", "payments"], "", [("billing", "invoice-billing", "billing", ["invoice-app"]),
                                   ("payments", "invoice-payments", "payments", ["payment-provider"])]),
    (["billing", "billing"], "oidc:", [("billing", "invoice-billing", "oidc:billing",
                                        ["invoice-app", "payment-provider"])]),
    (["payments", "billing"], None, [("payments", "invoice-payments", "payments", ["invoice-app"]),
                                     ("billing", "invoice-billing", "billing", ["payment-provider"])]),
]  # fmt: skip


@pytest.mark.parametrize(("owners", "prefix", "expected"), TEAMS)
def test_teams_group_the_services_in_the_order_each_team_first_appears(owners, prefix, expected):
    services = copy.deepcopy(GOOD)
    for entry, team in zip(services, owners, strict=True):
        entry["team"] = team
    found = teams(services, "invoice", prefix)
    assert [(t["name"], t["namespace"], t["group"], t["services"]) for t in found] == expected
