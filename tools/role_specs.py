#!/usr/bin/env python3
"""Writes each role's defaults into its argument specs, from defaults/main.yml.

A role's defaults have one source, roles/<role>/defaults/main.yml, which
Ansible reads. meta/argument_specs.yml describes the same variables (type,
choices, description) and shows each default in `ansible-doc -t role`; its
`default:` entries are copied here from defaults/main.yml, as written there
(quotes, flow or block style), so a human edits a default in one file:

    python tools/role_specs.py            # rewrite the specs' defaults
    python tools/role_specs.py --check    # fail when a spec differs (make lint)

Only the `default:` of each option of an entry point (argument_specs.<entry>.
options.<variable>) is written; descriptions, types and the defaults of
sub-options stay as the spec's author wrote them. A variable of
defaults/main.yml that no entry point describes, and a spec default of a
variable that defaults/main.yml lacks, are errors: both would be a second
source.
"""

from __future__ import annotations

import argparse
import difflib
import pathlib
import re
import sys

import yaml

TOP = pathlib.Path(__file__).resolve().parent.parent

KEY = re.compile(r"^([a-z][a-z0-9_]*):(.*)$")
OPTION = re.compile(r"^ {6}([a-z][a-z0-9_]*):\s*$")
DEFAULT = re.compile(r"^ {8}default:")
# The lines of an option block the default goes after, when it has none.
HEAD = re.compile(r"^ {8}(type|elements|choices|required):")


class SpecError(Exception):
    """A role whose defaults and specs cannot be made one."""


def indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def default_texts(text: str) -> dict[str, list[str]]:
    """Each top-level variable of a defaults file: its value as written, the lines after `default:`."""
    values: dict[str, list[str]] = {}
    lines = text.splitlines()
    for number, line in enumerate(lines):
        match = KEY.match(line)
        if not match:
            continue
        name, rest = match.group(1), match.group(2).strip()
        if rest:
            values[name] = [f" {rest}"]
            continue
        block = []
        for following in lines[number + 1 :]:
            if following.strip() and indent(following) == 0:
                break
            block.append(following)
        while block and not block[-1].strip():
            block.pop()
        values[name] = [""] + [" " * 8 + item if item.strip() else "" for item in block]
    return values


def render(spec_text: str, defaults_text: str) -> str:
    """The spec with every entry point option's default taken from the defaults file."""
    defaults = default_texts(defaults_text)
    described: set[str] = set()
    lines = spec_text.splitlines()
    out: list[str] = []
    in_options = False
    number = 0
    while number < len(lines):
        line = lines[number]
        if line.strip() and indent(line) <= 4:
            in_options = bool(re.match(r"^ {4}options:", line))
        match = OPTION.match(line) if in_options else None
        if not match:
            out.append(line)
            number += 1
            continue
        name = match.group(1)
        described.add(name)
        end = number + 1
        while end < len(lines) and not (lines[end].strip() and indent(lines[end]) <= 6):
            end += 1
        block = lines[number + 1 : end]
        while block and not block[-1].strip():
            block.pop()
        trailing = lines[number + 1 + len(block) : end]
        out.append(line)
        out.extend(option_block(name, block, defaults))
        out.extend(trailing)
        number = end
    missing = sorted(set(defaults) - described)
    if missing:
        raise SpecError(f"defaults/main.yml sets {', '.join(missing)}, which meta/argument_specs.yml does not describe")
    text = "\n".join(out) + "\n"
    check_equal(text, defaults_text)
    return text


def option_block(name: str, block: list[str], defaults: dict[str, list[str]]) -> list[str]:
    """One option's lines with its default replaced, inserted or checked absent."""
    start = next((i for i, line in enumerate(block) if DEFAULT.match(line)), None)
    if start is not None:
        end = start + 1
        while end < len(block) and (not block[end].strip() or indent(block[end]) > 8):
            end += 1
        if name not in defaults:
            raise SpecError(f"meta/argument_specs.yml gives {name} a default that defaults/main.yml does not set")
        return block[:start] + written(name, defaults) + block[end:]
    if name not in defaults:
        return block
    heads = [i for i, line in enumerate(block) if HEAD.match(line)]
    at = heads[-1] + 1 if heads else 0
    while at < len(block) and (not block[at].strip() or indent(block[at]) > 8):
        at += 1
    return block[:at] + written(name, defaults) + block[at:]


def written(name: str, defaults: dict[str, list[str]]) -> list[str]:
    first, *rest = defaults[name]
    return [f"        default:{first}", *rest]


def check_equal(spec_text: str, defaults_text: str) -> None:
    """The values the generated spec holds are the defaults file's (a guard on the text copy)."""
    defaults = yaml.safe_load(defaults_text) or {}
    for entry in (yaml.safe_load(spec_text).get("argument_specs") or {}).values():
        for name, option in (entry.get("options") or {}).items():
            if name in defaults and option.get("default") != defaults[name]:
                raise SpecError(f"the default of {name} did not copy: {option.get('default')!r} != {defaults[name]!r}")


def roles(top: pathlib.Path) -> list[pathlib.Path]:
    return sorted(path.parent.parent for path in (top / "roles").glob("*/meta/argument_specs.yml"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when a spec differs from the generated one")
    parser.add_argument("--top", type=pathlib.Path, default=TOP, help="the repository's top (default: this one)")
    args = parser.parse_args(argv)
    differ = []
    for role in roles(args.top):
        spec = role / "meta" / "argument_specs.yml"
        defaults = role / "defaults" / "main.yml"
        current = spec.read_text()
        try:
            wanted = render(current, defaults.read_text() if defaults.exists() else "")
        except SpecError as error:
            print(f"{role.name}: {error}", file=sys.stderr)
            return 1
        if wanted == current:
            continue
        if args.check:
            differ.append(role.name)
            sys.stderr.writelines(
                difflib.unified_diff(
                    current.splitlines(keepends=True), wanted.splitlines(keepends=True), str(spec), "generated"
                )
            )
        else:
            spec.write_text(wanted)
            print(f"wrote {spec.relative_to(args.top)}")
    if differ:
        print(
            f"the argument specs' defaults of {', '.join(differ)} differ from defaults/main.yml:"
            " run python tools/role_specs.py (make role-specs)",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
