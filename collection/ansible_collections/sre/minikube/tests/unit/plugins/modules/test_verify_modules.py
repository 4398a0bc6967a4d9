# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The verify_payments and verify_exposure modules: options in, result or failure out."""

from __future__ import annotations

import pytest
from ansible_collections.sre.minikube.plugins.modules import verify_exposure, verify_payments
from ansible_collections.sre.minikube.tests.unit.plugins.module_utils.test_exposure import GOOD, IA_LABELS, PP_LABELS
from ansible_collections.sre.minikube.tests.unit.plugins.module_utils.test_verify_payments import Stack
from ansible_collections.sre.minikube.tests.unit.plugins.modules.utils import run_module


@pytest.fixture
def stack(monkeypatch, patched_module):
    made = Stack()
    monkeypatch.setattr(verify_payments, "HAS_KUBERNETES", True)
    monkeypatch.setattr(
        verify_payments, "api_client_from_kubeconfig", lambda kubeconfig, context: (kubeconfig, context)
    )
    monkeypatch.setattr(verify_payments, "Transports", lambda client, namespace, timeout: made)
    return made


def test_verify_payments_pays_and_reports(stack):
    result, failed = run_module(verify_payments.main, {"namespace": "invoice", "profile": "sre-minikube"})
    assert not failed
    assert result["changed"] is True
    assert result["url"] == "http://invoice-app.test"
    assert result["paid"] == ["I1 12.15 EUR", "I2 10.25 GBP", "I3 66.13 DKK"]
    assert any(line.startswith("Pod invoice/invoice-app-a: ") for line in result["report"])


def test_verify_payments_check_mode_sends_no_post(stack):
    args = {"namespace": "invoice", "profile": "sre-minikube", "_ansible_check_mode": True}
    result, failed = run_module(verify_payments.main, args)
    assert not failed
    assert result["changed"] is True
    assert result["would_pay"] == ["I1", "I2", "I3"]
    assert stack.paid == set()


def test_verify_payments_failure_carries_the_report(stack):
    stack.faults["charged_twice"] = ["I3"]
    result, failed = run_module(verify_payments.main, {"namespace": "invoice", "profile": "sre-minikube"})
    assert failed
    assert "payment-provider charged I3 2 times." in result["msg"]
    assert len([line for line in result["report"] if line.startswith("Pod ")]) == 3


def deployments(name):
    labels = IA_LABELS if name == "invoice-app" else PP_LABELS
    ports = [{"name": "http", "containerPort": 8082}] if name == "payment-provider" else []
    return {"spec": {"template": {"metadata": {"labels": labels}, "spec": {"containers": [{"ports": ports}]}}}}


@pytest.fixture
def objects(monkeypatch, patched_module):
    state = {"objects": dict(GOOD), "missing": set()}

    def read(client, kind, namespace=None, name=None, label_selector=None, timeout=30):
        if kind == "Deployment":
            return None if name in state["missing"] else deployments(name)
        return state["objects"][{"Ingress": "ingresses", "Service": "services", "NetworkPolicy": "policies"}[kind]]

    monkeypatch.setattr(verify_exposure, "HAS_KUBERNETES", True)
    monkeypatch.setattr(verify_exposure, "api_client_from_kubeconfig", lambda kubeconfig, context: "client")
    monkeypatch.setattr(verify_exposure, "read", read)
    return state


EXPOSURE_ARGS = {"namespace": "invoice", "service": "payment-provider", "port": 8082, "callers": ["invoice-app"]}


def test_verify_exposure_passes_as_deployed(objects):
    result, failed = run_module(verify_exposure.main, EXPOSURE_ARGS)
    assert not failed
    assert result["problems"] == []
    assert result["msg"].startswith("payment-provider is internal")


def test_verify_exposure_fails_with_every_problem(objects):
    objects["objects"]["policies"] = []
    result, failed = run_module(verify_exposure.main, EXPOSURE_ARGS)
    assert failed
    assert result["msg"].startswith(
        "payment-provider can be reached from outside: No NetworkPolicy in namespace invoice"
    )


def test_verify_exposure_names_a_missing_deployment(objects):
    objects["missing"].add("invoice-app")
    result, failed = run_module(verify_exposure.main, EXPOSURE_ARGS)
    assert failed
    assert result["msg"].startswith("Deployment invoice/invoice-app not found")
