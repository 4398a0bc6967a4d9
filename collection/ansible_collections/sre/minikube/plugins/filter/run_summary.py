# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import time

from ansible_collections.sre.minikube.plugins.plugin_utils.summary import summary_lines, times_from_marks


def run_summary(verified, marks):
    """The summary's lines from the verify stage's result VERIFIED and the stages' start MARKS, ended now."""
    found = verified if isinstance(verified, dict) and verified.get("url") else None
    timed = times_from_marks([tuple(mark) for mark in marks or []], time.time())
    return summary_lines(found, timed, any(stage == "verify" for stage, seconds in timed))


class FilterModule:
    def filters(self):
        return {"run_summary": run_summary}
