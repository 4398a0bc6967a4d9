# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The services list: where it is found (through the collection), how it is read, what the lookup refuses."""

from __future__ import annotations

import os
import pathlib

import pytest
from ansible.errors import AnsibleLookupError
from ansible_collections.sre.minikube.plugins.lookup import services as services_lookup
from ansible_collections.sre.minikube.plugins.module_utils import services
from ansible_collections.sre.minikube.tests.unit.plugins.loaded_lookup import loaded_lookup

GOOD = "services:\n  - {name: a, port: 1}\n  - {name: b, port: 2, callers: [a]}\n"
# The collection's place in a clone, below the clone's top.
IN_CLONE = os.path.join("collection", "ansible_collections", "sre", "minikube")


@pytest.fixture
def lookup():
    """The lookup as the plugin loader hands it out."""
    return loaded_lookup(services_lookup, "sre.minikube.services")


def tree(root, where, text=GOOD):
    """A collection at root/IN_CLONE, and services.yml at WHERE (relative to root); the collection's directory."""
    collection = root / IN_CLONE
    collection.mkdir(parents=True)
    if where is not None:
        target = root / where
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    return collection


@pytest.mark.parametrize(
    "where",
    [
        pytest.param("apps/services.yml", id="clone"),
        pytest.param(os.path.join(IN_CLONE, "playbooks", "apps", "services.yml"), id="built-collection"),
    ],
)
def test_found_through_the_collection(tmp_path, where):
    collection = tree(tmp_path, where)
    assert services.default_file(str(collection)) == str(tmp_path / where)
    assert services.names(services.read(services.default_file(str(collection)))) == ["a", "b"]


def test_the_collections_own_list_first(tmp_path):
    collection = tree(tmp_path, "apps/services.yml", "services: [{name: other}]\n")
    (collection / "playbooks" / "apps").mkdir(parents=True)
    (collection / "playbooks" / "apps" / "services.yml").write_text(GOOD)
    assert services.read(services.default_file(str(collection)))[0]["name"] == "a"


def test_this_clone(lookup):
    """The lookup without a term reads the list at the top of this clone."""
    top = pathlib.Path(services.COLLECTION_DIR).parents[3]
    expected = services.read(str(top / "apps" / "services.yml"))
    assert lookup.run([], variables={})[0] == expected
    assert "invoice-app" in services.names(expected)


def test_given_context(lookup, tmp_path):
    (tmp_path / "services.yml").write_text(GOOD)
    assert [s["name"] for s in lookup.run([str(tmp_path)], variables={})[0]] == ["a", "b"]


@pytest.mark.parametrize(
    "text, message",
    [
        pytest.param(None, "no services list at", id="missing"),
        pytest.param("services: {a: 1}\n", "must hold `services:`", id="not-a-list"),
        pytest.param("- {name: a}\n", "must hold `services:`", id="bare-list"),
        pytest.param("services:\n  - {port: 1}\n", "each with a name", id="entry-without-name"),
        pytest.param("services: [\n", "is not YAML", id="not-yaml"),
    ],
)
def test_refused(tmp_path, text, message):
    collection = tree(tmp_path, None if text is None else "apps/services.yml", text or "")
    with pytest.raises(services.ServicesFileError, match=message):
        services.read(services.default_file(str(collection)))


@pytest.mark.parametrize(
    "terms, text, message",
    [
        pytest.param(["x", "y"], GOOD, "at most one build context", id="two-terms"),
        pytest.param(["CONTEXT"], None, "cannot read", id="context-without-list"),
        pytest.param(["CONTEXT"], "services: []\n- a\n", "is not YAML", id="context-not-yaml"),
    ],
)
def test_lookup_refused(lookup, tmp_path, terms, text, message):
    if text is not None:
        (tmp_path / "services.yml").write_text(text)
    terms = [str(tmp_path) if term == "CONTEXT" else term for term in terms]
    with pytest.raises(AnsibleLookupError, match="services: .*" + message):
        lookup.run(terms, variables={})
