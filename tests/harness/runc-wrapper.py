#!/usr/bin/python3 -I
"""OCI runtime for the test harness's dockerd: runc minus CAP_SYS_RESOURCE.

Some test machines run in a sandbox whose capability bounding set lacks
CAP_SYS_RESOURCE. `docker run --privileged` (which minikube's docker driver
always uses) asks runc for every capability, and runc fails with "unable to
apply caps: operation not permitted". This program takes the capability out
of the OCI process spec runc is about to apply, then replaces itself with
the real runc, unchanged arguments and all:

- `create` and `run` read the process from the bundle's config.json
  (--bundle/-b, default the current directory);
- `exec` reads it from the --process/-p file (without one, runc builds the
  process from its command line and the container's caps: nothing to do).

Every other command passes straight through. tests/harness/docker-up.sh
installs this file and registers it as dockerd's default runtime, only on
machines that need it.
"""

import json
import os
import shutil
import sys

DROPPED = "CAP_SYS_RESOURCE"
CAP_SETS = ("bounding", "effective", "inheritable", "permitted", "ambient")

# Where to look for runc when the caller's environment has no PATH.
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

# runc's global options that take a value (the others are flags).
GLOBAL_VALUE_OPTIONS = {"--root", "--log", "--log-format", "--criu", "--rootless"}


def real_runc():
    """The runc this wraps: RUNC_WRAPPER_REAL, else the first `runc` on PATH."""
    explicit = os.environ.get("RUNC_WRAPPER_REAL")
    if explicit:
        return explicit
    found = shutil.which("runc", path=os.environ.get("PATH") or DEFAULT_PATH)
    if not found:
        sys.exit("runc-wrapper: no runc on PATH")
    return found


def split_command(args):
    """Return (index of the subcommand, its name) or (None, None)."""
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            return None, None
        if arg.startswith("-"):
            name = arg.split("=", 1)[0]
            if name in GLOBAL_VALUE_OPTIONS and "=" not in arg:
                i += 1
            i += 1
            continue
        return i, arg
    return None, None


def option_value(args, long_name, short_name):
    """The value of a subcommand option: `--name v`, `-name v`, `-n v`, or with `=`."""
    names = (long_name, long_name[1:], short_name)
    for i, arg in enumerate(args):
        for name in names:
            if arg == name and i + 1 < len(args):
                return args[i + 1]
            if arg.startswith(name + "="):
                return arg[len(name) + 1 :]
    return None


def drop_capability(process):
    """Remove DROPPED from every capability list of an OCI process; True if changed."""
    caps = process.get("capabilities") if isinstance(process, dict) else None
    if not isinstance(caps, dict):
        return False
    changed = False
    for key in CAP_SETS:
        values = caps.get(key)
        if isinstance(values, list) and DROPPED in values:
            caps[key] = [c for c in values if c != DROPPED]
            changed = True
    return changed


def process_of_spec(spec):
    """The process of an OCI runtime spec (config.json), if it has one."""
    return spec.get("process") if isinstance(spec, dict) else None


def rewrite(path, process_of):
    """Drop the capability in the JSON file at path, in place (atomic rename)."""
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
    except (OSError, ValueError):
        return  # let runc report the problem itself
    if not drop_capability(process_of(document)):
        return
    mode = os.stat(path).st_mode & 0o7777
    partial = path + ".runc-wrapper"
    with open(partial, "w", encoding="utf-8") as handle:
        json.dump(document, handle)
    os.chmod(partial, mode)
    os.replace(partial, path)


def main():
    args = sys.argv[1:]
    index, command = split_command(args)
    if command in ("create", "run"):
        bundle = option_value(args[index + 1 :], "--bundle", "-b") or "."
        rewrite(os.path.join(bundle, "config.json"), process_of_spec)
    elif command == "exec":
        process_file = option_value(args[index + 1 :], "--process", "-p")
        if process_file:
            rewrite(process_file, lambda process: process)
    runc = real_runc()
    os.execv(runc, [runc, *args])


if __name__ == "__main__":
    main()
