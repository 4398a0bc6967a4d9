"""The command line: the global -p/--profile, the command table and main().

Every invocation takes the state directory's lock (but `version`, which
reads nothing) and is appended to commands.log with its exit code.
"""

from __future__ import annotations

import os
import re
import sys
import time

from . import addons, cluster, images, nodes, seed, start, version
from .context import Context
from .output import DEFAULT_PROFILE, EX_PROGRAM_ERROR, EX_USAGE, Exit, UsageError, fail
from .state import State, state_root

COMMANDS = {
    "version": version.version,
    "start": start.start,
    "stop": cluster.stop,
    "delete": cluster.delete,
    "status": cluster.status,
    "profile": cluster.profile,
    "addons": addons.addons,
    "image": images.image,
    "ip": cluster.ip,
    "node": nodes.node,
    "kubectl": cluster.kubectl,
    "update-context": cluster.update_context,
    "ssh": cluster.ssh,
    # The double's own: a profile without a control plane (seed.py).
    "double-seed": seed.seed,
}
UNLOCKED = ("version",)


def split_global(argv: list[str]) -> tuple[str, list[str]]:
    """Pull -p/--profile (allowed anywhere before '--') out of argv."""
    profile = os.environ.get("MINIKUBE_PROFILE", DEFAULT_PROFILE)
    rest: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            rest += argv[i:]
            break
        if arg in ("-p", "--profile"):
            if i + 1 >= len(argv):
                raise UsageError(prog="minikube").error(f"flag needs an argument: {arg}")
            profile = argv[i + 1]
            i += 2
            continue
        if arg.startswith("--profile="):
            profile = arg.split("=", 1)[1]
        elif arg.startswith("-p") and len(arg) > 2:
            profile = arg[2:].lstrip("=")
        elif arg in ("--alsologtostderr", "--logtostderr") or arg.startswith("-v=") or arg.startswith("--v="):
            pass
        else:
            rest.append(arg)
        i += 1
    return profile, rest


def main(argv: list[str]) -> int:
    started = time.monotonic()
    state = State(state_root())
    profile = DEFAULT_PROFILE
    code = EX_PROGRAM_ERROR
    try:
        profile, rest = split_global(argv)
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", profile):
            raise fail(EX_USAGE, "MK_USAGE", f'profile name "{profile}" is not valid')
        ctx = Context(state, profile)
        if not rest or rest[0] not in COMMANDS:
            name = rest[0] if rest else ""
            sys.stderr.write(f'Error: unknown command "{name}" for "minikube"\nRun \'minikube --help\' for usage.\n')
            code = EX_USAGE
        elif rest[0] in UNLOCKED:
            code = COMMANDS[rest[0]](ctx, rest[1:])
        else:
            with state.locked():
                code = COMMANDS[rest[0]](ctx, rest[1:])
    except Exit as stop:
        code = stop.code
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        state.log(argv, profile, code, started)
    return code


def run() -> None:
    """The entry point of bin/minikube and of the one-file build."""
    sys.exit(main(sys.argv[1:]))
