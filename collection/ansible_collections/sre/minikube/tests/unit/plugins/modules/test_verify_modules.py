# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The verify_payments module: options in, result or failure out."""

from __future__ import annotations

import pytest
from ansible_collections.sre.minikube.plugins.modules import verify_payments
from ansible_collections.sre.minikube.tests.unit.plugins.module_utils.test_verify_payments import Stack
from ansible_collections.sre.minikube.tests.unit.plugins.modules.utils import run_module

# Each service in its team's namespace, as the verify role passes them.
ARGS = {"invoice_app_namespace": "invoice-billing", "payment_provider_namespace": "invoice-payments",
        "profile": "sre-minikube"}  # fmt: skip


@pytest.fixture
def stack(monkeypatch, patched_module):
    made = Stack()
    monkeypatch.setattr(verify_payments, "HAS_KUBERNETES", True)
    monkeypatch.setattr(verify_payments, "api_client", lambda kubeconfig, context: (kubeconfig, context))
    monkeypatch.setattr(verify_payments, "Transports", lambda client, timeout, ca_file: made)
    return made


def test_verify_payments_pays_and_reports(stack):
    result, failed = run_module(verify_payments.main, ARGS)
    assert not failed
    assert result["changed"] is True
    assert result["url"] == "http://invoice-app.test"
    assert result["paid"] == ["I1 12.15 EUR", "I2 10.25 GBP", "I3 66.13 DKK"]
    assert any(line.startswith("Pod invoice-billing/invoice-app-a: ") for line in result["report"])


def test_verify_payments_check_mode_sends_no_post(stack):
    args = dict(ARGS, _ansible_check_mode=True)
    result, failed = run_module(verify_payments.main, args)
    assert not failed
    assert result["changed"] is True
    assert result["would_pay"] == ["I1", "I2", "I3"]
    assert stack.paid == set()


def test_verify_payments_failure_carries_the_report(stack):
    stack.faults["charged_twice"] = ["I3"]
    result, failed = run_module(verify_payments.main, ARGS)
    assert failed
    assert "payment-provider charged I3 2 times." in result["msg"]
    assert len([line for line in result["report"] if line.startswith("Pod ")]) == 3


def test_verify_payments_fails_when_payment_provider_is_published(stack):
    stack.faults["policies"] = []
    result, failed = run_module(verify_payments.main, ARGS)
    assert failed
    assert result["msg"].startswith(
        "payment-provider can be reached from outside: No NetworkPolicy in namespace invoice-payments"
    )
    assert result["report"][-1].startswith("Paid, and charged once each")


def test_verify_payments_reports_the_isolation(stack):
    result, failed = run_module(verify_payments.main, ARGS)
    assert not failed
    assert result["exposure"].startswith("payment-provider is internal")


# An option that reaches the API client, minikube's command line or a Host header, malformed.
REFUSED = [
    pytest.param({"namespace": "invoice\n"}, "namespace='invoice\\n' breaks the rule dns_label", id="namespace"),
    pytest.param(
        {"invoice_app_namespace": "Billing"},
        "invoice_app_namespace (or namespace)='Billing' breaks the rule dns_label",
        id="service-namespace",
    ),
    pytest.param(
        {"payment_provider_namespace": ""},
        "payment_provider_namespace (or namespace)='' breaks the rule dns_label",
        id="no-namespace-at-all",
    ),
    pytest.param({"profile": "--all"}, "profile='--all' breaks the rule minikube_profile", id="profile-flag"),
    pytest.param({"invoice_app": "invoice-app\n"}, "invoice_app='invoice-app\\n' breaks", id="service-name"),
    pytest.param({"ingress_host": "invoice-app.test\r\nX: y"}, "breaks the rule host_name", id="host-header"),
    pytest.param({"ingress_address": "fe80::1%x y"}, "ingress_address='fe80::1%x y' breaks", id="address-zone"),
    pytest.param({"tunnel_address": "127.0.0.1\n"}, "tunnel_address='127.0.0.1\\n' breaks", id="tunnel-address"),
    pytest.param({"binary": "minikube\n"}, "binary='minikube\\n' breaks", id="binary"),
]


@pytest.mark.parametrize(("overrides", "words"), REFUSED)
def test_verify_payments_refuses_malformed_options_before_any_request(stack, overrides, words):
    result, failed = run_module(verify_payments.main, {**ARGS, **overrides})
    assert failed and words in result["msg"]
    assert stack.sent == []
