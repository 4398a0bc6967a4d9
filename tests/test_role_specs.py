"""tools/role_specs.py: the roles' argument specs take their defaults from defaults/main.yml, one source."""

from __future__ import annotations

import pathlib
import sys

import pytest

TOP = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(TOP / "tools"))

import role_specs  # noqa: E402

SPEC = """\
---
argument_specs:
  main:
    short_description: A role
    options: &options
      demo_name:
        type: str
        default: old
        description: A name.
      demo_items:
        type: list
        elements: str
        default: [a]
        description: Items.
      demo_required:
        type: str
        required: true
        description: Given by the caller.
      demo_nested:
        type: dict
        description: Nested.
        options:
          inner:
            type: int
            default: 1
            description: Its own default, not a role variable.
  other:
    options:
      <<: *options
"""

DEFAULTS = """\
---
# A comment.
demo_name: "new"
demo_items:
  - a
  - b
demo_nested: {}
"""

CASES = [
    pytest.param("demo_name", 'default: "new"', id="scalar-replaced"),
    pytest.param("demo_items", "default:\n          - a\n          - b", id="block-replaced"),
    pytest.param("demo_nested", "default: {}", id="missing-default-inserted"),
]


@pytest.mark.parametrize(("name", "written"), CASES)
def test_each_default_is_written_as_defaults_main_has_it(name, written):
    text = role_specs.render(SPEC, DEFAULTS)
    block = text.split(f"      {name}:\n", 1)[1].split("\n      demo_", 1)[0]
    assert written in block
    assert "default: 1" in text
    assert "demo_required:\n        type: str\n        required: true\n" in text


@pytest.mark.parametrize(
    ("spec", "defaults", "says"),
    [
        pytest.param(SPEC, DEFAULTS + "demo_extra: 1\n", "sets demo_extra, which", id="undescribed-variable"),
        pytest.param(
            SPEC, "---\ndemo_items: []\ndemo_nested: {}\n", "gives demo_name a default", id="spec-only-default"
        ),
    ],
)
def test_a_second_source_is_refused(spec, defaults, says):
    with pytest.raises(role_specs.SpecError, match=says):
        role_specs.render(spec, defaults)


def make_role(top: pathlib.Path, spec: str, defaults: str) -> pathlib.Path:
    role = top / "roles" / "demo"
    (role / "meta").mkdir(parents=True)
    (role / "defaults").mkdir()
    (role / "meta" / "argument_specs.yml").write_text(spec)
    (role / "defaults" / "main.yml").write_text(defaults)
    return role


@pytest.mark.parametrize(
    ("spec", "rc"),
    [
        pytest.param(SPEC, 1, id="differs"),
        pytest.param(role_specs.render(SPEC, DEFAULTS), 0, id="generated"),
    ],
)
def test_check_fails_only_when_a_committed_spec_differs(tmp_path, capsys, spec, rc):
    role = make_role(tmp_path, spec, DEFAULTS)
    assert role_specs.main(["--check", "--top", str(tmp_path)]) == rc
    assert (role / "meta" / "argument_specs.yml").read_text() == spec
    assert ("demo" in capsys.readouterr().err) == bool(rc)


def test_the_repository_specs_are_generated():
    assert role_specs.main(["--check"]) == 0
