#!/usr/bin/env python3
"""Writes each role's argument specs' defaults and its README from one source.

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

Each role's README.md is generated from the same spec: its entry points,
their descriptions and a table of their options (type, default, required,
meaning). The README's text above the line MARKER is the role's
hand-written introduction and is kept as it is; everything below it is
rewritten. A README without the marker gets an introduction made from the
spec's short description. `--check` fails when a README differs too.
"""

from __future__ import annotations

import argparse
import difflib
import json
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


# The line that separates a README's hand-written introduction from the
# part generated from meta/argument_specs.yml.
MARKER = "<!-- Below: generated from meta/argument_specs.yml by tools/role_specs.py (make role-specs). -->"
# ansible-doc's markup: O(option), V(value), C(code), E(env), M(module), I(italic), B(bold), U(url), L(text,url).
MARKUP = re.compile(r"\b([OVCEMIBUL])\(([^()]*(?:\([^()]*\)[^()]*)*)\)")


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


def plain(text: str) -> str:
    """ansible-doc markup as Markdown."""

    def one(match: re.Match) -> str:
        kind, body = match.group(1), match.group(2)
        if kind in "OVCEM":
            return f"`{body}`"
        if kind == "I":
            return f"*{body}*"
        if kind == "B":
            return f"**{body}**"
        if kind == "U":
            return f"<{body}>"
        label, _, url = body.partition(",")
        return f"[{label}]({url.strip()})"

    return MARKUP.sub(one, text)


def paragraphs(value) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [plain(" ".join(str(item).split())) for item in items]


def cell(text: str) -> str:
    return text.replace("|", "\\|")


def shown(value) -> str:
    """A default as it reads in YAML flow style, in a code span."""
    if isinstance(value, str):
        bare = value and value.strip() == value and not value.startswith(("[", "'", '"'))
        text = value if bare and (value.startswith("{{") or not value.startswith("{")) else json.dumps(value)
    else:
        text = json.dumps(value)
    return f"`{text}`"


def option_rows(options: dict, prefix: str = "") -> list[str]:
    rows = []
    for name, option in options.items():
        option = option or {}
        kind = option.get("type", "str")
        if option.get("elements"):
            kind = f"{kind} of {option['elements']}"
        if option.get("choices"):
            kind += " (" + ", ".join(f"`{choice}`" for choice in option["choices"]) + ")"
        if option.get("required"):
            default = "required"
        elif "default" in option:
            default = shown(option["default"])
        else:
            default = ""
        meaning = " ".join(paragraphs(option.get("description")))
        rows.append(f"| `{cell(prefix + name)}` | {cell(kind)} | {cell(default)} | {cell(meaning)} |")
        if option.get("options"):
            sub = f"{prefix}{name}[]." if option.get("type") == "list" else f"{prefix}{name}."
            rows.extend(option_rows(option["options"], sub))
    return rows


def generated_readme(name: str, spec_text: str) -> str:
    """The generated part of a role's README: its entry points and their options."""
    entries = (yaml.safe_load(spec_text) or {}).get("argument_specs") or {}
    out = [
        "## Variables",
        "",
        f"The role checks them against `meta/argument_specs.yml` before any task runs;"
        f" `ansible-doc -t role sre.minikube.{name}` shows the same.",
    ]
    seen: dict[str, object] = {}
    for entry, spec in entries.items():
        spec = spec or {}
        title = f"Entry point `{entry}`"
        if spec.get("short_description"):
            title += f": {plain(spec['short_description'])}"
        out += ["", f"### {title}", ""]
        for text in paragraphs(spec.get("description")):
            out += [f"- {text}"]
        options = spec.get("options") or {}
        shared = [key for key, value in options.items() if key in seen and seen[key] == value]
        own = {key: value for key, value in options.items() if key not in shared}
        if spec.get("description"):
            out += [""]
        if shared:
            out += [
                f"Takes the options of the entry points above ({len(shared)}), and these:"
                if own
                else f"Takes the options of the entry points above ({len(shared)})."
            ]
            out += [""]
        if own:
            out += ["| variable | type | default | meaning |", "| --- | --- | --- | --- |", *option_rows(own)]
        elif not shared:
            out += ["No options."]
        seen.update(options)
    return "\n".join(out).rstrip("\n") + "\n"


def intro(name: str, spec_text: str) -> str:
    """A new README's introduction, from the main entry point's short description."""
    entries = (yaml.safe_load(spec_text) or {}).get("argument_specs") or {}
    summary = plain((entries.get("main") or {}).get("short_description", "")).rstrip(".")
    lines = [f"# {name}", ""]
    if summary:
        lines += [f"{summary}. A role of the `sre.minikube` collection."]
    return "\n".join(lines).rstrip("\n") + "\n\n"


def render_readme(name: str, spec_text: str, current: str | None) -> str:
    """The README: the current introduction (above MARKER) kept, the rest generated from the spec."""
    if current is not None and MARKER in current:
        head = current.split(MARKER, 1)[0].rstrip("\n") + "\n\n"
    elif current:
        head = current.rstrip("\n") + "\n\n"
    else:
        head = intro(name, spec_text)
    return f"{head}{MARKER}\n\n{generated_readme(name, spec_text)}"


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
        readme = role / "README.md"
        current_readme = readme.read_text() if readme.exists() else None
        wanted_readme = render_readme(role.name, wanted, current_readme)
        for path, before, after in ((spec, current, wanted), (readme, current_readme, wanted_readme)):
            if after == before:
                continue
            if args.check:
                differ.append(str(path.relative_to(args.top)))
                sys.stderr.writelines(
                    difflib.unified_diff(
                        (before or "").splitlines(keepends=True),
                        after.splitlines(keepends=True),
                        str(path),
                        "generated",
                    )
                )
            else:
                path.write_text(after)
                print(f"wrote {path.relative_to(args.top)}")
    if differ:
        print(
            f"{', '.join(differ)} differ from what defaults/main.yml and meta/argument_specs.yml give:"
            " run python tools/role_specs.py (make role-specs)",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
