# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""module_utils/context_hash.py: what counts in an image's content tag, and the references it tags."""

from __future__ import annotations

import os
import pathlib
import shutil

import pytest
from ansible_collections.sre.minikube.plugins.module_utils import context_hash

# The repository's apps/ (this file is collection/ansible_collections/sre/minikube/tests/unit/plugins/module_utils/).
APPS = pathlib.Path(__file__).resolve().parents[8] / "apps"

# A context shaped like apps/: one Dockerfile, a shared module, one directory per app.
DOCKERFILE = """\
FROM scratch AS builder
ARG APP
COPY shared/go.mod /src/shared/
COPY ${APP}/go.mod ./
COPY shared/ /src/shared/
COPY ${APP}/ ./
FROM scratch
ARG APP
COPY --from=builder /src/${APP} /app
"""
FILES = {
    "Dockerfile": DOCKERFILE,
    ".dockerignore": "**/*.md\n**/*_test.go\n",
    "shared/go.mod": "module shared\n",
    "shared/lib/lib.go": "package lib\n",
    "a/go.mod": "module a\n",
    "a/main.go": "package main // a\n",
    "a/main_test.go": "package main\n",
    "a/NOTES.md": "notes\n",
    "b/go.mod": "module b\n",
    "b/main.go": "package main // b\n",
    "c/main.go": "package main // not built\n",
    "README.txt": "about the apps\n",
}


def make_tree(root: pathlib.Path, files: dict[str, str]) -> pathlib.Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    return root


def hashes(root: pathlib.Path, apps=("a", "b")) -> dict[str, str]:
    return {app: value["hash"] for app, value in context_hash.app_hashes(str(root), list(apps)).items()}


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
        ("*\n!*/go.mod", "app/go.mod", False),  # an exception inside an excluded directory
        ("*\n!*/internal/\n**/*_test.go", "app/internal/x/x_test.go", True),
        # The form apps/.dockerignore takes: everything one level down, then exceptions.
        ("*/*\n!*/go.mod", "app/go.mod", False),
        ("*/*\n!*/go.mod", "app/main.go", True),
        ("*/*\n!*/internal", "app/internal/x/0001.sql", False),
        ("*/*\n!shared/*", "shared/lib/lib.go", False),
        ("*/*", "README.md", False),
    ],
)
def test_dockerignore_rules(ignore, path, excluded, tmp_path):
    (tmp_path / ".dockerignore").write_text(ignore)
    rules = context_hash.read_dockerignore(str(tmp_path))
    assert context_hash.excluded(path, rules) is excluded


@pytest.mark.parametrize(
    "dockerfile, args, sources",
    [
        ("FROM scratch\nCOPY main.go /\n", {}, ["main.go"]),
        ("FROM scratch\nCOPY a.go b.go /src/\n", {}, ["a.go", "b.go"]),
        ("FROM scratch\nCOPY . .\n", {}, ["."]),
        ("FROM scratch\nCOPY ./src/ /src/\n", {}, ["src"]),
        ('FROM scratch\nCOPY ["with space.txt", "/dst/"]\n', {}, ["with space.txt"]),
        ("FROM scratch\nCOPY --chown=1:1 --chmod=644 x /x\n", {}, ["x"]),
        ("FROM scratch\nCOPY --from=builder /out /out\n", {}, []),
        ("FROM scratch\nADD https://example.org/f.tgz /f\nADD local.tgz /\n", {}, ["local.tgz"]),
        ("FROM scratch\nCOPY <<EOF /f\nEOF\n", {}, []),
        ("FROM scratch\nARG APP\nCOPY ${APP}/ ./\n", {"APP": "a"}, ["a"]),
        ("FROM scratch\nARG APP\nCOPY $APP/main.go ./\n", {"APP": "b"}, ["b/main.go"]),
        ("FROM scratch\nARG APP=a\nCOPY ${APP}/ ./\n", {}, ["a"]),  # the default
        ("ARG APP=a\nFROM scratch\nARG APP\nCOPY ${APP}/ ./\n", {}, ["a"]),  # a global default
        ("FROM scratch\nCOPY ${APP}/ ./\n", {"APP": "a"}, ["."]),  # not declared: empty, so the whole context
        ("FROM scratch\nARG APP\nCOPY ${APP:-a}/ ./\n", {}, ["a"]),
        ("FROM scratch\nENV DIR=src\nCOPY ${DIR}/x /x\n", {}, ["src/x"]),
        ("FROM scratch\nCOPY \\\n  # a comment inside\n  a.go \\\n  /src/\n", {}, ["a.go"]),
        ("FROM scratch\nCOPY ../outside /x\n", {}, ["."]),
        ("FROM scratch\nRUN --mount=type=bind,source=go.sum,target=/g true\n", {}, ["go.sum"]),
        ("FROM scratch\nRUN --mount=type=bind,target=/ctx true\n", {}, ["."]),
        ("FROM scratch\nRUN --mount=type=bind,from=builder,source=/x,target=/x true\n", {}, []),
        ("FROM scratch\nRUN --mount=type=cache,target=/root/.cache true\n", {}, []),
    ],
)
def test_dockerfile_sources(dockerfile, args, sources):
    assert context_hash.dockerfile_sources(dockerfile, args) == sources


def test_other_escape_character_is_refused():
    with pytest.raises(context_hash.DockerfileError, match="escape"):
        context_hash.dockerfile_sources("# escape=`\nFROM scratch\nCOPY a `\n  /a\n", {})


def test_same_sources_same_hashes_anywhere(tmp_path):
    assert hashes(make_tree(tmp_path / "one", FILES)) == hashes(make_tree(tmp_path / "two", FILES))


def test_apps_get_different_hashes(tmp_path):
    root = make_tree(tmp_path / "ctx", dict(FILES, **{"b/main.go": FILES["a/main.go"]}))
    first = hashes(root)
    assert first["a"] != first["b"]


@pytest.mark.parametrize(
    "change, changed",
    [
        (lambda root: (root / "shared/lib/lib.go").write_text("package lib // changed\n"), {"a", "b"}),
        (lambda root: (root / "shared/new.go").write_text("package shared\n"), {"a", "b"}),
        (lambda root: (root / "shared/go.mod").write_text("module shared\n\ngo 1.26\n"), {"a", "b"}),
        (lambda root: (root / "a/main.go").write_text("package main // a, changed\n"), {"a"}),
        (lambda root: (root / "b/main.go").write_text("package main // b, changed\n"), {"b"}),
        (lambda root: (root / "a/new.go").write_text("package main\n"), {"a"}),
        (lambda root: (root / "a/main.go").rename(root / "a/renamed.go"), {"a"}),
        (lambda root: os.chmod(root / "a/main.go", 0o755), {"a"}),
        (lambda root: (root / "Dockerfile").write_text(DOCKERFILE + "USER 65532:65532\n"), {"a", "b"}),
        (lambda root: (root / ".dockerignore").write_text("*.md\n"), {"a", "b"}),
        (lambda root: (root / "a/NOTES.md").write_text("other notes\n"), set()),
        (lambda root: (root / "a/main_test.go").write_text("package main // changed\n"), set()),
        (lambda root: (root / "c/main.go").write_text("package main // changed\n"), set()),
        (lambda root: (root / "README.txt").write_text("changed\n"), set()),
    ],
    ids=[
        "shared file",
        "new shared file",
        "shared go.mod",
        "a's file",
        "b's file",
        "new file of a",
        "rename in a",
        "executable bit in a",
        "dockerfile",
        "dockerignore",
        "ignored file of a",
        "test file of a",
        "directory no build copies",
        "context file no build copies",
    ],
)
def test_a_change_moves_exactly_the_hashes_of_the_builds_that_read_it(change, changed, tmp_path):
    root = make_tree(tmp_path / "ctx", FILES)
    before = hashes(root)
    change(root)
    after = hashes(root)
    assert {app for app in before if before[app] != after[app]} == changed


def test_copy_of_the_whole_context_counts_every_file(tmp_path):
    root = make_tree(tmp_path / "ctx", dict(FILES, Dockerfile="FROM scratch\nARG APP\nCOPY . /src\n"))
    before = hashes(root)
    (root / "c/main.go").write_text("package main // changed\n")
    after = hashes(root)
    assert before["a"] != after["a"] and before["b"] != after["b"]


def test_the_apps_dockerfile_reads_the_shared_module_and_its_app_only(tmp_path):
    """The real apps/: a shared package moves both tags, a service's main.go only its own."""
    root = tmp_path / "apps"
    shutil.copytree(APPS, root)
    apps = sorted(path.name for path in root.iterdir() if (path / "main.go").is_file())
    assert apps == ["invoice-app", "payment-provider"]
    shared = sorted(path for path in (root / "common").rglob("*.go") if not path.name.endswith("_test.go"))
    assert shared, "apps/common holds no Go source"
    first = hashes(root, apps)

    with shared[0].open("a") as handle:
        handle.write("// an edit of a shared package\n")
    second = hashes(root, apps)
    assert all(second[app] != first[app] for app in apps)

    with (root / apps[0] / "main.go").open("a") as handle:
        handle.write("// an edit of one service\n")
    third = hashes(root, apps)
    assert third[apps[0]] != second[apps[0]]
    assert third[apps[1]] == second[apps[1]]

    # A test file is not sent (.dockerignore), so it moves no tag.
    with next((root / apps[1]).rglob("*_test.go")).open("a") as handle:
        handle.write("// an edit of a test\n")
    assert hashes(root, apps) == third


def test_files_count_what_the_build_reads(tmp_path):
    root = make_tree(tmp_path / "ctx", FILES)
    result = context_hash.app_hashes(str(root), ["a", "b"])
    assert sorted(result) == ["a", "b"]
    # Dockerfile, .dockerignore, shared/go.mod, shared/lib/lib.go, a/go.mod, a/main.go
    assert result["a"]["files"] == 6


IMAGE_REFS = [
    # (tag length, registry, the image of app a)
    (16, "", "a"),
    (8, "registry.example:5000/team", "registry.example:5000/team/a"),
    (64, "registry.example/", "registry.example/a"),
]


@pytest.mark.parametrize(("length", "registry", "image"), IMAGE_REFS)
def test_image_refs_tag_each_app_with_its_hash(length, registry, image, tmp_path):
    root = make_tree(tmp_path / "ctx", FILES)
    refs = context_hash.image_refs(str(root), ["a", "b"], tag_length=length, registry=registry)
    full = hashes(root)
    assert refs["a"] == {"image": image, "tag": full["a"][:length]}
    assert refs["b"]["tag"] == full["b"][:length] and len(refs["b"]["tag"]) == length


@pytest.mark.parametrize("length", [7, 65, 0])
def test_image_refs_refuse_a_tag_length_outside_8_to_64(length, tmp_path):
    root = make_tree(tmp_path / "ctx", FILES)
    with pytest.raises(ValueError, match="8 to 64"):
        context_hash.image_refs(str(root), ["a"], tag_length=length)


@pytest.mark.parametrize(
    "files, apps, dockerfile, message",
    [
        ({"a/main.go": "x\n"}, ["a"], "Dockerfile", "no Dockerfile in this build context"),
        (FILES, ["a", "missing"], "Dockerfile", "no directory missing for the app missing"),
        (FILES, ["a"], "other/Dockerfile", "no other/Dockerfile"),
    ],
)
def test_missing_sources_say_what_is_missing(files, apps, dockerfile, message, tmp_path):
    root = make_tree(tmp_path / "ctx", files)
    with pytest.raises(FileNotFoundError, match=message):
        context_hash.image_refs(str(root), apps, dockerfile=dockerfile)
