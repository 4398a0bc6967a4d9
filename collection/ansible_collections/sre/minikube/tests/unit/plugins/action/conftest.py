# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures of the action plugin tests."""

from __future__ import annotations

import pytest
from ansible.module_utils import basic
from ansible_collections.sre.minikube.tests.unit.plugins.modules.utils import exit_json, fail_json


@pytest.fixture
def minikube(monkeypatch, request):
    """Installs one runner for the module (AnsibleModule.run_command) and the test module's action plugin
    (its action_plugin's minikube.run) alike."""

    def install(runner):
        monkeypatch.setattr(basic.AnsibleModule, "run_command", lambda self, args, **kwargs: runner(list(args)))
        monkeypatch.setattr(request.module.action_plugin, "run", runner)
        return runner

    monkeypatch.setattr(basic.AnsibleModule, "exit_json", exit_json)
    monkeypatch.setattr(basic.AnsibleModule, "fail_json", fail_json)
    return install
