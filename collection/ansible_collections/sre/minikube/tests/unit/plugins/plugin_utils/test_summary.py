# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The summary play's filter prints the callback's lines, from the stages' start marks and verify's result."""

from __future__ import annotations

import pytest
from ansible_collections.sre.minikube.plugins.filter import run_summary as run_summary_filter
from ansible_collections.sre.minikube.plugins.plugin_utils.summary import times_from_marks


def test_each_stage_lasts_until_the_next_one_starts():
    assert times_from_marks([("install", 10.0), ("cluster", 11.5), ("deploy", 14.0)], 15.0) == [
        ("install", 1.5),
        ("cluster", 2.5),
        ("deploy", 1.0),
    ]


@pytest.mark.parametrize(
    ("verified", "marks", "expected"),
    [
        pytest.param(
            {"url": "http://invoice-app.test", "paid": ["INV-1", "INV-2"]},
            [["deploy", 100.0], ["verify", 101.0]],
            [
                "URL:      http://invoice-app.test",
                "Paid:     INV-1, INV-2",
                "Stages:",
                "  deploy     1.0 s",
                "  verify     2.0 s",
                "  total      3.0 s",
            ],
            id="verified",
        ),
        pytest.param(
            {},
            [["verify", 102.5]],
            [
                "URL:      not verified: the verify stage stopped before its end (see above)",
                "Stages:",
                "  verify     0.5 s",
                "  total      0.5 s",
            ],
            id="verify-stopped",
        ),
        pytest.param(
            {"skipped": True},
            [["build", 101.0]],
            [
                "URL:      not checked in this run (the verify stage did not run)",
                "Stages:",
                "  build     2.0 s",
                "  total     2.0 s",
            ],
            id="verify-not-selected",
        ),
    ],
)
def test_run_summary(monkeypatch, verified, marks, expected):
    monkeypatch.setattr(run_summary_filter.time, "time", lambda: 103.0)
    assert run_summary_filter.run_summary(verified, marks) == expected
