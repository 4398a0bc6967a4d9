"""tools/role_specs.py: the roles' argument specs take their defaults from defaults/main.yml, and their READMEs
from the argument specs: one source each."""

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


GENERATED = role_specs.render(SPEC, DEFAULTS)
INTRO = "# demo\n\nHand-written introduction, kept by the generator.\n\n"
README = role_specs.render_readme("demo", GENERATED, INTRO + role_specs.MARKER + "\n")


def make_role(top: pathlib.Path, spec: str, defaults: str, readme: str | None = None) -> pathlib.Path:
    role = top / "roles" / "demo"
    (role / "meta").mkdir(parents=True)
    (role / "defaults").mkdir()
    (role / "meta" / "argument_specs.yml").write_text(spec)
    (role / "defaults" / "main.yml").write_text(defaults)
    if readme is not None:
        (role / "README.md").write_text(readme)
    return role


@pytest.mark.parametrize(
    ("spec", "rc"),
    [
        pytest.param(SPEC, 1, id="differs"),
        pytest.param(GENERATED, 0, id="generated"),
    ],
)
def test_check_fails_only_when_a_committed_spec_differs(tmp_path, capsys, spec, rc):
    role = make_role(tmp_path, spec, DEFAULTS, README)
    assert role_specs.main(["--check", "--top", str(tmp_path)]) == rc
    assert (role / "meta" / "argument_specs.yml").read_text() == spec
    assert ("demo" in capsys.readouterr().err) == bool(rc)


@pytest.mark.parametrize(
    "written",
    [
        pytest.param("| `demo_name` | str | `new` | A name. |", id="scalar-default"),
        pytest.param('| `demo_items` | list of str | `["a", "b"]` | Items. |', id="list-default-flow"),
        pytest.param("| `demo_required` | str | required | Given by the caller. |", id="required"),
        pytest.param("| `demo_nested.inner` | int | `1` |", id="sub-option-row"),
        pytest.param("### Entry point `main`: A role", id="entry-point-title"),
        pytest.param("Takes the options of the entry points above (4).", id="shared-options-once"),
        pytest.param(INTRO + role_specs.MARKER, id="intro-kept-above-marker"),
    ],
)
def test_the_readme_is_generated_from_the_spec(written):
    assert written in README
    assert README.count("| `demo_name` |") == 1


@pytest.mark.parametrize(
    ("markup", "markdown"),
    [
        pytest.param("O(demo_state=absent)", "`demo_state=absent`", id="option"),
        pytest.param("V(auto) and C(minikube ip)", "`auto` and `minikube ip`", id="value-code"),
        pytest.param("E(LISTEN_ADDR), M(sre.minikube.resolver_facts)", "`LISTEN_ADDR`, `sre.minikube.resolver_facts`"),
        pytest.param("I(only) B(this)", "*only* **this**", id="emphasis"),
        pytest.param("a | b", "a | b", id="plain-text-unchanged"),
    ],
)
def test_ansible_doc_markup_becomes_markdown(markup, markdown):
    assert role_specs.plain(markup) == markdown


def test_a_readme_without_marker_gets_an_intro_from_the_spec():
    readme = role_specs.render_readme("demo", GENERATED, None)
    assert readme.startswith("# demo\n\nA role. A role of the `sre.minikube` collection.\n\n" + role_specs.MARKER)
    assert role_specs.render_readme("demo", GENERATED, readme) == readme


CHANGED_SPEC = GENERATED.replace("description: A name.", "description: Another name.")


@pytest.mark.parametrize(
    ("spec", "readme", "rc"),
    [
        pytest.param(GENERATED, README, 0, id="generated"),
        pytest.param(GENERATED, README.replace("# demo\n", "# demo, edited by hand\n"), 0, id="intro-edited"),
        pytest.param(CHANGED_SPEC, README, 1, id="spec-description-changed"),
        pytest.param(
            GENERATED.replace("type: str\n        default:", "type: raw\n        default:", 1),
            README,
            1,
            id="spec-type-changed",
        ),
        pytest.param(GENERATED, README.replace("A name.", "A name, edited."), 1, id="generated-part-edited"),
        pytest.param(GENERATED, None, 1, id="readme-missing"),
        pytest.param(GENERATED, README.replace(role_specs.MARKER + "\n", ""), 1, id="marker-removed"),
    ],
)
def test_check_fails_when_a_readme_differs_from_its_spec(tmp_path, capsys, spec, readme, rc):
    role = make_role(tmp_path, spec, DEFAULTS, readme)
    assert role_specs.main(["--check", "--top", str(tmp_path)]) == rc
    assert ((role / "README.md").read_text() if readme is not None else None) == readme
    assert ("roles/demo/README.md" in capsys.readouterr().err) == bool(rc)


def test_writing_brings_the_readme_in_line(tmp_path):
    role = make_role(tmp_path, CHANGED_SPEC, DEFAULTS, README)
    assert role_specs.main(["--top", str(tmp_path)]) == 0
    readme = (role / "README.md").read_text()
    assert "Another name." in readme
    assert readme.startswith(INTRO + role_specs.MARKER)
    assert role_specs.main(["--check", "--top", str(tmp_path)]) == 0


def test_the_repository_specs_are_generated():
    assert role_specs.main(["--check"]) == 0
