# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The deployed stack as data: from the services list and the deploy settings to every manifest.

build() takes the services (apps/services.yml's shape) and the settings of
the deploy (the app_deploy role's variables, without their prefix) and
returns, after checking every value it uses:

- ``problems``: every value that breaks its rule, one sentence each naming
  the variable; when there is one, nothing else is computed;
- ``services``: each service's deploy model (team, namespace, image,
  callees, configuration, database, password key);
- ``teams``: each team (services.teams()): its namespace, its group and its
  services;
- ``namespaces``: every namespace the deploy owns, the stack's own first
  (Postgres, and the Gateway with its certificate), then one per team;
- ``definitions``: every object applied, in the order applied (deletion runs
  in reverse): the Namespaces, the teams' Roles and RoleBindings, then per
  kind one object per service and Postgres's;
- ``secret`` and ``secret_keys``: the credentials Secret without values, and
  the keys it must hold (created once by sre.minikube.k8s_deploy);
- ``secret_copies``: per team with a database, the credentials Secret of
  its namespace and the keys it copies from ``secret`` (its services'
  passwords, nothing else);
- ``retired``: the services' objects as they were before each team had a
  namespace, all in the stack's (kind, name and namespace, and the owner's
  mark): what sre.minikube.k8s_deploy deletes, when it finds them, on the
  way to this layout;
- ``workloads``: what a rollout waits for, Postgres first;
- ``images``: every image reference the workloads run.

The services' own facts (names, teams, ports, who calls whom) come from the
list; each app listens where LISTEN_ADDR says, set from the same port its
container and Service get. A team's services live in the team's namespace
(services.team_namespace()); every NetworkPolicy peer names its namespace
and its pods, so a rule admits those pods of that namespace only, whichever
namespace the policy is in.
"""

from __future__ import annotations

import hashlib
import json

from ansible_collections.sre.minikube.plugins.module_utils.front_door import GATEWAY_API, LISTENERS
from ansible_collections.sre.minikube.plugins.module_utils.inputs import RULES
from ansible_collections.sre.minikube.plugins.module_utils.inputs import problems as input_problems
from ansible_collections.sre.minikube.plugins.module_utils.minikube import PRIMARY_NODE_SELECTOR
from ansible_collections.sre.minikube.plugins.module_utils.services import (
    database_name,
    quote_identifier,
    teams,
    url_variable,
    whole_number,
)
from ansible_collections.sre.minikube.plugins.module_utils.services import problems as service_problems

# The uid and gid of every service's process (the images' nonroot user).
SERVICE_UID = 65532
# The database the services with `database: true` keep their state in: one
# Postgres server, a database and a login role per such service. The
# official image's interface is used: POSTGRES_PASSWORD, PGDATA and the
# scripts of /docker-entrypoint-initdb.d.
POSTGRES = {
    "name": "postgres",
    "component": "database",
    "port": 5432,
    "port_name": "postgres",
    # The image's postgres user.
    "uid": 999,
    "init_config_map": "postgres-init",
    "data_dir": "/var/lib/postgresql/data",
}
# Local disk a container may use besides its volumes: its writable layer
# (the root file systems are read-only) and the log files the kubelet keeps
# for it (by default up to 5 files of 10 MiB). Postgres adds its /tmp.
EPHEMERAL_STORAGE = {"requests": "32Mi", "limits": "128Mi"}
POSTGRES_EPHEMERAL_STORAGE = {"requests": "64Mi", "limits": "256Mi"}
# The Secret with every database password: created once (never in a
# manifest, never printed) and kept with the data.
POSTGRES_SECRET = "postgres-credentials"
POSTGRES_SUPERUSER_KEY = "postgres-password"
# The label the API server gives every namespace, its name: what a
# NetworkPolicy peer selects a namespace by (no user can set it otherwise).
NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name"
# The cluster DNS (CoreDNS, as minikube and kubeadm label it).
DNS_NAMESPACE = "kube-system"
DNS_SELECTOR = {"k8s-app": "kube-dns"}
RESTRICTED = {
    "pod-security.kubernetes.io/enforce": "restricted",
    "pod-security.kubernetes.io/enforce-version": "latest",
    "pod-security.kubernetes.io/warn": "restricted",
    "pod-security.kubernetes.io/warn-version": "latest",
}

RBAC_API = "rbac.authorization.k8s.io"
# The Role and RoleBinding of a team in its namespace, bound to its group.
TEAM_ROLE = "team"
READ = ["get", "list", "watch"]
# What a team may do in its own namespace (docs/app_deploy.md, "Teams"):
# look at everything it runs, and roll out, restart and scale its
# Deployments. Nothing else: no Secret (not even read: its pods get their
# passwords from the kubelet), no exec, attach or port-forward into a pod (an
# exec reads the environment, which holds the database password, and a
# port-forward goes around the NetworkPolicies), no Role, RoleBinding or
# NetworkPolicy of its own, and nothing cluster-wide (a Role cannot grant
# that). The deploy stage owns the rest: its next run puts back what it
# applies.
TEAM_RULES = [
    {"apiGroups": ["apps"], "resources": ["deployments"], "verbs": READ + ["update", "patch"]},
    {"apiGroups": ["apps"], "resources": ["deployments/scale"], "verbs": ["get", "update", "patch"]},
    {"apiGroups": ["apps"], "resources": ["replicasets"], "verbs": READ},
    {
        "apiGroups": [""],
        "resources": ["pods", "pods/log", "services", "endpoints", "configmaps", "serviceaccounts", "events"],
        "verbs": READ,
    },
    {"apiGroups": ["events.k8s.io"], "resources": ["events"], "verbs": READ},
    {"apiGroups": ["discovery.k8s.io"], "resources": ["endpointslices"], "verbs": READ},
    {"apiGroups": ["policy"], "resources": ["poddisruptionbudgets"], "verbs": READ},
    {"apiGroups": ["networking.k8s.io"], "resources": ["networkpolicies", "ingresses"], "verbs": READ},
    {"apiGroups": [GATEWAY_API], "resources": ["httproutes"], "verbs": READ},
]

# The settings build() reads, each with the rule its value must follow
# (inputs.RULES) and whether it is checked only when deploying (not for a
# removal, which renders nothing new).
SETTING_RULES = [
    ("namespace", "dns_label", False, False),
    ("ingress_controller_namespace", "dns_label", False, True),
    ("ingress_host", "host_name", False, True),
    ("ingress_class", "dns_name", False, True),
    ("gateway_class", "dns_name", False, True),
    ("tls_secret", "dns_name", False, True),
    ("image_pull_secret", "dns_name", True, True),
    ("team_group_prefix", "text", True, False),
    ("cpu_request", "quantity", False, True),
    ("memory_request", "quantity", False, True),
    ("memory_limit", "quantity", False, True),
    ("postgres_image", "pinned_image", False, True),
    ("postgres_storage", "quantity", False, True),
    ("postgres_storage_class", "dns_name", True, True),
    ("postgres_cpu_request", "quantity", False, True),
    ("postgres_memory_request", "quantity", False, True),
    ("postgres_memory_limit", "quantity", False, True),
]


# How a public service is published: a Gateway with its HTTPRoutes, or an Ingress.
FRONT_DOORS = ("gateway", "ingress")


def image_ref(images, name):
    """(repository, tag) of a service from the images map; the repository defaults to the name."""
    ref = images.get(name) if isinstance(images, dict) else None
    ref = ref if isinstance(ref, dict) else {}
    tag = ref.get("tag")
    return str(ref.get("image") or name), "" if tag is None else str(tag)


def image_digest(images, name):
    """The registry digest of a service's image from the images map, or '' (an image built in the node has none)."""
    ref = images.get(name) if isinstance(images, dict) else None
    digest = ref.get("digest") if isinstance(ref, dict) else None
    return "" if digest is None else str(digest)


def problems(services, settings, prefix="app_deploy_"):
    """Every value of SERVICES and SETTINGS that breaks its rule, one sentence each naming the variable."""
    found = service_problems(services, where=f"{prefix}services", reserved=[POSTGRES["name"]])
    present = settings.get("state", "present") == "present"
    checks = [
        {"name": prefix + key, "value": settings.get(key), "rule": rule, "optional": optional}
        for key, rule, optional, deploying in SETTING_RULES
        if present or not deploying
    ]
    if settings.get("render_dir") is not None:
        checks.append({"name": f"{prefix}render_dir", "value": settings["render_dir"], "rule": "path"})
    if present and isinstance(services, list):
        for service in services:
            if not (isinstance(service, dict) and isinstance(service.get("name"), str)):
                continue
            image, tag = image_ref(settings.get("images") or {}, service["name"])
            where = f"{prefix}images[{service['name']!r}]"
            checks.append({"name": f"{where}.tag", "value": tag, "rule": "image_tag"})
            checks.append({"name": f"{where}.image", "value": image, "rule": "image_repository"})
            digest = image_digest(settings.get("images") or {}, service["name"])
            checks.append({"name": f"{where}.digest", "value": digest, "rule": "image_digest", "optional": True})
    found += input_problems(checks)
    found += namespace_problems(services, settings.get("namespace"), prefix)
    if present and settings.get("front_door") not in FRONT_DOORS:
        found.append(
            f"{prefix}front_door={settings.get('front_door')!r} must be one of {', '.join(FRONT_DOORS)}:"
            " gateway (a Gateway and HTTPRoutes) or ingress (an Ingress, for minikube's ingress addon)."
        )
    if not isinstance(settings.get("postgres_local_volume", False), bool):
        found.append(f"{prefix}postgres_local_volume={settings.get('postgres_local_volume')!r} must be true or false.")
    for key, unit in (("replicas", ""), ("wait_timeout", " (seconds)")):
        number = whole_number(settings.get(key))
        if number is None or number < 1:
            found.append(f"{prefix}{key}={settings.get(key)} must be at least 1{unit}.")
    return found


def system_namespace(name):
    """default and kube-* belong to the cluster."""
    return name == "default" or name.startswith("kube-")


def namespace_problems(services, namespace, prefix="app_deploy_"):
    """Why a team's namespace cannot be made from the list's teams and NAMESPACE, one sentence per team."""
    if not (RULES["dns_label"].allows(namespace) and isinstance(services, list)) or system_namespace(namespace):
        # Said by the checks of the namespace and of the list; a system namespace is refused as such (the role's
        # ownership check, and sre.minikube.k8s_deploy's).
        return []
    found = []
    named = [entry for entry in services if isinstance(entry, dict) and RULES["dns_label"].allows(entry.get("team"))]
    if len(named) != len(services):
        return []
    for team in teams(named, namespace):
        if not RULES["dns_label"].allows(team["namespace"]) or system_namespace(team["namespace"]):
            found.append(
                f"{prefix}services: team {team['name']}'s namespace {team['namespace']} ({prefix}namespace, '-', the"
                " team) is not a namespace the role may own: at most 63 characters, and never default or kube-*."
                f" Shorten the team's name or {prefix}namespace."
            )
    return found


class Stack:
    """The objects of one deploy, built from checked services and settings."""

    def __init__(self, services, settings):
        self.settings = settings
        self.namespace = settings["namespace"]
        self.owner_label = settings["owner_label"]
        self.owner = settings["owner"]
        self.part_of = settings["part_of"]
        self.teams = teams(services, self.namespace, settings.get("team_group_prefix") or "")
        self.namespace_of = {name: team["namespace"] for team in self.teams for name in team["services"]}
        self.services = [self.service(entry, services) for entry in services]
        self.with_database = [s for s in self.services if s["database"]]

    # -- models
    def service(self, entry, services):
        name = entry["name"]
        image, tag = image_ref(self.settings.get("images") or {}, name)
        digest = image_digest(self.settings.get("images") or {}, name)
        callees = [other for other in services if name in (other.get("callers") or [])]
        config = {
            url_variable(c["name"]): f"http://{c['name']}.{self.namespace_of[c['name']]}.svc.cluster.local"
            f":{int(c['port'])}"
            for c in callees
        }
        config.update(entry.get("env") or {})
        database = database_name(name) if entry.get("database") else ""
        egress = [{"name": c["name"], "namespace": self.namespace_of[c["name"]], "port": int(c["port"])}
                  for c in callees]  # fmt: skip
        if database:
            egress.append({"name": POSTGRES["name"], "namespace": self.namespace, "port": POSTGRES["port"]})
        return {
            "name": name,
            "team": entry["team"],
            "namespace": self.namespace_of[name],
            "component": entry["component"],
            "port": int(entry["port"]),
            "port_name": "http",
            "image": image,
            "tag": tag,
            # With a digest (an image pushed to a registry) the pods run exactly that image.
            "ref": f"{image}:{tag}@{digest}" if digest else f"{image}:{tag}",
            "public": bool(entry.get("public", False)),
            "callers": list(entry.get("callers") or []),
            "callees": [c["name"] for c in callees],
            "config": config,
            "config_map": f"{name}-config" if config else "",
            "egress": egress,
            "database": database,
            "password_key": f"{name}-password" if database else "",
        }

    @property
    def secret_keys(self):
        return [POSTGRES_SUPERUSER_KEY] + [s["password_key"] for s in self.with_database]

    @property
    def namespaces(self):
        return [self.namespace] + [team["namespace"] for team in self.teams]

    @property
    def workloads(self):
        return [{"kind": "StatefulSet", "name": POSTGRES["name"]}] + [
            {"kind": "Deployment", "name": s["name"]} for s in self.services
        ]

    @property
    def images(self):
        return [s["ref"] for s in self.services] + [self.settings["postgres_image"]]

    # -- pieces
    def pull_secrets(self):
        """The pod spec's imagePullSecrets: the registry's credentials, when the images' registry needs them."""
        name = self.settings.get("image_pull_secret") or ""
        return {"imagePullSecrets": [{"name": name}]} if name else {}

    @staticmethod
    def selector(name):
        return {"app.kubernetes.io/name": name, "app.kubernetes.io/instance": name}

    def pod_labels(self, app, version=False):
        labels = self.selector(app["name"])
        if version:
            labels["app.kubernetes.io/version"] = app["tag"]
        labels["app.kubernetes.io/component"] = app["component"]
        labels["app.kubernetes.io/part-of"] = self.part_of
        labels["app.kubernetes.io/managed-by"] = "ansible"
        return labels

    def metadata(self, name, app=None, version=False, namespace=None):
        """An object's metadata: the app's labels (or the namespace-wide ones), and the owner's mark; in NAMESPACE,
        by default the app's (Postgres's: the stack's own)."""
        labels = self.pod_labels(app, version) if app else {
            "app.kubernetes.io/part-of": self.part_of,
            "app.kubernetes.io/managed-by": "ansible",
        }  # fmt: skip
        labels[self.owner_label] = self.owner
        namespace = namespace or (app or {}).get("namespace") or self.namespace
        return {"name": name, "namespace": namespace, "labels": labels}

    @staticmethod
    def peer(name, namespace):
        """A NetworkPolicy peer: the pods of app NAME in NAMESPACE, and no others."""
        return {
            "namespaceSelector": {"matchLabels": {NAMESPACE_NAME_LABEL: namespace}},
            "podSelector": {"matchLabels": Stack.selector(name)},
        }

    @staticmethod
    def restricted_container():
        return {
            "readOnlyRootFilesystem": True,
            "allowPrivilegeEscalation": False,
            "privileged": False,
            "capabilities": {"drop": ["ALL"]},
            "seccompProfile": {"type": "RuntimeDefault"},
        }

    def secret_ref(self, key):
        return {"secretKeyRef": {"name": POSTGRES_SECRET, "key": key}}

    # -- objects
    def namespace_object(self, namespace):
        metadata = self.metadata(namespace)
        del metadata["namespace"]
        # The API server refuses pods that break the restricted Pod Security
        # Standard, so a weakened securityContext fails at apply time.
        metadata["labels"].update(RESTRICTED)
        return {"apiVersion": "v1", "kind": "Namespace", "metadata": metadata}

    def service_account(self, app):
        # No service calls the Kubernetes API: no token in its pods.
        return {
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": self.metadata(app["name"], app),
            "automountServiceAccountToken": False,
        }

    def config_map(self, app):
        return {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": self.metadata(app["config_map"], app),
            "data": dict(app["config"]),
        }

    def init_script(self):
        """Run by the image once, when it initialises an empty data directory: a login role and a database of
        its own for each service, every name a quoted identifier. The passwords come from the environment."""
        lines = [
            "#!/bin/sh",
            "set -eu",
            'psql --no-psqlrc -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres \\',
        ]
        for client in self.with_database:
            variable = client["password_key"].upper().replace("-", "_")
            lines.append(f'  --set={client["database"]}_password="${{{variable}}}" \\')
        lines.append("  <<'SQL'")
        for client in self.with_database:
            name = quote_identifier(client["database"])
            lines += [
                f"CREATE ROLE {name} LOGIN PASSWORD :'{client['database']}_password';",
                f"CREATE DATABASE {name} OWNER {name};",
                f"REVOKE ALL ON DATABASE {name} FROM PUBLIC;",
            ]
        lines += ["REVOKE CONNECT ON DATABASE postgres FROM PUBLIC;", "SQL"]
        return "".join(line + "\n" for line in lines)

    def init_config_map(self):
        return {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": self.metadata(POSTGRES["init_config_map"], POSTGRES),
            "data": {"10-service-databases.sh": self.init_script()},
        }

    def init_checksum(self):
        """The init ConfigMap's checksum, a pod template annotation: a change of the script rolls the pod.

        It hashes the ConfigMap in the YAML text earlier versions of the role
        rendered it as, so the same script keeps the same checksum and an
        upgrade does not restart the database.
        """
        labels = self.init_config_map()["metadata"]["labels"]
        text = (
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n"
            f"  name: {POSTGRES['init_config_map']}\n  namespace: {self.namespace}\n  labels:\n"
            + "".join(f"    {key}: {value}\n" for key, value in labels.items())
            + "data:\n"
            "  # Run by the image once, when it initialises an empty data directory: a\n"
            "  # login role and a database of its own for each service. The passwords\n"
            "  # come from the environment (the credentials Secret), never from here.\n"
            "  # Every name is a quoted identifier: read as written, never as a key word.\n"
            "  10-service-databases.sh: |\n" + "".join(f"    {line}\n" for line in self.init_script().splitlines())
        )
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def role(self, team):
        return {
            "apiVersion": f"{RBAC_API}/v1",
            "kind": "Role",
            "metadata": self.metadata(TEAM_ROLE, namespace=team["namespace"]),
            "rules": [{key: list(value) for key, value in rule.items()} for rule in TEAM_RULES],
        }

    def role_binding(self, team):
        # A Role of the namespace, never a ClusterRole: the group gets these
        # rights here and nowhere else.
        return {
            "apiVersion": f"{RBAC_API}/v1",
            "kind": "RoleBinding",
            "metadata": self.metadata(TEAM_ROLE, namespace=team["namespace"]),
            "roleRef": {"apiGroup": RBAC_API, "kind": "Role", "name": TEAM_ROLE},
            "subjects": [{"apiGroup": RBAC_API, "kind": "Group", "name": team["group"]}],
        }

    def network_policy(self, name, app, policy_type, rules):
        """A NetworkPolicy of the app's pods; without rules nothing of that direction is admitted."""
        spec = {"podSelector": {"matchLabels": self.selector(app["name"])}, "policyTypes": [policy_type]}
        if rules:
            spec["ingress" if policy_type == "Ingress" else "egress"] = rules
        return {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": self.metadata(name, app),
            "spec": spec,
        }

    def default_deny(self, namespace):
        # Every pod of the namespace; no ingress rule, so nothing is admitted
        # unless another policy says so.
        return {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": self.metadata("default-deny-ingress", namespace=namespace),
            "spec": {"podSelector": {}, "policyTypes": ["Ingress"]},
        }

    def ingress_policy(self, app):
        """Who may open connections to a service: its callers' pods and, when public, the ingress controller."""
        peers = []
        if app["public"]:
            namespace = self.settings["ingress_controller_namespace"]
            peers.append({"namespaceSelector": {"matchLabels": {NAMESPACE_NAME_LABEL: namespace}}})
        peers += [self.peer(caller, self.namespace_of[caller]) for caller in app["callers"]]
        rules = [{"from": peers, "ports": [{"protocol": "TCP", "port": app["port"]}]}] if peers else []
        return self.network_policy(f"{app['name']}-ingress", app, "Ingress", rules)

    def postgres_ingress_policy(self):
        peers = [self.peer(c["name"], c["namespace"]) for c in self.with_database]
        rules = [{"from": peers, "ports": [{"protocol": "TCP", "port": POSTGRES["port"]}]}] if peers else []
        return self.network_policy(f"{POSTGRES['name']}-ingress", POSTGRES, "Ingress", rules)

    def egress_policy(self, app, destinations):
        """Where the app's pods may connect: the cluster DNS, then each destination on its port."""
        rules = []
        if destinations:
            dns = {
                "namespaceSelector": {"matchLabels": {NAMESPACE_NAME_LABEL: DNS_NAMESPACE}},
                "podSelector": {"matchLabels": dict(DNS_SELECTOR)},
            }
            rules.append({"to": [dns], "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}]})
            rules += [
                {"to": [self.peer(to["name"], to["namespace"])], "ports": [{"protocol": "TCP", "port": to["port"]}]}
                for to in destinations
            ]  # fmt: skip
        return self.network_policy(f"{app['name']}-egress", app, "Egress", rules)

    def service_object(self, app):
        return {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": self.metadata(app["name"], app),
            "spec": {
                "type": "ClusterIP",
                "selector": self.selector(app["name"]),
                "ports": [
                    {"name": app["port_name"], "protocol": "TCP", "port": app["port"], "targetPort": app["port_name"]}
                ],
            },
        }

    def statefulset(self):
        pg, settings = POSTGRES, self.settings
        # Over TCP, as the services connect: the server takes connections.
        probe = {"exec": {"command": ["pg_isready", "--host=127.0.0.1", f"--port={pg['port']}", "--quiet"]}}
        # On its socket: the server process itself answers, whatever the
        # pod's network does. A network fault makes the pod unready (no
        # traffic), not restarted.
        alive = {"exec": {"command": ["pg_isready", "--host=/var/run/postgresql", f"--port={pg['port']}", "--quiet"]}}
        env = [
            # A directory below the mount point: a fresh volume may hold
            # lost+found, and initdb wants an empty directory.
            {"name": "PGDATA", "value": f"{pg['data_dir']}/pgdata"},
            {"name": "POSTGRES_PASSWORD", "valueFrom": self.secret_ref(POSTGRES_SUPERUSER_KEY)},
        ] + [
            {"name": c["password_key"].upper().replace("-", "_"), "valueFrom": self.secret_ref(c["password_key"])}
            for c in self.with_database
        ]
        claim_spec = {"accessModes": ["ReadWriteOnce"]}
        if settings.get("postgres_storage_class"):
            claim_spec["storageClassName"] = settings["postgres_storage_class"]
        claim_spec["resources"] = {"requests": {"storage": str(settings["postgres_storage"])}}
        metadata = self.metadata(pg["name"], pg)
        # kube-score's findings this object keeps, and why (docs/app_deploy.md):
        # - statefulset-has-servicename: serviceName is the ClusterIP Service
        #   the services connect to, not a headless one. One replica needs no
        #   per-pod DNS name, and Kubernetes refuses a new serviceName on an
        #   existing StatefulSet: the fix would break every existing cluster's
        #   next deploy.
        # - container-security-context-user-group-id: uid and gid 999 are the
        #   Postgres image's own postgres user (below 10000), which owns the
        #   server's files in the image.
        metadata["annotations"] = {
            "kube-score/ignore": "statefulset-has-servicename,container-security-context-user-group-id"
        }
        return {
            "apiVersion": "apps/v1",
            "kind": "StatefulSet",
            "metadata": metadata,
            "spec": {
                # One server: the services share it, and its data lives in one claim.
                "replicas": 1,
                "serviceName": pg["name"],
                "revisionHistoryLimit": 5,
                "selector": {"matchLabels": self.selector(pg["name"])},
                # The claim outlives the StatefulSet: deleting the workload never
                # deletes the data (state=absent removes it only with remove_data).
                "persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Retain", "whenScaled": "Retain"},
                "template": {
                    "metadata": {
                        "labels": self.pod_labels(pg),
                        # The init script runs once per data directory; a change of
                        # it still rolls the pod, so what runs matches what is declared.
                        "annotations": {"checksum/init": self.init_checksum()},
                    },
                    "spec": {
                        "serviceAccountName": pg["name"],
                        "automountServiceAccountToken": False,
                        "enableServiceLinks": False,
                        **self.postgres_placement(),
                        # Time for the fast shutdown of preStop to finish cleanly.
                        "terminationGracePeriodSeconds": 60,
                        "securityContext": {
                            "runAsNonRoot": True,
                            "runAsUser": pg["uid"],
                            "runAsGroup": pg["uid"],
                            "fsGroup": pg["uid"],
                            "fsGroupChangePolicy": "OnRootMismatch",
                            "seccompProfile": {"type": "RuntimeDefault"},
                        },
                        "containers": [
                            {
                                "name": pg["name"],
                                "image": str(settings["postgres_image"]),
                                "imagePullPolicy": "IfNotPresent",
                                "ports": [{"name": pg["port_name"], "containerPort": pg["port"], "protocol": "TCP"}],
                                "env": env,
                                "securityContext": {
                                    "runAsNonRoot": True,
                                    "runAsUser": pg["uid"],
                                    "runAsGroup": pg["uid"],
                                    **self.restricted_container(),
                                },
                                "resources": {
                                    "requests": {
                                        "cpu": str(settings["postgres_cpu_request"]),
                                        "memory": str(settings["postgres_memory_request"]),
                                        "ephemeral-storage": POSTGRES_EPHEMERAL_STORAGE["requests"],
                                    },
                                    "limits": {
                                        "memory": str(settings["postgres_memory_limit"]),
                                        "ephemeral-storage": POSTGRES_EPHEMERAL_STORAGE["limits"],
                                    },
                                },
                                # Ready once the server takes TCP connections: while the
                                # image initialises a new data directory it listens on its
                                # socket only.
                                "startupProbe": {**probe, "periodSeconds": 2, "timeoutSeconds": 2,
                                                 "failureThreshold": 150},
                                "livenessProbe": {**alive, "periodSeconds": 10, "timeoutSeconds": 5,
                                                  "failureThreshold": 6},
                                "readinessProbe": {**probe, "periodSeconds": 5, "timeoutSeconds": 2,
                                                   "failureThreshold": 3},
                                "lifecycle": {
                                    # SIGTERM asks Postgres for a smart shutdown, which waits
                                    # for the services' pooled connections to close: a fast
                                    # shutdown ends them and writes a checkpoint, so the next
                                    # start needs no recovery.
                                    "preStop": {"exec": {"command": [
                                        "sh", "-c",
                                        'exec pg_ctl stop --pgdata="$PGDATA" --mode=fast --wait --timeout=50',
                                    ]}},
                                },
                                "volumeMounts": [
                                    {"name": "data", "mountPath": pg["data_dir"]},
                                    {"name": "init", "mountPath": "/docker-entrypoint-initdb.d", "readOnly": True},
                                    {"name": "run", "mountPath": "/var/run/postgresql"},
                                    {"name": "tmp", "mountPath": "/tmp"},
                                ],
                            }
                        ],
                        "volumes": [
                            {"name": "init", "configMap": {"name": pg["init_config_map"], "defaultMode": 0o555}},
                            {"name": "run", "emptyDir": {"medium": "Memory", "sizeLimit": "1Mi"}},
                            {"name": "tmp", "emptyDir": {"sizeLimit": "64Mi"}},
                        ],
                    },
                },
                # No owner's mark here: Kubernetes refuses any change of a
                # StatefulSet's volumeClaimTemplates.
                "volumeClaimTemplates": [{"metadata": {"name": "data", "labels": self.pod_labels(pg)},
                                          "spec": claim_spec}],
            },
        }  # fmt: skip

    def postgres_placement(self):
        """Where Postgres's pod runs: with a node-local volume (postgres_local_volume), on the node that holds it.

        minikube's storage provisioner makes every volume a directory (hostPath, with no node affinity) of the
        node its pod runs on, the primary node, where it starts with the cluster before any other node joins.
        Started on another node, Postgres would find an empty directory there and initialise a new, empty
        database: its data does not follow the pod. So the pod is pinned to the primary node; a drain of that
        node stops at its PodDisruptionBudget (pod_disruption_budget) instead of moving it. docs/app_deploy.md.
        """
        if not self.settings.get("postgres_local_volume"):
            return {}
        return {"nodeSelector": dict(PRIMARY_NODE_SELECTOR)}

    def pod_disruption_budget(self, app, max_unavailable=1):
        # A service: one pod at a time may be evicted, whatever the replica
        # count: a drain never takes a service down, and never blocks on a
        # single replica. Postgres on a node-local volume: none, as it cannot
        # move (postgres_placement); a drain of its node waits, saying so,
        # until someone decides (docs/app_deploy.md).
        return {
            "apiVersion": "policy/v1",
            "kind": "PodDisruptionBudget",
            "metadata": self.metadata(app["name"], app),
            "spec": {"maxUnavailable": max_unavailable, "selector": {"matchLabels": self.selector(app["name"])}},
        }

    def postgres_disruption_budgets(self):
        return [self.pod_disruption_budget(POSTGRES, 0)] if self.settings.get("postgres_local_volume") else []

    def deployment(self, app):
        settings = self.settings
        uid = SERVICE_UID
        template_metadata = {"labels": self.pod_labels(app, version=True)}
        if app["config_map"]:
            # A configuration change alone rolls the pods, which read it at start.
            checksum = hashlib.sha256(json.dumps(app["config"]).encode("utf-8")).hexdigest()
            template_metadata["annotations"] = {"checksum/config": checksum}
        env = [{"name": "LISTEN_ADDR", "value": f":{app['port']}"}]
        if app["database"]:
            # Its own database and role on the shared Postgres server; the
            # password comes from the Secret and is expanded into the URL by
            # the kubelet, so no manifest holds it.
            env += [
                {"name": "DATABASE_PASSWORD", "valueFrom": self.secret_ref(app["password_key"])},
                {
                    "name": "DATABASE_URL",
                    "value": f"postgres://{app['database']}:$(DATABASE_PASSWORD)@{POSTGRES['name']}.{self.namespace}"
                    f".svc.cluster.local:{POSTGRES['port']}/{app['database']}?sslmode=disable",
                },
            ]
        container = {
            "name": app["name"],
            "image": app["ref"],
            "imagePullPolicy": "IfNotPresent",
            "ports": [{"name": app["port_name"], "containerPort": app["port"], "protocol": "TCP"}],
            "env": env,
        }
        if app["config_map"]:
            container["envFrom"] = [{"configMapRef": {"name": app["config_map"]}}]

        def http_probe(path, period, failures):
            return {
                "httpGet": {"path": path, "port": "http"},
                "periodSeconds": period,
                "timeoutSeconds": 2,
                "failureThreshold": failures,
            }

        container.update(
            {
                "securityContext": {"runAsNonRoot": True, "runAsUser": uid, "runAsGroup": uid,
                                    **self.restricted_container()},
                # No CPU limit, so an idle node's spare CPU is not throttled away.
                "resources": {
                    "requests": {"cpu": str(settings["cpu_request"]), "memory": str(settings["memory_request"]),
                                 "ephemeral-storage": EPHEMERAL_STORAGE["requests"]},
                    "limits": {"memory": str(settings["memory_limit"]),
                               "ephemeral-storage": EPHEMERAL_STORAGE["limits"]},
                },
                # Start-up and liveness ask whether the process works (/healthz),
                # readiness whether it should get traffic (/readyz).
                "startupProbe": http_probe("/healthz", 2, 30),
                "livenessProbe": http_probe("/healthz", 10, 3),
                "readinessProbe": http_probe("/readyz", 5, 3),
            }
        )  # fmt: skip
        return {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": self.metadata(app["name"], app, version=True),
            "spec": {
                "replicas": int(settings["replicas"]),
                "revisionHistoryLimit": 5,
                "progressDeadlineSeconds": int(settings["wait_timeout"]),
                "selector": {"matchLabels": self.selector(app["name"])},
                # Never below the wanted count of Ready pods during a rollout.
                "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1}},
                "template": {
                    "metadata": template_metadata,
                    "spec": {
                        "serviceAccountName": app["name"],
                        "automountServiceAccountToken": False,
                        "enableServiceLinks": False,
                        "terminationGracePeriodSeconds": 30,
                        "securityContext": {
                            "runAsNonRoot": True,
                            "runAsUser": uid,
                            "runAsGroup": uid,
                            "fsGroup": uid,
                            "seccompProfile": {"type": "RuntimeDefault"},
                        },
                        # Replicas on different nodes where there are several; a
                        # single-node cluster is one domain and takes them all. Nodes
                        # the pods cannot run on (taints) do not count as empty domains.
                        **self.pull_secrets(),
                        "topologySpreadConstraints": [
                            {
                                "maxSkew": 1,
                                "topologyKey": "kubernetes.io/hostname",
                                "whenUnsatisfiable": "DoNotSchedule",
                                "nodeTaintsPolicy": "Honor",
                                "labelSelector": {"matchLabels": self.selector(app["name"])},
                                "matchLabelKeys": ["pod-template-hash"],
                            }
                        ],
                        "containers": [container],
                    },
                },
            },
        }

    def ingress(self, app):
        backend = {"service": {"name": app["name"], "port": {"name": "http"}}}
        return {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "Ingress",
            "metadata": self.metadata(app["name"], app),
            "spec": {
                "ingressClassName": self.settings["ingress_class"],
                "rules": [
                    {
                        "host": self.settings["ingress_host"],
                        "http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": backend}]},
                    }
                ],
            },
        }

    def gateway(self, app):
        """The service's Gateway: HTTPS with the test domain's certificate, and HTTP (redirected by a route).

        It lives in the stack's namespace with the certificate's Secret (the
        private key stays out of every team's namespace, where an edited
        Deployment could mount it); each listener takes the routes of the
        service's namespace only.
        """
        host = self.settings["ingress_host"]
        listeners = []
        for name, listener in LISTENERS.items():
            entry = {"name": name, "port": listener["port"], "protocol": listener["protocol"], "hostname": host}
            if listener["protocol"] == "HTTPS":
                entry["tls"] = {
                    "mode": "Terminate",
                    "certificateRefs": [{"kind": "Secret", "name": self.settings["tls_secret"]}],
                }
            routes_from = {"matchLabels": {NAMESPACE_NAME_LABEL: app["namespace"]}}
            entry["allowedRoutes"] = {"namespaces": {"from": "Selector", "selector": routes_from}}
            listeners.append(entry)
        return {
            "apiVersion": f"{GATEWAY_API}/v1",
            "kind": "Gateway",
            "metadata": self.metadata(app["name"], app, namespace=self.namespace),
            "spec": {"gatewayClassName": self.settings["gateway_class"], "listeners": listeners},
        }

    def http_route(self, app, listener, name, rule):
        return {
            "apiVersion": f"{GATEWAY_API}/v1",
            "kind": "HTTPRoute",
            "metadata": self.metadata(name, app),
            "spec": {
                "parentRefs": [{"name": app["name"], "namespace": self.namespace, "sectionName": listener}],
                "hostnames": [self.settings["ingress_host"]],
                "rules": [rule],
            },
        }

    def routes(self, app):
        """The service's routes: HTTPS to its Service, and HTTP answered with a redirect to HTTPS."""
        backend = {"name": app["name"], "port": app["port"]}
        redirect = {"type": "RequestRedirect", "requestRedirect": {"scheme": "https", "statusCode": 301}}
        return [
            self.http_route(app, "https", app["name"], {"backendRefs": [backend]}),
            self.http_route(app, "http", f"{app['name']}-redirect", {"filters": [redirect]}),
        ]

    def published(self, app):
        """The objects that publish a public service through the front door."""
        if self.settings["front_door"] == "gateway":
            return [self.gateway(app)] + self.routes(app)
        return [self.ingress(app)]

    def secret(self, namespace=None):
        # No values: sre.minikube.k8s_deploy creates the Secret once, when it is
        # missing, with a random password per key, and never shows them.
        return {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": self.metadata(POSTGRES_SECRET, POSTGRES, namespace=namespace),
            "type": "Opaque",
        }

    def secret_copies(self):
        """Per team with a database, the Secret its pods read their passwords from: in its namespace, with its
        services' keys only (sre.minikube.k8s_deploy copies their values from the stack's Secret)."""
        copies = []
        for team in self.teams:
            keys = [s["password_key"] for s in self.with_database if s["name"] in team["services"]]
            if keys:
                copies.append({"definition": self.secret(team["namespace"]), "keys": keys})
        return copies

    def app_objects(self, app):
        """The objects of one service, in the order applied."""
        return (
            [self.service_account(app)]
            + ([self.config_map(app)] if app["config_map"] else [])
            + [self.ingress_policy(app), self.egress_policy(app, app["egress"]), self.service_object(app)]
            + [self.pod_disruption_budget(app), self.deployment(app)]
            + (self.published(app) if app["public"] else [])
        )

    def retired(self):
        """Each service's objects where the layout before the teams put them, in the stack's namespace (only those
        this layout has elsewhere): to be deleted once, when an upgraded deploy finds them."""
        mark = {self.owner_label: self.owner}
        return [
            {
                "apiVersion": obj["apiVersion"],
                "kind": obj["kind"],
                "metadata": {"name": obj["metadata"]["name"], "namespace": self.namespace, "labels": dict(mark)},
            }
            for app in self.services
            for obj in self.app_objects(app)
            if obj["metadata"]["namespace"] != self.namespace
        ]

    def definitions(self):
        """Every object, in the order applied: the namespaces and the teams' rights, then per kind one per service
        and Postgres's."""
        apps = self.services
        return (
            [self.namespace_object(namespace) for namespace in self.namespaces]
            + [obj for team in self.teams for obj in (self.role(team), self.role_binding(team))]
            + [self.service_account(a) for a in apps + [POSTGRES]]
            + [self.config_map(a) for a in apps if a["config_map"]]
            + [self.init_config_map()]
            + [self.default_deny(namespace) for namespace in self.namespaces]
            + [self.ingress_policy(a) for a in apps]
            + [self.postgres_ingress_policy()]
            + [self.egress_policy(a, a["egress"]) for a in apps]
            + [self.egress_policy(POSTGRES, [])]  # it opens no connection
            + [self.service_object(a) for a in apps + [POSTGRES]]
            + [self.statefulset()]
            + [self.pod_disruption_budget(a) for a in apps]
            + self.postgres_disruption_budgets()
            + [self.deployment(a) for a in apps]
            + [obj for a in apps if a["public"] for obj in self.published(a)]
        )


def build(services, settings, prefix="app_deploy_"):
    """The stack's model (see the module's description); only ``problems`` when a value is bad.

    settings: state, namespace, images, replicas, wait_timeout, the requests
    and limits, the Postgres (postgres_local_volume: its volume is a directory of
    minikube's primary node) and Ingress settings, team_group_prefix
    (optional), render_dir (optional), and the owner's mark (owner_label,
    owner) and part_of. prefix names the variables in the messages.
    """
    found = problems(services, settings, prefix)
    if found:
        return {"problems": found}
    stack = Stack(services, settings)
    return {
        "problems": [],
        "services": stack.services,
        "teams": stack.teams,
        "namespaces": stack.namespaces,
        "definitions": stack.definitions(),
        "secret": stack.secret(),
        "secret_keys": stack.secret_keys,
        "secret_copies": stack.secret_copies(),
        "retired": stack.retired(),
        "workloads": stack.workloads,
        "images": stack.images,
    }
