"""What minikube prints and how it exits: '* ' lines, CloudEvents, errors, exit codes."""

from __future__ import annotations

import argparse
import json
import sys
import uuid

DEFAULT_PROFILE = "minikube"

# Exit codes (minikube's reason codes).
EX_OK = 0
EX_PROGRAM_ERROR = 1
EX_ADDON_ERROR = 10
EX_USAGE = 14
EX_INSUFFICIENT_MEMORY = 23
EX_INSUFFICIENT_CORES = 29
EX_DRIVER_UNSUPPORTED = 56
EX_DRIVER_AS_ROOT = 57
EX_DOCKER_NOT_RUNNING = 63
EX_DOCKER_NOT_FOUND = 65
EX_GUEST_ERROR = 80
EX_DRIVER_MISMATCH = 81
EX_GUEST_NOT_RUNNING = 83
EX_PROFILE_NOT_FOUND = 85
EX_K8S_OLD = 106
EX_K8S_DOWNGRADE = 106

# `minikube start --output=json` numbers its steps out of this many.
START_STEPS = 19


class Exit(Exception):
    """Stop with an exit code (the message, if any, was printed already)."""

    def __init__(self, code: int):
        super().__init__(code)
        self.code = code


class UsageError(argparse.ArgumentParser):
    """argparse that exits 14 (MK_USAGE) like minikube, not argparse's 2."""

    def error(self, message):
        # cobra names the first flag it does not know.
        if message.startswith("unrecognized arguments: "):
            message = "unknown flag: " + message.split(": ", 1)[1].split()[0].split("=", 1)[0]
        sys.stderr.write(f"Error: {message}\nSee 'minikube {self.prog.split(' ', 1)[-1]} --help' for usage.\n")
        raise Exit(EX_USAGE)


def say(text: str, stream=None) -> None:
    """Human output as minikube prints it without a TTY: '* ' prefixes."""
    (stream or sys.stdout).write(f"* {text}\n")


def event(kind: str, message: str, **extra) -> str:
    """A CloudEvents line, as minikube prints with --output=json."""
    data = {"message": message}
    data.update(extra)
    return json.dumps(
        {
            "specversion": "1.0",
            "id": str(uuid.uuid4()),
            "source": "https://minikube.sigs.k8s.io/",
            "type": f"io.k8s.sigs.minikube.{kind}",
            "datacontenttype": "application/json",
            "data": data,
        },
        separators=(",", ":"),
    )


def step(number: int, name: str, message: str) -> None:
    """A step event of `start --output=json`: the progress minikube reports."""
    sys.stdout.write(event("step", message, currentstep=str(number), name=name, totalsteps=str(START_STEPS)) + "\n")
    sys.stdout.flush()


def fail(
    code: int,
    reason: str,
    message: str,
    suggestion: str = "",
    json_output: bool = False,
    documentation: str = "",
    mark: str = "X",
) -> Exit:
    """Print minikube's 'Exiting due to' error and return the Exit to raise.

    As minikube does without a TTY: two empty lines on stdout, the reason on
    stderr (marked X, or * for the problems minikube files as provider
    advice), then the suggestion and the documentation link.
    """
    if json_output:
        extra = {"exitcode": str(code), "name": reason, "advice": suggestion, "url": documentation, "issues": ""}
        sys.stdout.write(event("error", message, **extra) + "\n")
    else:
        sys.stdout.write("\n\n")
        sys.stderr.write(f"{mark} Exiting due to {reason}: {message}\n")
        if suggestion:
            sys.stderr.write(f"* Suggestion: {suggestion}\n")
        if documentation:
            sys.stderr.write(f"* Documentation: {documentation}\n")
    return Exit(code)


def profile_not_found(profile: str, json_output: bool) -> Exit:
    start = "minikube start" if profile == DEFAULT_PROFILE else f"minikube start -p {profile}"
    lines = [
        f'Profile "{profile}" not found. Run "minikube profile list" to view all profiles.',
        f'To start a cluster, run: "{start}"',
    ]
    if json_output:
        for line in lines:
            sys.stdout.write(event("info", line) + "\n")
    else:
        sys.stdout.write(f"* {lines[0]}\n  {lines[1]}\n")
    return Exit(EX_PROFILE_NOT_FOUND)
