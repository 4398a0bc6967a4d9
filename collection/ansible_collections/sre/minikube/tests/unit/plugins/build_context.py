# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A small build context of two apps, for the tests of the content hash's users."""

from __future__ import annotations

# The Dockerfile and one source file per app (apps "one" and "two").
FILES = {
    "Dockerfile": "FROM scratch\nARG APP\nCOPY ${APP}/ /src/\n",
    "one/main.go": "package main // one\n",
    "two/main.go": "package main // two\n",
}


def write_context(root):
    """Writes FILES under ROOT (a pathlib.Path) and returns ROOT."""
    for name, content in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(content)
    return root
