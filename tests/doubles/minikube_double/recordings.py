"""The facts the double takes from the real binary's recordings.

The recordings (tests/minikube_contract/recordings) hold what the real
minikube answered; where the double needs one of minikube's facts (the
addon names, the version) it reads it there rather than keeping a copy.
The files it reads are listed in FILES: the one-file build of the double
(build.py) packs them, so a copy outside the repository (in a test
container, on a release mirror) needs no checkout beside it.
"""

from __future__ import annotations

import functools
import json
import os
import pkgutil

FILES = ("addons-list-json-unknown.json", "version-json.json")

# In a checkout: tests/minikube_contract/recordings, two levels above this package.
CHECKOUT = os.path.join(
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__)))), "minikube_contract", "recordings"
)


@functools.cache
def load(name: str) -> dict:
    """One recording (a case's argv, exit, stdout, stderr), packed or from the checkout."""
    if name not in FILES:
        raise ValueError(f"{name} is not among the recordings the double reads (recordings.FILES)")
    packed = None
    try:
        packed = pkgutil.get_data(__package__, f"recordings/{name}")
    except OSError:
        packed = None
    if packed is not None:
        return json.loads(packed)
    path = os.path.join(CHECKOUT, name)
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        raise SystemExit(f"minikube double: no recording at {path} and none packed in the double") from None


def stdout_json(name: str):
    """The JSON the real binary printed on stdout in that recording."""
    return json.loads(load(name)["stdout"])
