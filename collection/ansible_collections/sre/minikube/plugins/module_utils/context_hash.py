# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The content hash of each app's image build, and the image references it tags.

Every app is built from one build context with one Dockerfile (relative to
the context, default "Dockerfile") and the build argument APP=<app>. The
hash of an app's build covers exactly what that build reads:

- the Dockerfile and the context's .dockerignore (Docker always reads both);
- the files that the Dockerfile's COPY and ADD instructions (and RUN bind
  mounts) take from the context, with the build's arguments substituted,
  less the files .dockerignore excludes: each by its path in the context,
  its executable bit and its content;
- the build argument APP=<app>.

So the same sources give the same hash on every machine, an edit to a file
one app's build copies changes that app's hash only, and an edit to a file
every build copies (a shared module) changes them all. Build arguments that
say how to build rather than what (a module proxy) are not passed here and
do not count.

Standard library only. The one implementation: sre.minikube.minikube_images
tags the images it builds with it (on the host that builds), the action
sre.minikube.image_refs finds the tags on the controller without a module
process, and the test harness imports this file by its path.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex

# The build argument that names the app; the Dockerfile declares `ARG APP`.
APP_ARG = "APP"
# Sources that are not files of the context.
REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|git@)", re.IGNORECASE)
# $NAME, ${NAME}, ${NAME:-word}, ${NAME:+word} (and without the colon).
VARIABLE = re.compile(
    r"\$(?:\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?::?(?P<op>[-+])(?P<word>[^}]*))?\}"
    r"|(?P<plain>[A-Za-z_][A-Za-z0-9_]*))"
)


class DockerfileError(ValueError):
    """The Dockerfile cannot be read well enough to tell what the build reads."""


def pattern_regex(pattern):
    """Translate one .dockerignore or COPY pattern (Go filepath.Match plus **) to a regex."""
    out = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "*":
            if pattern.startswith("**", i):
                i += 2
                if pattern.startswith("/", i):
                    i += 1
                    out.append("(?:.*/)?")
                else:
                    out.append(".*")
                continue
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = pattern.find("]", i + 1)
            if end == -1:
                out.append(re.escape(char))
            else:
                body = pattern[i + 1 : end]
                # Go writes a negated class as [^...]; so does Python.
                out.append("[" + body + "]")
                i = end
        elif char == "\\" and i + 1 < len(pattern):
            i += 1
            out.append(re.escape(pattern[i]))
        else:
            out.append(re.escape(char))
        i += 1
    return re.compile("".join(out) + r"\Z")


def read_dockerignore(context):
    rules = []
    try:
        with open(os.path.join(context, ".dockerignore"), encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except FileNotFoundError:
        return rules
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        if negate:
            line = line[1:].strip()
        line = os.path.normpath(line).lstrip("/")
        if line in ("", "."):
            continue
        rules.append((negate, pattern_regex(line)))
    return rules


def parents_and_self(path):
    parts = path.split("/")
    return ["/".join(parts[: n + 1]) for n in range(len(parts))]


def excluded(path, rules):
    """Docker's rule: the last pattern that matches the path or one of its parents wins."""
    candidates = parents_and_self(path)
    result = False
    for negate, regex in rules:
        if any(regex.match(candidate) for candidate in candidates):
            result = not negate
    return result


def substitute(word, variables):
    """Docker's variable substitution: $NAME, ${NAME}, ${NAME:-word}, ${NAME:+word}; unset is empty."""

    def value(match):
        name = match.group("braced") or match.group("plain")
        current = variables.get(name, "")
        if match.group("op") == "-":
            return current or match.group("word")
        if match.group("op") == "+":
            return match.group("word") if current else ""
        return current

    return VARIABLE.sub(value, word)


def instructions(text):
    """(KEYWORD, rest) for each instruction: continuation lines joined, comments dropped."""
    lines = text.splitlines()
    for line in lines:
        directive = re.match(r"#\s*escape\s*=\s*(\S)", line.strip())
        if directive and directive.group(1) != "\\":
            raise DockerfileError("an escape character other than '\\' is not supported")
        if not line.strip().startswith("#"):
            break
    current = []
    for line in lines + [""]:
        stripped = line.strip()
        if current and stripped.startswith("#"):
            continue  # a comment inside a continued instruction
        if stripped.endswith("\\"):
            current.append(stripped[:-1])
            continue
        current.append(stripped)
        joined = " ".join(part for part in current if part).strip()
        current = []
        if not joined or joined.startswith("#"):
            continue
        keyword, _space, rest = joined.partition(" ")
        yield keyword.upper(), rest.strip()


def copy_sources(rest, variables):
    """The context paths one COPY or ADD reads (none with --from, a URL or a here-document)."""
    if rest.startswith("["):
        try:
            words = json.loads(rest)
        except ValueError as error:
            raise DockerfileError(f"COPY/ADD {rest}: not a JSON array: {error}") from error
        flags = []
    else:
        words = shlex.split(rest, posix=True)
        flags = [word for word in words if word.startswith("--")]
        words = [word for word in words if not word.startswith("--")]
    if any(flag.startswith("--from=") for flag in flags):
        return []
    sources = [substitute(word, variables) for word in words[:-1]]
    return [source for source in sources if not REMOTE.match(source) and not source.startswith("<<")]


def bind_mount_sources(rest, variables):
    """The context paths that RUN --mount=type=bind (without from=) reads."""
    sources = []
    for match in re.finditer(r"--mount=(\S+)", rest):
        fields = dict(field.partition("=")[::2] for field in match.group(1).split(","))
        if fields.get("type") == "bind" and "from" not in fields:
            sources.append(substitute(fields.get("source") or fields.get("src") or ".", variables))
    return sources


def dockerfile_sources(text, build_args):
    """Every context path (or pattern) the Dockerfile reads, "." for the whole context."""
    global_args = {}
    variables = None  # None before the first FROM: only ARG is meaningful there
    sources = []
    for keyword, rest in instructions(text):
        if keyword == "FROM":
            variables = {}
        elif keyword == "ARG":
            for word in shlex.split(rest, posix=True):
                name, has_default, default = word.partition("=")
                if variables is None:
                    global_args[name] = build_args.get(name, default if has_default else "")
                else:
                    fallback = default if has_default else global_args.get(name, "")
                    variables[name] = build_args.get(name, substitute(fallback, variables))
        elif keyword == "ENV" and variables is not None:
            words = shlex.split(rest, posix=True)
            if words and "=" not in words[0]:
                variables[words[0]] = substitute(" ".join(words[1:]), variables)
            else:
                for word in words:
                    name, _equals, value = word.partition("=")
                    variables[name] = substitute(value, variables)
        elif keyword in ("COPY", "ADD"):
            sources += copy_sources(rest, variables or {})
        elif keyword == "RUN":
            sources += bind_mount_sources(rest, variables or {})
    cleaned = []
    for source in sources:
        source = os.path.normpath(source.lstrip("/") or ".")
        if source.startswith(".."):
            source = "."  # Docker keeps every source inside the context
        cleaned.append(source)
    return cleaned


def file_entry(root, rel):
    full = os.path.join(root, rel)
    if os.path.islink(full):
        content = ("symlink:" + os.readlink(full)).encode()
        executable = False
    else:
        with open(full, "rb") as handle:
            content = handle.read()
        executable = os.access(full, os.X_OK)
    return f"{rel}\0{'x' if executable else '-'}\0{hashlib.sha256(content).hexdigest()}\n"


def build_hash(context, dockerfile="Dockerfile", build_args=None):
    """Hash of what one build of CONTEXT with DOCKERFILE and BUILD_ARGS reads."""
    build_args = dict(build_args or {})
    dockerfile = os.path.normpath(dockerfile).replace(os.sep, "/")
    with open(os.path.join(context, dockerfile), encoding="utf-8") as handle:
        sources = dockerfile_sources(handle.read(), build_args)
    patterns = [pattern_regex(source) for source in sources if source != "."]
    everything = "." in sources
    rules = read_dockerignore(context)
    always = {dockerfile, ".dockerignore"}
    entries = [f"\0arg\0{name}={value}\n" for name, value in sorted(build_args.items())]
    for root, dirs, files in os.walk(context):
        rel_root = os.path.relpath(root, context)
        rel_root = "" if rel_root == "." else rel_root.replace(os.sep, "/") + "/"
        dirs.sort()
        for name in sorted(files):
            rel = rel_root + name
            if rel not in always:
                if excluded(rel, rules):
                    continue
                if not everything and not any(p.match(c) for p in patterns for c in parents_and_self(rel)):
                    continue
            entries.append(file_entry(context, rel))
    total = hashlib.sha256("".join(sorted(entries)).encode()).hexdigest()
    return {"hash": total, "files": len(entries) - len(build_args)}


def app_hashes(context, apps, dockerfile="Dockerfile"):
    """{app: build_hash(...)} for each app, built with the build argument APP=<app>."""
    if not os.path.isfile(os.path.join(context, dockerfile)):
        raise FileNotFoundError(f"{context}: no {dockerfile} in this build context")
    result = {}
    for app in apps:
        if not os.path.isdir(os.path.join(context, app)):
            raise FileNotFoundError(f"{context}: no directory {app} for the app {app}")
        result[app] = build_hash(context, dockerfile, {APP_ARG: app})
    return result


def image_refs(context, apps, dockerfile="Dockerfile", tag_length=16, registry=""):
    """{app: {"image": ..., "tag": ...}}: each app's image, tagged with the first tag_length hex digits of its hash.

    The image is the app's name, under registry (host[:port][/path]) when one is given.
    """
    if not 8 <= tag_length <= 64:
        raise ValueError(f"tag_length={tag_length}: a tag is 8 to 64 hex digits of the content hash")
    prefix = registry.rstrip("/") + "/" if registry else ""
    return {
        app: {"image": prefix + app, "tag": value["hash"][:tag_length]}
        for app, value in app_hashes(context, apps, dockerfile).items()
    }
