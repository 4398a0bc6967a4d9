# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The image_refs lookup, with its options read from its own documentation as Ansible's loader reads them."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleLookupError
from ansible_collections.sre.minikube.plugins.lookup import image_refs
from ansible_collections.sre.minikube.plugins.module_utils import context_hash
from ansible_collections.sre.minikube.tests.unit.plugins.build_context import write_context
from ansible_collections.sre.minikube.tests.unit.plugins.loaded_lookup import loaded_lookup


@pytest.fixture
def context(tmp_path):
    return write_context(tmp_path)


@pytest.fixture
def lookup():
    """The plugin with its documented options and defaults registered, as the plugin loader does."""
    return loaded_lookup(image_refs, "sre.minikube.image_refs")


LOOKUPS = [
    # (terms, options beyond the context, expected apps, tag length, image of "one")
    (["one", "two"], {}, ["one", "two"], 16, "one"),
    ([["one", "two"]], {"tag_length": 10}, ["one", "two"], 10, "one"),
    (["two"], {"registry": "registry.example:5000/team"}, ["two"], 16, None),
    (["one"], {"registry": "registry.example", "tag_length": 64}, ["one"], 64, "registry.example/one"),
]


@pytest.mark.parametrize(("terms", "options", "apps", "length", "image"), LOOKUPS)
def test_the_lookup_returns_the_references_the_build_tags(lookup, context, terms, options, apps, length, image):
    (refs,) = lookup.run(terms, {}, context=str(context), **options)
    expected = context_hash.image_refs(str(context), apps, tag_length=length, registry=options.get("registry", ""))
    assert refs == expected and sorted(refs) == apps
    if image:
        assert refs["one"]["image"] == image


REFUSALS = [
    # (terms, options, words of the message)
    (["one", "three"], {}, "no directory three for the app three"),
    (["one"], {"dockerfile": "other/Dockerfile"}, "no other/Dockerfile"),
    (["one"], {"tag_length": 7}, "8 to 64"),
    ([], {}, "name the apps"),
    ([""], {}, "name the apps"),
]


@pytest.mark.parametrize(("terms", "options", "words"), REFUSALS)
def test_the_lookup_says_what_is_missing(lookup, context, terms, options, words):
    with pytest.raises(AnsibleLookupError, match=words):
        lookup.run(terms, {}, context=str(context), **options)


def test_missing_sources_name_the_controller(lookup, tmp_path):
    with pytest.raises(AnsibleLookupError, match="on the controller"):
        lookup.run(["one"], {}, context=str(tmp_path / "nowhere"))
