# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The real minikube's recorded answers (tests/minikube_contract/recordings), as a command runner.

The recordings live in the repository beside the collection; `make minikube-record`
writes them from the real binary. A runner answers each command line with the
recording made of exactly that command line, whatever the binary's path, so a
test fails when the wrapper asks minikube something no recording answers.
"""

from __future__ import annotations

import json
import os


def recordings_dir():
    here = os.path.dirname(os.path.abspath(__file__))
    while True:
        candidate = os.path.join(here, "tests", "minikube_contract", "recordings")
        if os.path.isdir(candidate) and os.path.isdir(os.path.join(here, "collection")):
            return candidate
        parent = os.path.dirname(here)
        if parent == here:
            raise AssertionError("tests/minikube_contract/recordings not found above the collection")
        here = parent


def load(case_id):
    with open(os.path.join(recordings_dir(), f"{case_id}.json"), encoding="utf-8") as handle:
        return json.load(handle)


class Recorded:
    """A runner that replays recordings by command line; it keeps the command lines it was given."""

    def __init__(self, *case_ids, answers=None):
        self.answers = {}
        for case_id in case_ids:
            recording = load(case_id)
            self.answers[tuple(recording["argv"])] = (recording["exit"], recording["stdout"], recording["stderr"])
        # Answers that no recording holds (exit codes minikube gives on states the contract cannot set up).
        self.answers.update(answers or {})
        self.calls = []

    def __call__(self, argv):
        self.calls.append(list(argv))
        key = tuple(argv[1:])
        if key not in self.answers:
            raise AssertionError(f"no recorded answer for {' '.join(key)}")
        return self.answers[key]


def replay(case_id):
    """A runner that answers any command line with one recording (for parsers fed another command's output)."""
    recording = load(case_id)

    def runner(argv):
        return recording["exit"], recording["stdout"], recording["stderr"]

    return runner
