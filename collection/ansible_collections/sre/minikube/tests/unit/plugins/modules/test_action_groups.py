# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""meta/runtime.yml's action groups: each module of a group takes every option a play gives the group.

module_defaults hands each option of group/sre.minikube.<group> to each module of the group, and a
module that lacks one fails with "Unsupported parameters". The options come from the modules'
documentation with its doc fragments (validate-modules holds it equal to the argument specs).
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
import yaml

COLLECTION = Path(__file__).resolve().parents[4]

# The options the stack's plays give each group (playbooks/*.yml, module_defaults).
GROUP_OPTIONS = {
    "minikube": {"binary", "profile"},
    "kubernetes": {"kubeconfig", "context"},
}


def action_groups():
    return yaml.safe_load((COLLECTION / "meta/runtime.yml").read_text())["action_groups"]


def documented_options(module):
    """The option names of a module's DOCUMENTATION and its sre.minikube doc fragments."""
    plugin = importlib.import_module(f"ansible_collections.sre.minikube.plugins.modules.{module}")
    doc = yaml.safe_load(plugin.DOCUMENTATION)
    options = set(doc.get("options") or {})
    for fragment in doc.get("extends_documentation_fragment", []):
        namespace, collection, name, *variant = fragment.split(".")
        if (namespace, collection) != ("sre", "minikube"):
            continue
        fragments = importlib.import_module(f"ansible_collections.sre.minikube.plugins.doc_fragments.{name}")
        text = getattr(fragments.ModuleDocFragment, variant[0].upper() if variant else "DOCUMENTATION")
        options |= set(yaml.safe_load(text).get("options") or {})
    return options


def test_the_groups_are_the_ones_the_plays_use():
    assert set(action_groups()) == set(GROUP_OPTIONS)


@pytest.mark.parametrize(
    ("group", "module"),
    [
        pytest.param(group, module, id=f"{group}-{module}")
        for group, modules in action_groups().items()
        for module in modules
    ],
)
def test_each_module_of_a_group_takes_the_group_options(group, module):
    assert GROUP_OPTIONS[group] <= documented_options(module)


# Every module that takes a group's options is in the group, so a play's module_defaults reaches it.
@pytest.mark.parametrize(
    "module", sorted(path.stem for path in (COLLECTION / "plugins/modules").glob("*.py") if path.stem != "__init__")
)
def test_a_module_that_takes_a_group_options_is_in_the_group(module):
    groups = action_groups()
    expected = {group for group, options in GROUP_OPTIONS.items() if options <= documented_options(module)}
    assert expected == {group for group, modules in groups.items() if module in modules}
