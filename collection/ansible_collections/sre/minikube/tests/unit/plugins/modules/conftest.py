# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest
from ansible.module_utils import basic
from ansible_collections.sre.minikube.tests.unit.plugins.modules.utils import exit_json, fail_json


@pytest.fixture
def patched_module(monkeypatch):
    """Make exit_json and fail_json raise, so a test reads the module's result."""
    monkeypatch.setattr(basic.AnsibleModule, "exit_json", exit_json)
    monkeypatch.setattr(basic.AnsibleModule, "fail_json", fail_json)
