"""Unit tests of files/context_hash.py: what counts in the content tag."""

from __future__ import annotations

import importlib.util
import os
import pathlib

import pytest

SCRIPT = pathlib.Path(__file__).resolve().parent.parent / "files" / "context_hash.py"
spec = importlib.util.spec_from_file_location("context_hash", SCRIPT)
context_hash = importlib.util.module_from_spec(spec)
spec.loader.exec_module(context_hash)


def make_context(root: pathlib.Path, files: dict[str, str], ignore: str | None = None) -> pathlib.Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "Dockerfile").write_text("FROM scratch\n")
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    if ignore is not None:
        (root / ".dockerignore").write_text(ignore)
    return root


def digest(root: pathlib.Path) -> str:
    return context_hash.context_hash(str(root), "Dockerfile")["hash"]


@pytest.mark.parametrize(
    "ignore, path, excluded",
    [
        ("*.md", "README.md", True),
        ("*.md", "docs/README.md", False),  # '*' does not cross '/'
        ("**/*.md", "docs/README.md", True),
        ("**/*.md", "README.md", True),
        ("docs", "docs/a/b.txt", True),  # a directory match excludes its contents
        ("*.md\n!keep.md", "keep.md", False),  # exceptions
        ("!keep.md\n*.md", "keep.md", True),  # the last match wins
        ("/build/", "build/out", True),  # leading and trailing slashes are cleaned
        ("a?c", "abc", True),
        ("[a-c]x", "bx", True),
        ("[^a-c]x", "bx", False),
        ("# comment\n\n", "anything", False),
    ],
)
def test_dockerignore_rules(ignore, path, excluded, tmp_path):
    (tmp_path / ".dockerignore").write_text(ignore)
    rules = context_hash.read_dockerignore(str(tmp_path))
    assert context_hash.excluded(path, rules) is excluded


def test_same_content_same_hash_anywhere(tmp_path):
    first = make_context(tmp_path / "one", {"main.go": "package main\n"})
    second = make_context(tmp_path / "two", {"main.go": "package main\n"})
    assert digest(first) == digest(second)


@pytest.mark.parametrize(
    "change",
    [
        lambda root: (root / "main.go").write_text("package main // changed\n"),
        lambda root: (root / "Dockerfile").write_text("FROM scratch\nUSER 65532:65532\n"),
        lambda root: (root / "new.go").write_text("package main\n"),
        lambda root: (root / "main.go").rename(root / "renamed.go"),
        lambda root: os.chmod(root / "main.go", 0o755),
        lambda root: (root / ".dockerignore").write_text("*.txt\n"),
    ],
    ids=["content", "dockerfile", "new file", "rename", "executable bit", "dockerignore"],
)
def test_any_visible_change_changes_the_hash(change, tmp_path):
    root = make_context(tmp_path / "ctx", {"main.go": "package main\n"}, ignore="*.md\n")
    before = digest(root)
    change(root)
    assert digest(root) != before


def test_ignored_files_do_not_count(tmp_path):
    root = make_context(tmp_path / "ctx", {"main.go": "x\n", "NOTES.md": "a\n", ".git/HEAD": "ref\n"}, "*.md\n.git\n")
    before = digest(root)
    (root / "NOTES.md").write_text("b\n")
    (root / ".git" / "HEAD").write_text("other\n")
    assert digest(root) == before


def test_dockerfile_counts_even_when_ignored(tmp_path):
    root = make_context(tmp_path / "ctx", {"main.go": "x\n"}, "Dockerfile\n")
    before = digest(root)
    (root / "Dockerfile").write_text("FROM scratch\nCOPY main.go /\n")
    assert digest(root) != before


def test_missing_dockerfile_fails(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert context_hash.main([str(tmp_path / "empty")]) == 1
    assert "no Dockerfile" in capsys.readouterr().err
