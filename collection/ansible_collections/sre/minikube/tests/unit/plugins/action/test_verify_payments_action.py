# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The verify_payments action plugin runs the checks on the controller only when the host is the controller, and
then answers as the module does (the stand-in stack of the module's tests)."""

from __future__ import annotations

import pytest
from ansible.module_utils import basic
from ansible_collections.sre.minikube.plugins.action import verify_payments as action_plugin
from ansible_collections.sre.minikube.plugins.modules import verify_payments as module
from ansible_collections.sre.minikube.tests.unit.plugins.action import controller_plugin
from ansible_collections.sre.minikube.tests.unit.plugins.module_utils.test_verify_payments import Stack
from ansible_collections.sre.minikube.tests.unit.plugins.modules.utils import exit_json, fail_json

ARGS = {"invoice_app_namespace": "invoice-billing", "payment_provider_namespace": "invoice-payments",
        "profile": "sre-minikube"}  # fmt: skip
MODULE_ANSWER = {"changed": False, "url": "http://elsewhere"}


@pytest.fixture
def stack(monkeypatch):
    """One stand-in stack behind the module and the action alike."""
    made = Stack()
    for where in (module, action_plugin):
        monkeypatch.setattr(where, "HAS_KUBERNETES", True)
        monkeypatch.setattr(where, "api_client", lambda kubeconfig, context: (kubeconfig, context))
        monkeypatch.setattr(where, "Transports", lambda client, timeout, ca_file: made)
    monkeypatch.setattr(basic.AnsibleModule, "exit_json", exit_json)
    monkeypatch.setattr(basic.AnsibleModule, "fail_json", fail_json)
    return made


def make_action(args, *where, **mode):
    name = "sre.minikube.verify_payments"
    return controller_plugin.make_action(action_plugin, name, args, MODULE_ANSWER, *where, **mode)


WHERE = controller_plugin.where("KUBECONFIG")


@pytest.mark.parametrize(("transport", "become", "environment", "here"), WHERE)
def test_where_the_checks_run(stack, transport, become, environment, here):
    plugin = make_action(ARGS, transport, become, environment)

    result = plugin.run(task_vars={})

    assert plugin._execute_module.called is not here
    assert result["url"] == ("http://invoice-app.test" if here else "http://elsewhere")
    assert bool(stack.paid) is here


# (options, check mode, a fault of the stand-in stack)
SAME_ANSWER = [
    pytest.param(ARGS, False, None, id="pays"),
    pytest.param(ARGS, True, None, id="check"),
    pytest.param(ARGS, False, ("charged_twice", ["I3"]), id="charged-twice"),
    pytest.param(dict(ARGS, namespace="invoice\n"), False, None, id="refused"),
]


@pytest.mark.parametrize(("args", "check", "fault"), SAME_ANSWER)
def test_the_action_answers_as_the_module(monkeypatch, args, check, fault):
    answers = []
    for by_module in (True, False):
        made = Stack()
        if fault:
            made.faults[fault[0]] = fault[1]
        for where in (module, action_plugin):
            monkeypatch.setattr(where, "HAS_KUBERNETES", True)
            monkeypatch.setattr(where, "api_client", lambda kubeconfig, context: (kubeconfig, context))
            monkeypatch.setattr(where, "Transports", lambda client, timeout, ca_file, made=made: made)
        monkeypatch.setattr(basic.AnsibleModule, "exit_json", exit_json)
        monkeypatch.setattr(basic.AnsibleModule, "fail_json", fail_json)
        if by_module:
            result = controller_plugin.module_result(module.main, dict(args, _ansible_check_mode=check))
        else:
            result = make_action(args, check=check).run(task_vars={})
        answers.append((result, sorted(made.paid), list(made.sent)))

    assert answers[0] == answers[1]
