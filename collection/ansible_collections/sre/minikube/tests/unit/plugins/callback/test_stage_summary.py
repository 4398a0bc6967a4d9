# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The run's summary: which stages count, their times, the URL and the paid invoices."""

from __future__ import annotations

import pytest
from ansible_collections.sre.minikube.plugins.callback.stage_summary import Stages, summary_lines

STAGES = ["install", "cluster", "build", "deploy", "dns", "verify", "clean"]


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


PRIVILEGES = ("Check the privileges the selected stages need", {"always"}, [{"always"}], 0.2)


def play(name, stage, ran, seconds):
    """(play name, play tags, task tags of the tasks that started, seconds the play takes)."""
    tasks = [{"always", stage}] + ([{stage}] * ran)
    return (name, {stage}, tasks, seconds)


# (plays of the run, expected (stage, seconds) in order)
RUNS = [
    pytest.param(
        [PRIVILEGES] + [play(f"P {s}", s, 2, i + 1.0) for i, s in enumerate(STAGES[:6])],
        [("install", 1.0), ("cluster", 2.0), ("build", 3.0), ("deploy", 4.0), ("dns", 5.0), ("verify", 6.0)],
        id="every-stage",
    ),
    pytest.param(
        # --tags deploy: the other plays start and run only their argument validation (tagged always).
        [PRIVILEGES] + [play(f"P {s}", s, 2 if s == "deploy" else 0, 1.5) for s in STAGES[:6]],
        [("deploy", 1.5)],
        id="tags-deploy",
    ),
    pytest.param(
        [("Some play", set(), [set()], 0.7)],
        [("Some play", 0.7)],
        id="untagged-play-by-name",
    ),
    pytest.param(
        [play("P verify", "verify", 1, 1.0), ("Fix-up", {"verify", "extra"}, [{"verify"}], 0.5)],
        [("verify", 1.5)],
        id="two-plays-of-one-stage-add-up",
    ),
    pytest.param([PRIVILEGES], [], id="nothing-but-always"),
    pytest.param([play("P dns", "dns", 1, 0.25)], [("dns", 0.25)], id="short-stage-name"),
]


@pytest.mark.parametrize(("plays", "expected"), RUNS)
def test_stage_times(plays, expected):
    clock = Clock()
    stages = Stages(STAGES, clock)
    for name, tags, tasks, seconds in plays:
        stages.play(name, tags)
        for task_tags in tasks:
            stages.task(task_tags)
        clock.now += seconds
    stages.close()
    assert [(name, round(s, 3)) for name, s in stages.ordered()] == expected


def timed(**seconds):
    stages = Stages(STAGES)
    stages.seconds = dict(seconds)
    return stages


SUMMARY = {"url": "http://invoice-app.test", "paid": ["I1 12.15 EUR", "I2 10.25 GBP"], "would_pay": []}

# (stage times, custom stats, lines expected)
SUMMARIES = [
    pytest.param(
        timed(deploy=2.04, verify=1.26),
        {"_run": {"sre_minikube_summary": SUMMARY}},
        [
            "URL:      http://invoice-app.test",
            "Paid:     I1 12.15 EUR, I2 10.25 GBP",
            "Stages:",
            "  deploy     2.0 s",
            "  verify     1.3 s",
            "  total      3.3 s",
        ],
        id="verified",
    ),
    pytest.param(
        timed(deploy=2.0),
        {},
        [
            "URL:      not checked in this run (the verify stage did not run)",
            "Stages:",
            "  deploy     2.0 s",
            "  total      2.0 s",
        ],
        id="without-verify",
    ),
    pytest.param(
        timed(deploy=2.0, verify=0.5),
        {},
        [
            "URL:      not verified: the verify stage stopped before its end (see above)",
            "Stages:",
            "  deploy     2.0 s",
            "  verify     0.5 s",
            "  total      2.5 s",
        ],
        id="verify-failed",
    ),
    pytest.param(
        timed(verify=1.0),
        {"_run": {"sre_minikube_summary": dict(SUMMARY, paid=[], would_pay=["I1", "I2"])}},
        [
            "URL:      http://invoice-app.test",
            "Paid:     none",
            "Would pay (check mode): I1, I2",
            "Stages:",
            "  verify     1.0 s",
            "  total      1.0 s",
        ],
        id="check-mode",
    ),
]


@pytest.mark.parametrize(("stages", "custom", "expected"), SUMMARIES)
def test_summary_lines(stages, custom, expected):
    assert summary_lines(stages, custom) == expected
