"""Fixtures of the contract suite: the real binary, and a verdict table printed at the end."""

from __future__ import annotations

import collections
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import contract  # noqa: E402

_RESULTS: dict[str, dict[str, str]] = collections.defaultdict(dict)


@pytest.fixture(scope="session")
def real_minikube() -> str:
    binary = contract.real_binary()
    if not os.access(binary, os.X_OK):
        pytest.fail(f"the real minikube is not built ({binary}): run `make minikube-build`")
    return binary


@pytest.fixture
def contract_results():
    return _RESULTS


def pytest_terminal_summary(terminalreporter):
    if not _RESULTS:
        return
    terminalreporter.section("minikube contract: real binary and test double, per case")
    width = max(len(case.id) for case in contract.CASES)
    for case in contract.CASES:
        verdicts = _RESULTS.get(case.id)
        if not verdicts:
            continue
        real = verdicts.get("real", "-")
        double = verdicts.get("double", "-")
        terminalreporter.write_line(f"{case.id:<{width}}  real: {real:<8}  double: {double}")
