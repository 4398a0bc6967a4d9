#!/usr/bin/env python3
"""Print a content hash of Docker build contexts, as JSON.

Usage: context_hash.py [--dockerfile NAME] DIR [DIR...]

The hash covers every file Docker would send as the build context: the
files not excluded by the context's .dockerignore, plus the Dockerfile and
the .dockerignore themselves (Docker always sends those). Each file counts
by its path relative to the context, its executable bit and its content, so
the same source gives the same hash on every machine and any change to what
the build can see gives a new one.

Output: {"DIR": {"hash": "<sha256 hex>", "files": N}, ...}
"""

import hashlib
import json
import os
import re
import sys


def pattern_regex(pattern):
    """Translate one .dockerignore pattern (Go filepath.Match plus **) to a regex."""
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


def excluded(path, rules):
    """Docker's rule: the last pattern that matches the path or one of its parents wins."""
    parts = path.split("/")
    candidates = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    result = False
    for negate, regex in rules:
        if any(regex.match(candidate) for candidate in candidates):
            result = not negate
    return result


def context_hash(context, dockerfile):
    rules = read_dockerignore(context)
    always = {dockerfile, ".dockerignore"}
    can_prune = not any(negate for negate, _ in rules)
    entries = []
    for root, dirs, files in os.walk(context):
        rel_root = os.path.relpath(root, context)
        rel_root = "" if rel_root == "." else rel_root.replace(os.sep, "/") + "/"
        if can_prune:
            dirs[:] = [d for d in dirs if not excluded(rel_root + d, rules)]
        dirs.sort()
        for name in sorted(files):
            rel = rel_root + name
            if rel not in always and excluded(rel, rules):
                continue
            full = os.path.join(root, name)
            if os.path.islink(full):
                content = ("symlink:" + os.readlink(full)).encode()
                executable = False
            else:
                with open(full, "rb") as handle:
                    content = handle.read()
                executable = os.access(full, os.X_OK)
            digest = hashlib.sha256(content).hexdigest()
            entries.append(f"{rel}\0{'x' if executable else '-'}\0{digest}\n")
    total = hashlib.sha256("".join(sorted(entries)).encode()).hexdigest()
    return {"hash": total, "files": len(entries)}


def main(argv):
    dockerfile = "Dockerfile"
    if len(argv) >= 2 and argv[0] == "--dockerfile":
        dockerfile, argv = argv[1], argv[2:]
    if not argv:
        sys.stderr.write(__doc__)
        return 2
    result = {}
    for context in argv:
        if not os.path.isfile(os.path.join(context, dockerfile)):
            sys.stderr.write(f"{context}: no {dockerfile} in this build context\n")
            return 1
        result[context] = context_hash(context, dockerfile)
    json.dump(result, sys.stdout, sort_keys=True)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
