# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""front_door: Traefik, its rights and classes, the test domain's DNS server, and every refusal."""

from __future__ import annotations

import pytest
from ansible_collections.sre.minikube.plugins.module_utils.front_door import LISTENERS, build

SETTINGS = {
    "front_door_namespace": "sre-front-door",
    "gateway_class": "sre-minikube",
    "traefik_image": "traefik:v3.6.12@sha256:" + "1" * 64,
    "dns_image": "coredns/coredns:v1.13.1",
    "domain": "test",
    "gateway_service_type": "NodePort",
    "labels": {"sre.minikube/owner": "cluster_addons"},
}


def model(**change):
    return build(dict(SETTINGS, **change))


def by_kind(found, key="definitions"):
    return {(o["kind"], o["metadata"]["name"]): o for o in found[key]}


def container(deployment):
    return deployment["spec"]["template"]["spec"]["containers"][0]


def test_every_object_is_marked_and_namespaced_objects_live_in_the_front_door_namespace():
    found = model()

    assert found["problems"] == []
    assert found["workloads"] == ["sre-front-door/traefik", "sre-front-door/dns"]
    for obj in found["definitions"] + found["cluster_definitions"]:
        assert obj["metadata"]["labels"]["sre.minikube/owner"] == "cluster_addons"
    assert found["definitions"][0]["kind"] == "Namespace"
    assert {o["metadata"].get("namespace") for o in found["definitions"][1:]} == {"sre-front-door"}
    assert all("namespace" not in o["metadata"] for o in found["cluster_definitions"])


def test_traefik_serves_the_gateway_class_on_the_listeners_entry_points_and_the_nodes_ports():
    objects = {**by_kind(model()), **by_kind(model(), "cluster_definitions")}

    assert objects[("GatewayClass", "sre-minikube")]["spec"] == {"controllerName": "traefik.io/gateway-controller"}
    traefik = container(objects[("Deployment", "traefik")])
    for listener in LISTENERS.values():
        assert f"--entryPoints.{listener['entry_point']}.address=:{listener['port']}" in traefik["args"]
        assert {"name": listener["entry_point"], "containerPort": listener["port"],
                "hostPort": listener["node_port"], "protocol": "TCP"} in traefik["ports"]  # fmt: skip
    assert "--providers.kubernetesGateway=true" in traefik["args"]
    assert traefik["image"] == SETTINGS["traefik_image"]
    assert traefik["securityContext"]["runAsNonRoot"] is True
    binding = objects[("ClusterRoleBinding", "sre-front-door-traefik")]
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "traefik", "namespace": "sre-front-door"}]


@pytest.mark.parametrize("service_type", ["NodePort", "LoadBalancer"])
def test_the_service_type_is_the_settings(service_type):
    service = by_kind(model(gateway_service_type=service_type))[("Service", "traefik")]

    assert service["spec"]["type"] == service_type
    assert [p["port"] for p in service["spec"]["ports"]] == [80, 443]


def test_the_dns_server_answers_the_domain_with_the_nodes_address_on_the_nodes_port_53():
    objects = by_kind(model(domain="example.test"))
    corefile = objects[("ConfigMap", "dns")]["data"]["Corefile"]
    dns = container(objects[("Deployment", "dns")])

    assert corefile.startswith("example.test:5353 {")
    assert 'answer "{{ .Name }} 60 IN A {$NODE_IP}"' in corefile
    assert dns["env"] == [{"name": "NODE_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.hostIP"}}}]
    assert {(p["protocol"], p.get("hostPort")) for p in dns["ports"] if p["containerPort"] == 5353} == {
        ("UDP", 53),
        ("TCP", 53),
    }
    assert dns["image"] == SETTINGS["dns_image"]


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"front_door_namespace": "Front"}, "cluster_addons_front_door_namespace='Front' breaks the rule dns_label"),
        ({"traefik_image": "traefik:latest"}, "cluster_addons_traefik_image='traefik:latest' breaks the rule"),
        ({"domain": "test\n"}, "cluster_addons_domain='test\\n' breaks the rule dns_name"),
        ({"gateway_service_type": "External"}, "cluster_addons_gateway_service_type='External' must be one of"),
        ({"gateway_class": ""}, "cluster_addons_gateway_class='' breaks the rule dns_name"),
    ],
)
def test_a_bad_setting_is_named_and_nothing_is_built(change, named):
    found = model(**change)

    assert [p for p in found["problems"] if p.startswith(named)], found["problems"]
    assert "definitions" not in found


POLICIES = [
    # (app, the ports taken from anywhere, egress rules)
    ("traefik", [("TCP", 8000), ("TCP", 8443), ("TCP", 8080)], [{}]),
    ("dns", [("UDP", 5353), ("TCP", 5353), ("TCP", 8080), ("TCP", 8181)], []),
]


@pytest.mark.parametrize(("app", "ports", "egress"), POLICIES)
def test_each_front_door_pod_takes_only_its_container_ports_and_opens_what_its_policy_says(app, ports, egress):
    objects = by_kind(model())
    policy = objects[("NetworkPolicy", app)]["spec"]
    declared = [(p["protocol"], p["containerPort"]) for p in container(objects[("Deployment", app)])["ports"]]

    assert policy["podSelector"] == {"matchLabels": {"app.kubernetes.io/name": app}}
    assert policy["policyTypes"] == ["Ingress", "Egress"]
    assert [(p["protocol"], p["port"]) for p in policy["ingress"][0]["ports"]] == ports == declared
    assert "from" not in policy["ingress"][0]
    assert policy["egress"] == egress


@pytest.mark.parametrize("app", ["traefik", "dns"])
def test_front_door_containers_bound_their_local_disk_and_probe_liveness_apart_from_readiness(app):
    found = container(by_kind(model())[("Deployment", app)])

    assert found["resources"]["requests"]["ephemeral-storage"] == "32Mi"
    assert found["resources"]["limits"]["ephemeral-storage"] == "128Mi"
    assert found["livenessProbe"] != found["readinessProbe"]
    assert {k: v for k, v in found["livenessProbe"].items() if k in ("httpGet", "tcpSocket")} != {
        k: v for k, v in found["readinessProbe"].items() if k in ("httpGet", "tcpSocket")
    }


@pytest.mark.parametrize("app", ["traefik", "dns"])
def test_the_front_door_runs_on_minikubes_primary_node(app):
    """The node whose address the host reaches, whose container publishes the ports, and whose address the DNS
    server answers with; minikube labels it, and its ingress addon pins its controller there too."""
    pod = by_kind(model())[("Deployment", app)]["spec"]["template"]["spec"]

    assert pod["nodeSelector"] == {"minikube.k8s.io/primary": "true"}
