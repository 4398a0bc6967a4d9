# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The services lookup: where it finds services.yml and what it refuses."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleLookupError
from ansible_collections.sre.minikube.plugins.lookup.services import LookupModule

GOOD = "services:\n  - {name: a, port: 1}\n  - {name: b, port: 2, callers: [a]}\n"


def layout(root, where, text=GOOD):
    """A tree with a role at roles/r and services.yml at WHERE (relative to root)."""
    (root / "roles" / "r").mkdir(parents=True)
    if where is not None:
        target = root / where
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    return root / "roles" / "r"


@pytest.mark.parametrize(
    "where",
    [
        pytest.param("apps/services.yml", id="clone"),
        pytest.param("playbooks/apps/services.yml", id="installed-collection"),
    ],
)
def test_found_beside_the_role(tmp_path, where):
    role = layout(tmp_path, where)
    got = LookupModule().run([], variables={"role_path": str(role)})
    assert got == [[{"name": "a", "port": 1}, {"name": "b", "port": 2, "callers": ["a"]}]]


def test_clone_first(tmp_path):
    role = layout(tmp_path, "apps/services.yml")
    (tmp_path / "playbooks" / "apps").mkdir(parents=True)
    (tmp_path / "playbooks" / "apps" / "services.yml").write_text("services: [{name: other}]\n")
    assert LookupModule().run([], variables={"role_path": str(role)})[0][0]["name"] == "a"


def test_given_context(tmp_path):
    (tmp_path / "services.yml").write_text(GOOD)
    assert [s["name"] for s in LookupModule().run([str(tmp_path)], variables={})[0]] == ["a", "b"]


@pytest.mark.parametrize(
    "text, terms, variables, message",
    [
        pytest.param(None, [], "role", "no services list at", id="missing"),
        pytest.param("services: {a: 1}\n", [], "role", "must hold `services:`", id="not-a-list"),
        pytest.param("- {name: a}\n", [], "role", "must hold `services:`", id="bare-list"),
        pytest.param("services:\n  - {port: 1}\n", [], "role", "each with a name", id="entry-without-name"),
        pytest.param("services: [\n", [], "role", "is not YAML", id="not-yaml"),
        pytest.param(GOOD, [], None, "outside a role", id="no-role-no-term"),
        pytest.param(GOOD, ["x", "y"], "role", "at most one build context", id="two-terms"),
    ],
)
def test_refused(tmp_path, text, terms, variables, message):
    role = layout(tmp_path, None if text is None else "apps/services.yml", text or "")
    variables = {"role_path": str(role)} if variables == "role" else {}
    with pytest.raises(AnsibleLookupError, match=message):
        LookupModule().run(terms, variables=variables)
