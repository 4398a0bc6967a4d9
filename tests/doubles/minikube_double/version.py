"""`minikube version`, and the version the double reports.

The version is the recorded real binary's (version-json.json), unless the
double is a stamped release copy: the release mirror of the install tests
(tests/harness/release_mirror.py) publishes the one-file double once per
version, each with a release.json packed inside naming that version. The
commit is not the real release's: a fixed value derived from the version
marks the double.
"""

from __future__ import annotations

import hashlib
import json
import pkgutil
import sys

from . import recordings
from .output import EX_OK, EX_USAGE, UsageError

STAMP = "release.json"


def _stamped() -> str | None:
    try:
        data = pkgutil.get_data(__package__, STAMP)
    except OSError:
        return None
    return json.loads(data)["version"] if data else None


VERSION = _stamped() or recordings.stdout_json("version-json.json")["minikubeVersion"]
COMMIT = hashlib.sha1(b"minikube test double " + VERSION.encode()).hexdigest()


def stamp(version: str) -> bytes:
    """The release.json that makes a packed double report `version`."""
    return json.dumps({"version": version}).encode()


def version(_ctx, args: list[str]) -> int:
    parser = UsageError(prog="minikube version")
    parser.add_argument("--short", action="store_true")
    parser.add_argument("-o", "--output", default="")
    parser.add_argument("--components", action="store_true")
    opts = parser.parse_args(args)
    if opts.short:
        print(VERSION)
    elif opts.output == "json":
        print(json.dumps({"commit": COMMIT, "minikubeVersion": VERSION}, separators=(",", ":")))
    elif opts.output in ("", "yaml"):
        if opts.output == "yaml":
            print(f"commit: {COMMIT}\nminikubeVersion: {VERSION}")
        else:
            print(f"minikube version: {VERSION}\ncommit: {COMMIT}")
    else:
        sys.stderr.write(
            f"X Exiting due to MK_USAGE: error: --output must be 'text', 'yaml' or 'json' (got {opts.output})\n"
        )
        return EX_USAGE
    return EX_OK
