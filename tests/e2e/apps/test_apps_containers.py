"""The apps' real images, built from the unchanged apps/Dockerfile, running as non-root, read-only containers
with every capability dropped, on a Docker network of the test's own: payment-provider publishes no port, and
the pay flow goes through invoice-app's port published on 127.0.0.1."""

from __future__ import annotations

import json
import time
import uuid

import pytest
from apps_harness import APPS, build_images, docker, paid_state, request

MAX_IMAGE_BYTES = 15_000_000  # 15 MB


@pytest.fixture(scope="module")
def images():
    return build_images()


@pytest.fixture(scope="module")
def stack(images):
    """payment-provider and invoice-app on a fresh network; removed afterwards whatever happened."""
    suffix = uuid.uuid4().hex[:8]
    network = f"sre-apps-test-{suffix}"
    names = {app: f"sre-apps-test-{app}-{suffix}" for app in APPS}
    hardening = ["--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges"]
    docker("network", "create", network)
    try:
        docker(
            "run", "-d", "--name", names["payment-provider"], "--network", network,
            "--network-alias", "payment-provider", *hardening, images["payment-provider"],
        )  # fmt: skip
        docker(
            "run", "-d", "--name", names["invoice-app"], "--network", network, *hardening,
            "-e", "PAYMENT_PROVIDER_URL=http://payment-provider:8082",
            "-p", "127.0.0.1::8081", images["invoice-app"],
        )  # fmt: skip
        host_port = docker("port", names["invoice-app"], "8081/tcp").stdout.split()[0]
        assert host_port.startswith("127.0.0.1:"), host_port
        url = f"http://{host_port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if request("GET", url + "/readyz", timeout=2).status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        else:
            logs = docker("logs", names["invoice-app"], check=False)
            pytest.fail(f"invoice-app container never became ready: {logs.stdout}{logs.stderr}")
        yield {"url": url, "names": names, "network": network}
    finally:
        for name in names.values():
            docker("rm", "-f", name, check=False)
        docker("network", "rm", network, check=False)


def inspect(ref: str) -> dict:
    return json.loads(docker("inspect", ref).stdout)[0]


@pytest.mark.parametrize("app", APPS)
def test_image_runs_as_numeric_non_root_user(images, app):
    config = inspect(images[app])["Config"]
    assert config["User"] == "65532:65532"
    # One Dockerfile for every service: the binary has one path, the label names the service.
    assert config["Entrypoint"] == ["/usr/local/bin/service"]
    assert config["Labels"]["org.opencontainers.image.title"] == app


@pytest.mark.parametrize("app", APPS)
def test_image_is_at_most_15_mb(images, app):
    size = inspect(images[app])["Size"]
    assert size <= MAX_IMAGE_BYTES, f"{images[app]} is {size} bytes"


@pytest.mark.parametrize("app", APPS)
def test_image_holds_no_shell(images, app):
    # Nothing but the binary, certificates and passwd/group: no shell to exec into.
    result = docker("run", "--rm", "--entrypoint", "/bin/sh", images[app], "-c", "true", check=False)
    assert result.returncode != 0


def test_containers_are_hardened(stack):
    for app, name in stack["names"].items():
        state = inspect(name)
        host = state["HostConfig"]
        assert host["ReadonlyRootfs"] is True, app
        assert host["CapDrop"] == ["ALL"], app
        assert state["State"]["Running"] is True, app
        assert state["Config"]["User"] == "65532:65532", app
    provider = inspect(stack["names"]["payment-provider"])
    assert not provider["HostConfig"]["PortBindings"]
    assert all(not bindings for bindings in (provider["NetworkSettings"]["Ports"] or {}).values())


def test_pay_through_published_invoice_app(stack):
    url = stack["url"]
    assert paid_state(url) == {"I1": False, "I2": False, "I3": False}

    answer = request("POST", url + "/invoices/pay")

    assert answer.status == 200, answer
    assert sorted(answer.json()["paid"]) == ["I1", "I2", "I3"]
    assert paid_state(url) == {"I1": True, "I2": True, "I3": True}
    provider_logs = docker("logs", stack["names"]["payment-provider"]).stdout.splitlines()
    accepted = [json.loads(line)["invoice"] for line in provider_logs if '"payment accepted"' in line]
    assert sorted(accepted) == ["I1", "I2", "I3"]


def test_stop_is_graceful(stack):
    # Runs last in this module: docker stop sends SIGTERM; a clean shutdown exits 0.
    for name in stack["names"].values():
        start = time.monotonic()
        docker("stop", "--time", "15", name)
        assert time.monotonic() - start < 10
        assert inspect(name)["State"]["ExitCode"] == 0
