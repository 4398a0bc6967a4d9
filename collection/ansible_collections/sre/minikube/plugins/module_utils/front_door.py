# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The cluster's front door as data: the Gateway API controller and the test domain's DNS server.

build() takes the front door's settings (the cluster_addons role's
variables, without their prefix) and returns, after checking every value it
uses:

- ``problems``: every value that breaks its rule, one sentence each naming
  the variable; when there is one, nothing else is computed;
- ``cluster_definitions``: the cluster-wide objects, in the order applied:
  the controller's rights, the GatewayClass and the IngressClass;
- ``definitions``: the objects of the front door's namespace, in the order
  applied: the namespace, the service accounts, the controller (Traefik)
  and its Service, then the DNS server, then the NetworkPolicies of both;
- ``workloads``: the Deployments a rollout waits for, as namespace/name.

Traefik maps a Gateway's listener to the entry point of the same port, so
the listener ports app_deploy renders are the entry points' (LISTENERS).
The controller's pod takes the node's ports 80 and 443 (hostPort, as the
ingress addon's controller does), and the DNS server the node's port 53: the
host reaches both at the node's address. Both run on minikube's primary node
(PRIMARY_NODE_SELECTOR), the one whose address the host has. The DNS server is the cluster's
own CoreDNS image, with a Corefile whose template plugin answers every name
under the test domain with the node's address (the pod's host IP, from the
downward API).
"""

from __future__ import annotations

from ansible_collections.sre.minikube.plugins.module_utils.inputs import problems as input_problems
from ansible_collections.sre.minikube.plugins.module_utils.minikube import PRIMARY_NODE_SELECTOR

# The Gateway listeners and Traefik's entry points: name -> (entry point
# port in the pod, the node's port, the listener's protocol).
LISTENERS = {
    "http": {"entry_point": "web", "port": 8000, "node_port": 80, "protocol": "HTTP"},
    "https": {"entry_point": "websecure", "port": 8443, "node_port": 443, "protocol": "HTTPS"},
}
# Traefik's own entry point: its ping answers the probes.
PING_PORT = 8080
CONTROLLER = "traefik"
CONTROLLER_NAME = "traefik.io/gateway-controller"
INGRESS_CONTROLLER_NAME = "traefik.io/ingress-controller"
DNS = "dns"
DNS_PORT = 5353
DNS_HEALTH_PORT = 8080
DNS_READY_PORT = 8181
# The uid and gid the controller and the DNS server run as.
UID = 65532
# The front door runs on minikube's primary node (PRIMARY_NODE_SELECTOR).
# The host reaches the cluster at that node's address (`minikube ip`), the
# node's container publishes ports 80 and 443 where that address is out of
# reach, and the DNS server answers with its own node's address: on another
# node of a cluster of several, none of it would meet. minikube's ingress
# addon pins its controller the same way.
PRIVILEGED = {
    # hostPort is refused by the baseline and restricted levels; the
    # containers themselves follow the restricted profile.
    "pod-security.kubernetes.io/enforce": "privileged",
    "pod-security.kubernetes.io/warn": "restricted",
    "pod-security.kubernetes.io/warn-version": "latest",
}
GATEWAY_API = "gateway.networking.k8s.io"
# Local disk each container may use besides its volumes: the writable layer
# (read-only root file systems), the kubelet's log files and Traefik's /tmp.
EPHEMERAL_STORAGE = {"requests": "32Mi", "limits": "128Mi"}
# kube-score's checks that do not apply to the front door's objects, and why
# (docs/cluster_addons.md, "The front door"): its pods hold node ports, so
# one runs per node and the old one must stop before the new one starts.
SCORE_IGNORED = {
    "Deployment": "deployment-strategy,deployment-replicas",
    # NodePort: where no tunnel runs; the host reaches Traefik on the node's
    # ports (hostPort) either way, and minikube's `service` command takes it.
    "Service": "service-type",
}

# The settings build() reads, each with its rule (inputs.RULES).
SETTING_RULES = [
    ("front_door_namespace", "dns_label"),
    ("gateway_class", "dns_name"),
    ("traefik_image", "pinned_image"),
    ("dns_image", "image_reference"),
    ("domain", "dns_name"),
]
SERVICE_TYPES = ("NodePort", "LoadBalancer", "ClusterIP")


def problems(settings, prefix="cluster_addons_"):
    """Every value of SETTINGS that breaks its rule, one sentence each naming the variable."""
    checks = [{"name": prefix + key, "value": settings.get(key), "rule": rule} for key, rule in SETTING_RULES]
    found = input_problems(checks)
    service_type = settings.get("gateway_service_type")
    if service_type not in SERVICE_TYPES:
        found.append(
            f"{prefix}gateway_service_type={service_type!r} must be one of {', '.join(SERVICE_TYPES)}"
            " (LoadBalancer when minikube tunnel publishes the front door)."
        )
    return found


class FrontDoor:
    """The objects of the front door, built from checked settings."""

    def __init__(self, settings):
        self.settings = settings
        self.namespace = settings["front_door_namespace"]
        self.labels = dict(settings.get("labels") or {})

    def metadata(self, name, app=None, namespaced=True):
        labels = dict(self.labels)
        if app:
            labels.update({"app.kubernetes.io/name": app, "app.kubernetes.io/component": "front-door"})
        meta = {"name": name, "labels": labels}
        if namespaced:
            meta["namespace"] = self.namespace
        return meta

    @staticmethod
    def selector(app):
        return {"app.kubernetes.io/name": app}

    @staticmethod
    def container_security():
        return {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "runAsNonRoot": True,
            "runAsUser": UID,
            "runAsGroup": UID,
            "capabilities": {"drop": ["ALL"]},
            "seccompProfile": {"type": "RuntimeDefault"},
        }

    def namespace_object(self):
        meta = self.metadata(self.namespace, namespaced=False)
        meta["labels"].update(PRIVILEGED)
        return {"apiVersion": "v1", "kind": "Namespace", "metadata": meta}

    def service_account(self, app, token):
        return {
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": self.metadata(app, app),
            "automountServiceAccountToken": token,
        }

    def cluster_role_name(self):
        return f"{self.namespace}-{CONTROLLER}"

    def cluster_role(self):
        watch = ["get", "list", "watch"]
        return {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRole",
            "metadata": self.metadata(self.cluster_role_name(), CONTROLLER, namespaced=False),
            "rules": [
                {"apiGroups": [""], "resources": ["namespaces"], "verbs": ["list", "watch"]},
                {"apiGroups": [""], "resources": ["services", "secrets", "configmaps"], "verbs": watch},
                {"apiGroups": [""], "resources": ["nodes"], "verbs": ["list", "watch"]},
                {"apiGroups": ["discovery.k8s.io"], "resources": ["endpointslices"], "verbs": watch},
                {"apiGroups": ["networking.k8s.io"], "resources": ["ingresses", "ingressclasses"], "verbs": watch},
                {"apiGroups": ["networking.k8s.io"], "resources": ["ingresses/status"], "verbs": ["update"]},
                {
                    "apiGroups": [GATEWAY_API],
                    "resources": [
                        "gatewayclasses", "gateways", "httproutes", "grpcroutes", "referencegrants",
                        "backendtlspolicies",
                    ],
                    "verbs": watch,
                },
                {
                    "apiGroups": [GATEWAY_API],
                    "resources": [
                        "gatewayclasses/status", "gateways/status", "httproutes/status", "grpcroutes/status",
                        "backendtlspolicies/status",
                    ],
                    "verbs": ["update"],
                },
            ],
        }  # fmt: skip

    def cluster_role_binding(self):
        return {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRoleBinding",
            "metadata": self.metadata(self.cluster_role_name(), CONTROLLER, namespaced=False),
            "roleRef": {
                "apiGroup": "rbac.authorization.k8s.io",
                "kind": "ClusterRole",
                "name": self.cluster_role_name(),
            },
            "subjects": [{"kind": "ServiceAccount", "name": CONTROLLER, "namespace": self.namespace}],
        }

    def gateway_class(self):
        return {
            "apiVersion": f"{GATEWAY_API}/v1",
            "kind": "GatewayClass",
            "metadata": self.metadata(self.settings["gateway_class"], CONTROLLER, namespaced=False),
            "spec": {"controllerName": CONTROLLER_NAME},
        }

    def ingress_class(self):
        # Traefik also serves Ingresses of this class: one controller for both APIs.
        return {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "IngressClass",
            "metadata": self.metadata(self.settings["gateway_class"], CONTROLLER, namespaced=False),
            "spec": {"controller": INGRESS_CONTROLLER_NAME},
        }

    def traefik_args(self):
        args = [
            "--global.checkNewVersion=false",
            "--global.sendAnonymousUsage=false",
            f"--entryPoints.traefik.address=:{PING_PORT}",
            "--ping=true",
            "--providers.kubernetesGateway=true",
            "--providers.kubernetesIngress=true",
            f"--providers.kubernetesIngress.ingressClass={self.settings['gateway_class']}",
            "--log.level=INFO",
        ]
        args += [f"--entryPoints.{lis['entry_point']}.address=:{lis['port']}" for lis in LISTENERS.values()]
        return args

    @staticmethod
    def probe(path, port, period, failures):
        return {
            "httpGet": {"path": path, "port": port},
            "periodSeconds": period,
            "failureThreshold": failures,
            "timeoutSeconds": 2,
        }

    @staticmethod
    def resources(cpu, memory, memory_limit):
        return {
            "requests": {"cpu": cpu, "memory": memory, "ephemeral-storage": EPHEMERAL_STORAGE["requests"]},
            "limits": {"memory": memory_limit, "ephemeral-storage": EPHEMERAL_STORAGE["limits"]},
        }

    def deployment(self, app, container, volumes=None, token=False):
        spec = {
            "serviceAccountName": app,
            "automountServiceAccountToken": token,
            "securityContext": {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}},
            "nodeSelector": dict(PRIMARY_NODE_SELECTOR),
            "containers": [container],
        }
        if volumes:
            spec["volumes"] = volumes
        metadata = self.metadata(app, app)
        metadata["annotations"] = {"kube-score/ignore": SCORE_IGNORED["Deployment"]}
        return {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": metadata,
            "spec": {
                "replicas": 1,
                # The pod holds node ports: the old one goes before the new one starts.
                "strategy": {"type": "Recreate"},
                "selector": {"matchLabels": self.selector(app)},
                "template": {"metadata": {"labels": self.metadata(app, app)["labels"]}, "spec": spec},
            },
        }

    @staticmethod
    def traefik_ports():
        """Traefik's container ports: the entry points on the node's ports, and ping."""
        return [
            {"name": lis["entry_point"], "containerPort": lis["port"], "hostPort": lis["node_port"], "protocol": "TCP"}
            for lis in LISTENERS.values()
        ] + [{"name": "ping", "containerPort": PING_PORT, "protocol": "TCP"}]

    def traefik(self):
        container = {
            "name": CONTROLLER,
            "image": self.settings["traefik_image"],
            "args": self.traefik_args(),
            "ports": self.traefik_ports(),
            # Ready when ping answers; alive while its port takes connections.
            "readinessProbe": self.probe("/ping", "ping", 5, 3),
            "livenessProbe": {
                "tcpSocket": {"port": "ping"},
                "periodSeconds": 10,
                "failureThreshold": 6,
                "timeoutSeconds": 2,
            },
            "resources": self.resources("50m", "64Mi", "256Mi"),
            "securityContext": self.container_security(),
            "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
        }
        return self.deployment(CONTROLLER, container, [{"name": "tmp", "emptyDir": {}}], token=True)

    def traefik_service(self):
        metadata = self.metadata(CONTROLLER, CONTROLLER)
        metadata["annotations"] = {"kube-score/ignore": SCORE_IGNORED["Service"]}
        return {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": metadata,
            "spec": {
                "type": self.settings["gateway_service_type"],
                "selector": self.selector(CONTROLLER),
                "ports": [
                    {"name": lis["entry_point"], "protocol": "TCP", "port": lis["node_port"],
                     "targetPort": lis["entry_point"]}
                    for lis in LISTENERS.values()
                ],
            },
        }  # fmt: skip

    def corefile(self):
        domain = self.settings["domain"]
        return (
            f"{domain}:{DNS_PORT} {{\n"
            "    errors\n"
            f"    health :{DNS_HEALTH_PORT}\n"
            f"    ready :{DNS_READY_PORT}\n"
            f"    template IN A {domain} {{\n"
            '        answer "{{ .Name }} 60 IN A {$NODE_IP}"\n'
            "    }\n"
            f"    template ANY ANY {domain} {{\n"
            "        rcode NOERROR\n"
            "    }\n"
            "}\n"
        )

    def dns_config_map(self):
        return {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": self.metadata(DNS, DNS),
            "data": {"Corefile": self.corefile()},
        }

    @staticmethod
    def dns_ports():
        """The DNS server's container ports: DNS on the node's port 53 (UDP and TCP), health and ready."""
        return [
            {"name": f"dns-{proto.lower()}", "containerPort": DNS_PORT, "hostPort": 53, "protocol": proto}
            for proto in ("UDP", "TCP")
        ] + [
            {"name": "health", "containerPort": DNS_HEALTH_PORT, "protocol": "TCP"},
            {"name": "ready", "containerPort": DNS_READY_PORT, "protocol": "TCP"},
        ]

    def dns(self):
        container = {
            "name": DNS,
            "image": self.settings["dns_image"],
            "args": ["-conf", "/etc/coredns/Corefile"],
            "env": [{"name": "NODE_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.hostIP"}}}],
            "ports": self.dns_ports(),
            "readinessProbe": self.probe("/ready", "ready", 5, 3),
            "livenessProbe": self.probe("/health", "health", 10, 6),
            "resources": self.resources("10m", "32Mi", "128Mi"),
            "securityContext": self.container_security(),
            "volumeMounts": [{"name": "config", "mountPath": "/etc/coredns", "readOnly": True}],
        }
        volumes = [{"name": "config", "configMap": {"name": DNS}}]
        return self.deployment(DNS, container, volumes)

    def network_policy(self, app, ports, egress):
        """APP's pods take connections on PORTS (its container ports) from anywhere, and nothing else; they open
        connections as EGRESS says (a list of rules; empty: none)."""
        return {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": self.metadata(app, app),
            "spec": {
                "podSelector": {"matchLabels": self.selector(app)},
                "policyTypes": ["Ingress", "Egress"],
                "ingress": [{"ports": [{"protocol": p["protocol"], "port": p["containerPort"]} for p in ports]}],
                "egress": egress,
            },
        }

    def network_policies(self):
        return [
            # Traefik reads the API server and forwards to every public
            # service: addresses no rule can name ahead.
            self.network_policy(CONTROLLER, self.traefik_ports(), [{}]),
            # The DNS server answers from its template alone: it opens nothing.
            self.network_policy(DNS, self.dns_ports(), []),
        ]

    def cluster_definitions(self):
        return [self.cluster_role(), self.cluster_role_binding(), self.gateway_class(), self.ingress_class()]

    def definitions(self):
        return [
            self.namespace_object(),
            self.service_account(CONTROLLER, True),
            self.service_account(DNS, False),
            self.traefik(),
            self.traefik_service(),
            self.dns_config_map(),
            self.dns(),
            *self.network_policies(),
        ]


def build(settings, prefix="cluster_addons_"):
    """The front door's model (see the module's description); only ``problems`` when a value is bad.

    settings: front_door_namespace, gateway_class, traefik_image, dns_image,
    domain, gateway_service_type, and labels (put on every object).
    """
    found = problems(settings, prefix)
    if found:
        return {"problems": found}
    door = FrontDoor(settings)
    return {
        "problems": [],
        "cluster_definitions": door.cluster_definitions(),
        "definitions": door.definitions(),
        "workloads": [f"{door.namespace}/{CONTROLLER}", f"{door.namespace}/{DNS}"],
    }
