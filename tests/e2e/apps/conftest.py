"""Fixtures shared by the apps' black-box tests: built binaries, services stopped after each test, Postgres."""

from __future__ import annotations

import pytest
from apps_harness import Postgres, build_binaries, start_service


@pytest.fixture(scope="session")
def binaries(tmp_path_factory):
    return build_binaries(tmp_path_factory.mktemp("bin"))


@pytest.fixture
def services(binaries, tmp_path):
    """Start functions whose services are stopped after the test."""
    started = []

    def start(app, env=None, wait=True):
        # No drain delay unless a test asks for one: every test stops its services.
        service = start_service(binaries[app], {"DRAIN_DELAY": "0s", **(env or {})}, tmp_path, wait=wait)
        started.append(service)
        return service

    yield start
    for service in started:
        service.stop()


@pytest.fixture(scope="session")
def postgres():
    server = Postgres()
    yield server
    server.down()
